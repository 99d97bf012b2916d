"""A small run of ``assistant bench`` (the full one is kept out of the test budget) and the approximate index."""
import numpy as np

from assistant import store
from assistant.performance import corpus, real_pieces, run_bench, table
from conftest import BENCHMARKS

UIT_TEST = BENCHMARKS / "uit-regulation-qa" / "test_reg.json"


def test_the_corpus_holds_the_real_pieces_then_numbered_filler_copies():
    pieces = real_pieces([UIT_TEST], [])
    documents = corpus(pieces, 3 * len(pieces), real_chunks=len(pieces))
    paragraphs = [p for d in documents for p in d.text.strip().split("\n\n")]
    assert paragraphs[:len(pieces)] == pieces and len(paragraphs) == 3 * len(pieces)
    assert paragraphs[len(pieces)] == f"Bản sao số 0: {pieces[0]}"
    assert len({d.path for d in documents}) == len(documents)


def test_a_small_bench_reports_every_figure_for_every_size(embedder):
    overhead, results = run_bench([30, 300], [UIT_TEST], [], embedder, log=lambda line: None, real_chunks=30,
                                  questions=20)
    assert overhead["chunks"] >= 30 and overhead["unchanged_reindex_seconds"] < overhead["build_seconds"]
    assert [r.chunks >= size for r, size in zip(results, [30, 300])] == [True, True]
    for result in results:
        assert result.latency_p50_ms <= result.latency_p95_ms and result.query_embedding_ms > 0
        assert result.index_rss_bytes > 0 and result.disk_bytes > 0 and result.cold_start_seconds > 0
    text = table(overhead, results)
    assert text.count("\n| ") == 1 + len(results) and "overhead" in text


def test_the_approximate_index_finds_what_exact_search_finds():
    # Topics, like texts have: vectors around 100 centres (uniform random vectors in 384
    # dimensions are all equally far apart, which no text embedding is).
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(100, 384))
    vectors = (centres[rng.integers(100, size=5000)] + 0.4 * rng.normal(size=(5000, 384))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[:200] + rng.normal(scale=0.05, size=(200, 384)).astype(np.float32)
    approximate = store.dense_index(vectors, approximate_above=1000)
    exact = store.dense_index(vectors)
    assert type(approximate).__name__ == "IndexIVFScalarQuantizer" and type(exact).__name__ == "IndexScalarQuantizer"
    _, truth = exact.search(queries, 10)
    _, found = approximate.search(queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found)])
    assert recall >= 0.99
    # a chunk's sentence vectors are read back by number, as retrieval does
    assert np.allclose(approximate.reconstruct_n(10, 5), vectors[10:15], atol=1e-3)  # float16


def test_an_approximate_index_survives_saving_and_loading(tmp_path):
    import faiss

    vectors = np.random.default_rng(1).normal(size=(3000, 384)).astype(np.float32)
    index = store.dense_index(vectors, approximate_above=1000)
    faiss.write_index(index, str(tmp_path / "dense.faiss"))
    loaded = faiss.read_index(str(tmp_path / "dense.faiss"))
    assert loaded.nprobe == index.nprobe and np.allclose(loaded.reconstruct_n(0, 3), vectors[:3], rtol=1e-3, atol=1e-3)
