"""Reading evaluators' Q&A files: what they write is read as they meant it, or named with the line."""
import json

import pytest

from assistant.evaluation import QAFileError, load_qa


def test_a_numeric_answer_is_read_as_its_text(tmp_path):
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps({"question": "Năm nào là năm bản lề?", "answer": 2024}) + "\n", encoding="utf-8")
    assert load_qa(path)[0].answer == "2024"


def test_a_json_array_of_questions_is_read_like_jsonl(tmp_path):
    path = tmp_path / "qa.json"
    path.write_text(json.dumps([{"question": "Câu một?", "answer": "một"},
                                {"question": "Câu hai?", "answerable": False}], ensure_ascii=False), encoding="utf-8")
    assert [(i.question, i.answerable) for i in load_qa(path)] == [("Câu một?", True), ("Câu hai?", False)]


@pytest.mark.parametrize("line, reason", [
    ('{"question": "Câu?", "answer": ["a"]}', "'answer' phải là văn bản hoặc số"),
    ('{"question": "", "answer": "a"}', "'question' phải là văn bản không rỗng"),
    ('{"question": "Câu?"}', "cần có 'answer'"),
    ("[1, 2", "không phải JSON"),
    ('"chỉ một chuỗi"', "phải là một đối tượng JSON"),
])
def test_a_malformed_question_is_named_with_its_line_and_the_reason_in_vietnamese(tmp_path, line, reason):
    path = tmp_path / "qa.jsonl"
    path.write_text('{"question": "Câu đúng?", "answer": "đúng"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(QAFileError, match=reason) as error:
        load_qa(path)
    assert "qa.jsonl" in str(error.value)


def test_the_team_s_user_questions_load_and_quote_the_report_exactly():
    from conftest import REPORT, ROOT

    items = load_qa(ROOT / "eval" / "user-questions.jsonl")
    report = " ".join((ROOT / "documents" / REPORT).read_text(encoding="utf-8").split())
    assert sum(not item.answerable for item in items) == 282
    assert all(item.answer in report for item in items if item.answerable)


def test_every_tag_of_the_bundled_question_sets_has_a_vietnamese_name_for_the_app():
    from conftest import ROOT

    from assistant.evaluation import TAG_NAMES

    tags = {tag for name in ("qa.jsonl", "user-questions.jsonl") for item in load_qa(ROOT / "eval" / name)
            for tag in item.tags}
    assert tags - set(TAG_NAMES) == set()
