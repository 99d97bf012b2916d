"""Accent-free questions read back with the accents the indexed documents use."""
from assistant.diacritics import restore_diacritics, spellings


def test_an_accent_free_question_is_read_with_the_words_of_the_report(report_assistant):
    lexical = report_assistant.data.lexical
    assert restore_diacritics("nhiem vu trong tam nganh tuyen giao nam 2024", lexical) == \
        "nhiệm vụ trọng tâm ngành tuyên giáo năm 2024"
    # Side by side in the report, "dự báo" wins over "đủ", "bao" and "bảo".
    assert restore_diacritics("Nang cao chat luong du bao tinh hinh?", lexical) == \
        "Nâng cao chất lượng dự báo tình hình?"


def test_question_phrases_the_documents_do_not_contain_are_still_read(report_assistant):
    reading = restore_diacritics("Bao chi duoc chi dao nhu the nao?", report_assistant.data.lexical)
    assert reading == "Báo chí được chỉ đạo như thế nào?"


def test_a_question_with_diacritics_or_without_letters_to_restore_is_left_alone(report_assistant):
    lexical = report_assistant.data.lexical
    assert restore_diacritics("Nhiệm vụ trọng tâm là gì?", lexical) is None
    assert restore_diacritics("2024 - 2030", lexical) is None
    assert restore_diacritics("xyzzy", lexical) is None


def test_every_spelling_of_an_accent_free_syllable_is_a_candidate():
    candidates = spellings("duong")
    assert {"đương", "đương2", "duong", "dương4"} <= set(candidates)
    assert spellings("2024") == [] and spellings("nghiengg") == []


def test_a_question_typed_partly_with_diacritics_keeps_them_and_gets_the_rest(report_assistant):
    lexical = report_assistant.data.lexical
    assert restore_diacritics("nhiệm vu trong tam nganh tuyen giao", lexical) == "nhiệm vụ trọng tâm ngành tuyên giáo"
    # Typed with diacritics, some syllables are accent-free by right: the question is left as typed.
    assert restore_diacritics("Sinh viên được thi lại khi nào?", lexical) is None


def test_a_question_in_another_language_is_not_read_as_vietnamese(report_assistant):
    assert restore_diacritics("What are the 2024 propaganda tasks?", report_assistant.data.lexical) is None


def test_in_a_library_of_many_documents_question_phrases_and_names_are_still_read_right(tmp_path, embedder):
    from conftest import assistant_over

    # Other documents write "như thể", "thể nào", "họ chỉ" and "mình được" more often than the
    # report writes "như thế nào" or "Hồ Chí Minh".
    others = {f"khac-{n}.txt": "Không thể nào quên, như thể mọi thứ đã xong. Họ chỉ biết rằng mình được khen."
              for n in range(5)}
    report = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về thực hành dân chủ."
    lexical = assistant_over(tmp_path, embedder, {"bao-cao.txt": report, **others}).data.lexical
    assert restore_diacritics("Phong cach Ho Chi Minh duoc hoc tap nhu the nao?", lexical) == \
        "Phong cách Hồ Chí Minh được học tập như thế nào?"
    # Common text writes "họ", "chỉ" and "mình được" far more often than "Hồ Chí Minh": the name the
    # documents write still wins.
    assert restore_diacritics("Thanh pho Ho Chi Minh duoc hoc tap nhu the nao?", lexical) == \
        "Thành phố Hồ Chí Minh được học tập như thế nào?"


def test_words_a_small_document_outnumbers_are_read_as_vietnamese_commonly_writes_them(report_assistant):
    from assistant.diacritics import CommonSyllables

    lexical = report_assistant.data.lexical
    # The report writes "cơ quan", "căn cứ" and "diện" more often than "có", "cần" and "diễn".
    assert restore_diacritics("Thanh pho co bao nhieu quan huyen?", lexical).startswith("Thành phố có bao nhiêu")
    assert restore_diacritics("nganh tuyen giao can lam gi", lexical) == "ngành tuyên giáo cần làm gì"
    assert restore_diacritics("hoi nghi dien ra vao thang may", lexical) == "hội nghị diễn ra vào tháng mấy"
    # Words the report never writes are read from common text too.
    assert restore_diacritics("ngan sach nam 2024 la bao nhieu", lexical) == "ngân sách năm 2024 là bao nhiêu"
    # Without common text the report's own words decide, and read these wrong.
    nothing = CommonSyllables({}, {})
    assert restore_diacritics("nganh tuyen giao can lam gi", lexical, nothing) != "ngành tuyên giáo cần làm gì"


def test_the_shipped_common_syllables_are_what_fit_reading_counts(tmp_path):
    from assistant import cli
    from assistant.diacritics import COMMON_SYLLABLES_FILE, CommonSyllables

    from conftest import BENCHMARKS

    output = tmp_path / "syllables.json.gz"
    files = [str(BENCHMARKS / "uit-regulation-qa" / "train_reg.json"), str(BENCHMARKS / "xquad-vi" / "xquad.vi.json")]
    assert cli.main(["fit-reading", "--benchmarks", *files, "--output", str(output)]) == 0
    # Compared as counts, not bytes: another zlib may compress the same JSON otherwise.
    assert CommonSyllables.load(output) == CommonSyllables.load(COMMON_SYLLABLES_FILE)
    assert len(CommonSyllables.load(output).pairs) > 10_000
    assert CommonSyllables.count(["Có cần không?"]).pairs == {("co1", "cân2"): 1, ("cân2", "không"): 1}


def test_only_the_fitting_parts_of_the_benchmarks_are_counted():
    from conftest import ROOT

    from assistant.squad import fitting_texts, is_fit_part, load_squad

    benchmarks = ROOT / "eval" / "benchmarks"
    files = [benchmarks / "uit-regulation-qa" / "train_reg.json", benchmarks / "uit-regulation-qa" / "test_reg.json",
             benchmarks / "xquad-vi" / "xquad.vi.json"]
    counted = set(fitting_texts(files))
    documents, questions = load_squad(files)
    held_out = {q.question for q in questions if not is_fit_part(q)} - {q.question for q in questions if is_fit_part(q)}
    held_out_paragraphs = {q.paragraph for q in questions if not is_fit_part(q)}
    assert held_out and not held_out & counted
    assert not {d.text for d in documents if str(d.path) in held_out_paragraphs} & counted
