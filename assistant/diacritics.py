"""The accented reading of a question typed without diacritics, taken from the index's own words
and from how Vietnamese is commonly written.

"hoc ky he dien ra trong bao lau" could be many Vietnamese sentences; the
documents decide which. Every accent-free syllable has a few dozen possible
spellings ("bao" → bao, báo, bão, bảo, bạo, …); those that the indexed text
holds are candidates, and the reading chosen is the one whose neighbouring
syllables most often stand side by side in the documents (a Viterbi pass over
the syllable pairs of the BM25 vocabulary), the more frequent syllable
breaking ties; a pair typed with capitals (a name) counts more. Question
phrases ("như thế nào", "bao lâu", "ở đâu") are read as themselves, whatever
the documents write more often.

A small document does not hold every word a question uses ("có", "cần", "diễn ra"
may each be outnumbered by "cơ quan", "căn cứ", "diện"). So the choice also weighs
how often syllables and pairs of syllables stand in a larger body of licensed
Vietnamese text (``CommonSyllables``: counted by ``assistant fit-reading`` from the
benchmarks' fitting parts), and offers the spellings that text holds too.

The reading is used to embed the question (the multilingual model reads
accented Vietnamese far better than accent-free text) and is offered to the
user as "Có phải bạn muốn hỏi …?". Lexical matching keeps the accent-free
keys, so a wrong guess costs little.

>>> restore_diacritics("nhiem vu trong tam", lexical)   # doctest: +SKIP
'nhiệm vụ trọng tâm'
"""
from __future__ import annotations

import functools
import gzip
import itertools
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, NamedTuple

from .lexical import LexicalIndex
from .vietnamese import TONE_DIGITS, has_diacritics, prepare, spell_syllable, syllable_keys, tokenize

# The letters a diacritic can turn an accent-free letter into.
_LETTERS = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}
_LONGEST_SYLLABLE = 7  # "nghiêng"
#: a pair of syllables found side by side in the documents outweighs any difference in frequency
PAIR_BONUS = 3.0
#: a question is read again when at least this share of its syllables is typed without diacritics
#: (in the UIT questions typed with them, the share is 0.13 on average and 0.33 at the 99th percentile)
MOSTLY_BARE = 0.5
#: ... and when at least this share of those syllables is spelt somehow in the documents
#: ("What are the 2024 propaganda tasks?" has one such word in five: it is not Vietnamese)
VIETNAMESE_SHARE = 0.7
#: more for a pair of syllables both typed with a capital (not the question's first word): a name
#: the documents write ("Ho Chi Minh" is "Hồ Chí Minh", though "họ chỉ" and "mình được" are pairs too,
#: and common text writes "họ", "chỉ" and "mình được" far more often)
NAME_PAIR_BONUS = 3.0
#: weight of a syllable's frequency (its negative idf) in the choice between spellings
FREQUENCY_WEIGHT = 0.3
#: weight of how often a pair of syllables stands side by side in common text (log of 1 + its count) ...
COMMON_PAIR_WEIGHT = 1.0
#: ... up to this, below ``PAIR_BONUS``: a pair the documents write outweighs any common one
#: ("báo chí" of the report over the regulations' "chỉ được")
COMMON_PAIR_MOST = 2.0
#: ... and of how often a syllable is written there; both chosen on the dev set's questions
COMMON_SYLLABLE_WEIGHT = 0.15
#: the counts ``assistant fit-reading`` writes
COMMON_SYLLABLES_FILE = Path(__file__).with_name("syllables.json.gz")


@dataclass(frozen=True)
class CommonSyllables:
    """How often each syllable (by its accented key) and each pair of neighbouring syllables stands
    in a body of Vietnamese text: what a reading falls back on where the documents are silent.

    >>> common = CommonSyllables.count(["Thành phố có bao nhiêu quận?", "Có cần không?"])
    >>> common.syllables["co1"], common.pairs[("co1", "bao")]
    (2, 1)
    """

    syllables: dict[str, int]
    pairs: dict[tuple[str, str], int]

    @classmethod
    def count(cls, texts: Iterable[str]) -> "CommonSyllables":
        """Count the syllables of ``texts``, and the pairs with nothing but space between them."""
        syllables: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for text in texts:
            text = prepare(text)
            tokens = tokenize(text)
            syllables.update(t.key for t in tokens)
            pairs.update((a.key, b.key) for a, b in zip(tokens, tokens[1:]) if not text[a.end:b.start].strip())
        return cls(dict(syllables), dict(pairs))

    def to_json(self, about: dict) -> bytes:
        """Gzipped JSON, ``about`` (its sources and licences) first, then the counts in sorted order."""
        record = {**about, "syllables": dict(sorted(self.syllables.items())),
                  "pairs": {f"{a} {b}": n for (a, b), n in sorted(self.pairs.items())}}
        return gzip.compress(json.dumps(record, ensure_ascii=False, indent=0).encode("utf-8"), mtime=0)

    @classmethod
    def load(cls, path: Path = COMMON_SYLLABLES_FILE) -> "CommonSyllables":
        record = json.loads(gzip.decompress(path.read_bytes()))
        return cls(record["syllables"], {tuple(pair.split()): n for pair, n in record["pairs"].items()})


@functools.lru_cache(maxsize=1)
def common_syllables() -> CommonSyllables:
    """The shipped counts (``COMMON_SYLLABLES_FILE``), read once."""
    return CommonSyllables.load()
# Question phrases: documents answer questions, they seldom ask them.
_QUESTION_PHRASES = (
    "như thế nào", "ra sao", "bao lâu", "bao nhiêu", "có mấy", "là gì", "khi nào", "lúc nào", "ở đâu",
    "tại sao", "vì sao", "làm sao", "làm gì", "có phải", "được không", "hay không", "phải không",
    "những gì", "điều gì", "cái gì", "việc gì", "thì sao", "có thể", "không ạ",
    "tháng mấy", "năm mấy", "ngày mấy", "mấy giờ",
)
_PHRASE_KEYS = [[syllable_keys(word) for word in phrase.split()] for phrase in _QUESTION_PHRASES]
_PHRASES = [(tuple(folded for _, folded in keys), [key for key, _ in keys]) for keys in _PHRASE_KEYS]
_KNOWN_PAIRS = {(a[0], b[0]) for keys in _PHRASE_KEYS for a, b in zip(keys, keys[1:])}
_KNOWN_SPELLINGS: dict[str, set[str]] = {}
for _key, _folded in itertools.chain.from_iterable(_PHRASE_KEYS):
    _KNOWN_SPELLINGS.setdefault(_folded, set()).add(_key)


def spellings(folded: str) -> list[str]:
    """Every accented key an accent-free syllable could stand for ("do" → do, đo, ô, ơ … with each tone).

    >>> len(spellings("duong")), spellings("hoa")[:3]
    (72, ['hoa', 'hoa1', 'hoa2'])
    """
    if not (folded.isascii() and folded.isalpha()) or len(folded) > _LONGEST_SYLLABLE:
        return []
    bases = ("".join(letters) for letters in itertools.product(*(_LETTERS.get(ch, ch) for ch in folded)))
    return [base + tone for base in bases for tone in TONE_DIGITS]


def _candidates(folded: str, lexical: LexicalIndex) -> dict[str, float]:
    """The spellings of ``folded`` that the index holds (or the question phrases know), with their idf."""
    keys = spellings(folded)
    found = {key: float(lexical.idf[i]) for key, i in zip(keys, lexical.term_ids(keys)) if i >= 0}
    for key in _KNOWN_SPELLINGS.get(folded, ()):
        found.setdefault(key, lexical.max_idf)  # chosen for its neighbours in a question phrase, not alone
    return found


def _with_common_spellings(options: dict[str, float], folded: str, common: CommonSyllables,
                           lexical: LexicalIndex) -> dict[str, float]:
    """``options`` and the spellings of ``folded`` that common text writes, as rare in the documents
    as a question phrase's ("quận" for a report that never writes it)."""
    found = dict(options)
    for key in spellings(folded):
        if key in common.syllables:
            found.setdefault(key, lexical.max_idf)
    return found


def _known_pairs(left: list[str], right: list[str], lexical: LexicalIndex) -> set[tuple[str, str]]:
    pairs = [(a, b) for a in left for b in right]
    ids = lexical.term_ids([f"{a}_{b}" for a, b in pairs])
    return {pair for pair, i in zip(pairs, ids) if i >= 0 or pair in _KNOWN_PAIRS}


def _best_path(options: list[dict[str, float]], capital: list[bool], lexical: LexicalIndex,
               common: CommonSyllables) -> list[str]:
    """Viterbi over a run of syllables that all have candidates (``capital``: typed with a capital)."""
    def alone(key: str, idf: float) -> float:
        return COMMON_SYLLABLE_WEIGHT * math.log1p(common.syllables.get(key, 0)) - FREQUENCY_WEIGHT * idf

    layers = [{key: (alone(key, idf), "") for key, idf in options[0].items()}]
    for n, current in enumerate(options[1:], 1):
        previous = layers[-1]
        known = _known_pairs(list(previous), list(current), lexical)
        bonus = PAIR_BONUS + NAME_PAIR_BONUS * (capital[n - 1] and capital[n])
        layer = {}
        for key, idf in current.items():
            score, back = max((s + bonus * ((left, key) in known)
                               + min(COMMON_PAIR_WEIGHT * math.log1p(common.pairs.get((left, key), 0)),
                                     COMMON_PAIR_MOST), left)
                              for left, (s, _) in previous.items())
            layer[key] = (score + alone(key, idf), back)
        layers.append(layer)
    key = max(layers[-1], key=lambda k: (layers[-1][k][0], k))
    path = [key]
    for layer in reversed(layers[1:]):
        key = layer[key][1]
        path.append(key)
    return path[::-1]


def _reading(options: list[dict[str, float]], capital: list[bool], lexical: LexicalIndex,
             common: CommonSyllables) -> list[str | None]:
    """The chosen key of each syllable; None where none was found (a number, a foreign word)."""
    chosen: list[str | None] = [None] * len(options)
    start = 0
    for end in range(len(options) + 1):
        if end == len(options) or not options[end]:
            if end > start:
                chosen[start:end] = _best_path(options[start:end], capital[start:end], lexical, common)
            start = end + 1
    return chosen


def _fix_question_phrases(options: list[dict[str, float]], folded: list[str], bare: list[bool]) -> None:
    """Spell a question phrase typed without diacritics as the phrase ("nhu the nao" → "như thế nào"),
    whatever the documents write more often ("như thể", "thể nào")."""
    for words, keys in _PHRASES:
        for i in range(len(folded) - len(words) + 1):
            if tuple(folded[i:i + len(words)]) == words and all(bare[i:i + len(words)]):
                options[i:i + len(words)] = [{key: 0.0} for key in keys]


class _Typed(NamedTuple):
    """A question's syllables as typed, which of them are bare, and each one's candidate keys."""

    tokens: list
    written: list[str]
    bare: list[bool]
    options: list[dict[str, float]]

    def mostly_unspelt(self) -> bool:
        """Fewer than ``VIETNAMESE_SHARE`` of the bare syllables are spelt in the documents."""
        return sum(bool(o) for o, is_bare in zip(self.options, self.bare) if is_bare) < VIETNAMESE_SHARE * sum(self.bare)


def _options(question: str, lexical: LexicalIndex) -> _Typed | None:
    """``question`` read for restoring (``_Typed``); None when it is not mostly typed without
    diacritics (``MOSTLY_BARE``)."""
    tokens = tokenize(question)
    written = [question[t.start:t.end] for t in tokens]
    bare = [word.isalpha() and not has_diacritics(word) for word in written]
    words = sum(word.isalpha() for word in written)
    if not words or sum(bare) < MOSTLY_BARE * words:
        return None
    options = [_candidates(t.folded, lexical) if is_bare else {t.key: 0.0}
               for t, is_bare in zip(tokens, bare)]
    return _Typed(tokens, written, bare, options)


def another_language(question: str, lexical: LexicalIndex) -> bool:
    """True when ``question`` is typed without diacritics in words the documents never spell as
    Vietnamese syllables: another language ("What are the 2024 propaganda tasks?").

    A question with any syllable typed with diacritics is Vietnamese, whatever names it holds
    ("Doctor Who là ai?").
    """
    if has_diacritics(question):
        return False
    typed = _spelt_options(question, lexical)
    return typed is not None and typed.mostly_unspelt()


def _spelt_options(question: str, lexical: LexicalIndex, common: CommonSyllables | None = None):
    """``_options`` of ``question``, its accent-free syllables also spelt as common text spells them
    ("ngan sach" is Vietnamese though the documents never write "ngân sách")."""
    typed = _options(question, lexical)
    if typed is None:
        return None
    common = common_syllables() if common is None else common
    return typed._replace(options=[_with_common_spellings(o, t.folded, common, lexical) if is_bare else o
                                   for o, t, is_bare in zip(typed.options, typed.tokens, typed.bare)])


def restore_diacritics(question: str, lexical: LexicalIndex, common: CommonSyllables | None = None) -> str | None:
    """The accented reading of a ``question`` typed (mostly) without diacritics, or None.

    Syllables typed with diacritics are kept as typed and help choose their neighbours. A
    question typed with diacritics, where some syllables are accent-free by right ("sinh
    viên", "ban"), is left alone: under ``MOSTLY_BARE`` of its syllables are accent-free;
    so is a question in another language (most of its syllables spelt neither in the documents
    nor in common text). ``common`` defaults to the shipped counts (``common_syllables``).
    """
    common = common_syllables() if common is None else common
    typed = _spelt_options(question, lexical, common)
    if typed is None or typed.mostly_unspelt():
        return None
    tokens, written, bare, options = typed
    _fix_question_phrases(options, [t.folded for t in tokens], bare)
    capital = [n > 0 and word[:1].isupper() for n, word in enumerate(written)]
    chosen = _reading(options, capital, lexical, common)
    pieces, position = [], 0
    for token, key, word, is_bare in zip(tokens, chosen, written, bare):
        pieces += [question[position:token.start], spell_syllable(key, like=word) if key and is_bare else word]
        position = token.end
    pieces.append(question[position:])
    reading = "".join(pieces)
    return reading if reading != question else None
