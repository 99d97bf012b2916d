import shutil
from pathlib import Path

import pytest

from assistant.loaders import DocumentError, load_directory, load_document

from conftest import REPORT, ROOT, html_to_pdf

TEXT = "Cộng hòa Xã hội Chủ nghĩa Việt Nam. Độc lập – Tự do – Hạnh phúc.\n"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed vowels, tones as combining marks."""
    import unicodedata

    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in decomposed if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out.append(base + tone)
    return "".join(out).encode("cp1258")


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),
    windows_1258(TEXT),
], ids=["utf-8", "utf-8-bom", "utf-16-bom", "windows-1258"])
def test_text_files_decode_to_the_same_text(tmp_path, data):
    document = load_document(write(tmp_path, "a.txt", data), tmp_path)
    assert document.text == TEXT and document.path == "a.txt"


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "tệp rỗng"),
    ("binary.txt", bytes(range(256)) * 8, "dữ liệu nhị phân"),
    ("fake.pdf", b"this is not a pdf at all", "PDF"),
    ("notes.xls", b"whatever", "không hỗ trợ"),
])
def test_bad_files_get_a_reason_naming_the_file(tmp_path, name, data, reason):
    with pytest.raises(DocumentError) as caught:
        load_document(write(tmp_path, name, data), tmp_path)
    assert name in str(caught.value) and reason in str(caught.value)


def test_a_directory_load_keeps_the_good_files_and_reports_the_bad(tmp_path):
    write(tmp_path, "good.md", TEXT.encode())
    write(tmp_path, "bad.pdf", b"%PDF-1.4 truncated")
    documents, failures = load_directory(tmp_path)
    assert [d.path for d in documents] == ["good.md"]
    assert [f.path for f in failures] == ["bad.pdf"]


def test_files_over_the_size_limit_are_refused(tmp_path):
    with pytest.raises(DocumentError, match="vượt giới hạn 100 byte"):
        load_document(write(tmp_path, "big.txt", b"a" * 200), tmp_path, max_bytes=100)


def test_a_pdf_made_by_chromium_keeps_vietnamese_syllables_whole_and_its_pages(tmp_path):
    report = (ROOT / "documents" / REPORT).read_text(encoding="utf-8").splitlines()
    body = "".join(f"<h3>{line}</h3>" if len(line.split()) < 12 else f"<p>{line}</p>" for line in report)
    pdf = html_to_pdf(f"<html><meta charset='utf-8'><body style='font-size:14pt'>{body}</body></html>", tmp_path)
    document = load_document(pdf, tmp_path)
    assert len(document.page_starts) >= 2 and document.page_at(len(document.text) - 1) == len(document.page_starts)
    words = set(document.text.split())
    for word in ("Trưởng", "nhiệm", "trọng", "Nguyễn", "Khuê"):
        assert word in words
    assert "  " not in document.text


def _docx_with_body(folder: Path, name: str, body: bytes) -> Path:
    """A real DOCX (python-docx) whose word/document.xml is replaced by ``body``."""
    import zipfile

    import docx

    source = folder / f"source-{name}"
    document = docx.Document()
    document.add_paragraph(TEXT)
    document.save(str(source))
    target = folder / name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, body if item.filename == "word/document.xml" else old.read(item.filename))
    source.unlink()
    return target


def test_a_damaged_docx_is_named_and_the_other_files_are_loaded(tmp_path):
    write(tmp_path, "good.md", TEXT.encode())
    _docx_with_body(tmp_path, "hong.docx", b"<?xml version='1.0'?><w:document xmlns:w='x'><w:body><w:p>")
    documents, failures = load_directory(tmp_path)
    assert [d.path for d in documents] == ["good.md"]
    assert [f.path for f in failures] == ["hong.docx"] and "DOCX bị hỏng" in str(failures[0])


def test_a_docx_of_a_million_empty_paragraphs_is_refused_before_it_is_parsed(tmp_path):
    namespace = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = (b"<?xml version='1.0'?><w:document xmlns:w='" + namespace + b"'><w:body>"
            + b"<w:p></w:p>" * 1_000_000 + b"</w:body></w:document>")
    path = _docx_with_body(tmp_path, "trieu-doan.docx", body)
    with pytest.raises(DocumentError, match="1,000,000 đoạn, vượt giới hạn 100,000 đoạn"):
        load_document(path, tmp_path)


def test_a_document_s_title_comes_from_its_metadata_heading_or_first_line(tmp_path):
    import docx
    from pypdf import PdfReader, PdfWriter

    write(tmp_path, "ghi-chu.md", "# Quy chế đào tạo\n\nĐiều 1. Phạm vi.".encode())
    write(tmp_path, "bao-cao.txt", "Báo cáo tổng kết năm 2023\nNội dung đầu tiên của báo cáo.".encode())
    write(tmp_path, "mo-dau.txt", "Câu mở đầu của văn bản, không phải tiêu đề.\nCâu hai.".encode())
    word = docx.Document()
    word.core_properties.title = "Kế hoạch công tác năm 2024"
    word.add_paragraph("Nội dung kế hoạch.")
    word.save(tmp_path / "ke-hoach.docx")
    pdf = html_to_pdf("<html><meta charset='utf-8'><body><p>Nội dung tờ trình.</p></body></html>", tmp_path, "to.pdf")
    titled = PdfWriter(clone_from=PdfReader(pdf))
    titled.add_metadata({"/Title": "Tờ trình về chuyển đổi số"})
    titled.write(tmp_path / "to-trinh.pdf")
    pdf.unlink()
    (tmp_path / "page.html").unlink()
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
    documents, failures = load_directory(tmp_path)
    assert failures == []
    assert {d.path: d.title for d in documents} == {
        "bao-cao.txt": "Báo cáo tổng kết năm 2023", "ghi-chu.md": "Quy chế đào tạo",
        "ke-hoach.docx": "Kế hoạch công tác năm 2024", "mo-dau.txt": None, "to-trinh.pdf": "Tờ trình về chuyển đổi số"}


def test_an_unchanged_pdf_is_not_parsed_again_when_its_hash_is_known(tmp_path, monkeypatch):
    from assistant import loaders

    folder = tmp_path / "docs"
    folder.mkdir()
    html_to_pdf("<html><meta charset='utf-8'><body><p>Kế hoạch chuyển đổi số năm 2025.</p></body></html>",
                tmp_path, "ke-hoach.pdf").rename(folder / "ke-hoach.pdf")
    first, _ = load_directory(folder)
    known = {d.sha256: d for d in first}
    monkeypatch.setattr(loaders, "_pdf_text", lambda data, name: pytest.fail("an unchanged PDF was parsed again"))
    again, failures = load_directory(folder, known=known)
    assert failures == [] and again == first


MOTTO = "Cộng hòa Xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc."


@pytest.mark.parametrize("written, encoding", [
    ("Céng hßa X· héi chñ nghÜa ViÖt Nam. §éc lËp - Tù do - H¹nh phóc.", "TCVN3"),
    ("Coäng hoøa Xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do - Haïnh phuùc.", "VNI"),
])
def test_a_file_in_a_legacy_font_encoding_is_converted_to_unicode_and_says_so(tmp_path, written, encoding):
    document = load_document(write(tmp_path, "cu.txt", (written + "\n").encode("cp1252")), tmp_path)
    assert document.text == MOTTO + "\n"
    assert document.notes == (f"1 dòng được chuyển từ bảng mã {encoding} sang Unicode",)


def test_the_report_saved_in_vni_loads_as_the_report(tmp_path):
    from assistant.legacy import VNI

    report = (ROOT / "documents" / REPORT).read_text(encoding="utf-8")
    written = {}
    for sequence, letter in VNI.items():
        written.setdefault(letter, sequence)
    vni = "".join(written.get(ch, ch) for ch in report)
    assert vni.startswith("Ñeå laøm saâu saéc")
    assert load_document(write(tmp_path, "vni.txt", vni.encode("cp1252")), tmp_path).text == report


def test_a_vni_paragraph_pasted_into_a_unicode_file_is_converted_alone(tmp_path):
    text = "Đoạn đầu viết bằng Unicode.\nCoäng hoøa Xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do - Haïnh phuùc.\n"
    document = load_document(write(tmp_path, "tron.txt", text.encode("utf-8")), tmp_path)
    assert document.text == "Đoạn đầu viết bằng Unicode.\n" + MOTTO + "\n"


def test_utf8_lines_followed_by_windows_1258_lines_are_both_read(tmp_path):
    data = "Dòng đầu là UTF-8.\n".encode("utf-8") + windows_1258(TEXT)
    document = load_document(write(tmp_path, "hai-ma.txt", data), tmp_path)
    assert document.text == "Dòng đầu là UTF-8.\n" + TEXT and "\ufffd" not in document.text
    assert document.notes == ("1 dòng không phải UTF-8 được đọc theo Windows-1258",)


def test_utf16_without_a_bom_is_read_and_named(tmp_path):
    document = load_document(write(tmp_path, "u16.txt", TEXT.encode("utf-16-le")), tmp_path)
    assert document.text == TEXT and document.notes == ("tệp UTF-16 không có BOM, đã đọc theo UTF-16-LE",)


def test_one_stray_byte_in_a_utf8_file_is_replaced_and_its_line_named(tmp_path):
    data = TEXT.encode("utf-8") + "Dòng hai có một byte lỗi".encode("utf-8") + b"\xff.\n"
    document = load_document(write(tmp_path, "le.txt", data), tmp_path)
    assert document.text == TEXT + "Dòng hai có một byte lỗi\ufffd.\n"
    assert document.notes == ("1 byte không phải UTF-8 (dòng 2) được thay bằng ký tự �",)


def test_utf8_read_as_latin1_and_saved_again_is_repaired(tmp_path):
    # As Windows shows UTF-8 in its Latin code page: the five bytes it leaves unassigned become C1 characters.
    mojibake = "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
                       for b in (TEXT + "Người, ở đời.\n").encode("utf-8"))
    assert mojibake.startswith("Cá»™ng")
    document = load_document(write(tmp_path, "hai-lan.txt", mojibake.encode("utf-8")), tmp_path)
    assert document.text == TEXT + "Người, ở đời.\n" and "mã hoá hai lần" in document.notes[0]


def test_a_french_latin1_file_is_not_taken_for_a_legacy_vietnamese_one(tmp_path):
    french = "Le café où nous allions était très agréable, même en été, près de la gare de Lyon.\n"
    document = load_document(write(tmp_path, "fr.txt", french.encode("cp1252")), tmp_path)
    assert document.text == french


def test_a_letter_spaced_pdf_is_joined_back_into_words_and_says_so(tmp_path, embedder):
    from assistant import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    html_to_pdf("<html><meta charset='utf-8'><body style='letter-spacing: 0.4em; font-size: 8px'><p>Trưởng Ban Tuyên giáo Thành ủy "
                "TPHCM Phan Nguyễn Như Khuê cho biết, ngành tuyên giáo thành phố đã nghiêm túc đánh giá, nhận diện "
                "những mặt được và những mặt còn hạn chế.</p></body></html>", tmp_path, "gian.pdf").rename(
                    docs / "gian.pdf")
    document = load_document(docs / "gian.pdf", docs)
    assert "Trưởng Ban Tuyên giáo Thành ủy TPHCM Phan Nguyễn Như Khuê" in " ".join(document.text.split())
    assert document.notes == ("chữ giãn từng ký tự ở 1 trang đã được ghép lại thành từ",)
    bot = Assistant.build(docs, tmp_path / "index", embedder=embedder)
    assert "Phan Nguyễn Như Khuê" in bot.ask("Ai là Trưởng Ban Tuyên giáo Thành ủy TPHCM?").quotes[0].text


def test_a_letter_spaced_page_that_cannot_be_joined_is_named_in_a_note():
    from assistant.loaders import _page_texts

    class Page:  # a text layer with no word boundaries left in either of pypdf's modes
        def extract_text(self, extraction_mode="plain"):
            return "T r ư ở n g B a n T u y ê n g i á o T h à n h ủ y"

    class Reader:
        pages = [Page(), Page()]

    notes = []
    assert _page_texts(Reader(), notes)[0].startswith("T r ư ở n g")  # kept as it is, not guessed at
    assert notes == ["lớp chữ bị tách từng ký tự ở 2 trang (trang 1, 2) và không ghép lại được: câu hỏi về các "
                     "trang này có thể không được trả lời; hãy xuất lại PDF từ bản gốc hoặc tải lên bản DOCX/TXT"]
