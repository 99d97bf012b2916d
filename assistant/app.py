"""The Gradio app: chat, documents, study sheet and evaluation, over one ``Service``.

Every piece of document text is HTML-escaped before it is shown; the only
markup is the app's own (block quotes, citations, highlights).
"""
from __future__ import annotations

import asyncio
import errno
import hmac
import html
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from dataclasses import asdict, dataclass
from operator import attrgetter
from pathlib import Path

from . import evaluation, store
from .answering import Answer, Quote
from .config import NOT_FOUND, WEAK_MATCH
from .embedding import DEFAULT_EMBEDDER, Embedder, load_embedder
from .indexing import BuildReport, NothingToIndex
from .loaders import SUPPORTED_SUFFIXES
from .pipeline import MAX_QUOTES, Assistant, quote_count
from .store import IndexData
from .studysheet import to_markdown, write_docx
from .translations import gradio_i18n
from .vietnamese import content_keys, has_diacritics, prepare, tokenize

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUGGESTIONS = [
    "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?",
    "Ai là Trưởng Ban Tuyên giáo Thành ủy TPHCM?",
    "Quy định 114 của Bộ Chính trị về vấn đề gì?",
    "nang cao chat luong du bao tinh hinh",
]
CSS = """
.quote-block blockquote {border-left: 4px solid #1f4e79; margin: 6px 0; padding: 4px 10px; background: #f5f8fc;}
.quote-block .cite {font-size: 0.85em; color: #444; margin-bottom: 4px;}
.quote-block mark, .source-view mark {background: #ffe28a; padding: 0 1px;}
.source-view {max-height: 420px; overflow-y: auto; white-space: pre-wrap; border: 1px solid #ddd; padding: 8px;}
.source-view .hit {background: #ffe28a;}
.weak {color: #666;}
.caution {border-left: 4px solid #b7791f; background: #fffaf0; padding: 4px 10px; color: #744210;}
/* Gradio sets tables in a monospace font whose Vietnamese glyphs are built from combining
   marks that land beside the letter ("Sô ́trang"); the text font has them whole. */
.table-wrap, .table-wrap * {font-family: var(--font) !important;}
/* Gradio writes a toast's kind in English ("Error") with no translation key: show it in Vietnamese. */
.toast-title.error, .toast-title.warning, .toast-title.info, .toast-title.success {font-size: 0 !important;}
.toast-title::before {font-size: var(--text-md);}
.toast-title.error::before {content: "Lỗi";}
.toast-title.warning::before {content: "Cảnh báo";}
.toast-title.info::before {content: "Thông báo";}
.toast-title.success::before {content: "Xong";}
"""
# Scroll the source viewer (not the page) to the quoted passage; retried because the
# viewer's HTML arrives a moment after the event that triggers this.
SCROLL_TO_HIT = """() => [300, 800, 1600].forEach(delay => setTimeout(() => {
    const hit = document.querySelector('#source-hit');
    const box = hit && hit.closest('.source-view');
    if (box) box.scrollTop += hit.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
}, delay))"""


# "20261126-142501-bao-cao.txt", "20261126-142501-2-bao-cao.txt": when a file was moved aside
_REMOVED_PREFIX = re.compile(r"^\d{8}-\d{6}-(?:\d+-)?")


class UploadRejected(Exception):
    """An upload that is not saved: the message names the file and the reason."""


EMPTY_LIBRARY = ("Thư viện chưa có tài liệu nào để trả lời. Hãy tải tài liệu lên (PDF, DOCX, TXT, MD) "
                 "ở thẻ “Tài liệu”, hoặc chép vào thư mục tài liệu rồi khởi động lại.")


def ask_library(assistant: Assistant | None, question: str, **options) -> Answer:
    """``assistant.ask``, or the ``EMPTY_LIBRARY`` message when there is no library to answer from."""
    if assistant is None:
        return Answer(question, True, [], message=EMPTY_LIBRARY)
    return assistant.ask(question, **options)


class Service:
    """The assistant behind the app; re-indexing swaps it in while answers continue.

    Readers take ``self.assistant`` once per question, so a question asked during
    an update is answered wholly by the old index or wholly by the new one. With no
    document that can be indexed, ``assistant`` is None: the app starts, answers with
    ``EMPTY_LIBRARY`` and lists why files were skipped (``skipped``).
    """

    def __init__(self, docs_dir: Path, index_dir: Path, assistant: Assistant | None = None,
                 embedder: Embedder | str = DEFAULT_EMBEDDER) -> None:
        self.docs_dir, self.index_dir = Path(docs_dir), Path(index_dir)
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        self._indexing = threading.Lock()
        self.embedder = assistant.embedder if assistant else load_embedder(embedder) if isinstance(embedder, str) \
            else embedder
        self.assistant: Assistant | None = assistant
        self.skipped: dict[str, str] = {}
        if assistant is None:
            self.reindex()

    def ask(self, question: str, k: int = 3, documents: set[str] | None = None) -> Answer:
        return ask_library(self.assistant, question, k=k, documents=documents)

    def reindex(self, progress=None) -> BuildReport:
        """Index the documents folder as it is now; an empty library leaves no assistant."""
        with self._indexing:
            try:
                fresh = Assistant.build(self.docs_dir, self.index_dir, embedder=self.embedder,
                                        settings=self.assistant.settings if self.assistant else None, progress=progress)
            except NothingToIndex as error:
                self.assistant = None  # never answer from documents that were removed
                self.skipped = {f.path: f.reason for f in error.failures}
                return BuildReport(failures=error.failures)
            self.assistant = fresh
            # From this build's report: an unchanged index keeps the manifest of the build that wrote it.
            self.skipped = {failure.path: failure.reason for failure in fresh.last_build.failures}
            return fresh.last_build

    def documents(self) -> list[str]:
        """The indexed documents' paths, sorted."""
        assistant = self.assistant
        return sorted(assistant.data.documents) if assistant else []

    def removable(self) -> list[str]:
        """What the user may remove: the indexed documents and the files that were skipped (a damaged
        DOCX is listed with its reason and can be taken out of the folder from the app)."""
        return sorted(set(self.documents()) | set(self.skipped))

    def safe_path(self, name: str) -> Path:
        """Where an uploaded file may go: its bare name (NFC), inside the documents folder."""
        base = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")).strip())
        if not base or base.startswith(".") or base in ("..",):
            raise UploadRejected(f"{name!r}: tên tệp không hợp lệ")
        if Path(base).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise UploadRejected(f"{base}: chỉ nhận các tệp {', '.join(SUPPORTED_SUFFIXES)}")
        if base.casefold() == "readme.md":  # the documents folder's own notes (loaders.document_files)
            raise UploadRejected(f"{base}: tên này dành cho ghi chú của thư mục tài liệu và không được lập chỉ mục; "
                                 "hãy đổi tên tệp rồi tải lên lại")
        target = (self.docs_dir / base).resolve()
        if target.parent != self.docs_dir.resolve():
            raise UploadRejected(f"{base}: sẽ nằm ngoài thư mục {self.docs_dir}")
        return target

    def _same_name(self, target: Path) -> Path | None:
        """An existing document whose name differs from ``target``'s only by case or Unicode form."""
        wanted = unicodedata.normalize("NFC", target.name).casefold()
        return next((path for path in self.docs_dir.iterdir()
                     if path.is_file() and unicodedata.normalize("NFC", path.name).casefold() == wanted), None)

    def _keep_aside(self, path: Path) -> Path:
        """Move ``path`` into ``documents/.removed/`` under a name no earlier version has."""
        bin_dir = self.docs_dir / ".removed"
        bin_dir.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        moved = bin_dir / f"{stamp}-{path.name}"
        number = 1
        while moved.exists():
            number += 1
            moved = bin_dir / f"{stamp}-{number}-{path.name}"
        os.replace(path, moved)
        return moved

    def save_upload(self, name: str, source: Path) -> tuple[Path, Path | None]:
        """Copy an uploaded file into the documents folder (atomically) before any indexing.

        A document of the same name (or one differing only by case or Unicode form) is not
        overwritten: it is moved into ``documents/.removed/`` first. Returns the saved path
        and where the earlier version went (None when there was none).
        """
        target = self.safe_path(name)
        size = source.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise UploadRejected(f"{target.name}: {size:,} byte, vượt giới hạn tải lên {MAX_UPLOAD_BYTES:,} byte")
        handle, temporary = tempfile.mkstemp(dir=self.docs_dir, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out, open(source, "rb") as data:
                shutil.copyfileobj(data, out)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)
            earlier = self._same_name(target)
            kept = self._keep_aside(earlier) if earlier else None
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target, kept

    def save_uploads(self, paths: list[Path]) -> list[str]:
        """Save uploaded files (see ``save_upload``); returns the status lines, in Vietnamese:
        what was saved, where earlier versions went, and why any file was not saved."""
        saved, problems = [], []
        for path in paths:
            try:
                target, kept = self.save_upload(path.name, path)
                saved.append(target.name)
                if kept:
                    problems.append(f"{target.name}: bản cũ được giữ lại trong {kept.parent.name}/{kept.name}")
            except UploadRejected as error:
                problems.append(str(error))
            except OSError as error:
                reason = "ổ đĩa đã đầy" if error.errno == errno.ENOSPC else (error.strerror or str(error))
                problems.append(f"{path.name}: không lưu được ({reason})")
        return [f"Đã lưu: {', '.join(saved)}" if saved else "Không có tệp nào được lưu."] + problems

    def remove_document(self, name: str) -> Path:
        """Move a document out of the corpus into ``documents/.removed/`` (nothing is deleted)."""
        target = self.safe_path(name)
        if not target.is_file():
            raise UploadRejected(f"{name}: không có tài liệu này")
        return self._keep_aside(target)

    def removed_documents(self) -> list[str]:
        """What ``documents/.removed/`` holds, newest first (names begin with when they were removed)."""
        folder = self.docs_dir / ".removed"
        return sorted((p.name for p in folder.iterdir() if p.is_file()), reverse=True) if folder.is_dir() else []

    def restore_document(self, removed: str) -> tuple[Path, Path | None]:
        """Put a removed document back under its own name; a document now of that name is kept aside."""
        source = self.docs_dir / ".removed" / os.path.basename(removed)
        if not removed or not source.is_file():
            raise UploadRejected(f"{removed}: không có trong các tài liệu đã gỡ")
        target = self.safe_path(_REMOVED_PREFIX.sub("", source.name))
        earlier = self._same_name(target)
        kept = self._keep_aside(earlier) if earlier else None
        os.replace(source, target)
        return target, kept


# ---------------------------------------------------------------- rendering

# Characters that Markdown or LaTeX would read as markup; written as entities they show as themselves.
_MARKUP_CHARACTERS = {ord(ch): f"&#{ord(ch)};" for ch in "\\`*_[]()!#|~$:{}"}


def literal(text: str) -> str:
    """``text`` as HTML that shows exactly these characters: no tags, links, images or formulas.

    The chat renders Markdown and LaTeX; document text and questions are text, never markup.

    >>> literal("<img onerror=x> [a](javascript:b) $$x^2$$")
    '&lt;img onerror=x&gt; &#91;a&#93;&#40;javascript&#58;b&#41; &#36;&#36;x^2&#36;&#36;'
    """
    return html.escape(text).translate(_MARKUP_CHARACTERS)


@dataclass(frozen=True)
class Highlight:
    """What to mark of a question's words in a quote: the question's syllable pairs (compound
    words such as "trọng tâm", "nhiệm vụ") as units, and its single-syllable words alone.

    Keys are accented when the question has accents (so "trọng tâm" marks "trọng tâm", not
    "trong" or "tầm"), folded when it has none.
    """

    accented: bool
    pairs: frozenset[tuple[str, str]]
    words: frozenset[str]

    def key(self, token) -> str:
        return token.key if self.accented else token.folded


def question_words(question: str) -> Highlight:
    """The words of ``question`` to highlight (see ``Highlight``).

    A syllable joined to another content syllable is marked only with it: "tâm" of "trọng tâm"
    does not mark "tâm huyết", nor "vụ" of "nhiệm vụ" the "vụ" of "Ban Thường vụ".
    """
    accented, content = has_diacritics(question), content_keys(question)
    prepared = prepare(question)
    tokens = tokenize(prepared)
    key = attrgetter("key" if accented else "folded")
    is_content = [t.folded in content for t in tokens]
    pairs, words = set(), set()
    for n, token in enumerate(tokens):
        if not is_content[n]:
            continue
        joined_after = n + 1 < len(tokens) and is_content[n + 1] and _adjacent(prepared, token, tokens[n + 1])
        joined_before = n > 0 and is_content[n - 1] and _adjacent(prepared, tokens[n - 1], token)
        if joined_after:
            pairs.add((key(token), key(tokens[n + 1])))
        if not joined_after and not joined_before:
            words.add(key(token))
    return Highlight(accented, frozenset(pairs), frozenset(words))


def _adjacent(text: str, first, second) -> bool:
    """Two tokens with only spaces (or a hyphen) between them: one word may span them."""
    return text[first.end:second.start].strip(" -") == ""


def highlighted(text: str, marks: Highlight) -> str:
    """Escape ``text`` and wrap the question's words (see ``question_words``) in <mark>.

    >>> highlighted("tâm huyết, nhiệm vụ trọng tâm", question_words("Nhiệm vụ trọng tâm là gì?"))
    'tâm huyết, <mark>nhiệm</mark> <mark>vụ</mark> <mark>trọng</mark> <mark>tâm</mark>'
    """
    tokens = tokenize(text)
    keys = [marks.key(t) for t in tokens]
    marked = [key in marks.words for key in keys]
    for n in range(len(tokens) - 1):
        if (keys[n], keys[n + 1]) in marks.pairs and _adjacent(text, tokens[n], tokens[n + 1]):
            marked[n] = marked[n + 1] = True
    pieces, position = [], 0
    for token, mark in zip(tokens, marked):
        if mark:
            pieces += [literal(text[position:token.start]), f"<mark>{literal(text[token.start:token.end])}</mark>"]
            position = token.end
    pieces.append(literal(text[position:]))
    return "".join(pieces)


def neighbours(data: IndexData, quote: Quote) -> tuple[str, str]:
    """The paragraphs just before and after a quote's paragraph (for "Xem thêm ngữ cảnh")."""
    before = data.chunks.in_paragraph(quote.document, quote.paragraph - 1)
    after = data.chunks.in_paragraph(quote.document, quote.paragraph + 1)
    return " ".join(c.text for c in before), " ".join(c.text for c in after)


def quote_html(quote: Quote, number: int, keys: Highlight, data: IndexData) -> str:
    before, after = neighbours(data, quote)
    document = data.documents[quote.document].text
    paragraph = data.chunks.in_paragraph(quote.document, quote.paragraph)
    start = min(c.start for c in paragraph) if paragraph else quote.start
    end = max(c.end for c in paragraph) if paragraph else quote.end
    context = (f"<p class='weak'>{literal(before)}</p>" if before else "") + (
        f"<p>{literal(document[start:quote.start])}<mark>{literal(quote.text)}</mark>"
        f"{literal(document[quote.end:end])}</p>") + (
        f"<p class='weak'>{literal(after)}</p>" if after else "")
    return (
        f"<div class='quote-block'><div class='cite'>[{number}] Theo {literal(quote.citation())}:</div>"
        f"<blockquote>{'…' if quote.continues_before else ''}{highlighted(quote.text, keys)}"
        f"{'…' if quote.continues_after else ''}</blockquote>"
        f"<details><summary>Xem thêm ngữ cảnh</summary>{context}</details></div>"
    )


def answer_html(answer: Answer, data: IndexData | None) -> str:
    """The chat message for an answer: quotes with citations, or the fixed not-found message."""
    if answer.message and not answer.nearest:
        return literal(answer.message)
    # An accent-free question is highlighted by the accented reading it is offered ("dự", not "đủ").
    keys = question_words(answer.did_you_mean or answer.question)
    if answer.abstained:
        nearest = "".join(quote_html(q, n, keys, data) for n, q in enumerate(answer.nearest, 1))
        folded = (f"<details><summary>Đoạn gần nhất (khớp yếu, không phải câu trả lời)</summary>"
                  f"<div class='weak'>{nearest}</div></details>") if nearest else ""
        return f"<p><b>{literal(answer.message or NOT_FOUND)}</b></p>{folded}"
    hint = (f"<p><i>Có phải bạn muốn hỏi: “{literal(answer.did_you_mean)}”?</i></p>"
            if answer.did_you_mean else "")
    if answer.weak:
        hint += f"<p class='caution'>{literal(WEAK_MATCH)}</p>"
    return hint + "".join(quote_html(q, n, keys, data) for n, q in enumerate(answer.quotes, 1))


def source_html(data: IndexData | None, quote: Quote | None) -> str:
    """The whole document with the quote highlighted (the element #source-hit is scrolled to)."""
    if quote is None or data is None or quote.document not in data.documents:
        return "<div class='source-view weak'>Chọn một trích dẫn để xem trong văn bản gốc.</div>"
    text = data.documents[quote.document].text
    return (f"<div><b>{literal(quote.document)}</b></div><div class='source-view'>"
            f"{literal(text[:quote.start])}<span id='source-hit' class='hit'>{literal(quote.text)}</span>"
            f"{literal(text[quote.end:])}</div>")


def quote_label(number: int, quote: Quote) -> str:
    short = quote.shown if len(quote.shown) <= 90 else quote.shown[:90] + "…"
    return f"[{number}] {short}"


def build_status(report: BuildReport) -> str:
    """What an index update did, in Vietnamese (the CLI prints ``report.summary()``).

    >>> print(build_status(BuildReport(documents=3, chunks=19, units_embedded=5, units_reused=20, changed=True,
    ...                                seconds=0.4)))
    Đã cập nhật chỉ mục: 3 tài liệu, 19 đoạn; 5 câu mới được mã hoá, 20 câu dùng lại; 0,4 giây.
    """
    if not report.documents:
        return "\n".join(["Thư viện trống: chưa có tài liệu nào được lập chỉ mục."]
                         + [f"Bỏ qua {failure.path}: {failure.reason}" for failure in report.failures])
    state = "Đã cập nhật chỉ mục" if report.changed else "Chỉ mục đã mới nhất"
    seconds = f"{report.seconds:.1f}".replace(".", ",")  # Vietnamese writes a decimal comma
    lines = [f"{state}: {report.documents} tài liệu, {report.chunks} đoạn; {report.units_embedded} câu mới được "
             f"mã hoá, {report.units_reused} câu dùng lại; {seconds} giây."]
    lines += [f"Lưu ý {path}: {note}" for path, note in report.notes]
    lines += [f"Bỏ qua {failure.path}: {failure.reason}" for failure in report.failures]
    return "\n".join(lines)


DOCUMENT_COLUMNS = ["Tài liệu", "Tiêu đề", "Số trang", "Số đoạn", "Lập chỉ mục lúc", "Trạng thái"]


def documents_table(service: Service) -> list[list]:
    """The library, one row a file (``DOCUMENT_COLUMNS``): indexed documents, then skipped files with why."""
    assistant = service.assistant
    manifest = assistant.data.manifest if assistant else {"documents": {}}
    documents = assistant.data.documents if assistant else {}
    rows = [[path, documents[path].title or "", info.get("pages") or "", info["chunks"],
             _when(info["indexed_at"]), "; ".join(["đã lập chỉ mục"] + info.get("notes", []))]
            for path, info in sorted(manifest["documents"].items())]
    rows += [[path, "", "", 0, "", f"bỏ qua: {reason}"] for path, reason in sorted(service.skipped.items())]
    return rows


def _when(stamp: str) -> str:
    """An index time as Vietnamese write it: "26/11/2026 17:20" for "2026-11-26T17:20:42"."""
    try:
        return time.strftime("%d/%m/%Y %H:%M", time.strptime(stamp, "%Y-%m-%dT%H:%M:%S"))
    except (TypeError, ValueError):
        return stamp or ""


# ---------------------------------------------------------------- app

# A new answer opens at its first quote: the chat box (never the page) scrolls to the top of the
# last message (Gradio's autoscroll, which shows the end, is off), then the source viewer to its hit.
SHOW_NEW_ANSWER = """() => [150, 500, 1200].forEach(delay => setTimeout(() => {
    const chat = document.querySelector('#chat'), messages = chat.querySelectorAll('.message');
    const last = messages[messages.length - 1];
    let box = last && last.parentElement;
    while (box && chat.contains(box) && box.scrollHeight <= box.clientHeight + 1) box = box.parentElement;
    if (box && chat.contains(box)) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
}, delay))"""


def _quote_from(record: dict) -> Quote:
    return Quote(**record)


def _labels(quotes: list[dict] | None) -> list[str]:
    return [quote_label(n, _quote_from(q)) for n, q in enumerate(quotes or [], 1)]


def _chat_tab(service: Service, gr) -> dict:
    """Questions and answers, the options, pinning and the source viewer; returns its components."""
    ui = {"last_question": gr.State(None), "last_quotes": gr.State([])}
    ui["chat"] = gr.Chatbot(show_label=False, height=460, elem_id="chat", buttons=["copy"], latex_delimiters=[],
                            autoscroll=False)
    with gr.Row():
        ui["box"] = gr.Textbox(placeholder="Nhập câu hỏi, ví dụ: Những nhiệm vụ trọng tâm năm 2024 là gì?",
                               show_label=False, scale=5, elem_id="question")
        ui["send"] = gr.Button("Hỏi", variant="primary", scale=1, elem_id="ask")
    gr.Examples(SUGGESTIONS, inputs=ui["box"], label="Câu hỏi gợi ý")
    with gr.Accordion("Tùy chọn", open=False):
        ui["filter_docs"] = gr.CheckboxGroup(service.documents(), label="Chỉ tìm trong các tài liệu",
                                             elem_id="filter-docs")
        ui["k"] = gr.Slider(1, 10, value=3, step=1, label="Số trích dẫn tối đa")
    with gr.Row():
        with gr.Column():
            ui["pick"] = gr.CheckboxGroup([], label="Ghim trích dẫn vào tài liệu học tập", elem_id="pick")
            ui["pin"] = gr.Button("Ghim", elem_id="pin")
            ui["pin_status"] = gr.Markdown()
        with gr.Column():
            ui["source_pick"] = gr.Dropdown([], label="Xem trong văn bản gốc", elem_id="source-pick")
            ui["source"] = gr.HTML(source_html(None, None), elem_id="source")

    def respond(message, history, last_question, filter_docs, k):
        assistant = service.assistant  # one index for the whole answer, even if an update lands meanwhile
        answer = ask_library(assistant, message or "", k=int(k), documents=set(filter_docs) if filter_docs else None,
                             previous=last_question)
        data = assistant.data if assistant else None
        history = list(history or []) + [{"role": "user", "content": literal(message or "")},
                                         {"role": "assistant", "content": answer_html(answer, data)}]
        quotes = [asdict(q) for q in answer.quotes]
        labels = _labels(quotes)
        return (history, "", answer.question if not answer.message else last_question, quotes,
                gr.update(choices=labels, value=[]), gr.update(choices=labels, value=labels[0] if labels else None),
                source_html(data, answer.quotes[0] if answer.quotes else None))

    def show_source(label, quotes):
        assistant = service.assistant
        labels = _labels(quotes)
        quote = _quote_from(quotes[labels.index(label)]) if label in labels else None
        return source_html(assistant.data if assistant else None, quote)

    inputs = [ui["box"], ui["chat"], ui["last_question"], ui["filter_docs"], ui["k"]]
    outputs = [ui["chat"], ui["box"], ui["last_question"], ui["last_quotes"], ui["pick"], ui["source_pick"],
               ui["source"]]
    for trigger in (ui["send"].click, ui["box"].submit):
        trigger(respond, inputs, outputs, api_visibility="private").then(None, js=SHOW_NEW_ANSWER).then(
            None, js=SCROLL_TO_HIT)
    ui["source_pick"].change(show_source, [ui["source_pick"], ui["last_quotes"]], ui["source"],
                             api_visibility="private").then(None, js=SCROLL_TO_HIT)
    return ui


def _documents_tab(service: Service, filter_docs, gr) -> tuple[list, object]:
    """The library: its table, uploads, removal (confirmed) and restoring.

    Returns the components every page load refreshes and the function that refreshes them.
    """
    table = gr.Dataframe(documents_table(service), headers=DOCUMENT_COLUMNS, interactive=False, elem_id="doc-table",
                         wrap=True)
    empty_note = gr.Markdown(EMPTY_LIBRARY if service.assistant is None else "", elem_id="empty-library")
    files = gr.File(label="Tải lên PDF, TXT, MD, DOCX", file_count="multiple", file_types=list(SUPPORTED_SUFFIXES),
                    elem_id="upload")
    status = gr.Textbox(label="Kết quả", interactive=False, elem_id="upload-status")
    with gr.Row():
        to_remove = gr.Dropdown(service.removable(), value=None, label="Gỡ tài liệu", elem_id="remove-pick")
        confirmed = gr.Checkbox(False, label="Tôi chắc chắn muốn gỡ tài liệu đã chọn", elem_id="remove-confirm")
        remove_button = gr.Button("Gỡ", elem_id="remove")
    with gr.Row():
        to_restore = gr.Dropdown(service.removed_documents(), value=None, label="Khôi phục tài liệu đã gỡ",
                                 elem_id="restore-pick")
        restore_button = gr.Button("Khôi phục", elem_id="restore")

    def library():
        return (documents_table(service), EMPTY_LIBRARY if service.assistant is None else "",
                gr.update(choices=service.removable(), value=None), gr.update(choices=service.documents()),
                gr.update(choices=service.removed_documents(), value=None))

    def reindex(progress) -> str:
        try:
            return build_status(service.reindex(lambda done, total, stage: progress((done, total), desc=stage)))
        except store.IndexUnavailable as error:  # e.g. a read-only index folder: the library is kept as it was
            return f"Chưa lập chỉ mục lại: {error}"

    def upload(uploaded, progress=gr.Progress()):
        lines = service.save_uploads([Path(f if isinstance(f, str) else f.name) for f in uploaded or []])
        lines.append(reindex(progress))  # before the library is listed
        return (*library(), "\n".join(lines))

    def remove(name, sure, progress=gr.Progress()):
        if not name or not sure:  # nothing changes, the choice stays
            message = f"Chưa gỡ {name}: hãy đánh dấu ô xác nhận rồi bấm Gỡ." if name else "Hãy chọn tài liệu cần gỡ."
            return (*(gr.update() for _ in range(5)), message, False)
        try:
            moved = service.remove_document(name)
            message = f"Đã chuyển {name} vào {moved.parent.name}/ (có thể khôi phục bên dưới). " + reindex(progress)
        except (UploadRejected, OSError) as error:
            message = str(error)
        return (*library(), message, False)

    def restore(removed, progress=gr.Progress()):
        try:
            target, kept = service.restore_document(removed or "")
            message = f"Đã khôi phục {target.name}." + (f" Bản đang có được giữ trong .removed/{kept.name}." if kept
                                                         else "")
            message += " " + reindex(progress)
        except (UploadRejected, OSError) as error:
            message = str(error)
        return (*library(), message)

    refreshed = [table, empty_note, to_remove, filter_docs, to_restore]
    files.upload(upload, files, refreshed + [status], api_visibility="private")
    remove_button.click(remove, [to_remove, confirmed], refreshed + [status, confirmed], api_visibility="private")
    restore_button.click(restore, to_restore, refreshed + [status], api_visibility="private")
    return refreshed, library


def _study_sheet_tab(chat: dict, sheet, gr):
    """Pinned quotes, kept in the browser: reorder, drop, clear, export. Returns the sheet's table."""
    gr.Markdown("Ghim trích dẫn ở tab **Hỏi đáp**: đánh dấu chúng trong «Ghim trích dẫn vào tài liệu học tập» "
                "rồi bấm **Ghim**. Trích dẫn được giữ trong trình duyệt này; sắp lại bằng **Vị trí** và **Lên** / "
                "**Xuống**, rồi xuất DOCX và Markdown để in cho buổi học tập.", elem_id="sheet-help")
    table = gr.Dataframe([], headers=["#", "Trích dẫn", "Nguồn"], interactive=False, elem_id="sheet", wrap=True,
                         column_widths=["6%", "64%", "30%"])
    with gr.Row():
        position = gr.Number(1, label="Vị trí", precision=0)
        up, down, drop = gr.Button("Lên"), gr.Button("Xuống"), gr.Button("Bỏ")
        clear = gr.Button("Xoá hết", elem_id="clear-sheet")
    export_button = gr.Button("Xuất DOCX và Markdown", variant="primary", elem_id="export")
    exported = gr.File(label="Tệp xuất", file_count="multiple", elem_id="exported")

    def pin(selected, quotes, kept):
        labels, kept = _labels(quotes), list(kept or [])
        for label in selected or []:
            record = quotes[labels.index(label)]
            if record not in kept:
                kept.append(record)
        return kept, sheet_rows(kept), f"Đã ghim {len(kept)} trích dẫn."

    def move(kept, place, step):
        kept, i = list(kept or []), int(place or 0) - 1
        if 0 <= i < len(kept):
            item = kept.pop(i)
            if step is not None:
                kept.insert(max(0, min(len(kept), i + step)), item)
        return kept, sheet_rows(kept)

    def export(kept):
        quotes = [_quote_from(q) for q in kept or []]
        if not quotes:
            raise gr.Error("Chưa có trích dẫn nào được ghim.", title="Lỗi")
        folder = Path(tempfile.mkdtemp(prefix="studysheet-"))
        markdown = folder / "tai-lieu-hoc-tap.md"
        markdown.write_text(to_markdown(quotes), encoding="utf-8")
        return [str(write_docx(quotes, folder / "tai-lieu-hoc-tap.docx")), str(markdown)]

    chat["pin"].click(pin, [chat["pick"], chat["last_quotes"], sheet], [sheet, table, chat["pin_status"]],
                      api_visibility="private")
    for button, step in ((up, -1), (down, 1), (drop, None)):
        button.click(lambda s, p, step=step: move(s, p, step), [sheet, position], [sheet, table],
                     api_visibility="private")
    clear.click(lambda: ([], []), None, [sheet, table], api_visibility="private")
    export_button.click(export, sheet, exported, api_visibility="private")
    return table


def sheet_rows(sheet: list[dict] | None) -> list[list]:
    """The study sheet's table: number, the quote as shown, its citation."""
    return [[n, _quote_from(q).shown, _quote_from(q).citation()] for n, q in enumerate(sheet or [], 1)]


def _evaluation_tab(service: Service, gr) -> None:
    """Run a Q&A file against the library: figures, a per-tag chart, the misses and a JSON download."""
    gr.Markdown("Mỗi câu hỏi một dòng JSON (hoặc một hàng CSV có cùng các cột): `question` (câu hỏi), "
                "`answerable` (`true` / `false`), `answer` (một đoạn ngắn chép đúng từ tài liệu mà trích dẫn "
                "phải chứa); có thể thêm `id`, `evidence`, `tags`. Với câu tài liệu không trả lời được "
                "(`answerable`: `false`), trợ lý phải trả lời «không tìm thấy».", elem_id="eval-help")
    qa_file = gr.File(label="Tệp hỏi đáp (.jsonl hoặc .csv)", file_types=[".jsonl", ".csv", ".json"], elem_id="qa-file")
    run_button = gr.Button("Chạy đánh giá", variant="primary", elem_id="run-eval")
    metrics_table = gr.Dataframe([], headers=["Chỉ số", "Giá trị"], interactive=False, elem_id="metrics")
    chart = gr.HTML(elem_id="tag-chart")
    missed = gr.Markdown(elem_id="misses")
    results_file = gr.File(label="Kết quả (JSON)")

    def run_eval(file, progress=gr.Progress()):
        if not file:
            raise gr.Error("Hãy tải lên tệp hỏi đáp (.jsonl hoặc .csv).", title="Lỗi")
        assistant = service.assistant
        if assistant is None:
            raise gr.Error(EMPTY_LIBRARY, title="Lỗi")
        path = Path(file if isinstance(file, str) else file.name)
        try:
            items = evaluation.load_qa(path)
        except evaluation.QAFileError as error:
            raise gr.Error(str(error), title="Lỗi")
        texts = {p: d.text for p, d in assistant.data.documents.items()}
        results = evaluation.run(items, assistant.ask, texts, progress=lambda d, t: progress((d, t), desc="câu hỏi"))
        tags = evaluation.by_tag(results)
        out = Path(tempfile.mkdtemp(prefix="eval-")) / "ket-qua-danh-gia.json"
        record = evaluation.Report(path.name, results, []).to_dict()
        record.pop("metrics_no_diacritics", None)
        record.pop("tags_no_diacritics", None)
        out.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        return (evaluation.metrics(results).rows(vietnamese=True),
                evaluation.tag_chart_svg(tags, tags, vietnamese=True), misses_markdown(results), str(out))

    run_button.click(run_eval, qa_file, [metrics_table, chart, missed, results_file], api_visibility="private")


def misses_markdown(results: list) -> str:
    """The questions an evaluation missed, what they needed and what was quoted, shown literally."""
    lines = [f"- **{literal(r.item.id)}** {literal(r.item.question)}  \n  cần: "
             f"{literal(r.item.answer) if r.item.answer else '(không trả lời)'}  \n  trích: "
             f"{literal(r.answer.quotes[0].text[:200]) if r.answer.quotes else '(từ chối trả lời)'}"
             for r in evaluation.misses(results)]
    return "\n".join(lines) or "Không có câu trả lời sai."


def build_app(service: Service):
    """The Gradio Blocks app over ``service``: one function per tab, the API beside them."""
    import gradio as gr

    def api_ask(question: str, k: int = 3) -> dict:
        """Answer a question with verbatim quotes; returns the JSON answer (``message`` says why
        when the question could not be asked). A malformed ``k`` is refused with a message."""
        count = quote_count(k)
        if count is None:
            raise gr.Error(bad_quote_count(k), title="Lỗi")
        return service.ask(question, k=count).to_dict()

    with gr.Blocks(title="Trợ lý trích dẫn tài liệu") as app:
        gr.Markdown("## Trợ lý hỏi đáp trích dẫn\nMọi câu trả lời là nguyên văn trích từ tài liệu, kèm vị trí.")
        # The study sheet lives in the browser, so a page reload keeps it (cleared only on purpose).
        sheet = gr.BrowserState([], storage_key="assistant-study-sheet")
        with gr.Tab("Hỏi đáp"):
            chat = _chat_tab(service, gr)
        with gr.Tab("Tài liệu"):
            refreshed, library = _documents_tab(service, chat["filter_docs"], gr)
        with gr.Tab("Tài liệu học tập"):
            sheet_table = _study_sheet_tab(chat, sheet, gr)
        with gr.Tab("Đánh giá"):
            _evaluation_tab(service, gr)
        # Every page load shows the library as it is now and the study sheet this browser kept.
        app.load(library, None, refreshed, api_visibility="private")
        app.load(sheet_rows, sheet, sheet_table, api_visibility="private")
        gr.api(api_ask, api_name="ask")
    return app


class DownloadOnlyFiles:
    """ASGI middleware: files the server hands out (uploads, exports) come as downloads.

    Gradio serves uploaded files from the app's own origin; an HTML or SVG file opened
    there would run its scripts with the user's session. As an attachment, sandboxed and
    never sniffed, it is only ever saved.
    """

    HEADERS = [(b"content-disposition", b"attachment"), (b"x-content-type-options", b"nosniff"),
               (b"content-security-policy", b"sandbox")]

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or "/file=" not in scope.get("path", ""):
            return await self.app(scope, receive, send)

        async def send_as_download(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-disposition"]
                message = {**message, "headers": kept + self.HEADERS}
            await send(message)

        return await self.app(scope, receive, send_as_download)


def bad_quote_count(value) -> str:
    """Why ``value`` is refused as a number of quotes, for the user (see ``pipeline.quote_count``)."""
    return f"k phải là số nguyên từ 1 đến {MAX_QUOTES}, không phải {value!r}."


class LoginGuard:
    """The password check behind ``--auth``, slowing down guessing.

    After ``free_failures`` wrong passwords for a user name, that name is locked for
    ``lockout_s`` seconds, doubling with each further failure up to ``max_lockout_s``; while
    locked even the right password is refused. (Gradio calls this inside its event loop, so
    it refuses rather than sleeps.)

    >>> guard = LoginGuard("can-bo", "mat-khau", clock=lambda: 0.0)
    >>> [guard("can-bo", "sai") for _ in range(5)] + [guard("can-bo", "mat-khau")]
    [False, False, False, False, False, False]
    """

    def __init__(self, user: str, password: str, free_failures: int = 5, lockout_s: float = 30.0,
                 max_lockout_s: float = 900.0, clock=time.monotonic) -> None:
        self._user, self._password = user.encode(), password.encode()
        self.free_failures, self.lockout_s, self.max_lockout_s = free_failures, lockout_s, max_lockout_s
        self._clock = clock
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def __call__(self, user: str, password: str) -> bool:
        with self._lock:
            now = self._clock()
            if now < self._locked_until.get(user, 0.0):
                return False
            right = hmac.compare_digest(user.encode(), self._user) & hmac.compare_digest(password.encode(), self._password)
            if right:
                self._failures.pop(user, None)
                return True
            failures = self._failures[user] = self._failures.get(user, 0) + 1
            if failures >= self.free_failures:
                wait = min(self.lockout_s * 2 ** (failures - self.free_failures), self.max_lockout_s)
                self._locked_until[user] = now + wait
            return False


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, _, password = auth.partition(":")
    if not user or not password:
        raise ValueError("--auth takes USER:PASSWORD")
    return user, password


def rest_api(service: Service, guard: LoginGuard | None):
    """``/api/ask``: the JSON answer for tools, over plain HTTP (GET query or POST JSON).

    Malformed input is a 400 with a Vietnamese ``message``; with ``--auth`` the request needs
    HTTP Basic credentials, checked (and throttled) by the app's own ``LoginGuard``.
    ``question`` (text), ``k`` (1 to 20, default 3) and ``documents`` (a list of file names).
    """
    import base64
    import binascii

    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from starlette.concurrency import run_in_threadpool

    api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    def refuse(status: int, message: str, **headers) -> JSONResponse:
        return JSONResponse({"message": message}, status_code=status, headers=headers)

    def authorised(request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return scheme.lower() == "basic" and guard(user, password)

    async def ask(request):  # a plain Starlette endpoint: it reads the request itself
        if guard and not authorised(request):
            return refuse(401, "Cần đăng nhập (HTTP Basic).", **{"WWW-Authenticate": 'Basic realm="assistant"'})
        params: dict = dict(request.query_params)
        if request.method == "POST":
            try:
                body = await request.json()
            except ValueError:
                return refuse(400, "Nội dung yêu cầu phải là JSON.")
            if not isinstance(body, dict):
                return refuse(400, "Nội dung yêu cầu phải là một đối tượng JSON: {\"question\": …, \"k\": 3}.")
            params.update(body)
        question, count = params.get("question"), quote_count(params.get("k", 3))
        if not isinstance(question, str) or not question.strip():
            return refuse(400, "Thiếu câu hỏi: hãy gửi \"question\" là một câu hỏi bằng chữ.")
        if count is None:
            return refuse(400, bad_quote_count(params.get("k")))
        documents = params.get("documents")
        if documents is not None and not (isinstance(documents, list) and all(isinstance(d, str) for d in documents)):
            return refuse(400, "\"documents\" phải là danh sách tên tệp.")
        answer = await run_in_threadpool(service.ask, question, count, set(documents) if documents else None)
        return JSONResponse(answer.to_dict())

    api.add_route("/api/ask", ask, methods=["GET", "POST"])
    return api


def serve(docs_dir: Path, index_dir: Path, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None) -> None:
    """Build or update the index, then serve the app (and ``/api/ask``) on host:port until stopped."""
    import gradio as gr
    import uvicorn

    service = Service(docs_dir, index_dir)
    if service.assistant is None:
        skipped = "".join(f"\nBỏ qua {path}: {reason}" for path, reason in service.skipped.items())
        print(f"{EMPTY_LIBRARY} ({docs_dir}){skipped}", flush=True)
    else:
        print(service.assistant.last_build.summary(), flush=True)
    blocks = build_app(service)
    blocks.queue(default_concurrency_limit=8)
    credentials = parse_auth(auth)
    guard = LoginGuard(*credentials) if credentials else None
    app = rest_api(service, guard)
    app.add_middleware(DownloadOnlyFiles)
    gr.mount_gradio_app(app, blocks, path="/", auth=guard, max_file_size=MAX_UPLOAD_BYTES, css=CSS,
                        theme=gr.themes.Soft(), footer_links=["api"], i18n=gradio_i18n())
    print(f"Đang phục vụ tại http://{host}:{port}/ (API JSON: /api/ask)", flush=True)
    logging.getLogger("uvicorn.error").addFilter(_quiet_stop)
    # Open event streams (a browser tab, a client) must not hold a stop for long.
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)


def _quiet_stop(record: logging.LogRecord) -> bool:
    """Event streams still open when the server stops are cancelled: expected, not a traceback to print."""
    return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))
