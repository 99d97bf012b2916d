"""The on-disk index: documents, chunks, a FAISS index of unit vectors, BM25.

Layout of an index folder::

    index/
      CURRENT            name of the generation in use (replaced atomically)
      gen-<id>/          one complete, immutable generation
        manifest.json    format, embedder, documents and their hashes, file checksums
        documents.json   each document's loaded text (the reference for offsets)
        chunks.json      the chunk table's strings: document paths, section headings
        chunks.npz       the chunk table's numbers: offsets, paragraphs, pages, sentence offsets
        dense.faiss      unit vectors, float16 (exact, or IVF above APPROXIMATE_ABOVE vectors)
        lexical/         bm25s index over chunks, and its vocabulary as term hashes

A build writes a new generation beside the old one, then replaces
``CURRENT``: a crash at any moment leaves the old generation in use, and a
reader that opened the old one keeps a complete set of files.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunking import Chunk
from .lexical import LexicalIndex
from .loaders import Document

FORMAT_VERSION = 5  # 2: float16 vectors; 3: chunk table as arrays, hashed vocabulary;
# 4: spelling variants share keys ("kì" = "kỳ"); 5: over-long sentences cut after a comma
#: Above this many unit vectors the exact FAISS index gives way to an inverted file (IVF).
#: Chosen with ``assistant bench``: below it exact search costs under 2 ms a question;
#: IVF was preferred to HNSW for its recall at equal speed (see eval/PERFORMANCE.md).
APPROXIMATE_ABOVE = 50_000
#: share of the IVF lists searched per question
IVF_PROBE_SHARE = 8


class IndexUnavailable(Exception):
    """The index cannot be used; the message says why and what to run."""


class ChunkTable(Sequence[Chunk]):
    """The chunks of an index held as arrays; a ``Chunk`` is made only when one is asked for.

    As Python objects a chunk with its sentence offsets cost 1.4 KB of memory (measured at
    100,000 chunks); as a row of these arrays, about 80 bytes.

    >>> table = ChunkTable.from_chunks(chunk_document(document), {document.path: document})  # doctest: +SKIP
    >>> table[0].text, table.unit_texts()[:2]                                                 # doctest: +SKIP
    """

    _ARRAYS = ("document", "start", "end", "section", "page", "paragraph", "first_unit", "unit_start", "unit_end")

    def __init__(self, documents: dict[str, Document], paths: list[str], sections: list[str],
                 arrays: dict[str, np.ndarray]) -> None:
        self.documents, self.paths, self.sections = documents, paths, sections
        self._path_number = {p: n for n, p in enumerate(paths)}
        self.document = arrays["document"]  # document number (into ``paths``) of each chunk
        self.start, self.end = arrays["start"], arrays["end"]
        self.section = arrays["section"]  # section number (into ``sections``), -1 for none
        self.page = arrays["page"]  # -1 for none
        self.paragraph = arrays["paragraph"]
        self.first_unit = arrays["first_unit"]  # first unit of each chunk, plus a final sentinel
        self.unit_start, self.unit_end = arrays["unit_start"], arrays["unit_end"]
        #: chunk number of each unit (sentence vector)
        self.unit_chunk = np.repeat(np.arange(len(self.start), dtype=np.int32), np.diff(self.first_unit))

    @classmethod
    def from_chunks(cls, chunks: list[Chunk], documents: dict[str, Document]) -> "ChunkTable":
        paths = sorted({c.document for c in chunks})
        sections = sorted({c.section for c in chunks if c.section is not None})
        path_number = {p: n for n, p in enumerate(paths)}
        section_number = {s: n for n, s in enumerate(sections)}
        units = [u for c in chunks for u in c.units]
        counts = [len(c.units) for c in chunks]
        return cls(documents, paths, sections, {
            "document": np.array([path_number[c.document] for c in chunks], dtype=np.int32),
            "start": np.array([c.start for c in chunks], dtype=np.int64),
            "end": np.array([c.end for c in chunks], dtype=np.int64),
            "section": np.array([section_number.get(c.section, -1) for c in chunks], dtype=np.int32),
            "page": np.array([-1 if c.page is None else c.page for c in chunks], dtype=np.int32),
            "paragraph": np.array([c.paragraph for c in chunks], dtype=np.int32),
            "first_unit": np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int64),
            "unit_start": np.array([u[0] for u in units], dtype=np.int64),
            "unit_end": np.array([u[1] for u in units], dtype=np.int64),
        })

    def __len__(self) -> int:
        return len(self.start)

    def __getitem__(self, number: int) -> Chunk:
        if not -len(self) <= number < len(self):
            raise IndexError(f"chunk {number} of {len(self)}")
        number %= len(self)
        first, last = self.first_unit[number], self.first_unit[number + 1]
        path = self.paths[self.document[number]]
        section, page = int(self.section[number]), int(self.page[number])
        return Chunk(
            document=path, start=int(self.start[number]), end=int(self.end[number]),
            section=self.sections[section] if section >= 0 else None, page=page if page >= 0 else None,
            paragraph=int(self.paragraph[number]),
            units=tuple(zip(self.unit_start[first:last].tolist(), self.unit_end[first:last].tolist())),
            source=self.documents[path].text,
        )

    def document_of(self, number: int) -> str:
        return self.paths[self.document[number]]

    def in_paragraph(self, document: str, paragraph: int) -> list[Chunk]:
        """The chunks of one paragraph of a document (more than one when it was cut)."""
        if document not in self._path_number:
            return []
        rows = np.flatnonzero((self.document == self._path_number[document]) & (self.paragraph == paragraph))
        return [self[int(n)] for n in rows]

    def unit_texts(self) -> list[str]:
        """The text of every unit, in unit order."""
        texts = [self.documents[p].text for p in self.paths]
        owner = self.document[self.unit_chunk].tolist()
        return [texts[d][s:e] for d, s, e in zip(owner, self.unit_start.tolist(), self.unit_end.tolist())]

    def save(self, folder: Path) -> None:
        """``chunks.json`` (document paths and section headings) and ``chunks.npz`` (the numbers)."""
        (folder / "chunks.json").write_text(json.dumps({"documents": self.paths, "sections": self.sections},
                                                       ensure_ascii=False), encoding="utf-8")
        with open(folder / "chunks.npz", "wb") as handle:
            np.savez(handle, **{name: getattr(self, name) for name in self._ARRAYS})

    @classmethod
    def load(cls, folder: Path, documents: dict[str, Document]) -> "ChunkTable":
        names = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        with np.load(folder / "chunks.npz") as arrays:
            return cls(documents, names["documents"], names["sections"], {n: arrays[n] for n in cls._ARRAYS})


@dataclass
class IndexData:
    """Everything an index holds, in memory."""

    manifest: dict
    documents: dict[str, Document]
    chunks: ChunkTable
    dense: "faiss.Index"  # noqa: F821
    lexical: LexicalIndex

    @property
    def embedder_name(self) -> str:
        return self.manifest["embedder"]["name"]


def dense_index(vectors: np.ndarray, approximate_above: int = APPROXIMATE_ABOVE):
    """An inner-product FAISS index over normalised vectors: exact, or IVF above ``approximate_above``.

    Vectors are stored as float16: half the memory of float32, and faster to scan (memory
    bound), for scores that move by about 1e-4. The IVF index has about 4·√n lists and
    searches one in ``IVF_PROBE_SHARE`` of them; it keeps a direct map so that the vectors
    of a chunk can still be read back by number.
    """
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim, fp16, inner = vectors.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    if len(vectors) <= approximate_above:
        index = faiss.IndexScalarQuantizer(dim, fp16, inner)
        index.add(vectors)
        return index
    lists = int(4 * np.sqrt(len(vectors)))
    index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, lists, fp16, inner)
    index.train(vectors)
    index.add(vectors)
    index.nprobe = max(1, lists // IVF_PROBE_SHARE)
    index.make_direct_map()
    return index


def all_vectors(index) -> np.ndarray:
    """Every vector of a FAISS index (to reuse the embeddings of unchanged text)."""
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return index.reconstruct_n(0, index.ntotal)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")) + [folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file so that readers see the old content or the new, never a part."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, content: bytes) -> None:
    """``write_text_atomic`` for bytes."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(data: IndexData, index_dir: Path) -> Path:
    """Write ``data`` as a new generation and make it current; return its folder."""
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    staging = index_dir / f".staging-{uuid.uuid4().hex}"
    # Held while the generation is written: a staging folder whose lock is free was left by a killed build.
    writing = open(_writing_lock(staging), "w")
    fcntl.flock(writing, fcntl.LOCK_EX)
    staging.mkdir()
    try:
        (staging / "documents.json").write_text(json.dumps(
            {p: {"text": d.text, "sha256": d.sha256, "page_starts": list(d.page_starts), "title": d.title,
                 "notes": list(d.notes)}
             for p, d in data.documents.items()}, ensure_ascii=False), encoding="utf-8")
        data.chunks.save(staging)
        faiss.write_index(data.dense, str(staging / "dense.faiss"))
        data.lexical.save(staging / "lexical")
        manifest = dict(data.manifest)
        manifest["files"] = {
            p.relative_to(staging).as_posix(): _sha256(p) for p in sorted(staging.rglob("*")) if p.is_file()
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _fsync_tree(staging)
        generation = index_dir / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        os.rename(staging, generation)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        _writing_lock(staging).unlink(missing_ok=True)
        writing.close()
    previous = current_generation(index_dir)
    write_text_atomic(index_dir / "CURRENT", generation.name + "\n")
    _remove_old_generations(index_dir, keep={generation.name, previous.name if previous else ""})
    data.manifest = manifest
    return generation


def _writing_lock(staging: Path) -> Path:
    return staging.with_name(staging.name + ".lock")


def _being_written(staging: Path) -> bool:
    """A build is writing ``staging`` now: it holds the folder's lock (a killed build holds nothing)."""
    try:
        with open(_writing_lock(staging), "r") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except FileNotFoundError:
        return False
    except BlockingIOError:
        return True
    return False


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    # The previous generation stays one more round: a server may be reading it.
    for path in index_dir.iterdir():
        if path.is_dir() and path.name.startswith(("gen-", ".staging-")) and path.name not in keep:
            if path.name.startswith(".staging-"):
                if _being_written(path):
                    continue
                _writing_lock(path).unlink(missing_ok=True)
            shutil.rmtree(path, ignore_errors=True)


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder ``CURRENT`` names, or None when there is no index."""
    try:
        name = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return index_dir / name if name else None


def read_manifest(index_dir: Path) -> dict | None:
    generation = current_generation(index_dir)
    if generation is None:
        return None
    try:
        return json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load(index_dir: Path, verify: bool = True) -> IndexData:
    """Open the current generation; raise ``IndexUnavailable`` with the fix when it is missing or damaged."""
    import faiss

    rebuild = f"rebuild it with: assistant index --index {index_dir}"
    generation = current_generation(index_dir)
    if generation is None or not generation.is_dir():
        raise IndexUnavailable(f"no index in {index_dir}; build one with: assistant index --index {index_dir}")
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexUnavailable(f"{generation / 'manifest.json'}: unreadable ({error}); {rebuild}") from error
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexUnavailable(f"{generation}: index format {manifest.get('format_version')} is not "
                          f"{FORMAT_VERSION}; {rebuild}")
    if verify:
        for name, expected in manifest.get("files", {}).items():
            path = generation / name
            if not path.is_file() or _sha256(path) != expected:
                raise IndexUnavailable(f"{path}: missing or damaged (checksum mismatch); {rebuild}")
    try:
        raw_documents = json.loads((generation / "documents.json").read_text(encoding="utf-8"))
        documents = {
            p: Document(p, d["text"], d["sha256"], tuple(d["page_starts"]), d.get("title"), tuple(d.get("notes", ())))
            for p, d in raw_documents.items()
        }
        chunks = ChunkTable.load(generation, documents)
        dense = faiss.read_index(str(generation / "dense.faiss"))
        lexical = LexicalIndex.load(generation / "lexical")
    except Exception as error:  # any damage not caught by the checksums
        raise IndexUnavailable(f"{generation}: cannot be read ({type(error).__name__}: {error}); {rebuild}") from error
    return IndexData(manifest, documents, chunks, dense, lexical)
