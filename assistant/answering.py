"""Answers made only of quotes.

An ``Answer`` holds verbatim spans of the documents (``Quote``), or abstains
with the fixed ``NOT_FOUND`` message. The only text the assistant adds is the
fixed frame "Theo <document>, <section>:" around each quote, and the fixed caution
``WEAK_MATCH`` above the quotes of an answer whose first sentence the judge only just accepts.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np

from .answerability import (FEATURES, Judge, about_another, candidate_rows, holds_every_name, holds_what_is_asked,
                            unwritten_as_asked, written_alike)
from .chunking import Chunk
from .config import (ASKED_FOR, NOT_FOUND, NOT_FOUND_NOT_STATED, NOT_FOUND_UNWRITTEN, WEAK_MATCH, WRITTEN_ALIKE,
                     Settings)
from .questions import analyse, kind_check
from .retrieval import Retrieval, ScoredUnit
from .store import IndexData
from .vietnamese import content_keys, fold, nfc, prepare, syllable_keys, tokenize

# Asked for several items: a plural subject ("Những nhiệm vụ … là gì?", "Các yêu cầu … là gì?"),
# "những gì", "những X nào", "gồm", "liệt kê".
_LIST_QUESTION = re.compile(
    r"^nhung\b|^cac\b.*\bla gi\b|\b(nhung|cac) gi\b|\bnhung( \w+){1,3} (nao|gi)\b|\b(bao )?gom\b|\bliet ke\b"
    r"|^(what|which) are\b|\blist\b")
# ... unless it asks how, how many, when, where, why, what something is called, or for "one of" them.
_NOT_LIST = re.compile(
    r"\b(nhu (the )?nao|the nao|ra sao|bao nhieu|bao lau|khi nao|luc nao|o dau|tai sao|vi sao|goi la gi"
    r"|mot trong nhung)\b")

_INTERROGATIVE = re.compile(
    r"\?|\b(gi|nao|ai|sao|dau|bao|may|khong|chua|hay|what|which|who|whom|whose|how|when|where|why|list)\b")

# Counted with their accents ("tám", not "tâm"); "năm" (five) is left out: it is also "year".
_COUNT_WORDS = frozenset("hai ba bốn sáu bảy tám chín mười nhiều".split())
# "50 năm", "3 tháng" measure time; they do not count the items of a list.
_DURATIONS = frozenset(syllable_keys(w)[0] for w in "năm tháng ngày tuần giờ phút".split())
# "Đó là …" is no opener of its own: it goes on from the sentence that counts the items ("5 nhiệm
# vụ trọng tâm. Đó là …"), which is the opener when the question asks about them.
_ANNOUNCES_LIST = re.compile(r":\s*$|\b(bao gom|gom|sau day|nhu sau)\b")
#: how far below the best sentence a list's opening sentence may score and still be preferred
LIST_HEAD_MARGIN = 0.15


@dataclass(frozen=True)
class Quote:
    """A verbatim span: ``text == document_text[start:end]``.

    ``title`` is the document's title (None: the file name stands for it);
    ``continues_before`` / ``continues_after`` say that the quote's sentence goes on
    before or after it, shown as "…" outside the quoted text.
    """

    text: str
    document: str
    start: int
    end: int
    section: str | None
    page: int | None
    score: float
    paragraph: int = field(default=0, compare=False)
    title: str | None = None
    continues_before: bool = False
    continues_after: bool = False

    def to_dict(self) -> dict:
        record = asdict(self)
        del record["paragraph"]
        record["score"] = round(self.score, 4)
        return record

    @property
    def shown(self) -> str:
        """The quote as shown: its text, with "…" where its sentence goes on.

        >>> Quote("tổ chức học tập", "a.txt", 9, 24, None, None, 1.0, continues_before=True).shown
        '…tổ chức học tập'
        """
        return ("…" if self.continues_before else "") + self.text + ("…" if self.continues_after else "")

    def citation(self) -> str:
        """Where the quote stands, in the fixed frame: document title (or file), section, page, paragraph.

        >>> Quote("x", "bao-cao.txt", 0, 1, "Mục một", 2, 1.0, 4, title="Báo cáo", continues_after=True).citation()
        'Báo cáo, mục “Mục một”, trang 2, đoạn 4 (trích một phần câu)'
        """
        parts = [self.title or self.document]
        if self.section and self.section != self.title:
            parts.append(f"mục “{self.section}”")
        if self.page:
            parts.append(f"trang {self.page}")
        if self.paragraph:
            parts.append(f"đoạn {self.paragraph}")
        cut = " (trích một phần câu)" if self.continues_before or self.continues_after else ""
        return ", ".join(parts) + cut


@dataclass(frozen=True)
class Answer:
    """Quotes that answer a question, best first; or an abstention with nearest passages apart."""

    question: str
    abstained: bool
    quotes: list[Quote]
    nearest: list[Quote] = field(default_factory=list)
    did_you_mean: str | None = None
    #: why a question could not be asked at all (empty, not text), or why nothing was found for it
    #: (names no document writes: ``config.NOT_FOUND_UNWRITTEN``; a kind of thing asked for that no
    #: near passage states: ``config.NOT_FOUND_NOT_STATED``; asked in another language:
    #: ``config.NOT_FOUND_OTHER_LANGUAGE``)
    message: str | None = None
    #: answered, but the judge only just accepts the sentence quoted first (``Judge.confident``), or
    #: does not accept it: the quotes come with a caution (``WEAK_MATCH``) that they may not answer
    #: the question directly
    weak: bool = False

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "weak": self.weak,
            "quotes": [q.to_dict() for q in self.quotes],
            "nearest": [q.to_dict() for q in self.nearest],
            "message": self.message,
            "reading": self.did_you_mean,
        }

    def render(self) -> str:
        """Plain text: the fixed frame and the quotes, or the fixed not-found message."""
        if self.message:
            return self.message
        if self.abstained:
            return NOT_FOUND
        lines = []
        if self.did_you_mean:
            lines.append(f"(Có phải bạn muốn hỏi: “{self.did_you_mean}”?)")
        if self.weak:
            lines += [WEAK_MATCH, ""]
        for quote in self.quotes:
            lines += [f"Theo {quote.citation()}:", "", f"> {quote.shown}", ""]
        return "\n".join(lines).rstrip()


def is_list_question(question: str) -> bool:
    """Questions that ask for several items ("những nhiệm vụ … là gì?", "gồm những gì")."""
    folded = fold(prepare(question)).strip()
    return bool(_LIST_QUESTION.search(folded)) and not _NOT_LIST.search(folded)


def is_topic_query(question: str) -> bool:
    """Keywords rather than a question ("nhiem vu trong tam nganh tuyen giao 2024"): no question word.

    Such a query names a topic; when the documents hold a list on it, the list is the answer.
    """
    return not _INTERROGATIVE.search(fold(prepare(question)))


@dataclass
class _Span:
    chunk: int
    first: int
    last: int
    score: float


def _free_range(spans: list[_Span], chunk: int, unit: int, size: int) -> tuple[int, int]:
    """The units around ``unit`` of its chunk that no other passage holds: how far a passage may grow."""
    low = max((s.last + 1 for s in spans if s.chunk == chunk and s.last < unit), default=0)
    high = min((s.first - 1 for s in spans if s.chunk == chunk and s.first > unit), default=size - 1)
    return low, high


def _sentence_spans(units: list[ScoredUnit], data: IndexData, settings: Settings,
                    holds: Callable[[str], bool] | None = None) -> list[_Span]:
    """Distinct passages around the best sentences, best first.

    A neighbour of a passage that scores nearly as well joins it; a short sentence is
    widened (``_widen``), a passage that cannot hold what the question asks for takes in a
    neighbouring sentence that can (``holds``: ``questions.kind_check``), and a sentence
    opening a list runs through it (``_complete_list``), but never into another passage: no
    sentence is quoted twice, and the first passages do not depend on how many are asked for.
    """
    scores = {(u.chunk, u.unit): u.score for u in units}
    spans: list[_Span] = []
    for unit in units:
        if any(s.chunk == unit.chunk and s.first <= unit.unit <= s.last for s in spans):
            continue
        joined = next((s for s in spans if s.chunk == unit.chunk and unit.unit in (s.first - 1, s.last + 1)
                       and unit.score >= settings.merge_ratio * s.score), None)
        if joined:
            joined.first, joined.last = min(joined.first, unit.unit), max(joined.last, unit.unit)
            continue
        span = _Span(unit.chunk, unit.unit, unit.unit, unit.score)
        free = _free_range(spans, unit.chunk, unit.unit, len(data.chunks[unit.chunk].units))
        if settings.quote_min_chars:
            span = _widen(span, data, scores, settings.quote_min_chars, free)
        span = _whole_sentences(span, data, free, settings.whole_sentence_chars)
        if holds:
            span = _with_neighbour_holding(span, data, free, settings, holds)
        spans.append(_complete_list(span, data, free))
    return spans


def _with_neighbour_holding(span: _Span, data: IndexData, free: tuple[int, int], settings: Settings,
                            holds: Callable[[str], bool]) -> _Span:
    """``span``, or with the sentence after (else before) it when only that one can hold what is
    asked ("Ai …?": the sentence naming the person beside the one that matched the question)."""
    chunk = data.chunks[span.chunk]
    if holds(" ".join(chunk.unit_text(chunk.units[n]) for n in range(span.first, span.last + 1))):
        return span
    for n in (span.last + 1, span.first - 1):
        if free[0] <= n <= free[1] and holds(chunk.unit_text(chunk.units[n])):
            grown = _Span(span.chunk, min(span.first, n), max(span.last, n), span.score)
            return _whole_sentences(grown, data, free, settings.whole_sentence_chars)
    return span


# Pronouns and demonstratives that open a sentence and point to the one before:
# "Ông …", "Họ …", "Điều này …", "Theo đồng chí, …" (not "Ông Nguyễn Văn A", a title before a name).
_REFERS_BACK = re.compile(r"(theo )?(ông|bà|họ|nó|chúng(?! (ta|tôi|mình))|hắn|đồng chí|điều (này|đó)|việc (này|đó)"
                          r"|đây|đó)\b", re.IGNORECASE)


def refers_back(sentence: str) -> bool:
    """A sentence opening with a word that points to the sentence before ("Ông cũng mô tả …").

    >>> refers_back("Ông cũng mô tả việc chưng cất."), refers_back("Ông Huỳnh Cách Mạng cho biết.")
    (True, False)
    """
    opening = nfc(sentence.lstrip(" \"“(-–•"))
    match = _REFERS_BACK.match(opening)
    return bool(match) and not opening[match.end():].lstrip(" ,")[:1].isupper()


def _widen(span: _Span, data: IndexData, scores: dict[tuple[int, int], float], min_chars: int,
           free: tuple[int, int]) -> _Span:
    """Grow a short span within ``free`` by its better-scoring neighbour until it reaches ``min_chars``.

    A neighbour that would take the quote past twice ``min_chars`` is not added:
    the quote stays a sentence or two, never a page.
    """
    chunk = data.chunks[span.chunk]
    units = chunk.units
    length = lambda first, last: units[last][1] - units[first][0]  # noqa: E731
    # "Ông cũng mô tả …": a sentence that refers back is read with the sentence it refers to.
    if span.first > free[0] and refers_back(chunk.unit_text(units[span.first])) \
            and length(span.first - 1, span.last) <= 2 * min_chars:
        span.first -= 1
    while length(span.first, span.last) < min_chars:
        options = [(scores.get((span.chunk, n), float("-inf")), n)
                   for n in (span.first - 1, span.last + 1) if free[0] <= n <= free[1]]
        if not options:
            break
        _, n = max(options)
        first, last = min(span.first, n), max(span.last, n)
        if length(first, last) > 2 * min_chars:
            break
        span.first, span.last = first, last
    return span


def _whole_sentences(span: _Span, data: IndexData, free: tuple[int, int], max_chars: int) -> _Span:
    """Grow a span that starts or ends inside a sentence (a clause of a long one) to the sentence's
    bounds within ``free``, both ends if the quote stays within ``max_chars``, else the start alone."""
    chunk = data.chunks[span.chunk]
    first, last = span.first, span.last
    while first > free[0] and not _ends_sentence(chunk, first - 1):
        first -= 1
    while last < free[1] and not _ends_sentence(chunk, last):
        last += 1
    length = lambda a, b: chunk.units[b][1] - chunk.units[a][0]  # noqa: E731
    for grown_first, grown_last in ((first, last), (first, span.last), (span.first, last)):
        if length(grown_first, grown_last) <= max_chars:
            span.first, span.last = grown_first, grown_last
            break
    return span


_OPENS_ITEMS = re.compile(r"\b(sau day|nhu sau|sau|gom|bao gom|la)\s*:")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"”»’)\]]*\s*$")


def _ends_sentence(chunk: Chunk, unit: int) -> bool:
    """Unit ``unit`` of ``chunk`` ends its sentence (a long sentence is indexed as several units)."""
    return bool(_ENDS_SENTENCE.search(chunk.unit_text(chunk.units[unit])))


def _complete_list(span: _Span, data: IndexData, free: tuple[int, int]) -> _Span:
    """A quote holding a sentence that opens a list ("… các điều kiện sau đây:") runs on through the list.

    The items are the answer; the sentence that announces them is not. Items written in the
    same sentence end with it (a long sentence is indexed as clauses, so the quote takes them
    all); items written as sentences of their own run to the end of the paragraph. The quote
    stops where another passage begins (``free``).
    """
    chunk = data.chunks[span.chunk]
    texts = [chunk.unit_text(chunk.units[n]).rstrip() for n in range(span.first, span.last + 1)]
    opens = [":" in text and bool(_OPENS_ITEMS.search(fold(text))) for text in texts]  # cheap test first
    if not any(opens):
        return span
    if opens[-1] and texts[-1].endswith(":"):
        span.last = free[1]
    while span.last < free[1] and not _ends_sentence(chunk, span.last):
        span.last += 1
    return span


def _one_sentence(a: _Span, b: _Span, data: IndexData) -> bool:
    """``a`` and ``b`` touch inside a sentence: one ends on a clause whose sentence the other goes on with."""
    if a.chunk != b.chunk:
        return False
    first, second = (a, b) if a.last < b.first else (b, a)
    return second.first == first.last + 1 and not _ends_sentence(data.chunks[a.chunk], first.last)


def _join(passage: _Span, others: list[_Span]) -> None:
    """Grow ``passage`` over ``others`` (which touch it); it keeps its place and score."""
    passage.first = min([passage.first] + [o.first for o in others])
    passage.last = max([passage.last] + [o.last for o in others])


def _words(text: str) -> str:
    return " ".join(text.split())


def opens_mid_sentence(text: str, start: int) -> bool:
    """``text[start:]`` begins inside a sentence: the text before it, on its line, does not end one."""
    before = text[max(0, start - 20):start].rstrip(" \t")
    return bool(before) and before[-1] not in "\r\n" and not _ENDS_SENTENCE.search(before)


def closes_mid_sentence(text: str, end: int) -> bool:
    """``text[:end]`` stops inside a sentence: more of its line follows and it does not end one."""
    after = text[end:end + 40].lstrip(" \t")[:1]
    return bool(after) and after not in "\r\n" and not _ENDS_SENTENCE.search(text[max(0, end - 20):end])


def _quote(data: IndexData, chunk_numbers: list[int], first_unit: int, last_unit: int, score: float) -> Quote:
    head, tail = data.chunks[chunk_numbers[0]], data.chunks[chunk_numbers[-1]]
    start, end = head.units[first_unit][0], tail.units[last_unit][1]
    document = data.documents[head.document]
    return Quote(document.text[start:end], head.document, start, end, head.section, head.page, score,
                 head.paragraph, document.title, opens_mid_sentence(document.text, start),
                 closes_mid_sentence(document.text, end))


# Openings that carry on the paragraph before: connectives, bullets, item numbers.
_GOES_ON = re.compile(r"(cung voi do|dong thoi|ben canh do|ngoai ra|tiep theo|thu (hai|ba|tu|nam)|cuoi cung)\b"
                      r"|[-•+*–]\s|\d{1,2}[.)]\s|[a-zđ][)]\s", re.IGNORECASE)


def _list_groups(data: IndexData, best: ScoredUnit, k: int, candidates: set[int] | None) -> list[list[int]]:
    """The chunks of the paragraph holding the best sentence and of the list's paragraphs after it.

    The list runs on through the paragraphs that follow in the same section. In a text without
    headings, where no section bounds it, an unannounced list (``candidates`` given) runs on
    only while its paragraphs are among the candidates or open by going on from the one before
    ("Cùng với đó, …", "- …"): a paragraph on another topic ends it.
    """
    head = data.chunks[best.chunk]
    by_paragraph: dict[int, list[int]] = {}
    number = best.chunk
    while number > 0 and data.chunks[number - 1].document == head.document \
            and data.chunks[number - 1].paragraph == head.paragraph:
        number -= 1
    while number < len(data.chunks) and len(by_paragraph) <= k:
        chunk = data.chunks[number]
        if chunk.document != head.document or chunk.section != head.section:
            break
        starts_paragraph = chunk.paragraph not in by_paragraph
        bounded = head.section is not None or candidates is None
        if starts_paragraph and by_paragraph and not bounded \
                and number not in candidates and not _GOES_ON.match(fold(chunk.text)):
            break
        by_paragraph.setdefault(chunk.paragraph, []).append(number)
        number += 1
    return list(by_paragraph.values())[:k]


def announces_list(sentence: str, question_keys: set[str]) -> bool:
    """A sentence that opens a list: "… 5 nhiệm vụ trọng tâm", "… gồm:", "Đó là …"."""
    folded = fold(prepare(sentence))
    if _ANNOUNCES_LIST.search(folded):
        return True
    tokens = tokenize(sentence)
    for count, noun in zip(tokens, tokens[1:]):
        word = sentence[count.start:count.end].lower()
        is_count = word in _COUNT_WORDS or (word.isdigit() and len(word) <= 2)
        counted = noun.folded in question_keys and not noun.folded.isdigit() and noun.key not in _DURATIONS
        if is_count and counted:
            return True
    return False


def _list_head(data: IndexData, units: list[ScoredUnit], question: str) -> ScoredUnit | None:
    """The best sentence that opens a list in the best sentence's section, if one scores close to it."""
    keys = content_keys(question)
    best = data.chunks[units[0].chunk]
    for unit in units:
        if unit.score < units[0].score - LIST_HEAD_MARGIN:
            break
        chunk = data.chunks[unit.chunk]
        if (chunk.document, chunk.section) != (best.document, best.section):
            continue  # a list from another part of the document answers another topic
        if announces_list(chunk.unit_text(chunk.units[unit.unit]), keys):
            return unit
    return None


def _passage_quotes(units: list[ScoredUnit], data: IndexData, settings: Settings, slots: int,
                    earlier: list[Quote], holds: Callable[[str], bool] | None = None) -> list[Quote]:
    """Quotes of the best passages for ``slots`` places, none repeating an ``earlier`` quote or another
    (``holds``: see ``_sentence_spans``).

    Two passages that meet inside a sentence become one quote, in the better one's place.
    """
    passages: list[_Span] = []
    quotes = lambda: [_quote(data, [p.chunk], p.first, p.last, p.score) for p in passages]  # noqa: E731
    for span in _sentence_spans(units, data, settings, holds):
        if len(passages) >= slots:
            break
        parts = [p for p in passages if _one_sentence(p, span, data)]
        if parts:
            _join(parts[0], [span] + parts[1:])
            passages = [p for p in passages if all(p is not part for part in parts[1:])]
            continue
        quote = _quote(data, [span.chunk], span.first, span.last, span.score)
        # A passage repeated in another document (or another version of one) says nothing new.
        if not any(_words(quote.text) in _words(other.text) or _words(other.text) in _words(quote.text)
                   for other in earlier + quotes()):
            passages.append(span)
    return quotes()


def judged_order(question: str, retrieval: Retrieval, data: IndexData, judge: Judge, settings: Settings,
                 rows: list[list[float]], *, names_written: bool) -> tuple[list[ScoredUnit], list[float]]:
    """The candidate sentences with the judged ones reordered, and each one's probability of answering
    (0 for those the judge does not read).

    The judge reads the best few sentences (``rows``, from ``answerability.candidate_rows``);
    ``judge_order_weight`` is added to the retrieval score of those it judges to answer, so a
    sentence that holds what the question asks for comes before one that cannot. Its decision
    moves them, not its probability: that leans on the cosine the retrieval score holds already.
    A sentence that itself holds the kind asked for (a title for "giữ cương vị gì?") moves up
    ``kind_order_weight`` more than one whose paragraph only does. A judged sentence that names
    another numbered thing than the question's ("Kết luận 01" for "Kết luận 14") is left out,
    unless all are.
    A question naming something no indexed text writes (not ``names_written``, see
    ``unwritten_as_asked``) has probability 0: nothing can answer it; nor can a sentence whose
    paragraph lacks one of the names the question writes.
    """
    # Both name checks stand here, not in the judge's rows (``can_answer``): there they turn away the
    # perturbed questions ``fit-judge`` learns from, and the refitted threshold rose (0.172 → 0.186
    # for the first, → 0.194 with both) and turned away answerable regulation questions (UIT test
    # 2.1 → 3.2 % abstained).
    if not rows or not names_written:
        return list(retrieval.units), [0.0] * len(retrieval.units)
    probability = judge.probability(rows) * holds_every_name(rows)
    judged = retrieval.units[:len(rows)]
    answers = probability >= judge.threshold
    in_sentence = np.asarray(rows)[:, FEATURES.index("kind_sentence")]
    order = sorted(range(len(rows)), key=lambda n: -(judged[n].score + settings.judge_order_weight * answers[n]
                                                      + settings.kind_order_weight * in_sentence[n]))
    other = about_another(question, retrieval, data, len(rows))
    order = [n for n in order if not other[n]] or order
    rest = list(retrieval.units[len(rows):])
    return [judged[n] for n in order] + rest, [float(probability[n]) for n in order] + [0.0] * len(rest)


def _not_found_message(unwritten: list[str | None], question: str, retrieval: Retrieval, data: IndexData,
                       rows: list[list[float]]) -> str | None:
    """Why nothing answers, when it can be said: the names no document writes, as the question spells
    them (``unwritten_as_asked``), with a name the documents write one letter apart (``written_alike``);
    else what the question asks for (a number, a day, a place …) when none of the judged sentences,
    nor their paragraphs, states one. None otherwise: the fixed message."""
    names = [name for name in unwritten if name]
    alike = written_alike(question, retrieval, data)
    names += [typed for typed, _ in alike if typed and typed not in names]
    if names:
        return NOT_FOUND_UNWRITTEN.format(names=", ".join(f"“{name}”" for name in names)) + (
            WRITTEN_ALIKE.format(names=", ".join(f"“{written}”" for _, written in alike)) if alike else "")
    if rows and not holds_what_is_asked(rows).any():
        # read as ``candidate_rows`` read it for the rows (``analyse`` keeps it)
        return NOT_FOUND_NOT_STATED.format(what=ASKED_FOR[analyse(retrieval.reading or question, question).kind])
    return None


def compose(question: str, retrieval: Retrieval, data: IndexData, settings: Settings, judge: Judge,
            k: int = 3) -> Answer:
    """Turn a retrieval into an answer of verbatim quotes, or an abstention when no sentence answers."""
    if not retrieval.units:
        return Answer(question, True, [])
    unwritten = unwritten_as_asked(question, retrieval, data)
    rows = candidate_rows(question, retrieval, data)
    ordered, probabilities = judged_order(question, retrieval, data, judge, settings, rows,
                                          names_written=not unwritten)
    best = ordered[0]
    list_question = is_list_question(question)
    # Only a list question or a bare topic looks for a list's opening sentence.
    head = _list_head(data, ordered, question) if list_question or is_topic_query(question) else None
    quotes: list[Quote] = []
    quoted_chunks: set[int] = set()
    if list_question or head:
        for group in _list_groups(data, head or best, k, None if head else set(retrieval.chunks)):
            quotes.append(_quote(data, group, 0, len(data.chunks[group[-1]].units) - 1, best.score))
            quoted_chunks.update(group)
    # Slots a list leaves free (a list of one paragraph) go to the best sentences elsewhere.
    units = [u for u in ordered if u.chunk not in quoted_chunks]
    holds = kind_check(retrieval.reading or question, question)
    quotes += _passage_quotes(units, data, settings, k - len(quotes), quotes, holds)
    if max(probabilities) < judge.threshold:
        return Answer(question, True, [], nearest=quotes,
                      message=_not_found_message(unwritten, question, retrieval, data, rows))
    # The caution is for the sentence read first: one the judge only just accepts, or one it does not
    # accept, shown first for its retrieval score while another sentence is what answers.
    return Answer(question, False, quotes, did_you_mean=retrieval.reading, weak=probabilities[0] < judge.confident)
