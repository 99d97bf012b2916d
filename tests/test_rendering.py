"""What the app draws from an answer: highlighted words, quotes that continue, the empty library."""
import re

import pytest

from assistant.app import EMPTY_LIBRARY, Service, highlighted, question_words

TASKS_QUESTION = "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?"


def marked(html: str) -> list[str]:
    """The runs of marked words: neighbouring marks separated by a space are one run."""
    return [re.sub(r"</?mark>", "", run) for run in re.findall(r"<mark>[^<]*</mark>(?: <mark>[^<]*</mark>)*", html)]


@pytest.mark.parametrize("text", ["với tâm huyết và tâm thế mới", "Ban Thường vụ Thành ủy", "trong nhiệm kỳ tới",
                                  "đời sống xã hội"])
def test_a_syllable_of_a_question_s_compound_word_is_not_marked_inside_another_word(text):
    assert marked(highlighted(text, question_words(TASKS_QUESTION + " Đại hội"))) == []


def test_the_question_s_words_are_marked_as_whole_words():
    text = "ngành tuyên giáo tập trung thực hiện 5 nhiệm vụ trọng tâm năm 2024"
    assert marked(highlighted(text, question_words(TASKS_QUESTION))) == [
        "ngành tuyên giáo", "nhiệm vụ trọng tâm năm 2024"]


def test_a_one_syllable_word_of_the_question_is_marked_alone():
    assert marked(highlighted("Đảng bộ và Đảng viên", question_words("Đảng là gì?"))) == ["Đảng", "Đảng"]


def test_an_accent_free_question_marks_by_its_folded_words():
    assert marked(highlighted("nắm tình hình chính trị, tư tưởng", question_words("tinh hinh chinh tri"))) == [
        "tình hình chính trị"]


def test_an_empty_library_starts_and_answers_with_how_to_add_documents(tmp_path, embedder):
    service = Service(tmp_path / "documents", tmp_path / "index", embedder=embedder)
    assert service.assistant is None and service.documents() == []
    answer = service.ask(TASKS_QUESTION)
    assert answer.abstained and answer.message == EMPTY_LIBRARY and "Tài liệu" in EMPTY_LIBRARY


def test_removing_the_last_document_leaves_an_empty_library_not_the_removed_text(tmp_path, embedder):
    docs = tmp_path / "documents"
    docs.mkdir()
    (docs / "ghi-chu.txt").write_text("Ban Tổ chức tập huấn nghiệp vụ cho cán bộ cơ sở.", encoding="utf-8")
    service = Service(docs, tmp_path / "index", embedder=embedder)
    assert service.ask("tập huấn nghiệp vụ cán bộ cơ sở").quotes
    service.remove_document("ghi-chu.txt")
    status = service.reindex()
    assert status.documents == 0 and service.ask("tập huấn nghiệp vụ cán bộ cơ sở").message == EMPTY_LIBRARY
    service.restore_document(service.removed_documents()[0])
    service.reindex()
    assert service.ask("tập huấn nghiệp vụ cán bộ cơ sở").quotes


def test_a_file_that_could_not_be_indexed_is_listed_and_can_be_removed(tmp_path, embedder):
    docs = tmp_path / "documents"
    docs.mkdir()
    (docs / "ghi-chu.txt").write_text("Ban Tổ chức tập huấn nghiệp vụ cho cán bộ cơ sở.", encoding="utf-8")
    (docs / "hong.docx").write_bytes(b"PK\x03\x04 not really a docx")
    service = Service(docs, tmp_path / "index", embedder=embedder)
    assert "hong.docx" in service.skipped and service.removable() == ["ghi-chu.txt", "hong.docx"]
    service.remove_document("hong.docx")
    service.reindex()
    assert service.skipped == {} and service.removable() == ["ghi-chu.txt"]


def test_the_documents_table_shows_titles_and_vietnamese_times(tmp_path, embedder):
    from assistant.app import DOCUMENT_COLUMNS, documents_table

    docs = tmp_path / "documents"
    docs.mkdir()
    (docs / "bao-cao.md").write_text("# Báo cáo công tác năm 2024\n\nNội dung báo cáo.", encoding="utf-8")
    (docs / "rong.txt").write_bytes(b"")
    rows = documents_table(Service(docs, tmp_path / "index", embedder=embedder))
    assert [dict(zip(DOCUMENT_COLUMNS, row))["Tiêu đề"] for row in rows] == ["Báo cáo công tác năm 2024", ""]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", rows[0][4]) and rows[1][5] == "bỏ qua: tệp rỗng"
