"""Evaluation on a Q&A file (the format of ``shared/qa/README.md``).

Scoring, per answerable question, after NFC and collapsing whitespace on both
sides: Answer@k (the answer string inside one of the first k quotes), MRR
(first quote holding it, over 10), evidence recall@k; for unanswerable ones,
abstention. Every quote is also checked to be verbatim.
"""
from __future__ import annotations

import csv
import html
import json
import statistics
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .answering import Answer

K_QUOTES = 10


class QAFileError(Exception):
    """A Q&A file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answerable: bool
    answer: str | None
    evidence: tuple[str, ...] = ()
    evidence_mode: str = "all"
    document: str | None = None
    tags: tuple[str, ...] = ()


def _item(record: dict, where: str) -> QAItem:
    try:
        question = record["question"]
        answerable = record.get("answerable", True)
        if isinstance(answerable, str):
            answerable = answerable.strip().lower() in ("true", "1", "yes")
        answer = record.get("answer")
        if isinstance(answer, (int, float)) and not isinstance(answer, bool):
            answer = str(answer)  # "answer": 2024 means the text "2024"
        elif answer is not None and not isinstance(answer, str):
            raise QAFileError(f"{where}: 'answer' phải là văn bản hoặc số, không phải {type(answer).__name__}")
        answer = answer or None
        evidence = record.get("evidence") or []
        tags = record.get("tags") or []
        if isinstance(evidence, str):
            evidence = [e for e in evidence.split("|") if e] if evidence else []
        if isinstance(tags, str):
            tags = [t for t in tags.replace(";", ",").split(",") if t.strip()]
    except (KeyError, AttributeError, TypeError) as error:
        raise QAFileError(f"{where}: thiếu hoặc sai trường ({error})") from error
    if not isinstance(question, str) or not question.strip():
        raise QAFileError(f"{where}: 'question' phải là văn bản không rỗng")
    if answerable and not answer:
        raise QAFileError(f"{where}: câu hỏi trả lời được cần có 'answer'")
    return QAItem(
        id=str(record.get("id") or where), question=question, answerable=bool(answerable), answer=answer,
        evidence=tuple(str(e) for e in evidence), evidence_mode=record.get("evidence_mode") or "all",
        document=record.get("document") or None, tags=tuple(str(t).strip() for t in tags),
    )


def _not_object(where: str):
    raise QAFileError(f"{where}: mỗi câu hỏi phải là một đối tượng JSON")


def load_qa(path: Path) -> list[QAItem]:
    """Read a JSONL (one object a line), JSON array or CSV (same columns) Q&A file.

    Problems are ``QAFileError`` naming the file and the line, in Vietnamese (the app shows them).
    """
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise QAFileError(f"{path}: không đọc được ({error})") from error
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(raw.splitlines()))
        items = [_item(row, f"{path}:{n + 2}") for n, row in enumerate(rows)]
    elif raw.lstrip().startswith("["):  # a JSON array of the same objects
        try:
            records = json.loads(raw)
        except ValueError as error:
            raise QAFileError(f"{path}: không phải JSON ({error})") from error
        items = [_item(r, f"{path}[{n}]") if isinstance(r, dict) else _not_object(f"{path}[{n}]")
                 for n, r in enumerate(records)]
    else:
        items = []
        for n, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                raise QAFileError(f"{path}:{n}: không phải JSON ({error})") from error
            items.append(_item(record, f"{path}:{n}") if isinstance(record, dict) else _not_object(f"{path}:{n}"))
    if not items:
        raise QAFileError(f"{path}: không có câu hỏi nào")
    return items


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def strip_diacritics(question: str) -> str:
    """The question as typed without accents: diacritics removed, đ→d, case kept."""
    decomposed = unicodedata.normalize("NFD", question)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))


def first_hit(answer: str, quotes: list[str]) -> int | None:
    """1-based rank of the first quote holding ``answer``, or None."""
    target = normalise(answer)
    for rank, quote in enumerate(quotes[:K_QUOTES], 1):
        if target in normalise(quote):
            return rank
    return None


def evidence_recall(item: QAItem, quotes: list[str], k: int) -> float:
    if not item.evidence:
        return 1.0
    joined = [normalise(q) for q in quotes[:k]]
    found = [any(normalise(e) in q for q in joined) for e in item.evidence]
    return float(any(found)) if item.evidence_mode == "any" else sum(found) / len(found)


@dataclass
class Result:
    item: QAItem
    answer: Answer
    seconds: float
    verbatim: bool

    @property
    def quotes(self) -> list[str]:
        return [q.text for q in self.answer.quotes]

    @property
    def rank(self) -> int | None:
        return first_hit(self.item.answer, self.quotes) if self.item.answerable else None

    @property
    def hit(self) -> bool:
        if not self.item.answerable:
            return self.answer.abstained
        return self.rank == 1


def is_verbatim(answer: Answer, texts: dict[str, str]) -> bool:
    return all(texts[q.document][q.start:q.end] == q.text for q in answer.quotes + answer.nearest)


def run(items: Iterable[QAItem], ask: Callable[[str], Answer], texts: dict[str, str],
        question_of: Callable[[QAItem], str] = lambda item: item.question,
        progress: Callable[[int, int], None] | None = None) -> list[Result]:
    """Ask every question; ``texts`` maps document paths to loaded text for the verbatim check."""
    items = list(items)
    results = []
    for n, item in enumerate(items, 1):
        began = time.perf_counter()
        answer = ask(question_of(item))
        results.append(Result(item, answer, time.perf_counter() - began, is_verbatim(answer, texts)))
        if progress:
            progress(n, len(items))
    return results


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclass
class Metrics:
    questions: int = 0
    answerable: int = 0
    answer_at_1: float = 0.0
    answer_at_3: float = 0.0
    evidence_recall_at_3: float = 0.0
    mrr: float = 0.0
    abstention_accuracy: float = 0.0
    false_abstentions: int = 0
    #: answerable questions answered with the caution that the quotes may not answer (``Answer.weak``)
    weak_answers: int = 0
    #: unanswerable questions that still got quotes, and how many of those came with the caution
    unanswerable_quoted: int = 0
    unanswerable_cautioned: int = 0
    verbatim: float = 1.0
    mean_first_quote_chars: float = 0.0
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    extra: dict = field(default_factory=dict)

    def rows(self, vietnamese: bool = False) -> list[tuple[str, str]]:
        """(name, value) per figure: English names for reports and tools, Vietnamese for the app."""
        values = [
            f"{self.questions} ({self.answerable})", f"{self.answer_at_1:.3f}", f"{self.answer_at_3:.3f}",
            f"{self.evidence_recall_at_3:.3f}", f"{self.mrr:.3f}", f"{self.abstention_accuracy:.3f}",
            str(self.false_abstentions), str(self.weak_answers),
            f"{self.unanswerable_quoted} ({self.unanswerable_cautioned})", f"{self.verbatim:.1%}",
            f"{self.mean_first_quote_chars:.0f} " + ("ký tự" if vietnamese else "chars"),
            f"{self.latency_p50_ms:.1f} / {self.latency_p95_ms:.1f} ms",
        ]
        names = [vi if vietnamese else en for en, vi in METRIC_NAMES]
        if vietnamese:  # Vietnamese writes a decimal comma
            values = [v.replace(".", ",") for v in values]
        return list(zip(names, values))


#: (English, Vietnamese) names of the figures, in ``Metrics.rows`` order
METRIC_NAMES = [
    ("questions (answerable)", "Số câu hỏi (trả lời được)"),
    ("Answer@1", "Đúng ở trích dẫn 1"),
    ("Answer@3", "Đúng trong 3 trích dẫn đầu"),
    ("evidence recall@3", "Độ phủ bằng chứng (3 trích dẫn)"),
    ("MRR", "Thứ hạng nghịch đảo trung bình (MRR)"),
    ("abstention accuracy", "Từ chối đúng (câu không trả lời được)"),
    ("false abstentions", "Từ chối sai (câu trả lời được)"),
    ("answered with a caution", "Trả lời kèm lưu ý khớp yếu"),
    ("unanswerable quoted (cautioned)", "Câu không trả lời được vẫn trích dẫn (kèm lưu ý)"),
    ("verbatim quotes", "Trích dẫn nguyên văn"),
    ("mean first-quote length", "Độ dài trung bình trích dẫn đầu"),
    ("latency p50 / p95", "Thời gian trả lời p50 / p95"),
]
#: Vietnamese names of the dev set's tags, for the app's chart (other tags are shown as written)
TAG_NAMES = {
    "abbreviation": "viết tắt", "cross-lingual": "hỏi bằng tiếng nước ngoài", "dash-variant": "biến thể dấu gạch",
    "date": "ngày tháng", "document-ref": "số hiệu văn bản", "entity": "tên người, cơ quan", "keyword": "từ khoá",
    "list": "danh sách", "multi-paragraph": "nhiều đoạn", "near-miss": "gần đúng nhưng không có",
    "no-diacritics": "không dấu", "number": "con số", "off-topic": "ngoài chủ đề", "paraphrase": "diễn đạt khác",
    "place": "địa điểm", "reason": "lý do", "yes-no": "câu hỏi có / không", "request": "yêu cầu (Nêu…, Cho biết…)",
    "choice": "lựa chọn (… hay …)", "compound": "câu hỏi ghép", "typo": "gõ sai",
    "topic-first": "nêu chủ đề trước", "preamble": "có lời dẫn",
    "tone-mark-variant": "vị trí dấu thanh", "unanswerable": "không trả lời được", "(none)": "(không gắn nhãn)",
}


def metrics(results: list[Result]) -> Metrics:
    answerable = [r for r in results if r.item.answerable]
    unanswerable = [r for r in results if not r.item.answerable]
    ranks = [r.rank for r in answerable]
    latencies = [r.seconds * 1000 for r in results]
    first_quotes = [len(r.answer.quotes[0].text) for r in answerable if r.answer.quotes]
    n = len(answerable) or 1
    return Metrics(
        questions=len(results),
        answerable=len(answerable),
        answer_at_1=sum(r == 1 for r in ranks) / n,
        answer_at_3=sum(r is not None and r <= 3 for r in ranks) / n,
        evidence_recall_at_3=sum(evidence_recall(r.item, r.quotes, 3) for r in answerable) / n,
        mrr=sum(1 / r for r in ranks if r) / n,
        abstention_accuracy=sum(r.answer.abstained for r in unanswerable) / (len(unanswerable) or 1),
        false_abstentions=sum(r.answer.abstained for r in answerable),
        weak_answers=sum(r.answer.weak for r in answerable),
        unanswerable_quoted=sum(not r.answer.abstained for r in unanswerable),
        unanswerable_cautioned=sum(r.answer.weak for r in unanswerable),
        verbatim=sum(r.verbatim for r in results) / (len(results) or 1),
        mean_first_quote_chars=statistics.fmean(first_quotes) if first_quotes else 0.0,
        latency_p50_ms=_percentile(latencies, 0.5),
        latency_p95_ms=_percentile(latencies, 0.95),
    )


def by_tag(results: list[Result]) -> dict[str, dict[str, float | None]]:
    """Per tag: questions; the share answered right (Answer@1, or abstained when unanswerable);
    Answer@1 and @3 over its answerable questions and abstention over its unanswerable ones
    (None where it has none); and its false abstentions (answerable questions abstained on)."""
    tags: dict[str, list[Result]] = {}
    for result in results:
        for tag in result.item.tags or ("(none)",):
            tags.setdefault(tag, []).append(result)

    def share(values: list[bool]) -> float | None:
        return sum(values) / len(values) if values else None

    table = {}
    for tag, rs in sorted(tags.items()):
        answerable = [r for r in rs if r.item.answerable]
        table[tag] = {
            "questions": len(rs), "correct": sum(r.hit for r in rs) / len(rs),
            "answer@1": share([r.rank == 1 for r in answerable]),
            "answer@3": share([r.rank is not None and r.rank <= 3 for r in answerable]),
            "abstained": share([r.answer.abstained for r in rs if not r.item.answerable]),
            "false_abstentions": sum(r.answer.abstained for r in answerable),
        }
    return table


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def result_record(result: Result) -> dict:
    return {
        "id": result.item.id,
        "question": result.item.question,
        "answerable": result.item.answerable,
        "expected": result.item.answer,
        "hit": result.hit,
        "rank": result.rank,
        "abstained": result.answer.abstained,
        "weak": result.answer.weak,
        "quotes": [q.to_dict() for q in result.answer.quotes],
        "latency_ms": round(result.seconds * 1000, 2),
    }


def misses(results: list[Result]) -> list[Result]:
    return [r for r in results if not r.hit]


def folded_question(item: QAItem) -> str:
    return strip_diacritics(item.question)



def _bar(share: float, width: int = 20) -> str:
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)


@dataclass
class Report:
    """The evaluation of one Q&A file: questions as written and without diacritics."""

    name: str
    as_written: list[Result]
    folded: list[Result]

    def _tables(self) -> tuple[Metrics, Metrics, dict, dict]:
        return metrics(self.as_written), metrics(self.folded), by_tag(self.as_written), by_tag(self.folded)

    def text(self) -> str:
        written, folded, tags, folded_tags = self._tables()
        lines = [f"{self.name}: {written.questions} questions ({written.answerable} answerable)", "",
                 f"{'metric':28} {'as written':>14} {'no diacritics':>14}"]
        for (label, a), (_, b) in zip(written.rows()[1:], folded.rows()[1:]):
            lines.append(f"{label:28} {a:>14} {b:>14}")
        lines += ["", f"{'tag':20} {'n':>3} {'correct':>8} {'no diacr.':>10} {'A@1':>5} {'A@3':>5} "
                      f"{'abstained':>9} {'false abst.':>11}"]
        for tag, row in tags.items():
            lines.append(f"{tag:20} {row['questions']:>3} {row['correct']:>8.2f} {folded_tags[tag]['correct']:>10.2f} "
                         f"{_cell(row['answer@1']):>5} {_cell(row['answer@3']):>5} {_cell(row['abstained']):>9} "
                         f"{row['false_abstentions']:>11}  {_bar(row['correct'])}")
        missed = misses(self.as_written)
        lines += ["", f"misses ({len(missed)}):"]
        for result in missed:
            got = result.answer.quotes[0].text[:100] if result.answer.quotes else "(abstained)"
            lines.append(f"- {result.item.id} {result.item.question}\n    expected: {result.item.answer or '(abstain)'}"
                         f"\n    quoted:   {got}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        written, folded, tags, folded_tags = self._tables()
        plain = lambda m: {k: v for k, v in m.__dict__.items() if k != "extra"}  # noqa: E731
        return {
            "file": self.name,
            "metrics": plain(written),
            "metrics_no_diacritics": plain(folded),
            "tags": tags,
            "tags_no_diacritics": folded_tags,
            "questions": [result_record(r) for r in self.as_written],
        }

    def write_markdown(self, path: Path) -> None:
        """A Markdown report with the tables, a per-tag chart (SVG beside it) and the misses."""
        from .store import write_text_atomic

        written, folded, tags, folded_tags = self._tables()
        chart = path.with_suffix(".svg")
        write_text_atomic(chart, tag_chart_svg(tags, folded_tags))
        lines = [f"# Evaluation: {self.name}", "", "| metric | as written | no diacritics |", "| --- | --- | --- |"]
        lines += [f"| {label} | {a} | {b} |" for (label, a), (_, b) in zip(written.rows(), folded.rows())]
        lines += ["", f"![per-tag figures]({chart.name})", "", "| tag | questions | correct | no diacritics | Answer@1 | Answer@3 | abstained | false abstentions |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {t} | {r['questions']} | {r['correct']:.2f} | {folded_tags[t]['correct']:.2f} | "
                  f"{_cell(r['answer@1'])} | {_cell(r['answer@3'])} | {_cell(r['abstained'])} | {r['false_abstentions']} |"
                  for t, r in tags.items()]
        lines += ["", "## Misses", ""]
        for result in misses(self.as_written):
            got = result.answer.quotes[0].text if result.answer.quotes else "(abstained)"
            lines += [f"- **{result.item.id}** {result.item.question}",
                      f"  - expected: {result.item.answer or '(abstain)'}", f"  - quoted: {got}"]
        write_text_atomic(path, "\n".join(lines) + "\n")


def tag_chart_svg(tags: dict, folded_tags: dict, vietnamese: bool = False) -> str:
    """A horizontal bar chart of the share correct per tag, as written and without diacritics."""
    row, width, left = 22, 300, 200
    height = row * len(tags) + 40
    legend = ("tỉ lệ đúng (đậm: câu hỏi có dấu; nhạt: không dấu)" if vietnamese
              else "correct (dark: as written; light: no diacritics)")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}" '
             'font-family="sans-serif" font-size="12">', f'<text x="4" y="14">{legend}</text>']
    for n, (tag, values) in enumerate(tags.items()):
        y = 26 + n * row
        name = html.escape(TAG_NAMES.get(tag, tag) if vietnamese else tag)
        share = f"{values['correct']:.2f}".replace(".", ",") if vietnamese else f"{values['correct']:.2f}"
        parts.append(f'<text x="4" y="{y + 12}">{name} ({values["questions"]})</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{values["correct"] * width:.0f}" height="8" fill="#1f4e79"/>')
        parts.append(f'<rect x="{left}" y="{y + 9}" width="{folded_tags[tag]["correct"] * width:.0f}" '
                     'height="6" fill="#8fb3d9"/>')
        parts.append(f'<text x="{left + width + 6}" y="{y + 12}">{share}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
