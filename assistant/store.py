"""The on-disk index: documents, chunks, a FAISS index of unit vectors, BM25.

Layout of an index folder::

    index/
      CURRENT            name of the generation in use (replaced atomically)
      gen-<id>/          one complete, immutable generation
        manifest.json    format, embedder, documents and their hashes, file checksums
        documents.json   each document's loaded text (the reference for offsets)
        chunks.json      the chunk table
        dense.faiss      unit vectors, float16 (exact, or IVF above APPROXIMATE_ABOVE vectors)
        lexical/         bm25s index over chunks

A build writes a new generation beside the old one, then replaces
``CURRENT``: a crash at any moment leaves the old generation in use, and a
reader that opened the old one keeps a complete set of files.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .chunking import Chunk
from .loaders import Document

FORMAT_VERSION = 2  # 2: sentence vectors stored as float16
#: Above this many unit vectors the exact FAISS index gives way to an inverted file (IVF).
#: Chosen with ``assistant bench``: below it exact search costs under 2 ms a question;
#: IVF was preferred to HNSW for its recall at equal speed (see eval/PERFORMANCE.md).
APPROXIMATE_ABOVE = 50_000
#: share of the IVF lists searched per question
IVF_PROBE_SHARE = 8


class IndexUnavailable(Exception):
    """The index cannot be used; the message says why and what to run."""


@dataclass
class IndexData:
    """Everything an index holds, in memory."""

    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    dense: "faiss.Index"  # noqa: F821
    lexical: "bm25s.BM25"  # noqa: F821
    unit_chunk: np.ndarray  # chunk number of each unit vector
    chunk_first_unit: np.ndarray  # first unit number of each chunk, plus a final sentinel

    @property
    def embedder_name(self) -> str:
        return self.manifest["embedder"]["name"]


def unit_table(chunks: list[Chunk]) -> tuple[np.ndarray, np.ndarray]:
    """(chunk number of each unit, first unit of each chunk + sentinel)."""
    counts = np.array([len(c.units) for c in chunks], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    unit_chunk = np.repeat(np.arange(len(chunks), dtype=np.int64), counts)
    return unit_chunk, first


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


def _chunk_record(chunk: Chunk) -> dict:
    record = {k: v for k, v in asdict(chunk).items() if k != "source"}  # the text is in documents.json
    record["units"] = [list(u) for u in chunk.units]
    return record


def _chunk_from_record(record: dict, documents: dict[str, Document]) -> Chunk:
    return Chunk(
        document=record["document"], start=record["start"], end=record["end"],
        source=documents[record["document"]].text,
        section=record["section"], page=record["page"], paragraph=record["paragraph"],
        units=tuple((a, b) for a, b in record["units"]),
    )


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
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
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
    staging.mkdir()
    try:
        (staging / "documents.json").write_text(json.dumps(
            {p: {"text": d.text, "sha256": d.sha256, "page_starts": list(d.page_starts)}
             for p, d in data.documents.items()}, ensure_ascii=False), encoding="utf-8")
        (staging / "chunks.json").write_text(
            json.dumps([_chunk_record(c) for c in data.chunks], ensure_ascii=False), encoding="utf-8")
        faiss.write_index(data.dense, str(staging / "dense.faiss"))
        data.lexical.save(str(staging / "lexical"), show_progress=False)
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
    previous = current_generation(index_dir)
    write_text_atomic(index_dir / "CURRENT", generation.name + "\n")
    _remove_old_generations(index_dir, keep={generation.name, previous.name if previous else ""})
    data.manifest = manifest
    return generation


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    # The previous generation stays one more round: a server may be reading it.
    for path in index_dir.iterdir():
        if path.is_dir() and path.name.startswith(("gen-", ".staging-")) and path.name not in keep:
            if path.name.startswith(".staging-") and time.time() - path.stat().st_mtime < 3600:
                continue  # another build may still be writing it
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
    import bm25s
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
            p: Document(p, d["text"], d["sha256"], tuple(d["page_starts"])) for p, d in raw_documents.items()
        }
        records = json.loads((generation / "chunks.json").read_text(encoding="utf-8"))
        chunks = [_chunk_from_record(r, documents) for r in records]
        dense = faiss.read_index(str(generation / "dense.faiss"))
        lexical = bm25s.BM25.load(str(generation / "lexical"), show_progress=False)
    except Exception as error:  # any damage not caught by the checksums
        raise IndexUnavailable(f"{generation}: cannot be read ({type(error).__name__}: {error}); {rebuild}") from error
    unit_chunk, first = unit_table(chunks)
    return IndexData(manifest, documents, chunks, dense, lexical, unit_chunk, first)
