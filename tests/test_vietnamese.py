from assistant.vietnamese import content_keys, fold, has_diacritics, matching_terms, prepare, syllable_keys, tokenize
from conftest import REPORT, ROOT


def test_tone_mark_placement_does_not_matter():
    assert syllable_keys("hoà") == syllable_keys("hòa")
    assert syllable_keys("thuỷ") == syllable_keys("thủy")


def test_tone_still_matters_but_folding_removes_it():
    assert syllable_keys("tâm")[0] != syllable_keys("tám")[0]
    assert syllable_keys("tâm")[1] == syllable_keys("tám")[1] == "tam"


def test_folding_maps_d_stroke_and_strips_all_diacritics():
    assert fold("Đảng ủy Đồng Nai") == "dang uy dong nai"
    assert not has_diacritics("nhiem vu trong tam") and has_diacritics("nhiệm vụ")


def test_nfd_text_gives_the_same_keys_with_offsets_into_the_nfd_text():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Cộng hòa xã hội")
    tokens = tokenize(nfd)
    assert [t.key for t in tokens] == [t.key for t in tokenize("Cộng hòa xã hội")]
    assert nfd[tokens[1].start:tokens[1].end] == unicodedata.normalize("NFD", "hòa")


def test_i_and_y_spellings_of_one_word_give_the_same_keys_and_other_words_keep_theirs():
    for written, variant in [("học kỳ", "học kì"), ("quy định", "qui định"), ("lý do", "lí do"), ("kỹ thuật", "kĩ thuật")]:
        assert matching_terms(written) == matching_terms(variant)
    assert syllable_keys("tuy") != syllable_keys("tui") and syllable_keys("thủy") != syllable_keys("thủi")
    assert syllable_keys("kỳ") != syllable_keys("kỹ")  # the tone still tells them apart


def test_the_misspelling_ngh_before_a_matches_the_word():
    assert syllable_keys("nghành") == syllable_keys("ngành") and syllable_keys("nghề") != syllable_keys("ngề")


def test_how_a_student_addresses_the_reader_is_not_content():
    assert content_keys("Em đã nộp đơn bảo lưu rồi thì em phải làm gì nữa ạ?") >= {"nop", "don", "bao", "luu"}
    assert not {"em", "a"} & content_keys("Em đã nộp đơn bảo lưu rồi thì em phải làm gì nữa ạ?")


def test_dash_variants_give_the_same_terms():
    variants = ["2025-2030", "2025 - 2030", "2025 – 2030", "2025—2030"]
    assert len({tuple(matching_terms(v)) for v in variants}) == 1


def test_city_names_and_abbreviations_match():
    forms = ["TPHCM", "TP.HCM", "TP HCM", "Thành phố Hồ Chí Minh", "thanh pho Ho Chi Minh"]
    assert {tuple(t.folded for t in tokenize(prepare(f))) for f in forms} == {("tphcm",)}


def test_roman_numerals_in_congress_numbers_match_digits():
    assert [t.key for t in tokenize("Đại hội XIII")][-1] == "13"
    assert [t.key for t in tokenize("lần thứ V")][-1] == "5"
    assert [t.key for t in tokenize("Vì vậy")][0] != "5"
    # typed in lower case, as on a phone, after a word that numbers: "lan thu xii" is the 12th
    assert [t.key for t in tokenize("dai hoi dang bo lan thu xii")][-1] == "12"
    assert [t.key for t in tokenize("cau chuyen thu vi")][-1] == "vi"  # "thú vị", not the 6th


def test_content_keys_drop_question_words_but_keep_look_alikes():
    keys = content_keys("Những nhiệm vụ trọng tâm là gì?")
    assert "trong" in keys and "gi" not in keys and "nhung" not in keys



def test_a_request_opening_a_question_is_dropped_like_a_question_word():
    assert content_keys("Hãy cho biết nhiệm vụ trọng tâm.") == content_keys("Nhiệm vụ trọng tâm là gì?")
    assert content_keys("Cho tôi hỏi Quy định 114 nói về vấn đề gì ạ?") == content_keys("Quy định 114 nói về vấn đề gì?")
    # only where it opens the question: "Ai cho biết …" asks who said it
    assert "biet" in content_keys("Ai cho biết ngành tuyên giáo đã đánh giá?")
    assert "neu" in content_keys("Nếu cán bộ ngại đột phá thì sao?")  # "nếu" (if) is no request

def test_english_glue_is_dropped_only_from_an_english_question():
    # "an", "to", "in" are Vietnamese syllables too: "an ninh", "tổ chức" typed "to chuc", "in ấn"
    assert {"an", "ninh"} <= content_keys("Công tác an ninh năm 2024 ra sao?")
    assert {"to", "chuc", "in", "an"} <= content_keys("ban to chuc in an tai lieu lam gi")
    assert content_keys("What are the 2024 propaganda tasks?") == {"2024", "propaganda", "tasks"}


def test_invisible_characters_do_not_split_words():
    assert [t.folded for t in tokenize(prepare("nhiệm\u200b vụ"))] == ["nhiem", "vu"]


def test_every_syllable_of_the_report_is_written_back_from_its_key():
    from assistant.vietnamese import spell_syllable

    text = (ROOT / "documents" / REPORT).read_text(encoding="utf-8")
    keys = {t.key for t in tokenize(text) if not t.key.isdigit()}
    assert len(keys) > 300
    assert all(syllable_keys(spell_syllable(key))[0] == key for key in keys)


def test_a_written_syllable_keeps_the_case_of_the_word_it_replaces():
    from assistant.vietnamese import spell_syllable

    assert spell_syllable("đai6", like="Dai") == "Đại"
    assert spell_syllable("đh", like="DH") == "ĐH"
    assert spell_syllable("tphcm", like="TPHCM") == "TPHCM"


def test_administrative_abbreviations_are_written_out_for_searching():
    from assistant.vietnamese import expand_abbreviations

    assert expand_abbreviations("KL 14 của BCT là gì?") == "Kết luận 14 của Bộ Chính trị là gì?"
    assert expand_abbreviations("NQ Đại hội XIII, UBND và HĐND") == "Nghị quyết Đại hội XIII, Ủy ban nhân dân và Hội đồng nhân dân"
    assert expand_abbreviations("đội ngũ CB-CC của TU") == "đội ngũ cán bộ, công chức của Thành ủy"
    # only as written in capitals, and never inside another word or a name like TP.HCM
    assert expand_abbreviations("kl, Tu, KLX, TP.HCM") == "kl, Tu, KLX, TP.HCM"
    # typed on a phone without diacritics, and the offices and fields of party work
    assert expand_abbreviations("ND 73 của CP") == expand_abbreviations("NĐ 73 của CP") == "Nghị định 73 của Chính phủ"
    assert expand_abbreviations("PTB Thường trực BTC TU") == "Phó trưởng ban Thường trực Ban Tổ chức Thành ủy"
    assert expand_abbreviations("ngành TG làm gì về CĐS?") == "ngành tuyên giáo làm gì về chuyển đổi số?"


def test_ct_is_a_directive_before_a_number_and_a_chair_otherwise():
    from assistant.vietnamese import expand_abbreviations

    assert expand_abbreviations("CT 05 của BCT") == "Chỉ thị 05 của Bộ Chính trị"
    assert expand_abbreviations("CT UBND là ai?") == "Chủ tịch Ủy ban nhân dân là ai?"


def test_qd_may_be_a_decision_or_a_rule_so_a_question_writing_it_is_read_both_ways():
    from assistant.questions import analyse
    from assistant.vietnamese import abbreviation_readings, expand_abbreviations

    assert abbreviation_readings("QD 114 cua BCT") == ("Quyết định 114 cua BCT", "Quy định 114 cua BCT")
    assert expand_abbreviations("QĐ 114") == "QĐ 114"  # left for the readings
    assert [reading.names[-1] for reading in analyse("QĐ 114 của BCT về vấn đề gì?").choices] == [
        ("quyet", "dinh", "114"), ("qui", "dinh", "114")]
