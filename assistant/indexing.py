"""Building and updating an index from a documents folder.

Only text that changed is embedded again: unit vectors of the previous
generation are reused by the hash of their text, so an unchanged corpus costs
no embedding at all and an edited document costs only its edited sentences.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import store
from .chunking import Chunk, chunk_document
from .embedding import Embedder
from .lexical import LexicalIndex
from .loaders import LOADER_VERSION, Document, DocumentError, load_directory
from .vietnamese import MATCHING_VERSION, matching_terms

#: progress(done, total, stage)
Progress = Callable[[int, int, str], None]
EMBED_BATCH = 32


class NothingToIndex(Exception):
    """No document could be loaded: the previous index, if any, is kept; ``failures`` says why per file."""

    def __init__(self, message: str, failures: list[DocumentError] | None = None) -> None:
        super().__init__(message)
        self.failures = failures or []


@dataclass
class BuildReport:
    """What a build did: documents indexed, reused and skipped (with reasons)."""

    documents: int = 0
    chunks: int = 0
    units_embedded: int = 0
    units_reused: int = 0
    changed: bool = False
    failures: list[DocumentError] = field(default_factory=list)
    seconds: float = 0.0
    #: (path, note) for what was repaired in documents indexed by this build (``Document.notes``)
    notes: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        state = "updated" if self.changed else "up to date"
        lines = [f"index {state}: {self.documents} documents, {self.chunks} chunks, "
                 f"{self.units_embedded} sentences embedded, {self.units_reused} reused, {self.seconds:.1f} s"]
        lines += [f"note {path}: {note}" for path, note in self.notes]
        lines += [f"skipped {f.path}: {f.reason}" for f in self.failures]
        return "\n".join(lines)


def text_hash(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def lexical_terms(chunk: Chunk) -> list[str]:
    """What BM25 sees of a chunk: its section heading and its text."""
    return matching_terms(f"{chunk.section or ''}\n{chunk.text}")


def lexical_index(chunks: list[Chunk]) -> LexicalIndex:
    return LexicalIndex.build([lexical_terms(c) for c in chunks])


@contextlib.contextmanager
def build_lock(index_dir: Path):
    """One build at a time per index folder (readers never wait). Yields None, or the
    ``OSError`` that says the folder cannot be written (read-only): nothing may be built then."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / ".lock", "w")
    except OSError as error:
        if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise
        yield error
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield None
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _previous(index_dir: Path, embedder: Embedder) -> store.IndexData | None:
    try:
        data = store.load(index_dir)
    except store.IndexUnavailable:
        return None
    return data if data.embedder_name == embedder.name else None


def _embed_units(
    texts: list[str], embedder: Embedder, cache: dict[bytes, np.ndarray], progress: Progress | None,
) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, embedding only those not in ``cache``; returns (vectors, embedded)."""
    keys = [text_hash(t) for t in texts]
    missing_text = {k: t for k, t in zip(keys, texts) if k not in cache}
    missing = list(missing_text)
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start:start + EMBED_BATCH]
        vectors = embedder.embed_passages([missing_text[k] for k in batch])
        cache.update(zip(batch, vectors))
        if progress:
            progress(min(start + EMBED_BATCH, len(missing)), len(missing), "embedding")
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32), 0
    return np.stack([cache[k] for k in keys]).astype(np.float32), len(missing)


def build_from_documents(
    documents: list[Document], embedder: Embedder, previous: store.IndexData | None = None,
    progress: Progress | None = None,
) -> tuple[store.IndexData, int, int]:
    """Chunk, embed and index documents in memory; returns (data, embedded, reused)."""
    documents = sorted(documents, key=lambda d: d.path)
    chunks = [c for d in documents for c in chunk_document(d)]
    cache: dict[bytes, np.ndarray] = {}
    if previous is not None:
        old_vectors = store.all_vectors(previous.dense)
        cache = dict(zip((text_hash(t) for t in previous.chunks.unit_texts()), old_vectors))
    texts = [c.unit_text(u) for c in chunks for u in c.units]
    vectors, embedded = _embed_units(texts, embedder, cache, progress)
    if progress:
        progress(0, 1, "lexical index")
    chunk_counts = Counter(c.document for c in chunks)
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    old_docs = previous.manifest["documents"] if previous else {}
    manifest = {
        "format_version": store.FORMAT_VERSION,
        "embedder": {"name": embedder.name, "dim": embedder.dim},
        "loader_version": LOADER_VERSION,
        "matching_version": MATCHING_VERSION,
        "documents": {
            d.path: {
                "sha256": d.sha256,
                "chunks": chunk_counts[d.path],
                "pages": len(d.page_starts) or None,
                "indexed_at": old_docs[d.path]["indexed_at"]
                if d.path in old_docs and old_docs[d.path]["sha256"] == d.sha256 else now,
                "notes": list(d.notes),
            }
            for d in documents
        },
        "created_at": now,
        "chunks": len(chunks),
        "units": len(texts),
    }
    by_path = {d.path: d for d in documents}
    data = store.IndexData(manifest, by_path, store.ChunkTable.from_chunks(chunks, by_path),
                           store.dense_index(vectors), lexical_index(chunks))
    return data, embedded, len(texts) - embedded


def extracted(previous: store.IndexData | None) -> dict[str, Document]:
    """The previous index's documents by file hash, when the loaders would extract them the same way today."""
    if previous is None or previous.manifest.get("loader_version") != LOADER_VERSION:
        return {}
    return {d.sha256: d for d in previous.documents.values()}


def is_current(manifest: dict | None, documents: list[Document], embedder_name: str) -> bool:
    """True when the manifest describes exactly these documents, embedded by this embedder."""
    if manifest is None or manifest.get("embedder", {}).get("name") != embedder_name:
        return False
    if (manifest.get("format_version"), manifest.get("loader_version"), manifest.get("matching_version")) != (
            store.FORMAT_VERSION, LOADER_VERSION, MATCHING_VERSION):
        return False
    return {p: d["sha256"] for p, d in manifest["documents"].items()} == {d.path: d.sha256 for d in documents}


def build_index(
    docs_dir: Path, index_dir: Path, embedder: Embedder, progress: Progress | None = None,
    extra_failures: list[DocumentError] | None = None,
) -> tuple[store.IndexData, BuildReport]:
    """Bring ``index_dir`` up to date with ``docs_dir``; return the index and a report.

    Raises ``NothingToIndex`` (keeping any previous index) when no document loads.
    """
    began = time.perf_counter()
    with build_lock(index_dir) as read_only:
        previous = _previous(index_dir, embedder)
        documents, failures = load_directory(docs_dir, known=extracted(previous))
        report = BuildReport(failures=failures + list(extra_failures or []))
        if not documents:
            reasons = "; ".join(str(f) for f in failures) or f"no .txt, .md, .pdf or .docx files in {docs_dir}"
            raise NothingToIndex(f"nothing could be indexed from {docs_dir}: {reasons}", report.failures)
        if previous is not None and is_current(previous.manifest, documents, embedder.name):
            data = previous
            report.units_reused = len(previous.chunks.unit_chunk)
        elif read_only:
            why = "hệ thống tệp chỉ đọc" if read_only.errno == errno.EROFS else "không có quyền ghi"
            state = "chỉ mục trong đó là của các tài liệu khác" if previous else "trong đó chưa có chỉ mục"
            raise store.IndexUnavailable(f"{index_dir}: không ghi được ({why}) và {state}; hãy cho phép ghi "
                                         f"vào thư mục này, hoặc dùng --index với một thư mục ghi được")
        else:
            known = previous.manifest["documents"] if previous else {}
            report.notes = [(d.path, note) for d in documents if known.get(d.path, {}).get("sha256") != d.sha256
                            for note in d.notes]
            data, report.units_embedded, report.units_reused = build_from_documents(
                documents, embedder, previous, progress)
            store.save(data, index_dir)
            report.changed = True
    report.documents, report.chunks = len(data.documents), len(data.chunks)
    report.seconds = time.perf_counter() - began
    return data, report
