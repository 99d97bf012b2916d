"""Does a sentence answer the question? The judge behind ordering quotes and saying "not found".

A sentence that mentions the question's words is not one that answers it. The judge reads
what the question asks for and what its answer must agree with (``questions.analyse``), and
checks each candidate sentence, read in its paragraph, for them (``features``). Those checks
and the retrieval evidence are combined by a small logistic model (``Judge``) fitted on
licensed benchmark data with real negatives (``assistant fit-judge``); its weights are saved
beside this module in ``judge.json``.

>>> judge = Judge.load()
>>> 0.0 < judge.threshold < judge.confident < 1.0
True
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .questions import (CLAUSED_KINDS, DATE_KINDS, DATE_WORDS, SENTENCE_END, Asked, Text, analyse, dated_by,
                        holds_kind, number_of, period_of, readings, spelt_alike)
from .vietnamese import tokenize

JUDGE_FILE = Path(__file__).with_name("judge.json")


#: the judge's inputs, in order (``features``)
FEATURES = ("dense", "coverage", "phrase", "context", "typed", "kind_sentence", "kind_context",
            "names_sentence", "names_context", "numbers_sentence", "numbers_context", "period_agrees")


_AT = {name: n for n, name in enumerate(FEATURES)}


def can_answer(rows: np.ndarray) -> np.ndarray:
    """1.0 where a sentence can hold the answer, else 0.0: no fitted weight may overrule this.

    Its paragraph must hold what the question asks for (a count of the thing counted, a
    date, a name …) and agree with the numbers and names the question writes; the sentence
    must not be about another time ("thời gian qua" for a question on "thời gian tới").
    """
    rows = _as_rows(rows)
    # Every number; and every name, or half of them when the question writes several (translations vary).
    agrees = (rows[:, _AT["names_context"]] >= 0.5) & (rows[:, _AT["numbers_context"]] >= 1) \
        & (rows[:, _AT["period_agrees"]] > 0)
    return holds_what_is_asked(rows) * agrees


def holds_what_is_asked(rows: np.ndarray) -> np.ndarray:
    """1.0 where a sentence or its paragraph holds what the question asks for (a count of the thing
    counted, a date, a name …), or the question asks for no kind of thing; else 0.0."""
    rows = _as_rows(rows)
    return ((rows[:, _AT["typed"]] == 0) | (rows[:, _AT["kind_sentence"]] > 0)
            | (rows[:, _AT["kind_context"]] > 0)).astype(np.float64)


def holds_every_name(rows: np.ndarray) -> np.ndarray:
    """1.0 where a sentence's paragraph (or its document's opening) holds every name the question
    writes, else 0.0.

    ``can_answer``, which fitting reads, lets half of several names do, as translations write names
    otherwise than their questions; answering asks for all of them: "Kết luận 01 … được Hà Nội
    triển khai thế nào?" is not answered by a report on TPHCM that holds "Kết luận 01".
    """
    return (_as_rows(rows)[:, _AT["names_context"]] >= 1.0).astype(np.float64)


def _as_rows(rows) -> np.ndarray:
    """The judge's inputs as a float matrix, one row a sentence (``FEATURES``)."""
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES))


def _share(items, holder) -> float:
    """Share of ``items`` held; a single item must be held whole (so one name counts 0 or 1)."""
    share = sum(holder(i) for i in items) / len(items) if items else 1.0
    return share if len(items) > 1 else float(share == 1.0)


def _names_held(asked: Asked, text: Text) -> float:
    """Share of the question's names ``text`` holds (``_share``); 0 when it lacks a title asked about."""
    return _share(asked.names, text.holds) if all(map(text.holds, asked.offices)) else 0.0


def _clashes(asked: Asked, text: Text) -> set[str]:
    """The question's numbers that ``text`` writes another number in place of, after the same
    two words, and never writes itself ("Kết luận 01" where the question asks of "Kết luận 14")."""
    return {n for n in _dated_otherwise(asked, text) if n not in text.numbers}


def _dated_otherwise(asked: Asked, text: Text, unless: Text | None = None) -> set[str]:
    """The question's numbers that ``text`` writes other numbers in place of, after the same two
    words, even where it writes them elsewhere (``_clashes`` asks that it never does); with
    ``unless``, only those whose two words ``unless`` does not number itself."""
    written = text.numbered()
    own = unless.numbered() if unless else {}
    return {n for words, n in asked.numbered.items() if words in written and n not in written[words]
            and words not in own}


def _sentence_around(unit: str, context: str) -> str:
    """The whole sentence of ``context`` that ``unit`` (a sentence or a clause of one) stands in."""
    at = context.find(unit)
    if at < 0:
        return unit
    ends_before = [m.end() for m in SENTENCE_END.finditer(context, 0, at)]
    after = SENTENCE_END.search(context, at + len(unit.rstrip(".!?… \n")))
    return context[ends_before[-1] if ends_before else 0:after.end() if after else len(context)]


def features(asked: Asked, sentence: str, context: str, dense: float, coverage: float, phrase: float,
             context_coverage: float, opening: str = "", setting: frozenset[str] = frozenset()) -> list[float]:
    """The judge's inputs for one candidate sentence read in its paragraph (``context``).

    Names and numbers the document states at its ``opening`` hold for all of it (a report
    "năm 2024" need not repeat the year in every section); what the question asks for
    must stand in the paragraph itself, and a date, day or year asked for is not one of the
    document's ``setting`` dates (``setting_dates``).
    """
    s, c = Text.of(sentence), Text.of(context)
    whole = Text.of(f"{opening}\n{context}") if opening else c
    typed = asked.kind is not None
    # A date, day or year asked for is none of the setting dates, unless the sentence writes that
    # date by a word of the question ("Chuyên đề năm 2024"): those count as written by the question.
    kind = asked
    if asked.kind in DATE_KINDS and setting:
        kind = dataclasses.replace(asked, numbers=asked.numbers | (setting - dated_by(s, asked.words)))
    # a clause is weighed among its sentence's clauses, read only for the kinds that need them
    around = Text.of(_sentence_around(sentence, context)) if asked.kind in CLAUSED_KINDS else None
    in_sentence = holds_kind(s, kind, around)
    # "Chuyên đề năm 2023" disagrees with a paragraph on "Chuyên đề năm 2024" that never writes 2023,
    # whatever the opening says; a paragraph on "Warsaw năm 1944" that writes "năm 1901" elsewhere does not.
    clashes = _clashes(asked, c)
    # The opening's numbers hold for the paragraph, but not one the opening dates otherwise: a report
    # on "công tác … năm 2023" and "nhiệm vụ trọng tâm trong năm 2024" has no tasks of 2023; nor of
    # 2025 where a paragraph that never dates its tasks writes "kỷ niệm … vào năm 2025".
    opened = Text.of(opening) if opening else None
    dated_otherwise = _dated_otherwise(asked, opened) if opened else set()
    redated = _dated_otherwise(asked, opened, unless=c) if opened else set()
    # A number the question writes with no words before it ("Năm 2023 ngành tuyên giáo …") says nothing
    # of what it dates: the opening's holds for the paragraph only when all of the document is set then.
    worded = set(asked.numbered.values())
    return [dense, coverage, phrase, context_coverage, float(typed),
            float(typed and in_sentence), float(typed and not in_sentence and holds_kind(c, kind)),
            _names_held(asked, s), _names_held(asked, whole),
            _share(asked.numbers, lambda n: n in s.numbers),
            _share(asked.numbers, lambda n: (n in c.numbers or (n in whole.numbers and n not in dated_otherwise
                                                                 and (n in worded or n in setting)))
                   and n not in clashes and n not in redated),
            float(asked.period is None or period_of(" ".join(s.folded)) in (None, asked.period))]


@dataclass(frozen=True)
class Judge:
    """A logistic model over ``FEATURES``: the probability that a sentence answers the question.

    >>> judge = Judge.load()
    >>> bool(0.0 < judge.probability([[0.85, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1]])[0] < 1.0)
    True
    """

    weights: tuple[float, ...]
    bias: float
    #: a question is answered when its best sentence's probability reaches this
    threshold: float
    #: an answer whose best probability stays below this is shown with a caution (``Answer.weak``):
    #: its quotes may not answer the question directly
    confident: float = 0.0

    def probability(self, rows) -> np.ndarray:
        """The probability that each row's sentence answers; 0 where it cannot (``can_answer``)."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, len(self.weights))
        return can_answer(rows) / (1.0 + np.exp(-(rows @ np.asarray(self.weights) + self.bias)))

    @classmethod
    def load(cls, path: Path = JUDGE_FILE) -> "Judge":
        record = json.loads(path.read_text(encoding="utf-8"))
        if tuple(record["features"]) != FEATURES:
            raise ValueError(f"{path}: fitted for other features; refit with: assistant fit-judge")
        # A judge fitted before the caution existed has no level for it: none of its answers is marked.
        return cls(tuple(record["weights"]), record["bias"], record["threshold"],
                   record.get("confident", record["threshold"]))

    def to_json(self, about: dict) -> str:
        """The judge as ``judge.json`` holds it, with ``about`` (its data and figures) beside the weights."""
        record = {"features": list(FEATURES), "weights": [round(w, 6) for w in self.weights],
                  "bias": round(self.bias, 6), "threshold": round(self.threshold, 6),
                  "confident": round(self.confident, 6), **about}
        return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def fit_logistic(rows: np.ndarray, labels: np.ndarray, l2: float = 1e-2, steps: int = 100,
                 sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-regularised logistic regression, by Newton's method (no extra dependency)."""
    x = np.hstack([np.asarray(rows, dtype=np.float64), np.ones((len(rows), 1))])
    y = np.asarray(labels, dtype=np.float64)
    w = np.zeros(x.shape[1])
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (sw * (p - y)) / sw.sum() + penalty * w
        hessian = (x * (sw * p * (1 - p))[:, None]).T @ x / sw.sum() + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if math.sqrt(float(step @ step)) < 1e-9:
            break
    return w[:-1], float(w[-1])


#: candidate sentences the judge reads per question (the best by retrieval score)
JUDGED = 6


#: how much of a document's start says what all of it is about (its title and first sentence or two)
OPENING_CHARS = 400


def about_another(question: str, retrieval, data, n: int = JUDGED) -> list[bool]:
    """For each of the ``n`` best sentences: it names another numbered thing than the question's
    ("Kết luận 01" for a question on "Kết luận 14"), so it is no quote for it, even beside one that is.
    """
    ways = readings(analyse(retrieval.reading or question, question))
    texts = (Text.of(data.chunks[u.chunk].unit_text(data.chunks[u.chunk].units[u.unit])) for u in retrieval.units[:n])
    return [all(_clashes(reading, text) for reading in ways) for text in texts]


#: how often a document writes a date of its opening for the date to be when all of it is set
SETTING_MENTIONS = 3


@functools.lru_cache(maxsize=64)
def setting_dates(document: str) -> frozenset[str]:
    """The dates a document opens with and keeps writing: when all of it is set ("năm 2024" of an
    annual report), which does not say when one thing in it happened ("Kết luận 01 … năm nào?").

    >>> sorted(setting_dates("Báo cáo năm 2024. Năm 2024, năm bản lề. Kế hoạch năm 2024; từ năm 2023."))
    ['2024']
    """
    opening = Text.of(document[:OPENING_CHARS])
    dated = {opening.keys[i] for i, n in enumerate(opening.numbers) if n is not None and i and opening.keys[i].isdigit()
             and (opening.folded[i - 1] in DATE_WORDS or len(opening.keys[i]) == 4)}
    return frozenset(number_of(key) for key in dated
                     if len(re.findall(rf"(?<!\d){key}(?!\d)", document)) >= SETTING_MENTIONS)


def _written_apart(word: str, words: tuple[str, ...]) -> bool:
    """Some indexed syllable is ``word`` spelt apart, as translations spell foreign names (``spelt_alike``)."""
    if len(word) < 4 or word.isdigit():
        return False
    # Only syllables starting with the same letter can be spelt alike: a slice of the sorted words.
    first = word[0]
    same_letter = words[bisect.bisect_left(words, first):bisect.bisect_left(words, chr(ord(first) + 1))]
    return any(spelt_alike(written, word) for written, _, _ in
               process.extract(word, same_letter, scorer=OSA.distance, score_cutoff=2, limit=None))


def unwritten_names(asked: Asked, lexical) -> list[tuple[str, ...]]:
    """The question's names that no indexed text writes: nothing can answer a question about them.

    A name is written when each of its syllables stands in some indexed text (or, of four letters or
    more, is spelt apart there: "Shelly" for "Shelley") and at least half of its pairs of syllables
    stand side by side somewhere. So "Lê Thị Hạnh Dung" is not written by a library that writes
    "lê", "thị", "hạnh" and "dung" only apart, while two names side by side in a question ("Tin
    lành Châu Âu") still are. Numbered documents are left to the numbers check.
    """
    return [name for name in asked.names if not any(word.isdigit() for word in name) and not _written(name, lexical)]


def _written(name: tuple[str, ...], lexical) -> bool:
    pairs = list(zip(name, name[1:]))
    held = lexical.term_ids(["f:" + w for w in name] + [f"f:{a}_{b}" for a, b in pairs]) >= 0
    exact = dict(zip(name, held[:len(name)]))
    if not all(exact[w] or _written_apart(w, lexical.words) for w in name):
        return False
    # A pair with a syllable spelt apart cannot be looked up side by side: it counts as written.
    side_by_side = [pair_held or not (exact[a] and exact[b]) for (a, b), pair_held in zip(pairs, held[len(name):])]
    return 2 * sum(side_by_side) >= len(pairs)


def _unwritten(question: str, retrieval, data) -> list[tuple[str, ...]]:
    """``unwritten_names`` of the question's reading that has fewest ("QĐ 114" read as a rule or a decision)."""
    return min((unwritten_names(reading, data.lexical)
                for reading in readings(analyse(retrieval.reading or question, question))), key=len)


def unwritten_as_asked(question: str, retrieval, data) -> list[str | None]:
    """The names of ``question`` that no indexed text writes (``unwritten_names``): nothing answers
    it when there is one. Each as the question spells it, or None where it cannot be cut out of
    the question verbatim (a name read into it with diacritics, or through an alias).

    >>> import types
    >>> from assistant.lexical import LexicalIndex
    >>> from assistant.vietnamese import matching_terms
    >>> library = types.SimpleNamespace(lexical=LexicalIndex.build([matching_terms("Kết luận 01 của Bộ Chính trị")]))
    >>> unwritten_as_asked("Kết luận 01 được Hà Tĩnh triển khai thế nào?", types.SimpleNamespace(reading=None), library)
    ['Hà Tĩnh']
    """
    return [_as_typed(question, name) for name in _unwritten(question, retrieval, data)]


def _as_typed(question: str, name: tuple[str, ...]) -> str | None:
    """``name`` (folded syllables) as ``question`` spells it, or None where it cannot be cut out verbatim."""
    tokens = tokenize(question)
    folded = [t.folded for t in tokens]
    at = next((i for i in range(len(folded) - len(name) + 1) if tuple(folded[i:i + len(name)]) == name), None)
    return None if at is None else question[tokens[at].start:tokens[at + len(name) - 1].end]


#: how many chunks holding the rest of a name are read for one spelt a letter apart (``written_alike``)
ALIKE_CHUNKS = 50


def written_alike(question: str, retrieval, data) -> list[tuple[str | None, str]]:
    """The question's names of three syllables or more that no indexed chunk writes in full, each (as
    the question spells it, as a document writes it) where a document writes it with one syllable
    spelt one letter apart: ("Huỳnh Cách Mạnh", "Huỳnh Cách Mạng"). The two syllables it shares say
    whose name it is; a suggestion for the not-found message, never a quote.
    """
    names = {name for reading in readings(analyse(retrieval.reading or question, question))
             for name in reading.names if len(name) >= 3 and not any(w.isdigit() for w in name)}
    found = []
    for name in sorted(names):
        alike = _written_alike(name, data)
        if alike:
            found.append((_as_typed(question, name), alike))
    return found


def _written_alike(name: tuple[str, ...], data) -> str | None:
    pairs = [f"f:{a}_{b}" for a, b in zip(name, name[1:])]
    held = [pair for pair, n in zip(pairs, data.lexical.term_ids(pairs)) if n >= 0]
    if not held:
        return None
    scores = data.lexical.scores(held)
    alike = None
    for chunk in np.argsort(-scores)[:ALIKE_CHUNKS]:
        if scores[chunk] <= 0:
            break
        text = data.chunks[int(chunk)].text
        tokens = tokenize(text)
        words = [t.folded for t in tokens]
        for i in range(len(words) - len(name) + 1):
            apart = [(a, b) for a, b in zip(words[i:i + len(name)], name) if a != b]
            if not apart:
                return None  # written in full: no slip to suggest a name for
            if alike is None and len(apart) == 1 and OSA.distance(*apart[0]) == 1 and text[tokens[i].start].isupper():
                alike = text[tokens[i].start:tokens[i + len(name) - 1].end]
    return alike


def candidate_rows(question: str, retrieval, data, n: int = JUDGED) -> list[list[float]]:
    """``features`` of the ``n`` best sentences of a retrieval, in retrieval order."""
    asked = analyse(retrieval.reading or question, question)
    rows = []
    for unit in retrieval.units[:n]:
        chunk = data.chunks[unit.chunk]
        context = f"{chunk.section or ''}\n{chunk.text}"
        document = data.documents[chunk.document].text
        # a question offering alternatives ("4 hay 5 nhiệm vụ") is read as the one the sentence agrees with
        rows.append(max((features(reading, chunk.unit_text(chunk.units[unit.unit]), context, unit.dense,
                                  unit.coverage, unit.phrase, unit.context, document[:OPENING_CHARS],
                                  setting_dates(document)) for reading in readings(asked)), key=_agreement))
    return rows


def _agreement(row: list[float]) -> tuple[float, ...]:
    """How well a sentence agrees with the names and numbers a question writes, most telling first."""
    return tuple(row[_AT[name]] for name in ("names_context", "numbers_context", "names_sentence", "numbers_sentence"))
