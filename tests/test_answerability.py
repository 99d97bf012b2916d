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


@pytest.mark.parametrize("question, kind", [
    ("Huyện Cần Giờ có bao nhiêu xã?", "count"),
    ("Học phí mỗi tín chỉ là bao nhiêu?", "amount"),
    ("Kinh phí cho chuyển đổi số là bao nhiêu?", "amount"),
    ("Số lượng sinh viên tối thiểu là bao nhiêu?", "count"),
    ("Tỷ lệ đảng viên trẻ đạt bao nhiêu phần trăm?", "percent"),
    ("Hội nghị diễn ra vào ngày nào?", "day"),
    ("Quy chế được ban hành năm nào?", "year"),
    ("Ai phụ trách công tác dân vận?", "person"),
    ("Bà Nguyễn Thị Lan giữ chức vụ gì?", "role"),
    ("Đây là đại hội lần thứ mấy?", "ordinal"),
    ("Phong trào thi đua có tên là gì?", "name"),
    ("Vì sao phải đổi mới lề lối làm việc?", "reason"),
    ("Chuyển đổi số kéo dài bao lâu?", "duration"),
    ("Cán bộ được bảo vệ theo văn bản nào?", "document"),
    ("Luật nào của Nam Phi công nhận hai loại trường?", "document"),
    ("Học phí ở mức nào?", None),  # "mức" folds like "mục", which is no document here
    ("Trên đồng hồ còn lại bao nhiêu thời gian?", "duration"),
    ("Công tác tuyên giáo cần làm gì?", None),
    ("Năm 2024 cần chuẩn bị thật tốt đại hội nào?", None),  # "hội nào" folds like "hồi nào" (when)
    ("Hồi nào thành phố tổ chức đại hội?", "time"),
])
def test_what_a_question_asks_for_is_read_from_its_question_words(question, kind):
    assert analyse(question).kind == kind


def test_a_count_needs_a_number_of_the_thing_counted():
    asked = analyse("Thành phố có bao nhiêu cơ quan báo chí?")
    assert holds_kind(Text.of("Thành phố hiện có 39 cơ quan báo chí."), asked)
    assert not holds_kind(Text.of("Nhiệm kỳ 2025 - 2030 đảm bảo cơ cấu cán bộ trẻ."), asked)  # "cơ cấu" is not "cơ quan"
    assert not holds_kind(Text.of("đo lường bằng sản phẩm của cơ quan báo chí"), asked)  # no number at all


def test_the_words_of_what_is_counted_may_stand_apart_in_the_answer():
    asked = analyse("Có bao nhiêu người chết vì bệnh dịch hạch ở Paris năm 1466?")
    assert asked.counted == analyse("bao nhiêu người chết").counted and len(asked.counted) == 2
    assert holds_kind(Text.of("Năm 1466, khoảng 40.000 người đã chết vì bệnh dịch hạch ở Paris."), asked)
    assert not holds_kind(Text.of("Năm 1466, khoảng 40.000 người đã rời Paris."), asked)


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


def test_a_year_is_not_an_amount_of_money():
    asked = analyse("Ngân sách quốc phòng năm 2024 là bao nhiêu?")
    assert not holds_kind(Text.of("bước vào năm 2025, năm bản lề về quốc phòng"), asked)
    assert holds_kind(Text.of("Ngân sách quốc phòng là 120 nghìn tỷ đồng."), asked)


def test_a_deputy_is_not_the_head_named_in_the_question():
    asked = analyse("Trưởng Ban Tổ chức Thành ủy là ai?")
    assert asked.names[0][:4] == ("truong", "ban", "to", "chuc")
    assert not Text.of("đồng chí A, Phó trưởng Ban Tổ chức Thành ủy").holds(asked.names[0])
    assert Text.of("đồng chí B, Trưởng Ban Tổ chức Thành ủy").holds(asked.names[0])


def test_a_party_committee_keeps_its_lower_case_uy_so_a_phrase_in_lower_case_is_no_such_body():
    asked = analyse("Ban Tổ chức Thành ủy có trụ sở ở đâu?")
    assert asked.names == (("to", "chuc", "thanh", "uy"),)
    assert not Text.of("Các thành viên đã tổ chức thành Lực lượng Đặc nhiệm.").holds(asked.names[0])
    assert Text.of("Ban Tổ chức Thành ủy cũng đã tham mưu Ban Thường vụ Thành ủy.").holds(asked.names[0])


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


def test_a_title_typed_without_diacritics_is_still_a_title_but_a_school_is_not():
    assert analyse("Ai la Chu tich nuoc?").offices == (("chu", "tich"),)
    assert analyse("Giam doc So Thong tin va Truyen thong la ai?").offices == (("giam", "doc", "so", "thong"),)
    assert analyse("Trường Đại học Bách khoa có bao nhiêu sinh viên?").offices == ()


def test_a_year_or_the_number_of_a_congress_or_document_is_not_a_count():
    asked = analyse("Ngành tuyên giáo có bao nhiêu cán bộ?")
    assert not holds_kind(Text.of("Đội ngũ cán bộ năm 2024 cần được nâng cao."), asked)
    assert not holds_kind(Text.of("Chăm lo cán bộ trong nhiệm kỳ 2020 - 2025."), asked)
    assert not holds_kind(Text.of("Cán bộ quán triệt Nghị quyết Đại hội XIII và Kết luận 14."), asked)
    assert holds_kind(Text.of("Toàn ngành có 1.200 cán bộ."), asked)


def test_an_allowance_is_money_and_an_assessment_is_not():
    assert analyse("Mức phụ cấp cho cán bộ tuyên giáo là bao nhiêu?").kind == "amount"
    assert analyse("Đánh giá cuối kỳ diễn ra trong bao nhiêu tuần?").kind == "count"


def test_a_count_asked_of_its_subject_needs_a_number_by_that_subject():
    asked = analyse("Dân số Warsaw năm 1901 là bao nhiêu?")
    assert holds_kind(Text.of("Theo điều tra dân số năm 1901, trong số 711.988 người, 56% là người Công giáo."), asked)
    assert not holds_kind(Text.of("Tổng kết 40 năm đổi mới, kỷ niệm 50 năm Ngày Giải phóng."), asked)
    asked = analyse("Số đảng viên bị kỷ luật năm 2024 là bao nhiêu?")
    assert not holds_kind(Text.of("Năm 2024, thành phố kết nạp 9.000 đảng viên mới."), asked)
    assert holds_kind(Text.of("Năm 2024 có 120 đảng viên bị kỷ luật."), asked)


def test_five_written_as_a_word_counts_the_thing_after_it():
    asked = analyse("Hệ thống được khai trương trong bao nhiêu giai đoạn?")
    assert holds_kind(Text.of("Hệ thống này được khai trương trong năm giai đoạn."), asked)
    assert not holds_kind(Text.of("Hệ thống được khai trương trong năm 1980, giai đoạn đầu."), asked)


def test_a_share_is_answered_by_a_percentage_or_a_fraction():
    asked = analyse("Rừng Amazon chiếm bao nhiêu so với rừng nhiệt đới trên Trái đất?")
    assert asked.kind == "percent"
    assert holds_kind(Text.of("Amazon đại diện cho hơn một nửa rừng nhiệt đới còn lại."), asked)
    assert holds_kind(Text.of("Khi đạt hai phần ba số phiếu thì có thể khiển trách."), asked)
    assert not holds_kind(Text.of("Amazon có khu rừng nhiệt đới đa dạng nhất thế giới."), asked)
    assert analyse("Học phần chiếm bao nhiêu tín chỉ?").kind == "count"


def test_a_when_question_needs_a_time_not_just_the_year_the_sentence_is_set_in():
    asked = analyse("Nghị định 73 có hiệu lực từ khi nào?")
    assert not holds_kind(Text.of("Người đứng đầu cần quán triệt Nghị định 73 của Chính phủ."), asked)
    assert holds_kind(Text.of("Nghị định 73 có hiệu lực từ ngày 15/9/2023."), asked)
    asked = analyse("Khi nào công bố điểm thực tập?")
    assert holds_kind(Text.of("Kết quả chấm thực tập phải được công bố sau mỗi buổi bảo vệ."), asked)
    assert holds_kind(Text.of("Điểm thực tập được công bố sau 2 tuần."), asked)


def test_the_year_a_report_is_set_in_answers_no_when_question_though_glue_of_the_question_stands_before_it():
    asked = analyse("Đại hội XIV của Đảng dự kiến diễn ra vào tháng mấy?")
    setting = frozenset({"2024"})  # the report's year (``setting_dates``)
    sentence = "Bước vào năm 2024, chuẩn bị tiến tới Đại hội XIV của Đảng."  # "vào" is the question's too
    assert can_answer([features(asked, sentence, sentence, 0.9, 1.0, 1.0, 1.0, setting=setting)])[0] == 0.0
    sentence = "Đại hội XIV của Đảng diễn ra vào tháng 1 năm 2026."
    assert can_answer([features(asked, sentence, sentence, 0.9, 1.0, 1.0, 1.0, setting=setting)])[0] == 1.0


def test_a_date_answers_only_in_the_clause_about_what_is_asked():
    asked = analyse("Lễ tổng kết 40 năm đổi mới diễn ra khi nào?")
    listed = ("Thực hiện tổng kết thực tiễn và lý luận 40 năm đổi mới; triển khai các hoạt động hướng đến "
              "kỷ niệm 50 năm Ngày Giải phóng miền Nam vào năm 2025.")
    assert not holds_kind(Text.of(listed), asked)  # 2025 is the anniversary's
    dated = "Tổng kết 40 năm đổi mới diễn ra vào tháng 12 năm 2025; các hoạt động kỷ niệm triển khai sau đó."
    assert holds_kind(Text.of(dated), asked)
    assert holds_kind(Text.of("Lễ tổng kết 40 năm đổi mới diễn ra vào năm 2026."), asked)


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


def test_a_term_of_office_a_duration_or_a_word_folded_like_khi_is_no_time():
    asked = analyse("Hội nghị diễn ra khi nào?")
    assert not holds_kind(Text.of("Chuẩn bị nhân sự cho Đại hội nhiệm kỳ 2025 - 2030."), asked)
    assert not holds_kind(Text.of("Tổng kết thực tiễn 40 năm đổi mới."), asked)
    assert not holds_kind(Text.of("Kiểm soát quyền lực, giảm khí thải."), asked)  # "lực", "khí" fold to "luc", "khi"
    assert holds_kind(Text.of("Hội nghị diễn ra trong 3 ngày."), asked)
    assert holds_kind(Text.of("Hội nghị diễn ra lúc khai mạc kỳ họp."), asked)


def test_how_long_is_answered_by_a_number_of_time_units_not_by_a_date_or_a_term():
    asked = analyse("Thời gian thực tập doanh nghiệp là bao lâu?")
    assert holds_kind(Text.of("Sinh viên thực tập tại doanh nghiệp tối thiểu 8 tuần."), asked)
    assert holds_kind(Text.of("Thời gian thực tập kéo dài hai tháng."), asked)  # a number written as a word
    assert holds_kind(Text.of("Khi thời gian quy định còn lại 4:51, Carolina có bóng."), asked)
    assert holds_kind(Text.of("Nhà hát đã hoạt động từ năm 1870 đến 1939."), asked)
    assert not holds_kind(Text.of("Sinh viên thực tập tại doanh nghiệp trong năm 2024."), asked)  # a date
    assert not holds_kind(Text.of("Thực tập trong năm 2024 và năm 2025."), asked)  # dates, though a unit follows
    assert not holds_kind(Text.of("Chuẩn bị tổng kết nhiệm kỳ 2020 - 2025."), asked)  # a term of office
    assert not holds_kind(Text.of("Tập trung thực hiện chuyển đổi số trong công tác tuyên giáo."), asked)


def test_a_place_is_written_after_a_locative_not_just_named():
    asked = analyse("Hội nghị tổng kết được tổ chức ở đâu?")
    assert holds_kind(Text.of("Hội nghị tổng kết được tổ chức tại Hội trường Thống Nhất."), asked)
    assert holds_kind(Text.of("Kế hoạch được công bố trên website Trường."), asked)
    assert holds_kind(Text.of("Hồ sơ nộp về phòng đào tạo."), asked)
    assert holds_kind(Text.of("Cần đọc kỹ qui định: http://forum.uit.edu.vn/threads/29653."), asked)
    assert not holds_kind(Text.of("Chuẩn bị tổng kết, kịp thời tham mưu cho Thành ủy, Ban Thường vụ Thành ủy."), asked)
    assert not holds_kind(Text.of("Thực hiện Nghị quyết Đại hội XI của Đảng bộ TPHCM."), asked)
    assert not holds_kind(Text.of("Xây dựng đội ngũ cán bộ, nhất là ở cấp chính quyền."), asked)
    # a heading's last word and the paragraph's first are not one phrase
    assert not holds_kind(Text.of("Xử lý các vấn đề phát sinh từ thực tiễn\nPhát huy thành quả"), asked)


def test_which_document_is_answered_by_a_named_law_or_rule_not_by_a_sentence_on_its_subject():
    asked = analyse("Cán bộ năng động, sáng tạo được bảo vệ theo những văn bản nào?")
    assert holds_kind(Text.of("Đẩy mạnh thực hiện Kết luận 14 của Bộ Chính trị và Nghị định 73 của Chính phủ."), asked)
    assert holds_kind(Text.of("Việc chuyển trường thực hiện theo quy định tại khoản 5 Điều 10."), asked)
    assert not holds_kind(Text.of("Điều này sẽ tạo môi trường để bảo vệ cán bộ năng động, sáng tạo."), asked)
    assert not holds_kind(Text.of("Phải thực hiện đúng quy định của pháp luật."), asked)
    asked = analyse("Luật nào của Nam Phi công nhận hai loại trường?")
    assert holds_kind(Text.of("Đạo luật Trường học Nam Phi năm 1996 công nhận hai loại trường."), asked)
    assert not holds_kind(Text.of("Luật sư người Milan là cổ đông của công ty."), asked)


def test_a_reason_is_a_word_that_gives_one_not_a_syllable_folded_like_it():
    asked = analyse("Vì sao phải thực hiện chuyển đổi số?")
    assert holds_kind(Text.of("Thực hiện chuyển đổi số để nâng cao hiệu quả công tác."), asked)
    assert holds_kind(Text.of("Chương trình bị hoãn do thiếu kinh phí."), asked)
    # "đo", "Đó", "đề", "lý" and "nhân" fold to "do", "de", "li" and "nhan"
    assert not holds_kind(Text.of("Đó là chương trình đo lường bằng sản phẩm của cơ quan báo chí."), asked)
    assert not holds_kind(Text.of("Triển khai Chuyên đề năm 2024, tăng cường quản lý cá nhân."), asked)


def test_an_aim_answers_why_only_for_what_comes_before_it():
    asked = analyse("Tại sao phải đảm bảo cơ cấu cán bộ trẻ trong nhân sự đại hội?")
    assert holds_kind(Text.of("Nhân sự đại hội phải đảm bảo cơ cấu cán bộ trẻ để đội ngũ được kế thừa."), asked)
    assert holds_kind(Text.of("Để đội ngũ được kế thừa, nhân sự đại hội phải đảm bảo cơ cấu cán bộ trẻ."), asked)
    # the aim of reviewing the cadres, not of the young cadres' share written after it
    assert not holds_kind(Text.of("Rà soát đội ngũ cán bộ các cấp để tham mưu chuẩn bị nhân sự đại hội "
                                   "đảm bảo cơ cấu cán bộ nữ, cán bộ trẻ."), asked)
    # an aim in a sentence that says nothing of what is asked about
    assert not holds_kind(Text.of("Tăng cường quản lý để phóng viên hoạt động đúng tôn chỉ."), asked)


def test_a_numbered_time_is_no_name_but_a_numbered_document_is():
    assert analyse("Học lại lần thứ 2 có phải đóng học phí không?").names == ()
    assert analyse("Kết luận 14 quy định gì?").names == (("ket", "luan", "14"),)


def test_an_office_typed_in_lower_case_without_diacritics_is_still_an_office():
    assert analyse("ai la pho bi thu thuong truc thanh uy tphcm?").offices == (
        ("pho", "bi", "thu", "thuong", "truc", "thanh", "uy", "tphcm"),)
    assert analyse("giảng viên hướng dẫn thực tập do ai phân công?").offices == ()  # a common noun
    assert analyse("hoc phi cua truong la bao nhieu?").offices == ()  # "trường", a school


def test_a_title_guessed_wrong_when_diacritics_are_restored_is_still_read_as_typed():
    asked = analyse("thứ tưởng chính phủ là ai?", typed="thu tuong chinh phu la ai?")
    assert asked.offices == (("thu", "tuong", "chinh", "phu"),)


def test_numbers_are_matched_however_they_are_written():
    asked = analyse("Đại hội lần thứ 12 diễn ra khi nào?")
    assert "12" in asked.numbers
    assert "12" in Text.of("Đại hội lần thứ XII").numbers
    assert "2" in Text.of("còn hiệu lực trong vòng 02 năm").numbers
    assert "2" in Text.of("gồm hai khối kiến thức").numbers


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

    # The report's sentence on the centre revising its texts is quoted first for its retrieval score;
    # the sentence the judge accepts ("… để đội ngũ cán bộ …") gives a reason for something else.
    question = "Vì sao Trung ương sửa đổi các văn bản về công tác cán bộ?"
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


def test_which_month_or_year_asks_for_a_date_not_a_count():
    asked = analyse("Hội nghị diễn ra vào tháng mấy?")
    assert asked.kind == "month"
    assert holds_kind(Text.of("Hội nghị diễn ra vào tháng 10 năm 2024."), asked)
    assert holds_kind(Text.of("Hội nghị diễn ra vào ngày 18/5."), asked)
    assert not holds_kind(Text.of("Hội nghị có 300 đại biểu tham dự."), asked)
    assert not holds_kind(Text.of("Hội nghị diễn ra vào năm 2025."), asked)  # a year names no month
    asked = analyse("Hội nghị diễn ra vào năm mấy?")
    assert asked.kind == "year" and holds_kind(Text.of("Hội nghị diễn ra vào năm 2024."), asked)
    assert analyse("Ông có mấy năm kinh nghiệm?").kind == "count"


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
