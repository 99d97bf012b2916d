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
from dataclasses import dataclass, field
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
    other formats); ``sha256`` is the hash of the file's bytes.
    """

    path: str
    text: str
    sha256: str
    page_starts: tuple[int, ...] = field(default=())

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


def load_document(path: Path, root: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> Document:
    """Load one file; raise ``DocumentError`` naming the file when it cannot be read."""
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(name, f"unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(name, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(name, f"cannot read file ({error.strerror or error})") from error
    if not data.strip():
        raise DocumentError(name, "file is empty")
    if suffix == ".pdf":
        text, page_starts = _pdf_text(data, name)
    elif suffix == ".docx":
        text, page_starts = _docx_text(data, name), ()
    else:
        text, page_starts = decode_text(data, name), ()
    if not text.strip():
        raise DocumentError(name, "no text found")
    return Document(name, text, hashlib.sha256(data).hexdigest(), page_starts)


def decode_text(data: bytes, name: str = "<bytes>") -> str:
    """Decode a text file's bytes, detecting BOMs and the Vietnamese code pages."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        if b"\x00" in data[:8192]:
            raise DocumentError(name, "binary data, not text (NUL bytes)")
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
        raise DocumentError(name, "binary data, not text")
    _reject_legacy(sample, name)


def _reject_legacy(text: str, name: str) -> None:
    sample = text[:200_000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    if sum(ch in _VIETNAMESE_LETTERS for ch in sample) / letters > 0.01:
        return
    # VNI writes a vowel then a mark character; TCVN3 replaces the vowel itself.
    if len(_VNI_PAIRS.findall(sample)) / letters > 0.03:
        raise DocumentError(name, "legacy Vietnamese font encoding VNI; convert it to Unicode (UTF-8) first")
    if sum(ch in _TCVN3_MARKS for ch in sample) / letters > 0.05:
        raise DocumentError(name, "legacy Vietnamese font encoding TCVN3 (ABC); convert it to Unicode (UTF-8) first")


_SPACE_RUN = re.compile(r"[ \t\u00a0]{2,}")


def clean_layout_text(raw: str) -> str:
    """Undo pypdf's layout padding: trim lines, collapse space runs, one blank line at most."""
    lines = [_SPACE_RUN.sub(" ", line.strip()) for line in raw.splitlines()]
    cleaned: list[str] = []
    for line in lines:
        if line or (cleaned and cleaned[-1]):
            cleaned.append(line)
    return "\n".join(cleaned).strip("\n")


def _pdf_text(data: bytes, name: str) -> tuple[str, tuple[int, ...]]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(name, "PDF is encrypted with a password")
        pages = [clean_layout_text(page.extract_text(extraction_mode="layout")) for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentError(name, f"not a readable PDF ({error})") from error
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise DocumentError(name, f"damaged PDF ({type(error).__name__}: {error})") from error
    if not any(pages):
        raise DocumentError(name, "PDF has no text layer (scanned image?); run OCR on it first")
    starts, text = [], ""
    for page in pages:
        if text:
            text += "\n\n"
        starts.append(len(text))
        text += page
    return text, tuple(starts)


#: what one DOCX may cost to read: its unpacked size and its paragraph count (a 333 KB file
#: of 3 million empty paragraphs took 270 s and 2 GB before these bounds)
MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_DOCX_PARAGRAPHS = 100_000


def _docx_text(data: bytes, name: str) -> str:
    import io
    import zipfile

    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_DOCX_UNPACKED_BYTES:
                raise DocumentError(name, f"DOCX unpacks to {unpacked:,} bytes, over the "
                                          f"{MAX_DOCX_UNPACKED_BYTES:,}-byte limit")
            body = archive.read("word/document.xml")
    except DocumentError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
        raise DocumentError(name, f"not a readable DOCX ({error})") from error
    paragraphs = body.count(b"<w:p>") + body.count(b"<w:p ")
    if paragraphs > MAX_DOCX_PARAGRAPHS:
        raise DocumentError(name, f"DOCX has {paragraphs:,} paragraphs, over the {MAX_DOCX_PARAGRAPHS:,} limit")
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(p.text for p in document.paragraphs if p.text.strip())
    except Exception as error:  # lxml and python-docx raise many kinds on damaged XML
        raise DocumentError(name, f"damaged DOCX ({type(error).__name__}: {error})") from error


def document_files(root: Path) -> list[Path]:
    """Files under ``root`` that look like documents, sorted, hidden ones skipped."""
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and p.name.lower() != "readme.md"
    )


def load_directory(root: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> tuple[list[Document], list[DocumentError]]:
    """Load every document under ``root``; failures are returned, not raised."""
    documents, failures = [], []
    for path in document_files(root):
        try:
            documents.append(load_document(path, root, max_bytes))
        except DocumentError as error:
            failures.append(error)
        except Exception as error:  # one bad file never stops the others: it is named with the reason
            failures.append(DocumentError(path.relative_to(root).as_posix(),
                                          f"could not be read ({type(error).__name__}: {error})"))
    return documents, failures
