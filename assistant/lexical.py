"""BM25 over chunks, with a compact vocabulary.

The terms are syllables and syllable pairs, accented and folded (see
``vietnamese.matching_terms``); a library of reports holds millions of them.
``bm25s`` keeps its vocabulary as a Python dict of strings, about 150 bytes a
term; here the vocabulary is a sorted array of 64-bit term hashes beside the
BM25 term numbers, 12 bytes a term, searched with ``np.searchsorted``.

Two terms sharing a 64-bit hash would share a posting list; over a million
terms the chance of any such pair is about 3 in 100 million.

>>> index = LexicalIndex.build([["f:nhiem", "f:vu"], ["f:vu"]])
>>> [round(float(s), 2) for s in index.scores(["f:nhiem", "f:khong-co"])]
[0.24, 0.0]
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_HASHES_FILE = "term_hashes.npy"
_IDS_FILE = "term_ids.npy"
_WORDS_FILE = "words.txt"


def term_hashes(terms: list[str]) -> np.ndarray:
    """Stable 64-bit hashes of ``terms`` (the same in every process, unlike ``hash``)."""
    return np.array([int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
                     for t in terms], dtype=np.uint64)


@dataclass
class LexicalIndex:
    """A bm25s index whose vocabulary is looked up by term hash."""

    bm25: "bm25s.BM25"  # noqa: F821
    hashes: np.ndarray  # sorted uint64 term hashes
    ids: np.ndarray  # the bm25s term number of each hash
    idf: np.ndarray  # log(1 + chunks / chunks holding the term), by term number
    #: the folded syllables the chunks hold, sorted: a name spelt one letter apart is looked up in them
    #: (the hashes cannot say which terms are near a word)
    words: tuple[str, ...] = ()

    @classmethod
    def build(cls, documents: list[list[str]]) -> "LexicalIndex":
        """Index ``documents``, each a list of terms."""
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index(documents or [[]], show_progress=False)
        terms = list(bm25.vocab_dict)
        hashes = term_hashes(terms)
        order = np.argsort(hashes)
        ids = np.array([bm25.vocab_dict[t] for t in terms], dtype=np.int32)[order]
        bm25.vocab_dict, bm25.unique_token_ids_set = {}, set()  # replaced by the hashes
        words = tuple(sorted(t[2:] for t in terms if t.startswith("f:") and "_" not in t))
        return cls(bm25, hashes[order], ids, cls._idf_of(bm25), words)

    @staticmethod
    def _idf_of(bm25) -> np.ndarray:
        postings = np.diff(np.asarray(bm25.scores["indptr"]))
        return np.log1p(max(int(bm25.scores["num_docs"]), 1) / np.maximum(postings, 1)).astype(np.float32)

    @functools.cached_property
    def max_idf(self) -> float:
        """The highest idf of any term (the rarest one), computed once."""
        return float(self.idf.max()) if len(self.idf) else 0.0

    def term_ids(self, terms: list[str]) -> np.ndarray:
        """The term number of each of ``terms``, -1 for a term no chunk holds."""
        if not terms or not len(self.hashes):
            return np.full(len(terms), -1, dtype=np.int64)
        wanted = term_hashes(terms)
        positions = np.minimum(np.searchsorted(self.hashes, wanted), len(self.hashes) - 1)
        found = self.hashes[positions] == wanted
        return np.where(found, self.ids[positions], -1).astype(np.int64)

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every indexed chunk for a query made of ``terms``."""
        ids = [int(i) for i in self.term_ids(terms) if i >= 0]
        if not ids:
            return np.zeros(int(self.bm25.scores["num_docs"]), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(ids), dtype=np.float32)

    def save(self, folder: Path) -> None:
        self.bm25.save(str(folder), show_progress=False)
        np.save(folder / _HASHES_FILE, self.hashes)
        np.save(folder / _IDS_FILE, self.ids)
        (folder / _WORDS_FILE).write_text("\n".join(self.words), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        import bm25s

        bm25 = bm25s.BM25.load(str(folder), load_vocab=False, show_progress=False)
        words = folder / _WORDS_FILE  # absent from an index built before matching version 5
        return cls(bm25, np.load(folder / _HASHES_FILE), np.load(folder / _IDS_FILE), cls._idf_of(bm25),
                   tuple(words.read_text(encoding="utf-8").split()) if words.is_file() else ())
