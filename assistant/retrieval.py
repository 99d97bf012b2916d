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
from .diacritics import restore_diacritics
from .store import IndexData
from .vietnamese import content_keys, folded_words, has_diacritics, matching_terms, prepare, syllable_keys, tokenize

# Numbers as words, folded ("năm" is five as well as year: a count of years reads "năm năm").
_NUMBER_WORDS = frozenset("mot hai ba bon tu nam sau bay tam chin muoi tram nghin ngan trieu ty".split())
_MAY = syllable_keys("mấy")[0]  # "how many"; unaccented "may" is too many other words to count


def counted_unit(question: str) -> str | None:
    """What a "how many" question counts: "năm" in "bao nhiêu năm", "người" in "mấy người" (folded).

    >>> counted_unit("Ngành tuyên giáo sẽ tổng kết bao nhiêu năm đổi mới?")
    'nam'
    """
    tokens = tokenize(prepare(question))
    for number, token in enumerate(tokens[:-1]):
        asks = token.key == _MAY or (token.folded == "nhieu" and number and tokens[number - 1].folded == "bao")
        if asks:
            return tokens[number + 1].folded
    return None


@dataclass(frozen=True)
class ScoredUnit:
    """A sentence or clause of a candidate chunk with its evidence."""

    chunk: int  # position in IndexData.chunks
    unit: int  # position inside the chunk's units
    dense: float  # cosine with the question
    coverage: float  # idf-weighted share of the question's content words present
    score: float  # what sentences are ranked by
    phrase: float = 0.0  # share of the question's syllable pairs present
    context: float = 0.0  # coverage of the sentence's paragraph with its heading


@dataclass(frozen=True)
class Retrieval:
    """Candidate chunks (best first) and their scored sentences (best first)."""

    chunks: list[int]
    chunk_scores: list[float]
    units: list[ScoredUnit]
    #: the accented reading an accent-free question was embedded as ("nhiệm vụ" for "nhiem vu")
    reading: str | None = None


@dataclass(frozen=True)
class _Words:
    """The folded words of a text and its consecutive word pairs."""

    words: frozenset[str]
    pairs: frozenset[tuple[str, str]]

    @staticmethod
    def of(words: list[str]) -> "_Words":
        return _Words(frozenset(words), frozenset(zip(words, words[1:])))

    @staticmethod
    def union(parts: list["_Words"]) -> "_Words":
        return _Words(frozenset().union(*(p.words for p in parts)), frozenset().union(*(p.pairs for p in parts)))


@dataclass(frozen=True)
class _Wanted:
    """What a question asks for: its content words weighted by idf, and its syllable pairs."""

    keys: dict[str, float]
    phrases: set[tuple[str, str]]
    counted: str | None = None  # what a "how many" question counts

    def coverage(self, text: _Words) -> float:
        """idf-weighted share of the content words that ``text`` holds."""
        total = sum(self.keys.values())
        return sum(w for key, w in self.keys.items() if key in text.words) / total if total else 0.0

    def phrase_share(self, text: _Words) -> float:
        """Share of the syllable pairs that ``text`` holds ("thôi học", not "thôi" and "học" apart)."""
        return len(self.phrases & text.pairs) / len(self.phrases) if self.phrases else 0.0

    def states_count(self, text: _Words) -> bool:
        """``text`` writes a number before what the question counts ("40 năm" for "bao nhiêu năm")."""
        return self.counted is not None and any(
            unit == self.counted and (number.isdigit() or number in _NUMBER_WORDS) for number, unit in text.pairs)


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

    def _idf(self, folded_keys: list[str]) -> list[float | None]:
        """The idf of each folded word, None for a word no chunk holds."""
        ids = self.data.lexical.term_ids(["f:" + key for key in folded_keys])
        return [float(self.data.lexical.idf[i]) if i >= 0 else None for i in ids]

    def _lexical_scores(self, question: str, accented: bool) -> np.ndarray:
        terms = matching_terms(question, accented=accented)
        return self.data.lexical.scores(terms)[: len(self.data.chunks)]

    def _dense_chunk_scores(self, query: np.ndarray) -> dict[int, float]:
        k = min(self.settings.dense_candidates, self.data.dense.ntotal)
        sims, ids = self.data.dense.search(query, k)
        best: dict[int, float] = {}
        for unit, sim in zip(ids[0], sims[0]):
            if unit < 0:
                continue
            chunk = int(self.data.chunks.unit_chunk[unit])
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

    def _unit_vectors(self, chunks: list[int]) -> np.ndarray:
        """The sentence vectors of ``chunks``, in order, read back in one call."""
        if not chunks:
            return np.zeros((0, self.data.dense.d), dtype=np.float32)
        bounds = self.data.chunks.first_unit
        ids = np.concatenate([np.arange(bounds[c], bounds[c + 1]) for c in chunks])
        return self.data.dense.reconstruct_batch(ids.astype(np.int64))

    def _wanted(self, text: str) -> _Wanted:
        """The content words of ``text`` (weighted by idf) and its syllable pairs.

        A word no chunk holds gets the highest idf there is.
        """
        keys = sorted(content_keys(text))
        unseen = float(np.log1p(len(self.data.chunks)))
        idf = self._idf(keys)
        return _Wanted({k: unseen if w is None else w for k, w in zip(keys, idf)},
                       set(_Words.of(folded_words(text)).pairs), counted_unit(text))

    def retrieve(self, question: str, allowed_documents: set[str] | None = None,
                 focus: str | None = None) -> Retrieval:
        """Rank chunks and their sentences for ``question`` (optionally within some documents).

        ``focus`` is the text of a follow-up whose question carries the previous topic:
        paragraphs holding its words rank higher, so the new subject wins over the old one.
        """
        s = self.settings
        accented = has_diacritics(question)
        # The model reads accented Vietnamese far better; lexical matching keeps the keys as typed.
        reading = restore_diacritics(question, self.data.lexical)
        query = self.embedder.embed_queries([reading or question])
        ranked = self._fuse(self._dense_chunk_scores(query), self._lexical_scores(question, accented))
        if allowed_documents is not None:
            ranked = [(c, v) for c, v in ranked if self.data.chunks.document_of(c) in allowed_documents]
        ranked = ranked[: s.answer_chunks]
        wanted = self._wanted(question)
        focused = self._wanted(focus) if focus else None
        units: list[ScoredUnit] = []
        top_fused = ranked[0][1] if ranked else 1.0
        sims = self._unit_vectors([c for c, _ in ranked]) @ query[0]
        position = 0
        for chunk, fused in ranked:
            record = self.data.chunks[chunk]
            # Each sentence is read once; its paragraph (with the heading) is the union of its sentences.
            sentences = [_Words.of(folded_words(record.unit_text(unit))) for unit in record.units]
            paragraph = _Words.union([_Words.of(folded_words(record.section or ""))] + sentences)
            # A sentence is read in its paragraph: words of the question that the
            # paragraph or its heading holds count too, at a lower weight.
            context = wanted.coverage(paragraph)
            bonus = s.context_weight * context + s.chunk_weight * fused / top_fused
            if focused:
                bonus += s.focus_weight * (focused.coverage(paragraph) + focused.phrase_share(paragraph)) / 2
            for number, sentence in enumerate(sentences):
                dense, coverage = float(sims[position + number]), wanted.coverage(sentence)
                phrase = wanted.phrase_share(sentence)
                score = (dense + s.coverage_weight * coverage + s.phrase_weight * phrase
                         + s.count_weight * wanted.states_count(sentence) + bonus)
                units.append(ScoredUnit(chunk, number, dense, coverage, score, phrase, context))
            position += len(sentences)
        units.sort(key=lambda u: -u.score)
        return Retrieval([c for c, _ in ranked], [v for _, v in ranked], units, reading)
