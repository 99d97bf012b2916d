"""Chunking that follows the document's structure.

A document becomes paragraphs; short unpunctuated lines become the *section*
of the paragraphs under them; each paragraph is a ``Chunk`` (long ones are cut
at sentence boundaries), and each chunk is made of ``Unit`` s: sentences, or
the clauses of an over-long sentence cut at semicolons. Units are what an
answer quotes, so every offset points into the document text.

>>> chunks = chunk_document(Document("a.txt", "Tiêu đề\\nCâu một. Câu hai.\\n", "0"))
>>> [(c.section, c.text) for c in chunks]
[('Tiêu đề', 'Câu một. Câu hai.')]
>>> [chunks[0].unit_text(u) for u in chunks[0].units]
['Câu một.', 'Câu hai.']
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .loaders import Document

MAX_CHUNK_CHARS = 1500
MAX_UNIT_CHARS = 300
_TERMINAL = tuple(".!?…:;,\"”»)")
_HEADING_MAX_WORDS = 16
_SENTENCE_END = re.compile(r"[.!?…]+[\"”»’)\]]*(?=\s)")
_CLAUSE_END = re.compile(r";(?=\s)")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
# "TP.", "TS.", "ThS.", "PGS." and the like: a dot after them does not end a sentence.
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-ZĐ]{1,3}|ThS|Tp|PGS|GS|TS|BS|Th)\.$")


@dataclass(frozen=True)
class Chunk:
    """A paragraph (or part of one) with its place in the document.

    ``units`` are (start, end) offsets into the document text of the
    sentences or clauses the chunk is made of; ``paragraph`` is the 1-based
    number of the paragraph in the document. ``source`` is the document's
    whole text, shared by all its chunks rather than copied into each.
    """

    document: str
    start: int
    end: int
    section: str | None
    page: int | None
    paragraph: int
    units: tuple[tuple[int, int], ...]
    source: str = field(repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.source[self.start:self.end]

    def unit_text(self, unit: tuple[int, int]) -> str:
        return self.source[unit[0]:unit[1]]


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    heading: bool


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, without its line terminator."""
    spans, position = [], 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        spans.append((position, position + len(content)))
        position += len(line)
    return spans


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_heading(line: str, after_break: bool, next_line: str) -> bool:
    if _MARKDOWN_HEADING.match(line):
        return True
    words = line.split()
    return (
        after_break
        and 0 < len(words) <= _HEADING_MAX_WORDS
        and not line.endswith(_TERMINAL)
        and (line[0].isupper() or line[0].isdigit())
        # a wrapped line goes on in lower case; a heading is followed by a new paragraph
        and not next_line[:1].islower()
    )


def paragraphs(text: str) -> list[_Block]:
    """Split text into paragraphs and headings.

    A line break ends a paragraph when the line ends a sentence or the next
    line is blank; wrapped lines (as in PDFs) are joined into one paragraph.
    """
    blocks: list[_Block] = []
    open_start: int | None = None
    open_end = 0
    after_break = True
    spans = [_stripped(text, start, end) for start, end in _lines(text)]
    for number, (start, end) in enumerate(spans):
        line = text[start:end]
        following = spans[number + 1] if number + 1 < len(spans) else (0, 0)
        next_line = text[following[0]:following[1]]
        if not line:
            if open_start is not None:
                blocks.append(_Block(open_start, open_end, False))
                open_start = None
            after_break = True
            continue
        if _is_heading(line, after_break, next_line):
            if open_start is not None:
                blocks.append(_Block(open_start, open_end, False))
                open_start = None
            blocks.append(_Block(start, end, True))
            after_break = True
            continue
        if open_start is None:
            open_start = start
        open_end = end
        after_break = line.endswith(_TERMINAL[:4] + ("\"", "”"))
        if after_break:
            blocks.append(_Block(open_start, open_end, False))
            open_start = None
    if open_start is not None:
        blocks.append(_Block(open_start, open_end, False))
    return _demote_trailing_headings(blocks)


def _demote_trailing_headings(blocks: list[_Block]) -> list[_Block]:
    """A "heading" with no paragraph after it is a paragraph (a signature, a last line)."""
    result = list(blocks)
    for i in range(len(result) - 1, -1, -1):
        if not result[i].heading:
            break
        result[i] = _Block(result[i].start, result[i].end, False)
    return result


def split_units(text: str, start: int, end: int, max_chars: int = MAX_UNIT_CHARS) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]``; sentences over ``max_chars`` cut at semicolons."""
    units = []
    for s_start, s_end in _split_at(text, start, end, _SENTENCE_END):
        if s_end - s_start > max_chars:
            for c_start, c_end in _split_at(text, s_start, s_end, _CLAUSE_END):
                units.extend(_split_long(text, c_start, c_end, 2 * max_chars))
        else:
            units.append((s_start, s_end))
    return units


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut a run without sentence punctuation into pieces of at most ``max_chars``.

    A piece ends after a comma in its second half when there is one (a clause
    of a long enumeration), else at a space (a 1 MB line), else anywhere.
    """
    pieces = []
    while end - start > max_chars:
        comma = text.rfind(", ", start + max_chars // 2, start + max_chars)
        cut = comma + 1 if comma >= 0 else text.rfind(" ", start + 1, start + max_chars)
        if cut <= start:
            cut = start + max_chars
            # never between a letter and its combining accent (NFD text)
            while cut > start + 1 and unicodedata.combining(text[cut]):
                cut -= 1
        pieces.append(_stripped(text, start, cut))
        start = cut
    pieces.append(_stripped(text, start, end))
    return [p for p in pieces if p[1] > p[0]]


class _QuoteDepth:
    """Whether a position lies inside quotation marks, counted forward once (linear in the text)."""

    def __init__(self, text: str, start: int) -> None:
        self.text, self.position, self.open, self.straight = text, start, 0, 0

    def inside(self, position: int) -> bool:
        for ch in self.text[self.position:position]:
            self.open += (ch in "“«") - (ch in "”»")
            self.straight += ch == '"'
        self.position = max(self.position, position)
        return self.open > 0 or self.straight % 2 == 1


def _split_at(text: str, start: int, end: int, boundary: re.Pattern) -> list[tuple[int, int]]:
    pieces, piece_start = [], start
    quotes = _QuoteDepth(text, start)
    for match in boundary.finditer(text, start, end):
        if boundary is _CLAUSE_END and quotes.inside(match.start()):
            continue  # a semicolon inside a quoted title does not end a clause
        next_visible = _stripped(text, match.end(), end)[0]
        following = text[next_visible:min(next_visible + 1, end)]
        # "TP. Thủ Đức" or "v.v. và" do not end a sentence: the next word must start a new one.
        if boundary is _SENTENCE_END and following and not (following[0].isupper() or following[0] in "\"“«(0123456789-–•"):
            continue
        if boundary is _SENTENCE_END and _ABBREVIATION.search(text, piece_start, match.start() + 1):
            continue
        pieces.append(_stripped(text, piece_start, match.end()))
        piece_start = match.end()
    pieces.append(_stripped(text, piece_start, end))
    return [p for p in pieces if p[1] > p[0]]


def _group_units(units: list[tuple[int, int]], max_chars: int) -> list[list[tuple[int, int]]]:
    groups: list[list[tuple[int, int]]] = [[]]
    for unit in units:
        if groups[-1] and unit[1] - groups[-1][0][0] > max_chars:
            groups.append([])
        groups[-1].append(unit)
    return groups


def chunk_document(document: Document, max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """Cut a document into chunks that follow its headings and paragraphs."""
    text = document.text
    chunks: list[Chunk] = []
    section: str | None = None
    number = 0
    for block in paragraphs(text):
        if block.heading:
            section = _MARKDOWN_HEADING.sub("", text[block.start:block.end]).strip()
            continue
        number += 1
        units = split_units(text, block.start, block.end)
        for group in _group_units(units, max_chars):
            start, end = group[0][0], group[-1][1]
            chunks.append(Chunk(
                document=document.path, start=start, end=end, source=text,
                section=section, page=document.page_at(start), paragraph=number, units=tuple(group),
            ))
    return chunks
