"""The answerability judge: quote only what answers, say "not found" otherwise."""
from __future__ import annotations

import dataclasses
import json
import random

import numpy as np
import pytest

from assistant.answerability import FEATURES, Judge, can_answer, features
from assistant.questions import Text, analyse, holds_kind
from assistant.squad import perturb_question

from conftest import ROOT, assistant_over


def test_a_year_the_paragraph_writes_agrees_even_beside_another_year_of_the_same_name():
    from assistant.answerability import features

    numbers_agree = FEATURES.index("numbers_context")
    asked = analyse("Dân số Warsaw năm 1901 là bao nhiêu?")
    sentence = "Theo điều tra dân số năm 1901, thành phố có 711.988 người."
    paragraph = f"{sentence} Hầu hết đã bị phá hủy trong Cuộc nổi dậy Warsaw năm 1944."
    assert features(asked, sentence, paragraph, 0.9, 1, 1, 1)[numbers_agree] == 1.0
    # ... but a paragraph on "Chuyên đề năm 2024" that never writes 2023 does not answer the 2023 one
    asked = analyse("Chuyên đề năm 2023 có tên là gì?")
    paragraph = "Triển khai Chuyên đề năm 2024 “Học tập và làm theo tư tưởng Hồ Chí Minh”."
    assert features(asked, paragraph, paragraph, 0.9, 1, 1, 1, opening="Báo cáo năm 2023")[numbers_agree] == 0.0


_REPORT_OPENING = "Kết quả công tác dân vận năm 2023; nhấn mạnh các nhiệm vụ trọng tâm trong năm 2024."
_TASKS = "Ngành tuyên giáo tập trung thực hiện 5 nhiệm vụ trọng tâm."


@pytest.mark.parametrize("question, paragraph, agrees", [
    # the opening dates the tasks 2024: it has none of 2023 ...
    ("Có bao nhiêu nhiệm vụ trọng tâm năm 2023?", _TASKS, False),
    ("Có bao nhiêu nhiệm vụ trọng tâm năm 2024?", _TASKS, True),
    # ... though the 2023 it writes of "công tác dân vận" still holds for that
    ("Công tác dân vận năm 2023 đạt kết quả gì?", "Công tác dân vận đạt nhiều kết quả.", True),
    # a year the paragraph writes of something else does not redate the tasks ...
    ("Nhiệm vụ trọng tâm năm 2025 của ngành tuyên giáo là gì?",
     "Ngành tuyên giáo tập trung thực hiện 5 nhiệm vụ trọng tâm; kỷ niệm 50 năm Ngày Giải phóng vào năm 2025.", False),
    # ... but a paragraph that dates the tasks itself does
    ("Nhiệm vụ trọng tâm năm 2025 của ngành tuyên giáo là gì?",
     "Các nhiệm vụ trọng tâm năm 2025 gồm tổng kết nhiệm kỳ và chuẩn bị đại hội.", True),
])
def test_a_year_the_opening_dates_something_with_holds_for_it_unless_the_paragraph_dates_it_itself(
        question, paragraph, agrees):
    row = features(analyse(question), paragraph, paragraph, 0.9, 1, 1, 1, opening=_REPORT_OPENING)
    assert row[FEATURES.index("numbers_context")] == float(agrees)


@pytest.mark.parametrize("question, agrees", [
    ("Năm 2023 ngành tuyên giáo đã thực hiện chuyển đổi số ra sao?", False),  # the opening's 2023 is of "dân vận"
    ("Năm 2024 ngành tuyên giáo thực hiện chuyển đổi số thế nào?", True),  # the report is set in 2024
])
def test_a_year_opening_the_question_holds_through_the_opening_only_when_all_of_the_document_is_set_then(
        question, agrees):
    paragraph = "Tập trung thực hiện chuyển đổi số trong công tác tuyên giáo."
    row = features(analyse(question), paragraph, paragraph, 0.9, 1, 1, 1, opening=_REPORT_OPENING,
                   setting=frozenset({"2024"}))  # the report's ``setting_dates``
    assert row[FEATURES.index("numbers_context")] == float(agrees)


def test_a_title_asked_about_must_be_held_whatever_other_names_the_question_writes():
    from assistant.answerability import features

    names_agree = FEATURES.index("names_context")
    # "Chủ tịch nước" is the title "Chủ tịch" (not "Chủ", which "chủ động" holds) with what it heads
    asked = analyse("Ai là Chủ tịch nước?")
    assert asked.offices == (("chu", "tich", "nuoc"),)
    sentence = "Hoesung Lee là chủ tịch của IPCC kể từ năm 2015."
    assert features(asked, sentence, sentence, 0.9, 1, 1, 1)[names_agree] == 0.0
    # titles one after another are one title: "Phó Chủ tịch nước", not the "Phó chủ tịch" of IPCC
    asked = analyse("Ai là Phó Chủ tịch nước?")
    assert asked.offices == (("pho", "chu", "tich", "nuoc"),)
    sentence = "IPCC đã được lãnh đạo bởi Phó chủ tịch Ismail El Gizouli."
    assert features(asked, sentence, sentence, 0.9, 1, 1, 1)[names_agree] == 0.0
    asked = analyse("Giám đốc Sở Thông tin và Truyền thông là ai?")
    sentence = "Ban Tuyên giáo phối hợp truyền thông với các cơ quan báo chí."
    assert features(asked, sentence, sentence, 0.9, 1, 1, 1)[names_agree] == 0.0
    sentence = "Giám đốc Sở Thông tin và Truyền thông Lâm Đình Thắng cho biết."
    assert features(asked, sentence, sentence, 0.9, 1, 1, 1)[names_agree] == 1.0


def test_the_year_a_report_is_set_in_answers_no_when_question_though_glue_of_the_question_stands_before_it():
    asked = analyse("Đại hội XIV của Đảng dự kiến diễn ra vào tháng mấy?")
    setting = frozenset({"2024"})  # the report's year (``setting_dates``)
    sentence = "Bước vào năm 2024, chuẩn bị tiến tới Đại hội XIV của Đảng."  # "vào" is the question's too
    assert can_answer([features(asked, sentence, sentence, 0.9, 1.0, 1.0, 1.0, setting=setting)])[0] == 0.0
    sentence = "Đại hội XIV của Đảng diễn ra vào tháng 1 năm 2026."
    assert can_answer([features(asked, sentence, sentence, 0.9, 1.0, 1.0, 1.0, setting=setting)])[0] == 1.0


def test_who_is_answered_by_a_name_in_the_clause_about_what_is_asked_not_inside_a_title():
    kind_in_sentence = FEATURES.index("kind_sentence")
    asked = analyse("Ai là tác giả của Chuyên đề năm 2024?")
    sentence = ("Thực hiện Kết luận 01 của Bộ Chính trị; triển khai Chuyên đề năm 2024 “Học tập và làm theo "
                "phong cách Hồ Chí Minh về thực hành dân chủ; thu hút nguồn nhân lực”.")
    assert not holds_kind(Text.of(sentence), asked)  # the body is Kết luận 01's, the name the title's
    # read as a clause of its sentence, as a long sentence's units are
    clause = sentence.split("; triển khai")[0]
    assert features(asked, clause, sentence, 0.9, 1, 1, 1)[kind_in_sentence] == 0.0
    written = "Chuyên đề năm 2024 do Ban Tuyên giáo Trung ương biên soạn."
    assert holds_kind(Text.of(written), asked)


def test_a_sentence_that_cannot_hold_the_answer_gets_no_probability_whatever_its_weights():
    judge = Judge(tuple([5.0] * len(FEATURES)), 5.0, 0.5)
    row = dict(zip(FEATURES, [0.9, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1]))
    assert judge.probability([list(row.values())])[0] > 0.99
    for change in ({"kind_sentence": 0}, {"names_context": 0}, {"numbers_context": 0.5}, {"period_agrees": 0}):
        assert judge.probability([list({**row, **change}.values())])[0] == 0.0
    assert can_answer(np.array([list({**row, "typed": 0, "kind_sentence": 0}.values())]))[0] == 1.0


def test_the_shipped_judge_loads_and_names_its_training_data():
    judge = Judge.load()
    assert 0.0 < judge.threshold < judge.confident < 1.0 and len(judge.weights) == len(FEATURES)


@pytest.mark.slow
def test_the_shipped_judge_is_what_fit_judge_gives_from_the_repository(embedder):
    from assistant.cli import parser
    from assistant.training import fit_judge

    # the files and seed ``assistant fit-judge`` uses by default, from the repository's root
    args = parser().parse_args(["fit-judge"])
    judge, _ = fit_judge([ROOT / f for f in args.benchmarks], embedder, seed=args.seed)
    shipped = Judge.load()
    assert judge.weights == pytest.approx(shipped.weights, abs=1e-6)
    assert (judge.bias, judge.threshold, judge.confident) == pytest.approx(
        (shipped.bias, shipped.threshold, shipped.confident), abs=1e-6)


def test_a_judge_written_to_json_loads_back_with_both_thresholds(tmp_path):
    judge = Judge(tuple(float(n) for n in range(len(FEATURES))), -2.5, 0.2, 0.4)
    (tmp_path / "judge.json").write_text(judge.to_json({"fitted_on": ["x.json"]}), encoding="utf-8")
    assert Judge.load(tmp_path / "judge.json") == judge
    # One fitted before the caution existed loads with no answer marked weak.
    record = json.loads((tmp_path / "judge.json").read_text(encoding="utf-8"))
    del record["confident"]
    (tmp_path / "old.json").write_text(json.dumps(record), encoding="utf-8")
    assert Judge.load(tmp_path / "old.json").confident == judge.threshold


def test_an_answer_the_judge_only_just_accepts_comes_with_the_fixed_caution(report_assistant):
    from assistant import Assistant
    from assistant.app import answer_html, literal
    from assistant.config import WEAK_MATCH

    question = "Ai là Trưởng Ban Tuyên giáo Thành ủy TPHCM?"
    sure = report_assistant.ask(question)
    assert not sure.abstained and not sure.weak and WEAK_MATCH not in sure.render()
    # The same sentences and probabilities, judged by a judge confident only of certainties.
    doubting = dataclasses.replace(report_assistant.judge, confident=1.0)
    weak = Assistant(report_assistant.data, report_assistant.embedder, judge=doubting).ask(question)
    assert weak.weak and not weak.abstained and weak.quotes == sure.quotes
    assert weak.render().startswith(WEAK_MATCH) and weak.to_dict()["weak"] is True
    assert literal(WEAK_MATCH) in answer_html(weak, report_assistant.data)  # as the chat shows it
    assert literal(WEAK_MATCH) not in answer_html(sure, report_assistant.data)


def test_an_answer_whose_first_quote_the_judge_does_not_accept_comes_with_the_caution(report_assistant):
    from assistant import Assistant
    from assistant.answerability import candidate_rows, holds_every_name

    # The report's sentence on the Chuyên đề is quoted first for its retrieval score, and writes no
    # other year; the sentence the judge accepts ("… vào năm 2025") dates something else.
    question = "Chuyên đề năm 2024 được triển khai đến hết năm nào?"
    judge = report_assistant.judge
    retrieval = report_assistant.retriever.retrieve(question)
    rows = candidate_rows(question, retrieval, report_assistant.data)
    probability = judge.probability(rows) * holds_every_name(rows)
    first = report_assistant.ask(question).quotes[0]
    judged = [report_assistant.data.chunks[u.chunk] for u in retrieval.units[:len(rows)]]
    read_first = next(n for n, (u, chunk) in enumerate(zip(retrieval.units, judged))
                      if chunk.unit_text(chunk.units[u.unit]) in first.text)
    assert probability.max() >= judge.threshold > probability[read_first]
    # Even a judge that marks no best sentence weak cautions about such an answer.
    trusting = dataclasses.replace(judge, confident=judge.threshold)
    answer = Assistant(report_assistant.data, report_assistant.embedder, judge=trusting).ask(question)
    assert not answer.abstained and answer.weak


def test_a_perturbed_question_asks_for_a_number_or_name_the_corpus_never_writes():
    corpus = "Sinh viên được đăng ký tối đa 24 tín chỉ trong học kỳ 2. Ông Tesla làm việc cho Edison."
    rng = random.Random(0)
    changed = perturb_question("Học kỳ 2 được đăng ký bao nhiêu tín chỉ?", corpus, rng)
    assert changed != "Học kỳ 2 được đăng ký bao nhiêu tín chỉ?" and "học kỳ" in changed.lower()
    assert not any(word in corpus for word in changed.split() if word.isdigit())
    renamed = perturb_question("Tesla làm việc cho Edison ở đâu?", corpus, rng)
    assert "Edison" not in renamed
    assert perturb_question("Sinh viên cần làm gì?", corpus, rng) is None


@pytest.mark.parametrize("question", [
    "Ngân sách quốc phòng năm 2024 là bao nhiêu?",
    "Số đảng viên mới kết nạp năm 2023 là bao nhiêu?",
    "Thành phố có bao nhiêu quận huyện?",
    "Kinh phí cho chuyển đổi số là bao nhiêu?",
    "Phó trưởng Ban Tuyên giáo Thành ủy TPHCM là ai?",
    "Kết luận 14 của Bộ Chính trị được ban hành ngày nào?",
    "Chuyên đề năm 2023 có tên là gì?",
    "Ngan sach quoc phong nam 2024 la bao nhieu?",
    "Chủ đề năm 2024 của Đảng bộ thành phố là gì?",  # mentioned, never stated
    "Ai là Chủ tịch nước?",
    "Ai là Chủ tịch UBND TPHCM?",
    "Giám đốc Sở Thông tin và Truyền thông là ai?",
    "Dân số TPHCM là bao nhiêu?",
    "Ai là Bộ trưởng Bộ Thông tin và Truyền thông?",
    "Ai la Chu tich nuoc?",
    "ai la chanh van phong thanh uy tphcm?",  # typed in lower case without diacritics
    "thu tuong chinh phu la ai?",
    "Quy định 114 được ban hành năm nào?",  # the report is set in 2024; it dates a term of office, not this
    "ban dan van thanh uy lam gi trong nam 2024?",  # a body the report never names, typed in lower case
    "hoi dong nhan dan thanh pho da lam gi?",
    "Lễ tổng kết 40 năm đổi mới được tổ chức ở đâu?",  # the report names the event, never where it is held
    "Chuyển đổi số trong công tác tuyên giáo kéo dài bao lâu?",  # the report says it is done, not for how long
])
def test_questions_on_the_reports_topics_that_it_does_not_answer_get_not_found(report_assistant, question):
    answer = report_assistant.ask(question)
    assert answer.abstained and not answer.quotes


@pytest.mark.parametrize("question, answer_text", [
    ("Ai là Trưởng Ban Tuyên giáo Thành ủy TPHCM?", "Phan Nguyễn Như Khuê"),
    ("Thành phố sẽ kỷ niệm bao nhiêu năm Ngày giải phóng miền Nam?", "50 năm"),
    ("Đại hội Đảng bộ TPHCM lần thứ mấy diễn ra nhiệm kỳ 2025 - 2030?", "lần thứ XII"),
    ("<script>alert(1)</script> Kết luận 14 là gì?", "Kết luận 14"),
    ("Chuyên đề năm 2024 có tên là gì?", "Học tập và làm theo tư tưởng"),
    ("truong ban tuyen giao thanh uy tphcm la ai?", "Phan Nguyễn Như Khuê"),
    ("truong ban tuyen giao thanh uy tphcm ten la gi?", "Phan Nguyễn Như Khuê"),
    ("ban to chuc thanh uy da tham muu gi?", "Ban Tổ chức Thành ủy cũng đã tham mưu"),
    ("Thành phố kỷ niệm 50 năm Ngày giải phóng miền Nam vào năm nào?", "vào năm 2025"),
    ("Chuyên đề học tập và làm theo tư tưởng Hồ Chí Minh về thực hành dân chủ là của năm nào?", "Chuyên đề năm 2024"),
])
def test_questions_the_report_answers_are_still_answered(report_assistant, question, answer_text):
    answer = report_assistant.ask(question)
    assert not answer.abstained
    assert any(answer_text in quote.text for quote in answer.quotes[:2])


@pytest.mark.parametrize("question", [  # each quoted first the next paragraph's "Điều này … bảo vệ cán bộ" before
    "Theo những văn bản nào thì cán bộ năng động, sáng tạo được bảo vệ?",
    "Bảo vệ cán bộ năng động, sáng tạo theo văn bản nào?",
])
def test_which_document_is_answered_first_by_the_sentence_that_names_it(report_assistant, question):
    answer = report_assistant.ask(question)
    assert "Kết luận 14 của Bộ Chính trị và Nghị định 73 của Chính phủ" in answer.quotes[0].text


def test_no_quote_names_another_numbered_document_than_the_one_asked_about(report_assistant):
    answer = report_assistant.ask("Kết luận 14 của Bộ Chính trị về vấn đề gì?")
    assert "Kết luận 14" in answer.quotes[0].text
    assert not any("Kết luận 01" in quote.text for quote in answer.quotes)  # the same paragraph names it


def test_an_official_s_abbreviated_question_is_answered_like_the_written_out_one(report_assistant):
    short = report_assistant.ask("KL 14 của BCT là gì?")
    full = report_assistant.ask("Kết luận 14 của Bộ Chính trị là gì?")
    assert not short.abstained and (short.quotes[0].start, short.quotes[0].end) == (full.quotes[0].start, full.quotes[0].end)
    assert "Kết luận 14 của Bộ Chính trị" in short.quotes[0].text



@pytest.mark.parametrize("question, answer", [
    ("QĐ 114 của BCT về vấn đề gì?", "Quy định 114 của Bộ Chính trị"),  # a rule, though "QĐ" may be a decision
    ("Đồng chí PTB Thường trực BTC TU là ai?", "Huỳnh Cách Mạng"),
    ("NĐ 73 của CP quy định về gì?", "Nghị định 73 của Chính phủ"),
])
def test_questions_in_officials_abbreviations_find_what_the_report_writes_out(report_assistant, question, answer):
    got = report_assistant.ask(question)
    assert not got.abstained and answer in got.quotes[0].text


def test_an_abbreviation_no_document_writes_is_named_in_the_not_found_message(report_assistant):
    answer = report_assistant.ask("Ngành TC XDĐ cần chuẩn bị nhân sự cho ĐH Đảng các cấp nhiệm kỳ nào?")
    assert answer.abstained and "“TC”" in answer.message

def test_a_document_written_with_abbreviations_answers_the_written_out_question(tmp_path, embedder):
    bot = assistant_over(tmp_path, embedder, {"thong-bao.txt": (
        "Thực hiện KL 21 của BCH TW, BTV TU yêu cầu các cấp ủy rà soát, sàng lọc ĐV trong quý II.\n"
        "Hội nghị tổng kết công tác thi đua được tổ chức vào cuối năm.\n")})
    answer = bot.ask("Ban Thường vụ Thành ủy yêu cầu gì khi thực hiện Kết luận 21 của Ban Chấp hành Trung ương?")
    assert not answer.abstained and answer.quotes[0].text.startswith("Thực hiện KL 21 của BCH TW")


def test_a_sentence_about_the_past_does_not_answer_a_question_about_what_lies_ahead():
    from assistant.answerability import features

    asked = analyse("Công tác tổ chức xây dựng Đảng thời gian tới cần làm gì?")
    past = features(asked, "Thời gian qua, Đảng bộ đã ban hành nhiều văn bản.", "Thời gian qua, Đảng bộ đã ban hành nhiều văn bản.", 0.9, 1, 1, 1)
    ahead = features(asked, "Thời gian tới, Đảng bộ cần chăm lo đội ngũ cán bộ.", "Thời gian tới, Đảng bộ cần chăm lo đội ngũ cán bộ.", 0.9, 1, 1, 1)
    undated = features(asked, "Đảng bộ cần chăm lo đội ngũ cán bộ.", "Đảng bộ cần chăm lo đội ngũ cán bộ.", 0.9, 1, 1, 1)
    assert [can_answer(np.array([row]))[0] for row in (past, ahead, undated)] == [0.0, 1.0, 1.0]


def test_a_name_written_as_a_translation_spells_it_still_agrees():
    from assistant.answerability import features

    asked = analyse("Tác giả nào đã chịu ảnh hưởng của Percy Shelly?")
    row = features(asked, "Nhà thơ Percy Shelley viết bài luận này.", "Nhà thơ Percy Shelley viết bài luận này.", 0.9, 1, 1, 1)
    assert row[FEATURES.index("names_context")] == 1.0
    asked = analyse("Quần đảo Canaria ngoài khơi lục địa nào?")
    row = features(asked, "Họ chinh phục quần đảo Canary.", "Họ chinh phục quần đảo Canary.", 0.9, 1, 1, 1)
    assert row[FEATURES.index("names_context")] == 1.0


def test_a_vietnamese_syllable_is_not_read_as_a_misspelt_name():
    from assistant.answerability import features

    asked = analyse("Ông Trần Văn Hoàng giữ chức vụ gì?")
    sentence = "Ông Trần Văn Hoàn là Bí thư Đảng ủy phường."
    assert features(asked, sentence, sentence, 0.9, 1, 1, 1)[FEATURES.index("names_context")] == 0.0


def test_a_name_no_indexed_text_writes_is_found_so_and_a_name_spelt_apart_is_not():
    from assistant.answerability import unwritten_names
    from assistant.lexical import LexicalIndex
    from assistant.vietnamese import matching_terms

    library = LexicalIndex.build([matching_terms("Nhà thơ Percy Shelley sống ở Anh."),
                                  matching_terms("Ông Lê Văn Tám, bà Thị Hoa, cô Hạnh và chị Dung dự họp.")])
    assert unwritten_names(analyse("Nhà thơ Percy Shelly sống ở đâu?"), library) == []  # a translation's spelling
    assert unwritten_names(analyse("Bà Marguerite Shelley sống ở đâu?"), library) == [("marguerite", "shelley")]
    # every syllable written somewhere, but never side by side: no text names her
    assert unwritten_names(analyse("Bà Lê Thị Hạnh Dung giữ chức vụ gì?"), library) == [("le", "thi", "hanh", "dung")]
    assert unwritten_names(analyse("Ông Lê Văn Tám giữ chức vụ gì?"), library) == []


@pytest.mark.parametrize("question, name", [  # each quoted before: the report writes the question's other names
    ("Kết luận 01 của Bộ Chính trị được Hà Tĩnh triển khai thế nào?", "Hà Tĩnh"),
    ("Ngành tuyên giáo TPHCM phối hợp với Đà Nẵng trong chuyển đổi số ra sao?", "Đà Nẵng"),
    ("Đồng chí Huỳnh Cách Mạng và đồng chí Nguyễn Văn Nên đã nói gì về công tác cán bộ?", "Nguyễn Văn Nên"),
    ("ket luan 01 cua bo chinh tri duoc Ha Tinh trien khai the nao", "Ha Tinh"),  # as typed, not as read
])
def test_a_question_about_a_name_the_documents_never_write_gets_not_found_saying_which(
        report_assistant, question, name):
    from assistant.config import NOT_FOUND_UNWRITTEN

    answer = report_assistant.ask(question)
    assert answer.abstained and not answer.quotes
    assert answer.render() == NOT_FOUND_UNWRITTEN.format(names=f"“{name}”")


def test_a_name_another_document_writes_but_the_paragraph_lacks_leaves_it_unanswered(tmp_path, embedder):
    from conftest import REPORT, ROOT

    report = (ROOT / "documents" / REPORT).read_text(encoding="utf-8")
    library = assistant_over(tmp_path, embedder, {
        REPORT: report, "ha-noi.txt": "Thành ủy Hà Nội họp bàn công tác cán bộ và chuyển đổi số của thành phố."})
    answer = library.ask("Kết luận 01 của Bộ Chính trị được Hà Nội triển khai thế nào?")
    assert answer.abstained and not answer.quotes
    # the report's own names still answer
    assert not library.ask("Kết luận 01 của Bộ Chính trị về vấn đề gì?").abstained
