"""What a question asks for, and whether a sentence or paragraph holds it (``questions``)."""
from __future__ import annotations

import pytest

from assistant.questions import Text, analyse, holds_kind


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
    ("Chương trình được triển khai ở những quận nào?", "place"),  # which district: a place
    ("Chuyên đề được học tập ở những quận, huyện nào?", "place"),
    ("Học bổng được xét trên cơ sở nào?", None),  # on which basis: no place
])
def test_what_a_question_asks_for_is_read_from_its_question_words(question, kind):
    assert analyse(question).kind == kind



@pytest.mark.parametrize("question, kind", [
    ("Nêu số lượng đảng viên của Đảng bộ thành phố.", "count"),
    ("Hãy cho biết ngày ban hành Kết luận 01.", "day"),
    ("Cho tôi hỏi địa điểm tổ chức đại hội ạ?", "place"),
    ("Cho biết kinh phí thực hiện chuyên đề.", "amount"),
    ("Liệt kê các văn bản về bảo vệ cán bộ năng động.", "document"),
    ("Cho biết năm ban hành Quy định 114.", "year"),
    ("Nêu năm nhiệm vụ trọng tâm.", None),  # five tasks, not a year
    ("Nếu số cán bộ trẻ tăng thì cơ cấu ra sao?", None),  # "nếu" (if) opens no request
    ("Cho biết Sở Nội vụ làm gì?", None),  # a department, not a count
    ("cho biet so noi vu lam gi", None),  # typed without diacritics "so" may be "sở"
    ("neu so luong dang vien cua thanh pho", "count"),
    ("Cho biết chức vụ của đồng chí Phan Nguyễn Như Khuê.", "role"),
    ("Nêu nội dung Quy định 114.", None),  # "nội" folds like "nơi" (a place): no kind
    ("ngân sách chuyển đổi số 2024", "amount"),  # keywords opening with what they ask for
    ("số lượng đảng viên TPHCM", "count"),
    ("ngày giải phóng miền Nam", None),  # keywords naming a day they are about
])
def test_a_request_asks_for_the_kind_its_first_noun_names(question, kind):
    assert analyse(question).kind == kind


def test_what_a_requested_count_counts_follows_the_request():
    assert analyse("Nêu số lượng đảng viên mới.").counted == analyse("Có bao nhiêu đảng viên mới?").counted
    asked = analyse("Cho biết tổng số cán bộ trẻ.")
    assert holds_kind(Text.of("Thành phố có 120 cán bộ trẻ."), asked)
    assert not holds_kind(Text.of("Nhiệm kỳ 2025 - 2030 đảm bảo cơ cấu cán bộ trẻ."), asked)


def test_a_question_offering_numbers_to_choose_from_is_read_once_for_each():
    choices = analyse("Đại hội XII thuộc nhiệm kỳ 2020 – 2025 hay 2025 – 2030?").choices
    assert [sorted(c.numbers) for c in choices] == [["12", "2020", "2025"], ["12", "2025", "2030"]]
    assert [c.numbered for c in analyse("Thực hiện Kết luận 14 hay Kết luận 01?").choices] == [
        {("ket", "luan"): "14"}, {("ket", "luan"): "1"}]
    assert analyse("Cán bộ có dám nghĩ hay không?").choices == ()  # "hay không" offers nothing
    assert analyse("Hãy cho biết 5 nhiệm vụ.").choices == ()  # "hãy" is not "hay"
    assert analyse("Kết luận 14 ban hành trước hay sau Nghị định 73?").kind == "time"  # which came first

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


def test_a_body_written_with_a_lower_case_second_syllable_keeps_it_so_a_common_word_is_no_such_body():
    asked = analyse("Kết luận 14 được ban hành theo văn bản nào của Trung ương?")
    assert ("trung", "uong") in asked.names
    assert not Text.of("Ngành tuyên giáo tiếp tục tập trung triển khai Kết luận 14.").holds(("trung", "uong"))
    assert Text.of("Thời gian qua, Trung ương, Bộ Chính trị đã ban hành nhiều văn bản.").holds(("trung", "uong"))
    assert ("chinh", "phu") in analyse("Nghị định 73 của Chính phủ có hiệu lực từ khi nào?").names


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


def test_a_date_answers_only_in_the_clause_about_what_is_asked():
    asked = analyse("Lễ tổng kết 40 năm đổi mới diễn ra khi nào?")
    listed = ("Thực hiện tổng kết thực tiễn và lý luận 40 năm đổi mới; triển khai các hoạt động hướng đến "
              "kỷ niệm 50 năm Ngày Giải phóng miền Nam vào năm 2025.")
    assert not holds_kind(Text.of(listed), asked)  # 2025 is the anniversary's
    dated = "Tổng kết 40 năm đổi mới diễn ra vào tháng 12 năm 2025; các hoạt động kỷ niệm triển khai sau đó."
    assert holds_kind(Text.of(dated), asked)
    assert holds_kind(Text.of("Lễ tổng kết 40 năm đổi mới diễn ra vào năm 2026."), asked)


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
    assert holds_kind(Text.of("Thực hiện chuyển đổi số do yêu cầu của tình hình mới."), asked)
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


def test_a_cause_answers_why_for_what_comes_before_it_and_therefore_for_what_comes_after():
    asked = analyse("Vì sao Chính phủ ban hành Nghị định 73?")
    assert holds_kind(Text.of("Chính phủ ban hành Nghị định 73 vì cần bảo vệ cán bộ năng động."), asked)
    # the report's sentence names the decree, but "vì lợi ích chung" is why cadres dare to take responsibility
    assert not holds_kind(Text.of("Người đứng đầu cần đẩy mạnh thực hiện Nghị định 73 của Chính phủ quy định về "
                                  "bảo vệ cán bộ dám chịu trách nhiệm vì lợi ích chung."), asked)
    asked = analyse("Tại sao học phí chương trình đại trà theo quy định của Nhà nước?")
    assert holds_kind(Text.of("Trường là trường công lập, do đó học phí chương trình đại trà theo quy định của "
                              "Nhà nước."), asked)


def test_in_a_paragraph_an_aim_answers_why_only_for_what_comes_before_it_in_its_own_sentence():
    asked = analyse("Vì sao phải chuẩn bị thật tốt đại hội đảng bộ các cấp?")
    # the report's paragraph: the first aim is of "chuẩn bị các điều kiện" and names the congresses
    # after it; the second, in the next sentence, is the aim of reviewing the cadres
    paragraph = ("Ngành Tổ chức xây dựng Đảng thành phố cũng phải chủ động tham mưu cấp ủy chuẩn bị các điều kiện "
                 "cần thiết để lãnh đạo, chỉ đạo chuẩn bị tổ chức Đại hội Đảng bộ các cấp. Rà soát, đánh giá tổng "
                 "thể đội ngũ cán bộ các cấp để chủ động tham mưu chuẩn bị nhân sự cho Đại hội Đảng bộ các cấp.")
    assert not holds_kind(Text.of(paragraph), asked)
    assert holds_kind(Text.of("Thành phố có nhiều sự kiện. Phải chuẩn bị thật tốt đại hội đảng bộ các cấp "
                              "để tạo nền tảng cho nhiệm kỳ mới."), asked)


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
