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

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024

# Letters that exist only in Vietnamese Unicode text: their absence, next to
# many of the legacy code points below, marks a TCVN3 or VNI file.
_VIETNAMESE_LETTERS = set(
    "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ĂÂĐÊÔƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
)
# How TCVN3 (ABC) and VNI-Windows bytes look once decoded as a Latin code page.
_TCVN3_MARKS = set("µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâäå«çêèéëìïíîñ¬óöôõøûùúü")
_VNI_PAIRS = re.compile(r"[aeiouyAEIOUY][øùûõïäåæçöôñ]|ñ")


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
    first line), None when it has none: citations then show the file name.
    """

    path: str
    text: str
    sha256: str
    page_starts: tuple[int, ...] = field(default=())
    title: str | None = None

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
    if suffix == ".pdf":
        text, page_starts, title = _pdf_text(data, name)
    elif suffix == ".docx":
        (text, title), page_starts = _docx_text(data, name), ()
    else:
        text, page_starts = decode_text(data, name), ()
        title = title_of(text, markdown=suffix == ".md")
    if not text.strip():
        raise DocumentError(name, "không có chữ nào")
    return Document(name, text, digest, page_starts, title)


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


def decode_text(data: bytes, name: str = "<bytes>") -> str:
    """Decode a text file's bytes, detecting BOMs and the Vietnamese code pages."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        if b"\x00" in data[:8192]:
            raise DocumentError(name, "dữ liệu nhị phân, không phải văn bản (có byte NUL)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Legacy font encodings are recognised by how they look in a Latin code page.
            _reject_legacy(data.decode("cp1252", errors="replace"), name)
            # Windows-1258 writes tones as combining marks: compose them.
            text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    _reject_unreadable(text, name)
    return text


def _reject_unreadable(text: str, name: str) -> None:
    sample = text[:200_000]
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f" for ch in sample)
    if controls / len(sample) > 0.05 or "\ufffd" * 4 in sample:
        raise DocumentError(name, "dữ liệu nhị phân, không phải văn bản")
    _reject_legacy(sample, name)


def _reject_legacy(text: str, name: str) -> None:
    sample = text[:200_000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    if sum(ch in _VIETNAMESE_LETTERS for ch in sample) / letters > 0.01:
        return
    # VNI writes a vowel then a mark character; TCVN3 replaces the vowel itself.
    if len(_VNI_PAIRS.findall(sample)) / letters > 0.03:
        raise DocumentError(name, "bảng mã cũ VNI; hãy chuyển sang Unicode (UTF-8) trước")
    if sum(ch in _TCVN3_MARKS for ch in sample) / letters > 0.05:
        raise DocumentError(name, "bảng mã cũ TCVN3 (ABC); hãy chuyển sang Unicode (UTF-8) trước")


_SPACE_RUN = re.compile(r"[ \t\u00a0]{2,}")


def clean_layout_text(raw: str) -> str:
    """Undo pypdf's layout padding: trim lines, collapse space runs, one blank line at most."""
    lines = [_SPACE_RUN.sub(" ", line.strip()) for line in raw.splitlines()]
    cleaned: list[str] = []
    for line in lines:
        if line or (cleaned and cleaned[-1]):
            cleaned.append(line)
    return "\n".join(cleaned).strip("\n")


def _pdf_text(data: bytes, name: str) -> tuple[str, tuple[int, ...], str | None]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(name, "PDF được khoá bằng mật khẩu")
        pages = [clean_layout_text(page.extract_text(extraction_mode="layout")) for page in reader.pages]
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
    return text, tuple(starts), title_of(text, metadata if isinstance(metadata, str) else None)


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
