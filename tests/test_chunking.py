from assistant.chunking import chunk_document, paragraphs, split_units
from assistant.loaders import Document

from conftest import REPORT, ROOT


def report() -> Document:
    return Document(REPORT, (ROOT / "documents" / REPORT).read_text(encoding="utf-8"), "x")


def test_short_unpunctuated_lines_become_the_section_of_the_paragraphs_below():
    chunks = chunk_document(report())
    assert chunks[0].section is None
    assert chunks[1].section == "Chủ động xử lý các vấn đề phát sinh từ thực tiễn"
    assert chunks[-1].section == "Chuẩn bị kỹ lưỡng nhân sự cho nhiệm kỳ tới"


def test_every_chunk_and_unit_is_a_slice_of_the_document_text():
    document = report()
    for chunk in chunk_document(document):
        assert document.text[chunk.start:chunk.end] == chunk.text
        for start, end in chunk.units:
            assert chunk.start <= start < end <= chunk.end
            assert document.text[start:end].strip() == document.text[start:end]


def test_paragraph_numbers_count_paragraphs_not_headings():
    assert [c.paragraph for c in chunk_document(report())] == list(range(1, 13))


def test_wrapped_lines_are_joined_into_one_paragraph_as_in_pdfs():
    text = "Tiêu đề mục\n\nDòng thứ nhất của đoạn văn bị ngắt\ngiữa chừng và tiếp tục ở đây.\nĐoạn hai."
    blocks = [(b.heading, text[b.start:b.end]) for b in paragraphs(text)]
    assert blocks == [(True, "Tiêu đề mục"),
                      (False, "Dòng thứ nhất của đoạn văn bị ngắt\ngiữa chừng và tiếp tục ở đây."),
                      (False, "Đoạn hai.")]


def test_long_sentences_split_at_semicolons_but_not_inside_quotation_marks():
    text = "Mở đầu " + "rất dài " * 40 + "; phần hai “tên; có chấm phẩy” kết thúc " + "nữa " * 30 + "; phần ba."
    pieces = [text[a:b] for a, b in split_units(text, 0, len(text))]
    assert len(pieces) == 3 and "“tên; có chấm phẩy”" in pieces[1]


def test_abbreviations_with_dots_do_not_end_sentences():
    text = "Tại TP. Thủ Đức có nhiều dự án. Câu sau."
    assert [text[a:b] for a, b in split_units(text, 0, len(text))] == ["Tại TP. Thủ Đức có nhiều dự án.", "Câu sau."]


def test_crlf_line_endings_keep_offsets_exact():
    text = "Tiêu đề\r\nCâu một.\r\nCâu hai.\r\n"
    chunks = chunk_document(Document("a.txt", text, "x"))
    assert [c.text for c in chunks] == ["Câu một.", "Câu hai."] and chunks[0].section == "Tiêu đề"


def test_an_over_long_enumeration_without_semicolons_is_cut_after_a_comma_not_inside_a_phrase():
    items = [f"sinh viên thuộc trường hợp thứ {n} theo quy định của quy chế đào tạo hiện hành" for n in range(12)]
    text = "Không được chuyển trường: " + ", ".join(items) + "."
    pieces = [text[a:b] for a, b in split_units(text, 0, len(text))]
    assert len(pieces) > 1 and "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert all(piece.endswith(",") for piece in pieces[:-1])
