"""``Assistant``: the one Python API that the CLI, the app and the evaluation use.

>>> from assistant import Assistant
>>> bot = Assistant.build(docs_dir="documents", index_dir="index")   # doctest: +SKIP
>>> answer = bot.ask("Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?")  # doctest: +SKIP
>>> answer.quotes[0].text                                           # doctest: +SKIP
'Phát huy thành quả đạt được, ngành tuyên giáo tập trung thực hiện 5 nhiệm vụ trọng tâm. …'
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

from . import store
from .answerability import Judge
from .answering import Answer, compose
from .config import NOT_FOUND_OTHER_LANGUAGE, Settings
from .diacritics import another_language
from .embedding import DEFAULT_EMBEDDER, Embedder, load_embedder
from .indexing import BuildReport, Progress, build_index
from .retrieval import Retriever
from .vietnamese import expand_abbreviations, fold

_FOLLOW_UP = re.compile(r"^(con|the con|vay con|con ve)\b|\b(thi sao|the nao|ra sao|nua)\s*\??$")
_NUMBER = re.compile(r"\b\d+\b")

MAX_QUESTION_CHARS = 2000
#: the most quotes one answer may hold
MAX_QUOTES = 20


def quote_count(value) -> int | None:
    """``value`` as a number of quotes (1 to ``MAX_QUOTES``), or None when it is not one.

    >>> [quote_count(v) for v in (3, "5", 2.0, "abc", None, "nan", [3], 0, 21, True)]
    [3, 5, 2, None, None, None, None, None, None, None]
    """
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not number.is_integer() or not 1 <= number <= MAX_QUOTES:
        return None
    return int(number)


class EmbedderMismatch(store.IndexUnavailable):
    """The index was built with another embedder than the one asked for."""


# Markup pasted with a question (from a web page or a chat): scripts and styles whole, other tags alone.
_MARKUP = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|</?[a-zA-Z][^<>]{0,200}>", re.IGNORECASE | re.DOTALL)


def clean_question(question: object) -> tuple[str, str | None]:
    """(question to search, message when there is nothing to search).

    >>> clean_question("<script>alert(1)</script> Kết luận 14 là gì?")
    ('Kết luận 14 là gì?', None)
    """
    if not isinstance(question, str):
        return "", "Câu hỏi phải là văn bản."
    text = _MARKUP.sub(" ", question)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())[:MAX_QUESTION_CHARS]
    if not any(ch.isalnum() for ch in text):
        return text, "Vui lòng nhập câu hỏi bằng chữ (câu hỏi đang trống hoặc chỉ có dấu câu)."
    return text, None


# Heads of the phrase that names what a question is about ("ngành tuyên giáo",
# "công tác tổ chức", "Nghị định 73", "năm 2024"), in groups of heads that can
# stand in for each other: a follow-up naming such a phrase puts it in the place
# of the previous question's phrase of the same group.
_HEAD_GROUPS = (
    ("nganh", "cong tac", "linh vuc", "ban", "co quan", "don vi"),
    ("quy dinh", "ket luan", "nghi dinh", "nghi quyet", "chi thi"),
    ("nam",),
)
_PHRASE_END = r"(?=\s+(?:cua|la|gi|trong|ve|va|thi|the|ra|nhu|o|nam|de|duoc|can|co)\b|\s*[?,.;:!]|\s*$)"
_SUBJECT = re.compile(
    rf"\b({'|'.join(h for group in _HEAD_GROUPS for h in group)})\s+\S+(?:\s+\S+)*?{_PHRASE_END}")


def _group(head: str) -> int:
    return next(n for n, group in enumerate(_HEAD_GROUPS) if head in group)


def _replace_subject(question: str, previous: str) -> str | None:
    """The previous question with its subject replaced by the follow-up's, when both have one."""
    # fold() keeps the length of NFC text, so offsets in the folded text hold in the original.
    new = _SUBJECT.search(fold(question))
    if not new:
        return None
    for old in _SUBJECT.finditer(fold(previous)):
        if _group(old.group(1)) == _group(new.group(1)):
            return previous[:old.start()] + question[new.start():new.end()] + previous[old.end():]
    return None


def follow_up_question(question: str, previous: str | None) -> str:
    """Carry the previous question's topic into a short follow-up ("Còn … thì sao?").

    No text is shown or generated: this is only what is searched. When the
    follow-up names a subject ("công tác tổ chức", "năm 2025") it takes the
    place of the previous question's subject ("ngành tuyên giáo", "năm 2024");
    otherwise both questions are searched together.
    """
    if not previous or len(question.split()) > 10 or not _FOLLOW_UP.search(fold(question).strip()):
        return question
    question, previous = unicodedata.normalize("NFC", question), unicodedata.normalize("NFC", previous)
    replaced = _replace_subject(question, previous)
    if replaced:
        return replaced
    if _NUMBER.search(question):
        previous = _NUMBER.sub(" ", previous)
    return f"{question} {previous}"


class Assistant:
    """Answers questions about indexed documents with verbatim quotes."""

    def __init__(self, data: store.IndexData, embedder: Embedder, settings: Settings | None = None,
                 index_dir: Path | None = None, judge: Judge | None = None) -> None:
        if data.embedder_name != embedder.name:
            raise EmbedderMismatch(
                f"the index was built with {data.embedder_name}, not {embedder.name}; "
                f"rebuild it with: assistant index --embedder {embedder.name}")
        self.data = data
        self.embedder = embedder
        self.settings = settings or Settings()
        self.index_dir = index_dir
        self.retriever = Retriever(data, embedder, self.settings)
        self.judge = judge or Judge.load()
        self.last_build: BuildReport | None = None

    @classmethod
    def open(cls, index_dir: str | Path = "index", embedder: Embedder | str | None = None,
             settings: Settings | None = None) -> "Assistant":
        """Load a built index. ``embedder`` defaults to the one the index was built with."""
        data = store.load(Path(index_dir))
        if embedder is None or isinstance(embedder, str):
            embedder = load_embedder(embedder or data.embedder_name)
        return cls(data, embedder, settings, Path(index_dir))

    @classmethod
    def build(cls, docs_dir: str | Path = "documents", index_dir: str | Path = "index",
              embedder: Embedder | str = DEFAULT_EMBEDDER, settings: Settings | None = None,
              progress: Progress | None = None) -> "Assistant":
        """Build or update the index of ``docs_dir`` in ``index_dir`` and return an assistant.

        Unchanged documents are not embedded again; ``.last_build`` reports what was done.
        """
        if isinstance(embedder, str):
            embedder = load_embedder(embedder)
        data, report = build_index(Path(docs_dir), Path(index_dir), embedder, progress)
        assistant = cls(data, embedder, settings, Path(index_dir))
        assistant.last_build = report
        return assistant

    def ask(self, question: str, k: int = 3, documents: set[str] | None = None,
            previous: str | None = None) -> Answer:
        """Answer with up to ``k`` verbatim quotes, or abstain.

        ``documents`` limits the search to those document paths. ``previous`` is the
        question asked before: a short follow-up ("Còn công tác tổ chức thì sao?") is
        searched with its topic, and ``answer.question`` is what was searched.

        >>> bot.ask("Còn công tác tổ chức thì sao?",                       # doctest: +SKIP
        ...         previous="Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?").question
        'Những nhiệm vụ trọng tâm của công tác tổ chức năm 2024 là gì?'
        """
        text, problem = clean_question(question)
        if problem:
            return Answer(text, True, [], message=problem)
        if documents is not None and not set(documents) & set(self.data.documents):
            return Answer(text, True, [], message="Không có tài liệu nào trong số đã chọn để tìm; hãy chọn lại "
                                                  "(hoặc bỏ chọn để tìm trong mọi tài liệu).")
        k = max(1, min(int(k), MAX_QUOTES))
        # Officials write "KL 14 của BCT": searched as "Kết luận 14 của Bộ Chính trị" (never shown as an answer).
        text = expand_abbreviations(text)
        searched = follow_up_question(text, previous)
        focus = text if searched != text else None
        retrieval = self.retriever.retrieve(searched, documents, focus=focus)
        answer = compose(searched, retrieval, self.data, self.settings, self.judge, k)
        if answer.abstained and another_language(text, self.data.lexical):
            # say why nothing matched, rather than leave an English speaker to think the documents lack it
            return dataclasses.replace(answer, message=NOT_FOUND_OTHER_LANGUAGE)
        return answer
