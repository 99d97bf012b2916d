"""Loading documents: bytes on disk → one ``Document`` with its text.

The text a loader returns is *the* reference for offsets: every quote is a
slice of it. Text files are decoded (UTF-8 with or without BOM, UTF-16 with
BOM, Windows-1258); PDFs are extracted with pypdf's layout mode and their
padding removed; DOCX paragraphs are joined one per line.

>>> doc = load_document(Path("documents/bao-cao-xay-dung-dang-tphcm-2024.txt"), Path("documents"))
>>> doc.path, doc.text[:10]
('bao-cao-xay-dung-dang-tphcm-2024.txt', 'Để làm sâu')
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import legacy

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024

class DocumentError(Exception):
    """A document that cannot be loaded; ``str()`` names the file and the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Document:
    """A loaded document.

    ``path`` is relative to the documents folder (POSIX separators);
    ``page_starts`` holds the offset where each PDF page begins (empty for
    other formats); ``sha256`` is the hash of the file's bytes; ``title`` is the
    document's own title (PDF or DOCX metadata, a Markdown ``#`` heading, or a short
    first line), None when it has none: citations then show the file name; ``notes``
    say, in Vietnamese, what was repaired while loading it (an encoding converted …).
    """

    path: str
    text: str
    sha256: str
    page_starts: tuple[int, ...] = field(default=())
    title: str | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_text(cls, path: str, text: str) -> "Document":
        """A document made in memory (a benchmark paragraph), hashed as its UTF-8 text."""
        return cls(path, text, hashlib.sha256(text.encode("utf-8")).hexdigest())

    def page_at(self, offset: int) -> int | None:
        """1-based page number holding ``offset``, or None for non-paged documents."""
        if not self.page_starts:
            return None
        page = 0
        for number, start in enumerate(self.page_starts):
            if start <= offset:
                page = number
        return page + 1


#: the version of what the loaders extract: an index reuses a document's extracted text (by the
#: hash of the file's bytes) only while this matches the version it was extracted with
LOADER_VERSION = 2


def load_document(path: Path, root: Path, max_bytes: int = MAX_DOCUMENT_BYTES,
                  known: Mapping[str, Document] | None = None) -> Document:
    """Load one file; raise ``DocumentError`` naming the file when it cannot be read.

    ``known`` maps file hashes to documents already extracted (from the previous index):
    an unchanged PDF or DOCX is not parsed again.
    """
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(name, f"không hỗ trợ loại tệp {suffix or '(không có đuôi)'}; hãy dùng {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(name, f"tệp {size:,} byte, vượt giới hạn {max_bytes:,} byte")
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(name, f"không đọc được tệp ({error.strerror or error})") from error
    if not data.strip():
        raise DocumentError(name, "tệp rỗng")
    digest = hashlib.sha256(data).hexdigest()
    if known and digest in known:
        return replace(known[digest], path=name)
    notes: list[str] = []
    if suffix == ".pdf":
        text, page_starts, title, notes = _pdf_text(data, name)
    elif suffix == ".docx":
        (text, title), page_starts = _docx_text(data, name), ()
    else:
        (text, notes), page_starts = decode_text(data, name), ()
        title = title_of(text, markdown=suffix == ".md")
    if not text.strip():
        raise DocumentError(name, "không có chữ nào")
    return Document(name, text, digest, page_starts, title, tuple(notes))


TITLE_MAX_CHARS = 150
_MARKDOWN_TITLE = re.compile(r"^#{1,2}\s+(.+?)\s*#*$")
# What editors put in a file's title field when nobody wrote one: "Microsoft Word - bao-cao.docx", "untitled", the file
# a PDF was printed from ("page.html").
_NOT_A_TITLE = re.compile(r"^(microsoft word - |untitled|document\d*$|tài liệu\d*$)|\.(docx?|pdf|txt|md|html?|odt|rtf)$",
                          re.IGNORECASE)


def title_of(text: str, metadata: str | None = None, markdown: bool = False) -> str | None:
    """A document's title: its metadata title, else a Markdown ``#`` heading, else a short first line.

    A first line is a title when it is short and does not end like a sentence; a report that
    opens with its first sentence has none.

    >>> title_of("Báo cáo tổng kết năm 2023\\nNội dung."), title_of("Câu mở đầu dài, kết thúc bằng dấu chấm.")
    ('Báo cáo tổng kết năm 2023', None)
    >>> title_of("# Quy chế đào tạo\\n\\nĐiều 1.", markdown=True), title_of("x", metadata="Microsoft Word - a.docx")
    ('Quy chế đào tạo', None)
    """
    if metadata and metadata.strip() and not _NOT_A_TITLE.search(metadata.strip()):
        return " ".join(metadata.split())
    lines = [line.strip() for line in text[:5000].splitlines() if line.strip()]
    if markdown:
        heading = next((m.group(1) for m in map(_MARKDOWN_TITLE.match, lines) if m), None)
        if heading:
            return heading
    first = lines[0] if lines else ""
    if len(first) <= TITLE_MAX_CHARS and len(first.split()) >= 2 and not first.endswith(tuple(".,;:!?…")):
        return first
    return None


def decode_text(data: bytes, name: str = "<bytes>") -> tuple[str, list[str]]:
    """Decode a text file's bytes; returns the text and notes on what was repaired (Vietnamese).

    UTF-8 (± BOM) and UTF-16 (± BOM) are read as they are; a line that is not UTF-8 is read as
    Windows-1258, or converted from TCVN3 or VNI when it is written in one (``legacy``); a few
    stray bytes in a UTF-8 file become U+FFFD; UTF-8 read once as Latin-1 and saved again
    ("Ä‘á»ƒ") is repaired. Each repair is noted; what cannot be read is refused by name.
    """
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:8192]:
        text = _utf16_without_bom(data, name, notes)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_mixed(data, notes)
    text = _repair_double_encoding(text, name, notes)
    text = _convert_legacy(text, name, notes)
    _reject_unreadable(text, name)
    return text, notes


def _utf16_without_bom(data: bytes, name: str, notes: list[str]) -> str:
    # Text in UTF-16 has a NUL in most ASCII characters, all on one side of each pair of bytes.
    low, high = data[1::2].count(0), data[0::2].count(0)
    if len(data) % 2 == 0 and max(low, high) >= 0.9 * (low + high):
        codec = "utf-16-le" if low > high else "utf-16-be"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            pass
        else:
            notes.append(f"tệp UTF-16 không có BOM, đã đọc theo {codec.upper()}")
            return text
    raise DocumentError(name, "dữ liệu nhị phân, không phải văn bản (có byte NUL)")


#: at most this many bytes of a UTF-8 file may be broken for it to be read as UTF-8 with U+FFFD in their place
MAX_STRAY_BYTES = 3


def _decode_mixed(data: bytes, notes: list[str]) -> str:
    """A file that is not all UTF-8: a few stray bytes, or lines in another code page."""
    lines = data.splitlines(keepends=True)
    broken = {n for n, line in enumerate(lines, 1) if not _is_utf8(line)}
    utf8 = data.decode("utf-8", errors="replace")
    if len(broken) <= MAX_STRAY_BYTES and legacy.has_unicode_vietnamese(utf8) and \
            utf8.count("\ufffd") <= MAX_STRAY_BYTES:
        notes.append(f"{utf8.count(chr(0xFFFD))} byte không phải UTF-8 (dòng {', '.join(map(str, sorted(broken)))}) "
                     "được thay bằng ký tự �")
        return utf8
    decoded, windows = [], 0
    for number, line in enumerate(lines, 1):
        if number not in broken:
            decoded.append(line.decode("utf-8"))
            continue
        latin = line.decode("cp1252", errors="replace")
        if legacy.file_encoding(latin):
            decoded.append(latin)  # TCVN3 or VNI: converted with the others by _convert_legacy
        else:
            # Windows-1258 writes tones as combining marks: compose them.
            decoded.append(unicodedata.normalize("NFC", line.decode("cp1258", errors="replace")))
            windows += 1
    if windows and windows < len(lines):
        notes.append(f"{windows} dòng không phải UTF-8 được đọc theo Windows-1258")
    return "".join(decoded)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# UTF-8 Vietnamese read as Latin-1 or Windows-1252 and saved again: "Ä‘" for "đ", "á»" before most tones.
_DOUBLE_ENCODED = re.compile(r"[ÃÄÅÆ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                             r"\u2013-\u203a\u20ac\u2122]|á[»º]")


def _windows_1252_bytes(text: str) -> bytes:
    """The bytes Windows-1252 shows as ``text``; its five unassigned bytes come back as the C1
    characters that Windows maps them to (U+0081 …), as mojibake keeps them."""
    return b"".join(ch.encode("cp1252") if not 0x80 <= ord(ch) <= 0x9F else bytes([ord(ch)]) for ch in text)


def _repair_double_encoding(text: str, name: str, notes: list[str]) -> str:
    sample = text[:200_000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    if legacy.has_unicode_vietnamese(sample) or len(_DOUBLE_ENCODED.findall(sample)) / letters < 0.02:
        return text
    try:
        repaired = _windows_1252_bytes(text).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    else:
        notes.append("chữ bị mã hoá hai lần (UTF-8 đọc nhầm theo Windows-1252) đã được sửa")
        return repaired
    raise DocumentError(name, "chữ bị mã hoá hai lần (UTF-8 đọc nhầm thành Latin-1, ví dụ “Ä‘á»ƒ”) và không sửa "
                              "được; hãy lưu lại tệp gốc dưới dạng UTF-8")


def _convert_legacy(text: str, name: str, notes: list[str]) -> str:
    converted, counts, doubtful = legacy.convert_lines(text, legacy.file_encoding(text))
    for encoding, lines in counts.items():
        notes.append(f"{lines} dòng được chuyển từ bảng mã {encoding} sang Unicode")
    if doubtful:
        notes.append(f"dòng {', '.join(map(str, doubtful[:10]))} trông như bảng mã VNI nhưng không chuyển chắc "
                     "chắn được, để nguyên")
    remaining = legacy.file_encoding(converted)
    if remaining:
        raise DocumentError(name, f"bảng mã cũ {remaining} không chuyển được; hãy chuyển sang Unicode (UTF-8) trước")
    return converted


def _reject_unreadable(text: str, name: str) -> None:
    sample = text[:200_000]
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f" for ch in sample)
    if controls / max(len(sample), 1) > 0.05 or "\ufffd" * 4 in sample:
        raise DocumentError(name, "dữ liệu nhị phân, không phải văn bản")


_SPACE_RUN = re.compile(r"[ \t\u00a0]{2,}")


def clean_layout_text(raw: str) -> str:
    """Undo pypdf's layout padding: trim lines, collapse space runs, one blank line at most."""
    lines = [_SPACE_RUN.sub(" ", line.strip()) for line in raw.splitlines()]
    cleaned: list[str] = []
    for line in lines:
        if line or (cleaned and cleaned[-1]):
            cleaned.append(line)
    return "\n".join(cleaned).strip("\n")


#: share of a page's words that are single letters above which its text is letter-spaced
LETTER_SPACED_SHARE = 0.5
#: a page joined back has words of about four letters (Vietnamese syllables); longer ones were run together
MAX_MEAN_SYLLABLE = 8


def letter_spaced(text: str) -> bool:
    """Text whose words come apart into letters ("T r ư ở n g B a n"), as letter-spaced or
    per-glyph PDF text layers give; Vietnamese has few one-letter words ("ở", "và" is two).

    >>> letter_spaced("T r ư ở n g B a n T u y ê n g i á o"), letter_spaced("Trưởng Ban Tuyên giáo ở TPHCM")
    (True, False)
    """
    words = text.split()
    return len(words) >= 8 and sum(len(w) == 1 and w.isalpha() for w in words) / len(words) > LETTER_SPACED_SHARE


def join_letter_spaced(raw: str) -> str:
    """Join the letters of a letter-spaced page as pypdf's plain mode writes it: one space between
    letters, two or more between words.

    >>> join_letter_spaced("T r ư ở n g  B a n  T u y ê n  g i á o")
    'Trưởng Ban Tuyên giáo'
    """
    return "\n".join(" ".join(word.replace(" ", "") for word in re.split(r" {2,}", line.strip()))
                     for line in raw.splitlines())


def _page_texts(reader, notes: list[str]) -> list[str]:
    """Each page's text (layout mode, padding cleaned); letter-spaced pages joined again when the
    plain mode shows where words end, else noted as unreliable."""
    pages, joined, spaced = [], [], []
    for number, page in enumerate(reader.pages, 1):
        text = clean_layout_text(page.extract_text(extraction_mode="layout"))
        if letter_spaced(text):
            repaired = clean_layout_text(join_letter_spaced(page.extract_text()))
            words = repaired.split()
            # Joined into Vietnamese syllables, not run together where no word boundary was left.
            if not words or letter_spaced(repaired) or sum(map(len, words)) / len(words) > MAX_MEAN_SYLLABLE:
                spaced.append(number)
            else:
                text = repaired
                joined.append(number)
        pages.append(text)
    if joined:
        notes.append(f"chữ giãn từng ký tự ở {len(joined)} trang đã được ghép lại thành từ")
    if spaced:
        notes.append(f"lớp chữ bị tách từng ký tự ở {len(spaced)} trang (trang {', '.join(map(str, spaced[:10]))}) "
                     "và không ghép lại được: câu hỏi về các trang này có thể không được trả lời; hãy xuất lại PDF "
                     "từ bản gốc hoặc tải lên bản DOCX/TXT")
    return pages


def _pdf_text(data: bytes, name: str) -> tuple[str, tuple[int, ...], str | None, list[str]]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    notes: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(name, "PDF được khoá bằng mật khẩu")
        pages = _page_texts(reader, notes)
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentError(name, f"không phải PDF đọc được ({error})") from error
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise DocumentError(name, f"PDF bị hỏng ({type(error).__name__}: {error})") from error
    if not any(pages):
        raise DocumentError(name, "PDF không có lớp chữ (bản quét?); hãy nhận dạng chữ (OCR) trước")
    starts, text = [], ""
    for page in pages:
        if text:
            text += "\n\n"
        starts.append(len(text))
        text += page
    try:
        metadata = reader.metadata.title if reader.metadata else None
    except Exception:  # a damaged information dictionary only costs the title
        metadata = None
    return text, tuple(starts), title_of(text, metadata if isinstance(metadata, str) else None), notes


#: what one DOCX may cost to read: its unpacked size and its paragraph count (a 333 KB file
#: of 3 million empty paragraphs took 270 s and 2 GB before these bounds)
MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_DOCX_PARAGRAPHS = 100_000


def _docx_text(data: bytes, name: str) -> tuple[str, str | None]:
    import io
    import zipfile

    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_DOCX_UNPACKED_BYTES:
                raise DocumentError(name, f"DOCX giải nén ra {unpacked:,} byte, vượt giới hạn "
                                          f"{MAX_DOCX_UNPACKED_BYTES:,} byte")
            body = archive.read("word/document.xml")
    except DocumentError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
        raise DocumentError(name, f"không phải DOCX đọc được ({error})") from error
    paragraphs = body.count(b"<w:p>") + body.count(b"<w:p ")
    if paragraphs > MAX_DOCX_PARAGRAPHS:
        raise DocumentError(name, f"DOCX có {paragraphs:,} đoạn, vượt giới hạn {MAX_DOCX_PARAGRAPHS:,} đoạn")
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [p for p in document.paragraphs if p.text.strip()]
        text = "\n".join(p.text for p in paragraphs)
        styled = next((p.text for p in paragraphs[:20] if p.style is not None and p.style.name in ("Title", "Heading 1")),
                      None)
        return text, title_of(text, document.core_properties.title or styled)
    except Exception as error:  # lxml and python-docx raise many kinds on damaged XML
        raise DocumentError(name, f"DOCX bị hỏng ({type(error).__name__}: {error})") from error


def document_files(root: Path) -> list[Path]:
    """Files under ``root`` that look like documents, sorted, hidden ones skipped."""
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and p.name.lower() != "readme.md"
    )


def load_directory(root: Path, max_bytes: int = MAX_DOCUMENT_BYTES, known: Mapping[str, Document] | None = None,
                   ) -> tuple[list[Document], list[DocumentError]]:
    """Load every document under ``root``; failures are returned, not raised (``known``: see ``load_document``)."""
    documents, failures = [], []
    for path in document_files(root):
        try:
            documents.append(load_document(path, root, max_bytes, known))
        except DocumentError as error:
            failures.append(error)
        except Exception as error:  # one bad file never stops the others: it is named with the reason
            failures.append(DocumentError(path.relative_to(root).as_posix(),
                                          f"không đọc được ({type(error).__name__}: {error})"))
    return documents, failures
