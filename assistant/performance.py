"""``assistant bench``: build and answer costs at 1,000 / 10,000 / 100,000 chunks.

Every figure that depends on the machine is also given as a ratio to the bare
model measured in the same run (embedding throughput, one query embedding),
because ratios hold on a noisy machine when milliseconds do not.

The first 1,000 chunks are real text with real embeddings: paragraphs of the
shared benchmarks and the report, cut into pieces of a few sentences. Larger
corpora add *filler* chunks: copies of the real pieces, each opening with its
own number, so that FAISS, BM25 and the
chunk table hold the full count. A filler's vectors are not embedded: each
is a seeded random blend of two real vectors plus a little noise, normalised,
so that they spread like the vectors of distinct texts rather than piling up
on copies of one.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import store
from .chunking import chunk_document, split_units
from .indexing import build_from_documents, build_index, text_hash
from .loaders import Document
from .pipeline import Assistant

REAL_CHUNKS = 1000
PIECES_PER_DOCUMENT = 10
PIECE_CHARS = 260
QUESTIONS = 200


def real_pieces(benchmark_files: list[Path], extra_texts: list[str]) -> list[str]:
    """Paragraphs of SQuAD-format files (and extra texts) cut into pieces of a few sentences."""
    paragraphs = list(extra_texts)
    for path in benchmark_files:
        for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
            paragraphs += [p["context"] for p in article["paragraphs"]]
    pieces = []
    for text in paragraphs:
        piece_start = piece_end = None
        for start, end in split_units(text, 0, len(text)):
            if piece_start is not None and end - piece_start > PIECE_CHARS:
                pieces.append(text[piece_start:piece_end])
                piece_start = None
            piece_start = start if piece_start is None else piece_start
            piece_end = end
        if piece_start is not None:
            pieces.append(text[piece_start:piece_end])
    return pieces


def questions_of(benchmark_files: list[Path], count: int) -> list[str]:
    questions = [qa["question"] for path in benchmark_files
                 for article in json.loads(path.read_text(encoding="utf-8"))["data"]
                 for p in article["paragraphs"] for qa in p["qas"]]
    step = max(1, len(questions) // count)
    return questions[::step][:count]


class _FillEmbedder:
    """Real vectors for texts already embedded; for filler text, a seeded blend of two real vectors."""

    def __init__(self, real, known: dict[bytes, np.ndarray], pool: np.ndarray) -> None:
        self.real, self.known, self.pool = real, known, pool
        self.name, self.dim = real.name, real.dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            key = text_hash(text)
            if key in self.known:
                rows.append(self.known[key])
                continue
            rng = np.random.default_rng(int.from_bytes(key[:8], "little"))
            first, second = self.pool[rng.integers(len(self.pool), size=2)]
            vector = first + rng.uniform(0.2, 0.8) * second + rng.normal(0, 0.01, self.dim)
            rows.append(vector / np.linalg.norm(vector))
        return np.asarray(rows, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.embed_queries(texts)


def corpus(pieces: list[str], size: int, real_chunks: int = REAL_CHUNKS) -> list[Document]:
    """About ``size`` chunks: the real pieces first, then numbered filler copies.

    Pieces are grouped ``PIECES_PER_DOCUMENT`` to a document, one paragraph each, as in a
    library of reports rather than of one-paragraph files.
    """
    real = pieces[:min(size, real_chunks)]
    fillers = [f"Bản sao số {n}: {pieces[n % min(len(pieces), real_chunks)]}" for n in range(size - len(real))]
    documents = []
    for kind, texts in (("real", real), ("filler", fillers)):
        for first in range(0, len(texts), PIECES_PER_DOCUMENT):
            group = texts[first:first + PIECES_PER_DOCUMENT]
            documents.append(Document.from_text(f"{kind}/{first // PIECES_PER_DOCUMENT:06d}.txt", "\n\n".join(group) + "\n"))
    return documents


def _percentiles(values: list[float]) -> tuple[float, float]:
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


_PROBE = """
import json, sys, time
from pathlib import Path
began = time.perf_counter()


def rss():
    pages = int(open("/proc/self/statm").read().split()[1])
    return pages * __import__("os").sysconf("SC_PAGE_SIZE")


from assistant.embedding import load_embedder
from assistant import store
from assistant.pipeline import Assistant
embedder = load_embedder(store.read_manifest(Path(sys.argv[1]))["embedder"]["name"])
embedder.embed_queries(["khởi động"])
import faiss, bm25s  # libraries count with the model: the figure is what the index adds
model_rss = rss()
assistant = Assistant.open(sys.argv[1], embedder=embedder)
assistant.ask(sys.argv[2])
print(json.dumps({"index_rss": rss() - model_rss,
                  "in_process_seconds": time.perf_counter() - began}))
"""


def _probe(index_dir: Path, question: str) -> dict:
    """A fresh process: start to first answer, and the memory the index adds beyond the model."""
    began = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _PROBE, str(index_dir), question], capture_output=True, text=True,
                         timeout=1800)
    if out.returncode:
        raise RuntimeError(f"the cold-start probe failed:\n{out.stderr}")
    record = json.loads(out.stdout.strip().splitlines()[-1])
    record["cold_start_seconds"] = time.perf_counter() - began
    return record


def _approximate_recall(data: store.IndexData, queries: np.ndarray, k: int = 10) -> float | None:
    """recall@k of the approximate FAISS index against exact search over the same vectors."""
    import faiss

    if not isinstance(data.dense, faiss.IndexIVF):
        return None
    exact = faiss.IndexFlatIP(data.dense.d)
    exact.add(store.all_vectors(data.dense))
    _, truth = exact.search(queries, k)
    _, found = data.dense.search(queries, k)
    return float(np.mean([len(set(t) & set(f)) / k for t, f in zip(truth, found)]))


@dataclass
class SizeResult:
    chunks: int
    units: int
    dense_index: str
    build_seconds: float
    latency_p50_ms: float
    latency_p95_ms: float
    query_embedding_ms: float
    disk_bytes: int
    index_rss_bytes: int
    cold_start_seconds: float
    approximate_recall: float | None


def measure_size(documents: list[Document], embedder, questions: list[str], work: Path) -> SizeResult:
    """Build, save, and time answers for one corpus size."""
    began = time.perf_counter()
    data, _, _ = build_from_documents(documents, embedder)
    build_seconds = time.perf_counter() - began
    index_dir = work / f"index-{len(documents)}"
    store.save(data, index_dir)
    assistant = Assistant(store.load(index_dir), embedder)  # the filler embeds questions with the real model
    bare, answer = [], []
    for question in questions:  # interleaved, so both see the same machine load
        began = time.perf_counter()
        assistant.embedder.embed_queries([question])
        bare.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        assistant.ask(question)
        answer.append((time.perf_counter() - began) * 1000)
    probe = _probe(index_dir, questions[0])
    recall = _approximate_recall(assistant.data, assistant.embedder.embed_queries(questions))
    p50, p95 = _percentiles(answer)
    return SizeResult(len(data.chunks), len(data.chunks.unit_chunk), type(assistant.data.dense).__name__, build_seconds,
                      p50, p95, _percentiles(bare)[0], _folder_bytes(index_dir / (index_dir / "CURRENT")
                                                                        .read_text().strip()),
                      probe["index_rss"], probe["cold_start_seconds"], recall)


def build_overhead(pieces: list[str], embedder, work: Path, real_chunks: int = REAL_CHUNKS):
    """Build throughput of the real chunks against bare embedding of the same texts; unchanged re-index."""
    documents = corpus(pieces, real_chunks)
    docs_dir = work / "real-docs"
    for document in documents:
        path = docs_dir / document.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document.text, encoding="utf-8")
    embedder.embed_passages(["khởi động mô hình"])  # the first call pays for loading
    texts = [c.unit_text(u) for d in documents for c in chunk_document(d) for u in c.units]
    began = time.perf_counter()
    for start in range(0, len(texts), 32):
        embedder.embed_passages(texts[start:start + 32])
    bare = time.perf_counter() - began
    index_dir = work / "index-real"
    began = time.perf_counter()
    data, _ = build_index(docs_dir, index_dir, embedder)
    full = time.perf_counter() - began
    began = time.perf_counter()
    build_index(docs_dir, index_dir, embedder)
    unchanged = time.perf_counter() - began
    return {"chunks": len(data.chunks), "units": len(texts), "bare_embedding_seconds": bare,
            "build_seconds": full, "unchanged_reindex_seconds": unchanged}, data


def run_bench(sizes: list[int], benchmark_files: list[Path], extra_texts: list[str], embedder,
              log=print, real_chunks: int = REAL_CHUNKS, questions: int = QUESTIONS) -> tuple[dict, list[SizeResult]]:
    """The whole benchmark; ``log`` receives progress lines.

    >>> overhead, results = run_bench([1000, 10000], [Path("xquad.vi.json")], [], embedder)  # doctest: +SKIP
    >>> print(table(overhead, results))                                                       # doctest: +SKIP
    """
    pieces = real_pieces(benchmark_files, extra_texts)
    asked = questions_of(benchmark_files, questions)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        log(f"{len(pieces)} real pieces; build overhead at {real_chunks} real chunks ...")
        overhead, real_data = build_overhead(pieces, embedder, work, real_chunks)
        vectors = store.all_vectors(real_data.dense)
        known = dict(zip((text_hash(t) for t in real_data.chunks.unit_texts()), vectors))
        filler = _FillEmbedder(embedder, known, vectors)
        results = []
        for size in sizes:
            log(f"size {size:,} ...")
            results.append(measure_size(corpus(pieces, size, real_chunks), filler, asked, work))
    return overhead, results


def table(overhead: dict, results: list[SizeResult]) -> str:
    """The Markdown tables ``assistant bench`` prints and writes."""
    ratio = overhead["build_seconds"] / overhead["bare_embedding_seconds"]
    lines = [
        f"Build at {overhead['chunks']:,} real chunks ({overhead['units']:,} sentences): "
        f"{overhead['chunks'] / overhead['build_seconds']:.1f} chunks/s; bare embedding of the same texts "
        f"{overhead['bare_embedding_seconds']:.1f} s, full build {overhead['build_seconds']:.1f} s: "
        f"overhead {100 * (ratio - 1):+.1f} %. Re-indexing the unchanged corpus: "
        f"{overhead['unchanged_reindex_seconds']:.2f} s.",
        "",
        f"The first {overhead['chunks']:,} chunks are real text (pieces of a few sentences from the benchmark "
        "paragraphs and the report) with real embeddings; beyond them, filler chunks are numbered copies of "
        "the real pieces, ten to a document, whose vectors are seeded blends of two real vectors plus noise "
        "(not embedded), so FAISS, BM25 and the chunk table are at full size. Latency is over "
        f"{QUESTIONS} benchmark questions, each also embedded bare in the same run; memory is what opening "
        "the index adds to a process that has loaded the model.",
        "",
        "| chunks | sentence vectors | FAISS | build s (no model) | answer p50 / p95 ms | query embedding ms "
        "| p50 / p95 ÷ embedding | index memory per chunk | disk per chunk | cold start s | approx. recall@10 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        recall = f"{r.approximate_recall:.3f}" if r.approximate_recall is not None else "exact"
        lines.append(
            f"| {r.chunks:,} | {r.units:,} | {r.dense_index} | {r.build_seconds:.1f} | {r.latency_p50_ms:.1f} / "
            f"{r.latency_p95_ms:.1f} | {r.query_embedding_ms:.1f} | {r.latency_p50_ms / r.query_embedding_ms:.2f} / "
            f"{r.latency_p95_ms / r.query_embedding_ms:.2f} | {r.index_rss_bytes / r.chunks / 1024:.2f} KB | "
            f"{r.disk_bytes / r.chunks / 1024:.2f} KB | {r.cold_start_seconds:.2f} | {recall} |")
    return "\n".join(lines)
