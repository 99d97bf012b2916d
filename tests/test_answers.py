import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from assistant import NOT_FOUND
from assistant.config import NOT_FOUND_NOT_STATED, NOT_FOUND_UNWRITTEN
from assistant.evaluation import metrics, run
from conftest import REPORT, assistant_over

TASKS_QUESTION = "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?"


def assert_verbatim(assistant, answer):
    for quote in answer.quotes + answer.nearest:
        assert assistant.data.documents[quote.document].text[quote.start:quote.end] == quote.text


def test_every_quote_of_every_dev_question_is_verbatim(report_assistant, dev_items):
    for item in dev_items:
        assert_verbatim(report_assistant, report_assistant.ask(item.question))


def test_the_2024_tasks_question_quotes_the_paragraph_announcing_the_five_tasks(report_assistant):
    answer = report_assistant.ask(TASKS_QUESTION)
    assert not answer.abstained
    assert any("5 nhiệm vụ trọng tâm" in q.text for q in answer.quotes)
    assert all(q.section == "Chủ động xử lý các vấn đề phát sinh từ thực tiễn" for q in answer.quotes)


def test_a_budget_question_the_report_does_not_answer_abstains_saying_no_amount_is_stated(report_assistant):
    answer = report_assistant.ask("Ngân sách của TPHCM năm 2024 là bao nhiêu?")
    assert answer.abstained and answer.quotes == []
    assert answer.render() == NOT_FOUND_NOT_STATED.format(what="số tiền") == (
        "Không tìm thấy nội dung phù hợp trong tài liệu. Những đoạn gần nhất với câu hỏi không nêu số tiền mà câu hỏi cần.")
    assert answer.nearest  # shown apart, never as quotes


@pytest.mark.parametrize("question, what", [
    ("Thành phố có bao nhiêu quận huyện?", "con số"),
    ("Hội nghị tổng kết được tổ chức ở đâu?", "địa điểm"),
    ("Kết luận 01 được Bộ Chính trị ban hành ngày nào?", "ngày"),
])
def test_a_question_turned_away_because_no_near_passage_states_what_it_asks_for_is_told_so(
        report_assistant, question, what):
    answer = report_assistant.ask(question)
    assert answer.abstained and answer.message == NOT_FOUND_NOT_STATED.format(what=what)



@pytest.mark.parametrize("question, answer", [
    ("Ngành tuyên giáo tập trung thực hiện 4 hay 5 nhiệm vụ trọng tâm?", "5 nhiệm vụ trọng tâm"),
    ("Người đứng đầu cần đẩy mạnh thực hiện Kết luận 14 hay Kết luận 01?", "Kết luận 14 của Bộ Chính trị"),
])
def test_a_question_offering_numbers_to_choose_from_is_answered_by_the_one_the_report_writes(
        report_assistant, question, answer):
    quotes = report_assistant.ask(question).quotes
    assert quotes and answer in quotes[0].text


@pytest.mark.parametrize("question", [
    "Thành phố có 22 hay 24 quận huyện?",  # the report writes neither
    "Kết luận 14 được ban hành trước hay sau Nghị định 73?",  # it dates neither
])
def test_a_choice_the_report_cannot_settle_is_not_found(report_assistant, question):
    assert report_assistant.ask(question).abstained


@pytest.mark.parametrize("question, answerable", [
    ("Cho biết chức vụ của đồng chí Phan Nguyễn Như Khuê.", True),
    ("Nêu nội dung Quy định 114.", True),
    ("Nêu số lượng đảng viên của Đảng bộ TPHCM.", False),
    ("Cho biết ngày ban hành Kết luận 01 của Bộ Chính trị.", False),
    ("Nêu địa điểm tổ chức Đại hội Đảng bộ TPHCM lần thứ XII.", False),
])
def test_a_request_is_answered_or_turned_away_as_the_question_it_stands_for(report_assistant, question, answerable):
    assert report_assistant.ask(question).abstained != answerable


def test_a_name_typed_one_letter_wrong_is_turned_away_with_the_name_the_report_writes(report_assistant):
    answer = report_assistant.ask("Đồng chí Huỳnh Cách Mạnh giữ chức vụ gì?")
    assert answer.abstained and answer.quotes == []  # never answered on a guess
    assert answer.message == NOT_FOUND_UNWRITTEN.format(names="“Huỳnh Cách Mạnh”") + " Tài liệu có nhắc đến “Huỳnh Cách Mạng”."
    # a name the report writes in full, and one no name of it is near, get no suggestion
    assert "Tài liệu có nhắc đến" not in (report_assistant.ask("Đồng chí Huỳnh Cách Mạng sinh năm nào?").message or "")
    assert "Tài liệu có nhắc đến" not in report_assistant.ask("Ông Nguyễn Văn Nên là ai?").message

def test_a_question_asking_for_no_kind_of_thing_gets_the_fixed_not_found_alone(report_assistant):
    answer = report_assistant.ask("Giá vàng hôm nay thế nào?")
    assert answer.abstained and answer.message is None and answer.render() == NOT_FOUND


def test_every_kind_of_question_has_a_name_for_the_not_found_message():
    from assistant.questions import _HOLDERS
    from assistant.config import ASKED_FOR

    assert set(ASKED_FOR) == set(_HOLDERS)


def test_a_question_in_english_that_finds_nothing_is_told_the_documents_are_vietnamese(report_assistant):
    from assistant.app import answer_html, literal
    from assistant.config import NOT_FOUND_OTHER_LANGUAGE

    answer = report_assistant.ask("Who is the head of the propaganda department?")
    assert answer.abstained and answer.quotes == [] and answer.message == NOT_FOUND_OTHER_LANGUAGE
    shown = answer_html(answer, report_assistant.data)
    assert literal(NOT_FOUND_OTHER_LANGUAGE) in shown and "Đoạn gần nhất" in shown  # the nearest passages still offered
    # a Vietnamese question keeps its Vietnamese message; one holding a foreign name is Vietnamese too
    for question in ("Ngân sách quốc phòng năm 2024 là bao nhiêu?", "ngan sach quoc phong nam 2024 la bao nhieu"):
        answer = report_assistant.ask(question)
        assert answer.abstained and answer.message == NOT_FOUND_NOT_STATED.format(what="số tiền")
    answer = report_assistant.ask("Doctor Who là ai?")
    assert answer.abstained and answer.message != NOT_FOUND_OTHER_LANGUAGE
    # typed without diacritics in words the report never writes, but Vietnamese ones ("ngân sách", "chủ tịch")
    for question in ("ngan sach chuyen doi so 2024", "chu tich ubnd tphcm ten la gi"):
        answer = report_assistant.ask(question)
        assert answer.abstained and answer.message != NOT_FOUND_OTHER_LANGUAGE


def test_questions_without_diacritics_find_the_passage_and_offer_the_accented_reading(report_assistant):
    answer = report_assistant.ask("nang cao chat luong du bao tinh hinh")
    assert "nâng cao chất lượng dự báo tình hình" in answer.quotes[0].text
    assert answer.did_you_mean == "nâng cao chất lượng dự báo tình hình"


def test_a_how_many_question_ranks_first_the_sentence_giving_the_count(tmp_path, embedder):
    assistant = assistant_over(tmp_path, embedder, {"quy-che.txt": (
        "Hội đồng chấm thực tập\n\nViệc chấm kết quả thực tập doanh nghiệp do hội đồng của khoa thực hiện sau "
        "khi sinh viên nộp báo cáo. Mỗi hội đồng chấm thực tập gồm 3 người, trong đó có giảng viên hướng dẫn.\n")})
    best = assistant.retriever.retrieve("Kết quả thực tập do bao nhiêu người chấm?").units[0]
    chunk = assistant.data.chunks[best.chunk]
    assert chunk.unit_text(chunk.units[best.unit]).startswith("Mỗi hội đồng chấm thực tập gồm 3 người")


def test_a_quote_that_cannot_hold_what_is_asked_takes_in_the_neighbouring_sentence_that_can(tmp_path, embedder):
    from assistant import Assistant
    from assistant.config import Settings

    built = assistant_over(tmp_path, embedder, {"hoi-nghi.txt": (
        "Hội nghị tổng kết\n\nHội nghị đã đánh giá cao kết quả chuyển đổi số của ngành tuyên giáo thành phố trong "
        "năm qua, nhất là việc số hoá tài liệu học tập và đưa các lớp bồi dưỡng lý luận chính trị lên môi trường "
        "mạng. Ý kiến đó do đồng chí Nguyễn Văn An, Phó Bí thư Thành ủy, phát biểu khi bế mạc.\n\n"
        "Về công tác dân vận, hội nghị đề nghị tăng cường đối thoại với người dân ở cơ sở.\n")})
    # No widening of short quotes, so only the question's kind (a person) can bring the second sentence in.
    assistant = Assistant(built.data, built.embedder, Settings(quote_min_chars=0))
    answer = assistant.ask("Ai đánh giá cao kết quả chuyển đổi số của ngành tuyên giáo thành phố?")
    assert answer.quotes[0].text.startswith("Hội nghị đã đánh giá cao")
    assert "Nguyễn Văn An" in answer.quotes[0].text
    # A question asking for no kind keeps the one sentence.
    answer = assistant.ask("Hội nghị đánh giá cao kết quả chuyển đổi số của ngành tuyên giáo thế nào?")
    assert "Nguyễn Văn An" not in answer.quotes[0].text


def test_a_keyword_query_on_a_listed_topic_gets_the_list(report_assistant):
    answer = report_assistant.ask("nhiệm vụ trọng tâm ngành tuyên giáo")
    assert answer.quotes[0].text.startswith("Phát huy thành quả đạt được, ngành tuyên giáo tập trung thực hiện 5")
    assert len(answer.quotes) == 3 and len({q.paragraph for q in answer.quotes}) == 3


def test_a_sentence_going_on_with_do_la_opens_no_list_for_a_question_on_another_topic(report_assistant):
    # "Đó là …" goes on from "5 nhiệm vụ trọng tâm"; a question on the way of working is not about those tasks.
    answer = report_assistant.ask("Ngành tuyên giáo cần đổi mới những gì trong cách làm việc?")
    assert "tư duy, tâm thế, lề lối làm việc" in answer.quotes[0].text
    answer = report_assistant.ask("Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?")
    assert answer.quotes[0].text.startswith("Phát huy thành quả đạt được, ngành tuyên giáo tập trung thực hiện 5")


REGULATION = """Buộc thôi học

Sinh viên bị buộc thôi học nếu vi phạm một trong những trường hợp sau đây: tự ý bỏ học hoặc bỏ thi \
từ một học kỳ chính trở lên mà không có lý do chính đáng được Trường chấp nhận; đã hết thời gian tối đa \
được phép học tại Trường theo quy định của quy chế đào tạo hiện hành; bị cảnh báo học vụ lần thứ hai liên \
tiếp và vẫn tái phạm các lỗi đã bị nhắc nhở trước đó; bị đình chỉ học tập lần thứ hai vì vi phạm kỷ luật.

Cảnh báo học vụ

Sinh viên bị cảnh báo học vụ khi điểm trung bình học kỳ dưới 3,0. Việc cảnh báo được thực hiện vào cuối \
mỗi học kỳ chính.

Học phí

Học phí được tính theo số tín chỉ mà sinh viên đăng ký trong học kỳ.
"""


@pytest.fixture(scope="module")
def regulation_assistant(tmp_path_factory, embedder):
    from assistant import Assistant

    docs = tmp_path_factory.mktemp("regulation")
    (docs / "quy-che.txt").write_text(REGULATION, encoding="utf-8")
    return Assistant.build(docs, tmp_path_factory.mktemp("regulation-index"), embedder=embedder)


def test_a_sentence_announcing_cases_is_quoted_with_all_of_them(regulation_assistant):
    # The sentence is long, so it is indexed as clauses cut at its semicolons; the quote joins them again.
    answer = regulation_assistant.ask("Sinh viên bị buộc thôi học trong trường hợp nào?")
    assert answer.quotes[0].text.startswith("Sinh viên bị buộc thôi học nếu vi phạm")
    assert answer.quotes[0].text.endswith("bị đình chỉ học tập lần thứ hai vì vi phạm kỷ luật.")


def test_a_list_held_in_one_paragraph_leaves_the_other_quotes_to_other_passages(regulation_assistant):
    answer = regulation_assistant.ask("Sinh viên bị buộc thôi học vì những vi phạm nào?", k=3)
    assert answer.quotes[0].section == "Buộc thôi học" and answer.quotes[0].text.endswith("vi phạm kỷ luật.")
    assert len(answer.quotes) == 3 and len({q.start for q in answer.quotes}) == 3


def test_list_questions_are_told_from_questions_about_one_thing():
    from assistant.answering import is_list_question

    assert is_list_question(TASKS_QUESTION)
    assert is_list_question("Các hình thức đào tạo, bố trí cán bộ gồm những gì?")
    assert is_list_question("Chương trình tài năng cần đáp ứng những mục tiêu gì?")
    assert not is_list_question("Các học phần tự chọn được sắp xếp như thế nào?")
    assert not is_list_question("Một trong những điểm chung của văn bằng và chứng chỉ là gì?")
    assert not is_list_question("Các lớp ngoại ngữ được mở với tối thiểu bao nhiêu sinh viên?")


def test_quotes_are_sentences_not_whole_pages(report_assistant):
    answer = report_assistant.ask("Quy định 114 của Bộ Chính trị về vấn đề gì?")
    assert "Quy định 114" in answer.quotes[0].text and len(answer.quotes[0].text) < 600


def test_a_document_filter_naming_no_indexed_document_says_so(report_assistant):
    answer = report_assistant.ask(TASKS_QUESTION, documents={"other.txt"})
    assert answer.abstained and "Không có tài liệu nào trong số đã chọn" in answer.message


def test_the_document_filter_limits_the_search(report_assistant):
    answer = report_assistant.ask(TASKS_QUESTION, documents={"other.txt", REPORT})
    assert answer.quotes and {q.document for q in answer.quotes} == {REPORT}


def test_answer_json_has_the_documented_shape(report_assistant):
    record = report_assistant.ask(TASKS_QUESTION).to_dict()
    assert set(record) == {"question", "abstained", "weak", "quotes", "nearest", "message", "reading"}
    assert set(record["quotes"][0]) == {"text", "document", "start", "end", "section", "page", "score", "title",
                                        "continues_before", "continues_after"}


def test_dev_set_metrics_are_computed_and_every_quote_is_verbatim(report_assistant, dev_items):
    texts = {p: d.text for p, d in report_assistant.data.documents.items()}
    summary = metrics(run(dev_items, report_assistant.ask, texts))
    assert summary.questions == 50 and summary.answerable == 36
    assert summary.verbatim == 1.0
    # A floor well under what the pipeline measures (see README), to catch a broken pipeline.
    assert summary.answer_at_3 >= 0.8


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=0, max_size=200))
def test_random_questions_never_crash_and_keep_quotes_verbatim(report_assistant, question):
    answer = report_assistant.ask(question)
    assert_verbatim(report_assistant, answer)
    assert answer.abstained or answer.quotes


def test_questions_with_nothing_to_search_get_a_clear_message(report_assistant):
    for question in ["", "   ", "?!...", "\x00\x01"]:
        answer = report_assistant.ask(question)
        assert answer.abstained and answer.message and not answer.quotes


def test_a_follow_up_question_carries_the_previous_topic():
    from assistant.pipeline import follow_up_question

    tasks = "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?"
    assert follow_up_question("Còn công tác tổ chức thì sao?", tasks) == \
        "Những nhiệm vụ trọng tâm của công tác tổ chức năm 2024 là gì?"
    assert follow_up_question("năm 2025 thì sao?", tasks) == \
        "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2025 là gì?"
    # Without a subject of the same kind, both questions are searched together.
    assert follow_up_question("Còn Nghị định 73 thì sao?", tasks).startswith("Còn Nghị định 73 thì sao? Những")
    assert follow_up_question("Ai là Trưởng Ban Tuyên giáo?", tasks) == "Ai là Trưởng Ban Tuyên giáo?"


def test_the_organisation_follow_up_quotes_the_organisation_section(report_assistant):
    answer = report_assistant.ask("Còn công tác tổ chức thì sao?", previous=TASKS_QUESTION)
    assert answer.question == "Những nhiệm vụ trọng tâm của công tác tổ chức năm 2024 là gì?"
    assert not answer.abstained and "tổ chức" in answer.quotes[0].text.lower()
    # the organisation section, not the propaganda one the previous question was answered from
    assert all(q.section == "Chuẩn bị kỹ lưỡng nhân sự cho nhiệm kỳ tới" for q in answer.quotes)


def _inside(quote, outer) -> bool:
    return quote.document == outer.document and outer.start <= quote.start and quote.end <= outer.end


def test_asking_for_more_quotes_keeps_what_was_quoted(report_assistant, dev_items):
    for item in dev_items:
        three = report_assistant.ask(item.question, k=3).quotes
        ten = report_assistant.ask(item.question, k=10).quotes
        assert not three or _inside(three[0], ten[0]), item.question
        assert all(any(_inside(quote, outer) for outer in ten) for quote in three), item.question


_ENDS_SENTENCE = re.compile(r"[.!?…][\"”»’)\]]*\s*$")


def assert_distinct_whole_sentences(assistant, quotes, question):
    """No two quotes share text, and two quotes that meet do so between sentences."""
    for quote in quotes:
        text = assistant.data.documents[quote.document].text
        for other in quotes:
            if other is quote or other.document != quote.document:
                continue
            assert not (quote.start < other.end and other.start < quote.end), (question, quote.text, other.text)
            touching = other.start >= quote.end and text[quote.end:other.start].strip(" ") == ""
            assert not touching or _ENDS_SENTENCE.search(quote.text), (question, quote.text, other.text)


def test_no_answer_quotes_the_same_text_twice_or_splits_a_sentence_between_quotes(report_assistant, dev_items):
    for question in [item.question for item in dev_items] + ["Công tác dân vận năm 2023 đạt kết quả gì?"]:
        assert_distinct_whole_sentences(report_assistant, report_assistant.ask(question, k=5).quotes, question)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12),
       k=st.integers(min_value=1, max_value=8))
def test_questions_made_of_report_words_get_at_most_k_distinct_verbatim_quotes(report_assistant, words, k):
    vocabulary = report_assistant.data.documents[
        next(iter(report_assistant.data.documents))].text.split()
    question = " ".join(vocabulary[n % len(vocabulary)] for n in words)
    answer = report_assistant.ask(question, k=k)
    assert len(answer.quotes) <= k
    assert_verbatim(report_assistant, answer)
    assert_distinct_whole_sentences(report_assistant, answer.quotes + answer.nearest, question)


def test_in_a_text_without_headings_an_unannounced_list_stops_at_a_paragraph_on_another_topic(tmp_path, embedder):
    from assistant import Assistant
    from assistant.answering import _list_groups
    from assistant.retrieval import ScoredUnit

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "khong-tieu-de.txt").write_text(
        "Sinh viên phải hoàn thành các học phần bắt buộc.\n\nHọc phí được đóng vào đầu mỗi học kỳ.\n\n"
        "Cùng với đó, sinh viên phải đạt chuẩn ngoại ngữ.\n", encoding="utf-8")
    data = Assistant.build(docs, tmp_path / "index", embedder=embedder).data
    first = ScoredUnit(chunk=0, unit=0, dense=0.0, coverage=0.0, score=1.0)
    assert _list_groups(data, first, k=3, candidates={0}) == [[0]]
    assert _list_groups(data, first, k=3, candidates={0, 1}) == [[0], [1], [2]]  # "Cùng với đó" goes on
    assert _list_groups(data, first, k=3, candidates=None) == [[0], [1], [2]]  # an announced list


def test_a_passage_repeated_in_another_document_is_quoted_once(tmp_path, embedder):
    rule = "Một học kỳ hè có tối thiểu 5 tuần thực học và 1 tuần thi."
    bot = assistant_over(tmp_path, embedder, {"quy-che-2023.txt": f"Học kỳ chính có 15 tuần thực học. {rule}\n",
                                              "quy-che-2024.txt": f"{rule}\n\nHọc phí được đóng vào đầu mỗi học kỳ.\n"})
    answer = bot.ask("Học kỳ hè có bao nhiêu tuần thực học?", k=3)
    assert not answer.abstained and sum(rule in quote.text for quote in answer.quotes) == 1


def test_a_sentence_that_refers_back_is_quoted_with_the_sentence_it_refers_to(tmp_path, embedder):
    from assistant import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hoa-hoc.txt").write_text(
        "Al-Muwaffaq là một dược sĩ người Ba Tư sống ở thế kỷ thứ 10. Ông cũng mô tả việc chưng cất nước biển "
        "để uống. Việc chưng cất nước biển để uống được các thủy thủ thời đó dùng trên những chuyến đi dài ngày "
        "ngoài khơi, khi nước ngọt mang theo trên tàu đã cạn và không có hòn đảo nào ở gần đó để lấy thêm nước.\n",
        encoding="utf-8")
    answer = Assistant.build(docs, tmp_path / "index", embedder=embedder).ask("Ai đã mô tả việc chưng cất nước biển?")
    assert answer.quotes[0].text.startswith("Al-Muwaffaq là một dược sĩ")


def test_words_that_point_to_the_sentence_before_are_told_from_titles_before_names():
    from assistant.answering import refers_back

    assert refers_back("Ông cũng mô tả việc chưng cất nước biển.")
    assert refers_back("Theo đồng chí, bước vào năm 2024, năm bản lề.")
    assert refers_back("Điều này giúp mạng đơn giản hơn.")
    assert not refers_back("Ông Huỳnh Cách Mạng cho biết.")
    assert not refers_back("Theo đồng chí Huỳnh Cách Mạng, yêu cầu đặt ra là…")
    assert not refers_back("Chúng ta cần chủ động.")
    assert not refers_back("Học phí được đóng vào đầu mỗi học kỳ.")


def _clause(topic: str) -> str:
    return (f"tiếp tục {topic} một cách bài bản, thường xuyên, gắn với việc kiểm tra, giám sát và đánh giá kết quả "
            f"thực hiện ở từng cơ quan, đơn vị, địa phương, bảo đảm đúng tiến độ, đúng yêu cầu đề ra và phù hợp "
            f"với điều kiện thực tế của thành phố trong giai đoạn mới")


def test_a_quote_cut_inside_a_long_sentence_shows_it_continues_and_cites_the_title(tmp_path, embedder):
    topics = ["rà soát hồ sơ đảng viên", "bồi dưỡng lý luận chính trị", "số hoá kho lưu trữ tài liệu",
              "củng cố tổ chức cơ sở đảng"]
    sentence = "Thời gian tới, ngành cần " + "; ".join(_clause(t) for t in topics) + "."
    bot = assistant_over(tmp_path, embedder, {"ke-hoach.txt": f"Kế hoạch công tác năm 2025\n{sentence}\n"})
    answer = bot.ask("Việc số hoá kho lưu trữ tài liệu được thực hiện như thế nào?", k=1)
    quote = answer.quotes[0]
    assert "số hoá kho lưu trữ" in quote.text and len(sentence) > bot.settings.whole_sentence_chars
    assert quote.continues_before and quote.shown.startswith("…" + quote.text)
    assert quote.citation().startswith("Kế hoạch công tác năm 2025") and quote.citation().endswith("(trích một phần câu)")
    assert f"> {quote.shown}" in answer.render()


def test_a_clause_of_a_sentence_that_fits_is_quoted_as_the_whole_sentence(tmp_path, embedder):
    sentence = "Thời gian tới, ngành cần " + "; ".join(_clause(t) for t in ["rà soát hồ sơ đảng viên",
                                                                          "số hoá kho lưu trữ tài liệu"]) + "."
    bot = assistant_over(tmp_path, embedder, {"ke-hoach.txt": f"{sentence}\nNgành cũng tổ chức hội nghị sơ kết.\n"})
    quote = bot.ask("Việc số hoá kho lưu trữ tài liệu được thực hiện như thế nào?").quotes[0]
    assert quote.text.startswith("Thời gian tới") and quote.text.endswith("giai đoạn mới.")
    assert not quote.continues_before and not quote.continues_after and "một phần" not in quote.citation()
