import json
import shutil

import pytest

from assistant import Assistant
from assistant import store
from assistant.indexing import NothingToIndex

from conftest import REPORT, tmpfs


def test_rebuilding_an_unchanged_corpus_embeds_nothing(report_docs, tmp_path, embedder):
    first = Assistant.build(report_docs, tmp_path, embedder=embedder)
    again = Assistant.build(report_docs, tmp_path, embedder=embedder)
    assert first.last_build.units_embedded > 0 and first.last_build.changed
    assert again.last_build.units_embedded == 0 and not again.last_build.changed


def test_editing_one_paragraph_re_embeds_only_its_sentences(report_docs, tmp_path, embedder):
    docs = tmp_path / "docs"
    shutil.copytree(report_docs, docs)
    Assistant.build(docs, tmp_path / "index", embedder=embedder)
    path = docs / REPORT
    path.write_text(path.read_text(encoding="utf-8") + "\nMột câu mới được thêm vào cuối báo cáo.\n", encoding="utf-8")
    updated = Assistant.build(docs, tmp_path / "index", embedder=embedder)
    assert updated.last_build.units_embedded == 1
    assert updated.ask("câu mới được thêm vào cuối báo cáo").quotes[0].text == "Một câu mới được thêm vào cuối báo cáo."


def test_an_index_is_never_queried_with_another_embedder(report_docs, tmp_path, embedder):
    Assistant.build(report_docs, tmp_path, embedder=embedder)
    data = store.load(tmp_path)
    data.manifest["embedder"]["name"] = "sentence-transformers/other"
    with pytest.raises(store.IndexUnavailable, match="built with sentence-transformers/other"):
        Assistant(data, embedder)


def test_a_damaged_index_file_is_detected_and_the_rebuild_command_named(report_docs, tmp_path, embedder):
    Assistant.build(report_docs, tmp_path, embedder=embedder)
    generation = store.current_generation(tmp_path)
    with open(generation / "chunks.json", "r+b") as handle:
        handle.seek(10)
        handle.write(b"#")
    with pytest.raises(store.IndexUnavailable, match="checksum mismatch.*assistant index"):
        Assistant.open(tmp_path)


def test_a_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(store.IndexUnavailable, match="assistant index"):
        Assistant.open(tmp_path / "nothing")


def test_a_failed_build_keeps_the_last_good_index(report_docs, tmp_path, embedder):
    Assistant.build(report_docs, tmp_path / "index", embedder=embedder)
    before = store.current_generation(tmp_path / "index")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "broken.pdf").write_bytes(b"not a pdf")
    with pytest.raises(NothingToIndex, match="broken.pdf"):
        Assistant.build(empty, tmp_path / "index", embedder=embedder)
    assert store.current_generation(tmp_path / "index") == before
    assert Assistant.open(tmp_path / "index").ask("Quy định 114").quotes


def test_the_manifest_records_embedder_documents_and_checksums(report_docs, tmp_path, embedder):
    Assistant.build(report_docs, tmp_path, embedder=embedder)
    manifest = json.loads((store.current_generation(tmp_path) / "manifest.json").read_text())
    assert manifest["embedder"] == {"name": embedder.name, "dim": 384}
    assert list(manifest["documents"]) == [REPORT]
    assert {"chunks.json", "documents.json", "dense.faiss"} <= set(manifest["files"])


def test_the_chunk_table_gives_back_every_chunk_after_saving_and_loading(report_docs, tmp_path):
    from assistant.chunking import chunk_document
    from assistant.loaders import load_directory

    documents = {d.path: d for d in load_directory(report_docs)[0]}
    chunks = [c for d in documents.values() for c in chunk_document(d)]
    store.ChunkTable.from_chunks(chunks, documents).save(tmp_path)
    table = store.ChunkTable.load(tmp_path, documents)
    assert list(table) == chunks and [c.text for c in table] == [c.text for c in chunks]
    assert table.unit_texts() == [c.unit_text(u) for c in chunks for u in c.units]
    assert table[-1] == chunks[-1] and table.in_paragraph(REPORT, chunks[5].paragraph)[0] == chunks[5]
    with pytest.raises(IndexError):
        table[len(chunks)]


def test_the_hashed_vocabulary_scores_exactly_as_bm25s_with_its_own(report_assistant):
    import bm25s
    import numpy as np

    from assistant.indexing import lexical_terms
    from assistant.lexical import LexicalIndex
    from assistant.vietnamese import matching_terms

    corpus = [lexical_terms(c) for c in report_assistant.data.chunks]
    plain, hashed = bm25s.BM25(), LexicalIndex.build(corpus)
    plain.index(corpus, show_progress=False)
    for question in ["Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024", "quy dinh 114", "GDP ngân sách"]:
        terms = matching_terms(question)
        known = [t for t in terms if t in plain.vocab_dict]
        expected = plain.get_scores(known) if known else np.zeros(len(corpus))
        assert np.allclose(hashed.scores(terms), expected)
        assert [i >= 0 for i in hashed.term_ids(terms)] == [t in plain.vocab_dict for t in terms]


def test_an_index_of_an_older_format_is_refused_with_the_fix_and_rebuilt_by_the_next_build(
        report_docs, tmp_path, embedder):
    Assistant.build(report_docs, tmp_path, embedder=embedder)
    manifest_path = store.current_generation(tmp_path) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format_version"] = store.FORMAT_VERSION - 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    old = store.FORMAT_VERSION - 1
    with pytest.raises(store.IndexUnavailable, match=f"format {old} is not {store.FORMAT_VERSION}.*assistant index"):
        Assistant.open(tmp_path)
    rebuilt = Assistant.build(report_docs, tmp_path, embedder=embedder)
    assert rebuilt.last_build.changed and rebuilt.ask("Quy định 114 của Bộ Chính trị").quotes


def test_a_staging_folder_left_by_a_killed_build_is_removed_by_the_next_build(report_docs, tmp_path, embedder):
    import fcntl

    Assistant.build(report_docs, tmp_path, embedder=embedder)
    dead = tmp_path / ".staging-killed"
    (dead / "lexical").mkdir(parents=True)
    (dead / "documents.json").write_text("{}", encoding="utf-8")
    alive = tmp_path / ".staging-writing"
    alive.mkdir()
    with open(tmp_path / ".staging-writing.lock", "w") as lock:  # a build writing it now holds its lock
        fcntl.flock(lock, fcntl.LOCK_EX)
        docs = tmp_path / "docs"
        shutil.copytree(report_docs, docs)
        (docs / "them.txt").write_text("Một văn bản thêm vào.", encoding="utf-8")
        Assistant.build(docs, tmp_path, embedder=embedder)
        assert not dead.exists() and alive.exists()


@pytest.fixture
def small_mount(tmp_path):
    """A real filesystem of our own, which a test may turn read-only."""
    with tmpfs(tmp_path / "mnt", "64m") as mount:
        yield mount


def test_a_read_only_index_folder_still_serves_its_index_and_says_why_it_cannot_update(
        report_docs, tmp_path, small_mount, embedder):
    import subprocess

    index = small_mount / "index"
    Assistant.build(report_docs, index, embedder=embedder)
    subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], check=True)
    served = Assistant.build(report_docs, index, embedder=embedder)  # what `assistant serve` does at start
    assert served.ask("Quy định 114 của Bộ Chính trị về vấn đề gì?").quotes
    docs = tmp_path / "docs"
    shutil.copytree(report_docs, docs)
    (docs / "them.txt").write_text("Một văn bản thêm vào.", encoding="utf-8")
    with pytest.raises(store.IndexUnavailable, match="không ghi được \\(hệ thống tệp chỉ đọc\\)"):
        Assistant.build(docs, index, embedder=embedder)


def test_the_lexical_words_are_saved_with_the_index_and_an_older_index_loads_without_them(tmp_path):
    from assistant.lexical import LexicalIndex
    from assistant.vietnamese import matching_terms

    index = LexicalIndex.build([matching_terms("Nhà thơ Percy Shelley"), matching_terms("Kết luận 14")])
    assert index.words == ("14", "ket", "luan", "nha", "percy", "shelley", "tho")
    index.save(tmp_path)
    assert LexicalIndex.load(tmp_path).words == index.words
    (tmp_path / "words.txt").unlink()  # written from matching version 5 on
    assert LexicalIndex.load(tmp_path).words == ()
