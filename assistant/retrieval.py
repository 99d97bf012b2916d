"""Hybrid retrieval: dense unit vectors (FAISS) and BM25 over chunks, fused.

The dense side searches sentence-level vectors and scores a chunk by its best
sentence; the lexical side is BM25 over syllables and syllable bigrams, with
an accent-free field. The two chunk rankings are fused by weighted reciprocal
rank. Then every sentence of the best chunks is scored on its own, which is
what ``answering`` quotes from.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import Settings
from .store import IndexData
from .vietnamese import content_keys, folded_bigrams, folded_words, has_diacritics, matching_terms


@dataclass(frozen=True)
class ScoredUnit:
    """A sentence or clause of a candidate chunk with its evidence."""

    chunk: int  # position in IndexData.chunks
    unit: int  # position inside the chunk's units
    dense: float  # cosine with the question
    coverage: float  # idf-weighted share of the question's content words present
    score: float  # what sentences are ranked by


@dataclass(frozen=True)
class Retrieval:
    """Candidate chunks (best first) and their scored sentences (best first)."""

    chunks: list[int]
    chunk_scores: list[float]
    units: list[ScoredUnit]
    accented_question: bool


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top], kind="stable")]


class Retriever:
    """Ranks the chunks and sentences of one index for a question.

    >>> retriever = Retriever(data, embedder)              # doctest: +SKIP
    >>> retriever.retrieve("nhiệm vụ trọng tâm năm 2024")  # doctest: +SKIP
    """

    def __init__(self, data: IndexData, embedder, settings: Settings | None = None) -> None:
        self.data = data
        self.embedder = embedder
        self.settings = settings or Settings()
        lexical = data.lexical
        self._vocab = lexical.vocab_dict
        indptr = np.asarray(lexical.scores["indptr"])
        num_docs = max(int(lexical.scores["num_docs"]), 1)
        # Inverse document frequency of each vocabulary entry, for coverage.
        self._idf = np.log1p(num_docs / np.maximum(np.diff(indptr), 1)).astype(np.float32)

    def idf(self, folded_key: str) -> float:
        position = self._vocab.get("f:" + folded_key)
        return float(self._idf[position]) if position is not None else float(np.log1p(len(self.data.chunks)))

    def _lexical_scores(self, question: str, accented: bool) -> np.ndarray:
        terms = [t for t in matching_terms(question, accented=accented) if t in self._vocab]
        if not terms:
            return np.zeros(len(self.data.chunks), dtype=np.float32)
        return np.asarray(self.data.lexical.get_scores(terms), dtype=np.float32)[: len(self.data.chunks)]

    def _dense_chunk_scores(self, query: np.ndarray) -> dict[int, float]:
        k = min(self.settings.dense_candidates, self.data.dense.ntotal)
        sims, ids = self.data.dense.search(query, k)
        best: dict[int, float] = {}
        for unit, sim in zip(ids[0], sims[0]):
            if unit < 0:
                continue
            chunk = int(self.data.unit_chunk[unit])
            best[chunk] = max(best.get(chunk, -1.0), float(sim))
        return best

    def _fuse(self, dense: dict[int, float], lexical: np.ndarray) -> list[tuple[int, float]]:
        s = self.settings
        fused: dict[int, float] = {}
        for rank, chunk in enumerate(sorted(dense, key=dense.get, reverse=True)):
            fused[chunk] = s.dense_weight / (s.rrf_k + rank + 1)
        for rank, chunk in enumerate(_top(lexical, s.lexical_candidates)):
            if lexical[chunk] > 0:
                fused[int(chunk)] = fused.get(int(chunk), 0.0) + s.lexical_weight / (s.rrf_k + rank + 1)
        return sorted(fused.items(), key=lambda item: -item[1])

    def _unit_vectors(self, chunk: int) -> np.ndarray:
        first, last = self.data.chunk_first_unit[chunk], self.data.chunk_first_unit[chunk + 1]
        return self.data.dense.reconstruct_n(int(first), int(last - first))

    def _coverage(self, question_keys: dict[str, float], text: str) -> float:
        if not question_keys:
            return 0.0
        present = set(folded_words(text))
        total = sum(question_keys.values())
        return sum(w for key, w in question_keys.items() if key in present) / total

    def _focus(self, focus: str | None, text: str) -> float:
        """How much of a follow-up's own words and phrases ("công tác tổ chức") a paragraph holds."""
        if not focus:
            return 0.0
        keys = {key: self.idf(key) for key in content_keys(focus)}
        phrases = folded_bigrams(focus)
        phrase = len(phrases & folded_bigrams(text)) / len(phrases) if phrases else 0.0
        return (self._coverage(keys, text) + phrase) / 2

    def retrieve(self, question: str, allowed_documents: set[str] | None = None,
                 focus: str | None = None) -> Retrieval:
        """Rank chunks and their sentences for ``question`` (optionally within some documents).

        ``focus`` is the text of a follow-up whose question carries the previous topic:
        paragraphs holding its words rank higher, so the new subject wins over the old one.
        """
        s = self.settings
        accented = has_diacritics(question)
        query = self.embedder.embed_queries([question])
        ranked = self._fuse(self._dense_chunk_scores(query), self._lexical_scores(question, accented))
        if allowed_documents is not None:
            ranked = [(c, v) for c, v in ranked if self.data.chunks[c].document in allowed_documents]
        ranked = ranked[: s.answer_chunks]
        keys = {key: self.idf(key) for key in content_keys(question)}
        phrases = folded_bigrams(question)
        units: list[ScoredUnit] = []
        top_fused = ranked[0][1] if ranked else 1.0
        for chunk, fused in ranked:
            record = self.data.chunks[chunk]
            sims = self._unit_vectors(chunk) @ query[0]
            # A sentence is read in its paragraph: words of the question that the
            # paragraph or its heading holds count too, at a lower weight.
            paragraph = f"{record.section or ''}\n{record.text}"
            context = self._coverage(keys, paragraph)
            focused = s.focus_weight * self._focus(focus, paragraph)
            for position, unit in enumerate(record.units):
                text = record.unit_text(unit)
                coverage = self._coverage(keys, text)
                phrase = len(phrases & folded_bigrams(text)) / len(phrases) if phrases else 0.0
                score = (float(sims[position]) + s.coverage_weight * coverage + s.phrase_weight * phrase
                         + s.context_weight * context + s.chunk_weight * fused / top_fused + focused)
                units.append(ScoredUnit(chunk, position, float(sims[position]), coverage, score))
        units.sort(key=lambda u: -u.score)
        return Retrieval([c for c, _ in ranked], [v for _, v in ranked], units, accented)
