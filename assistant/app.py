"""The Gradio app: chat, documents, study sheet and evaluation, over one ``Service``.

Every piece of document text is HTML-escaped before it is shown; the only
markup is the app's own (block quotes, citations, highlights).
"""
from __future__ import annotations

import errno
import hmac
import html
import json
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from dataclasses import asdict
from pathlib import Path

from . import evaluation
from .answering import Answer, Quote
from .config import NOT_FOUND
from .indexing import BuildReport, NothingToIndex
from .loaders import SUPPORTED_SUFFIXES
from .pipeline import Assistant
from .store import IndexData
from .studysheet import to_markdown, write_docx
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
/* Gradio sets tables in a monospace font whose Vietnamese glyphs are built from combining
   marks that land beside the letter ("Sô ́trang"); the text font has them whole. */
.table-wrap, .table-wrap * {font-family: var(--font) !important;}
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


class Service:
    """The assistant behind the app; re-indexing swaps it in while answers continue.

    Readers take ``self.assistant`` once per question, so a question asked during
    an update is answered wholly by the old index or wholly by the new one.
    """

    def __init__(self, docs_dir: Path, index_dir: Path, assistant: Assistant | None = None) -> None:
        self.docs_dir, self.index_dir = Path(docs_dir), Path(index_dir)
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        self.assistant = assistant or Assistant.build(self.docs_dir, self.index_dir)
        self._indexing = threading.Lock()

    def ask(self, question: str, k: int = 3, documents: set[str] | None = None) -> Answer:
        return self.assistant.ask(question, k=k, documents=documents)

    def reindex(self, progress=None) -> BuildReport:
        with self._indexing:
            fresh = Assistant.build(self.docs_dir, self.index_dir, embedder=self.assistant.embedder,
                                    settings=self.assistant.settings, progress=progress)
            self.assistant = fresh
            return fresh.last_build

    def safe_path(self, name: str) -> Path:
        """Where an uploaded file may go: its bare name (NFC), inside the documents folder."""
        base = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")).strip())
        if not base or base.startswith(".") or base in ("..",):
            raise UploadRejected(f"{name!r}: tên tệp không hợp lệ")
        if Path(base).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise UploadRejected(f"{base}: chỉ nhận các tệp {', '.join(SUPPORTED_SUFFIXES)}")
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


def question_words(question: str) -> set[str]:
    """Keys of the question's content words, for highlighting: accented when the question has
    accents (so "trọng tâm" marks "trọng tâm", not "trong" or "tầm"), folded when it has none."""
    accented, content = has_diacritics(question), content_keys(question)
    return {("" if accented else "f:") + (t.key if accented else t.folded)
            for t in tokenize(prepare(question)) if t.folded in content}


def highlighted(text: str, keys: set[str]) -> str:
    """Escape ``text`` and wrap the words whose key (see ``question_words``) is in ``keys`` in <mark>."""
    pieces, position = [], 0
    for token in tokenize(text):
        if token.key in keys or "f:" + token.folded in keys:
            pieces += [literal(text[position:token.start]),
                       f"<mark>{literal(text[token.start:token.end])}</mark>"]
            position = token.end
    pieces.append(literal(text[position:]))
    return "".join(pieces)


def neighbours(data: IndexData, quote: Quote) -> tuple[str, str]:
    """The paragraphs just before and after a quote's paragraph (for "Xem thêm ngữ cảnh")."""
    before = data.chunks.in_paragraph(quote.document, quote.paragraph - 1)
    after = data.chunks.in_paragraph(quote.document, quote.paragraph + 1)
    return " ".join(c.text for c in before), " ".join(c.text for c in after)


def quote_html(quote: Quote, number: int, keys: set[str], data: IndexData) -> str:
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
        f"<blockquote>{highlighted(quote.text, keys)}</blockquote>"
        f"<details><summary>Xem thêm ngữ cảnh</summary>{context}</details></div>"
    )


def answer_html(answer: Answer, data: IndexData) -> str:
    """The chat message for an answer: quotes with citations, or the fixed not-found message."""
    if answer.message:
        return literal(answer.message)
    # An accent-free question is highlighted by the accented reading it is offered ("dự", not "đủ").
    keys = question_words(answer.did_you_mean or answer.question)
    if answer.abstained:
        nearest = "".join(quote_html(q, n, keys, data) for n, q in enumerate(answer.nearest, 1))
        folded = (f"<details><summary>Đoạn gần nhất (khớp yếu, không phải câu trả lời)</summary>"
                  f"<div class='weak'>{nearest}</div></details>") if nearest else ""
        return f"<p><b>{literal(NOT_FOUND)}</b></p>{folded}"
    hint = (f"<p><i>Có phải bạn muốn hỏi: “{literal(answer.did_you_mean)}”?</i></p>"
            if answer.did_you_mean else "")
    return hint + "".join(quote_html(q, n, keys, data) for n, q in enumerate(answer.quotes, 1))


def source_html(data: IndexData, quote: Quote | None) -> str:
    """The whole document with the quote highlighted (the element #source-hit is scrolled to)."""
    if quote is None or quote.document not in data.documents:
        return "<div class='source-view weak'>Chọn một trích dẫn để xem trong văn bản gốc.</div>"
    text = data.documents[quote.document].text
    return (f"<div><b>{literal(quote.document)}</b></div><div class='source-view'>"
            f"{literal(text[:quote.start])}<span id='source-hit' class='hit'>{literal(quote.text)}</span>"
            f"{literal(text[quote.end:])}</div>")


def quote_label(number: int, quote: Quote) -> str:
    short = quote.text if len(quote.text) <= 90 else quote.text[:90] + "…"
    return f"[{number}] {short}"


def build_status(report: BuildReport) -> str:
    """What an index update did, in Vietnamese (the CLI prints ``report.summary()``).

    >>> print(build_status(BuildReport(documents=3, chunks=19, units_embedded=5, units_reused=20, changed=True,
    ...                                seconds=0.4)))
    Đã cập nhật chỉ mục: 3 tài liệu, 19 đoạn; 5 câu mới được mã hoá, 20 câu dùng lại; 0,4 giây.
    """
    state = "Đã cập nhật chỉ mục" if report.changed else "Chỉ mục đã mới nhất"
    seconds = f"{report.seconds:.1f}".replace(".", ",")  # Vietnamese writes a decimal comma
    lines = [f"{state}: {report.documents} tài liệu, {report.chunks} đoạn; {report.units_embedded} câu mới được "
             f"mã hoá, {report.units_reused} câu dùng lại; {seconds} giây."]
    lines += [f"Bỏ qua {failure.path}: {failure.reason}" for failure in report.failures]
    return "\n".join(lines)


def documents_table(service: Service) -> list[list]:
    manifest = service.assistant.data.manifest
    rows = [[path, info.get("pages") or "", info["chunks"], info["indexed_at"], "đã lập chỉ mục"]
            for path, info in sorted(manifest["documents"].items())]
    rows += [[path, "", 0, "", f"bỏ qua: {reason}"] for path, reason in sorted(manifest.get("skipped", {}).items())]
    return rows


# ---------------------------------------------------------------- app

def build_app(service: Service):
    """The Gradio Blocks app over ``service``."""
    import gradio as gr

    def quote_from(record: dict) -> Quote:
        return Quote(**record)

    def respond(message, history, last_question, filter_docs, k):
        history = list(history or [])
        allowed = set(filter_docs) if filter_docs else None
        assistant = service.assistant
        answer = assistant.ask(message or "", k=int(k), documents=allowed, previous=last_question)
        history += [{"role": "user", "content": literal(message or "")},
                    {"role": "assistant", "content": answer_html(answer, assistant.data)}]
        quotes = [asdict(q) for q in answer.quotes]
        labels = [quote_label(n, q) for n, q in enumerate(answer.quotes, 1)]
        first = answer.quotes[0] if answer.quotes else None
        return (history, "", answer.question if not answer.message else last_question, quotes,
                gr.update(choices=labels, value=[]), gr.update(choices=labels, value=labels[0] if labels else None),
                source_html(assistant.data, first))

    def show_source(label, quotes):
        labels = [quote_label(n, quote_from(q)) for n, q in enumerate(quotes or [], 1)]
        if label not in labels:
            return source_html(service.assistant.data, None)
        return source_html(service.assistant.data, quote_from(quotes[labels.index(label)]))

    def sheet_rows(sheet):
        return [[n, q["text"], quote_from(q).citation()] for n, q in enumerate(sheet or [], 1)]

    def pin(selected, quotes, sheet):
        labels = [quote_label(n, quote_from(q)) for n, q in enumerate(quotes or [], 1)]
        sheet = list(sheet or [])
        for label in selected or []:
            record = quotes[labels.index(label)]
            if record not in sheet:
                sheet.append(record)
        return sheet, sheet_rows(sheet), f"Đã ghim {len(sheet)} trích dẫn."

    def move(sheet, position, step):
        sheet = list(sheet or [])
        i = int(position or 0) - 1
        if 0 <= i < len(sheet):
            item = sheet.pop(i)
            if step is not None:
                sheet.insert(max(0, min(len(sheet), i + step)), item)
        return sheet, sheet_rows(sheet)

    def export(sheet):
        quotes = [quote_from(q) for q in sheet or []]
        if not quotes:
            raise gr.Error("Chưa có trích dẫn nào được ghim.")
        folder = Path(tempfile.mkdtemp(prefix="studysheet-"))
        markdown = folder / "tai-lieu-hoc-tap.md"
        markdown.write_text(to_markdown(quotes), encoding="utf-8")
        docx_path = write_docx(quotes, folder / "tai-lieu-hoc-tap.docx")
        return [str(docx_path), str(markdown)]

    def upload(files, progress=gr.Progress()):
        saved, problems = [], []
        for file in files or []:
            path = Path(file if isinstance(file, str) else file.name)
            try:
                target, kept = service.save_upload(path.name, path)
                saved.append(target.name)
                if kept:
                    problems.append(f"{target.name}: bản cũ được giữ lại trong {kept.parent.name}/{kept.name}")
            except UploadRejected as error:
                problems.append(str(error))
            except OSError as error:
                reason = "ổ đĩa đã đầy" if error.errno == errno.ENOSPC else (error.strerror or str(error))
                problems.append(f"{path.name}: không lưu được ({reason})")
        status = _reindex(progress)
        lines = [f"Đã lưu: {', '.join(saved)}" if saved else "Không có tệp nào được lưu."] + problems + [status]
        return (*library(), "\n".join(lines))

    def library():
        names = sorted(service.assistant.data.documents)
        return (documents_table(service), gr.update(choices=names, value=None), gr.update(choices=names),
                gr.update(choices=service.removed_documents(), value=None))

    def _reindex(progress) -> str:
        def report(done, total, stage):
            progress((done, total), desc=stage)
        try:
            build = service.reindex(report)
        except NothingToIndex as error:
            return f"Lỗi lập chỉ mục: {error}"
        return build_status(build)

    def remove(name, confirmed, progress=gr.Progress()):
        if not name or not confirmed:  # nothing changes, the choice stays
            status = (f"Chưa gỡ {name}: hãy đánh dấu ô xác nhận rồi bấm Gỡ." if name
                      else "Hãy chọn tài liệu cần gỡ.")
            return (*(gr.update() for _ in range(4)), status, False)
        try:
            moved = service.remove_document(name)
            status = f"Đã chuyển {name} vào {moved.parent.name}/ (có thể khôi phục bên dưới). " + _reindex(progress)
        except (UploadRejected, OSError) as error:
            status = str(error)
        return (*library(), status, False)

    def restore(removed, progress=gr.Progress()):
        try:
            target, kept = service.restore_document(removed or "")
            status = f"Đã khôi phục {target.name}." + (f" Bản đang có được giữ trong .removed/{kept.name}." if kept else "")
            status += " " + _reindex(progress)
        except (UploadRejected, OSError) as error:
            status = str(error)
        return (*library(), status)

    def run_eval(file, progress=gr.Progress()):
        if not file:
            raise gr.Error("Hãy tải lên tệp hỏi đáp (.jsonl hoặc .csv).")
        path = Path(file if isinstance(file, str) else file.name)
        try:
            items = evaluation.load_qa(path)
        except evaluation.QAFileError as error:
            raise gr.Error(str(error))
        assistant = service.assistant
        texts = {p: d.text for p, d in assistant.data.documents.items()}
        results = evaluation.run(items, assistant.ask, texts,
                                 progress=lambda d, t: progress((d, t), desc="câu hỏi"))
        report = evaluation.Report(path.name, results, [])
        summary = evaluation.metrics(results)
        tags = evaluation.by_tag(results)
        missed = "\n".join(
            f"- **{r.item.id}** {r.item.question}  \n  cần: {r.item.answer or '(không trả lời)'}  \n"
            f"  trích: {(r.answer.quotes[0].text[:200] if r.answer.quotes else '(từ chối trả lời)')}"
            for r in evaluation.misses(results)) or "Không có câu trả lời sai."
        out = Path(tempfile.mkdtemp(prefix="eval-")) / "ket-qua-danh-gia.json"
        record = report.to_dict()
        record.pop("metrics_no_diacritics", None)
        record.pop("tags_no_diacritics", None)
        out.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        return (summary.rows(), evaluation.tag_chart_svg(tags, tags), missed, str(out))

    def api_ask(question: str, k: int = 3) -> dict:
        """Answer a question with verbatim quotes; returns the JSON answer (``message`` says why
        when the question could not be asked). A malformed ``k`` is refused with a message."""
        count = quote_count(k)
        if count is None:
            raise gr.Error(f"k phải là số nguyên từ 1 đến {MAX_QUOTES}, không phải {k!r}.")
        return service.ask(question, k=count).to_dict()

    names = sorted(service.assistant.data.documents)
    with gr.Blocks(title="Trợ lý trích dẫn tài liệu") as app:
        gr.Markdown("## Trợ lý hỏi đáp trích dẫn\nMọi câu trả lời là nguyên văn trích từ tài liệu, kèm vị trí.")
        last_question = gr.State(None)
        last_quotes = gr.State([])
        # The study sheet lives in the browser, so a page reload keeps it (cleared only on purpose).
        sheet = gr.BrowserState([], storage_key="assistant-study-sheet")
        with gr.Tab("Hỏi đáp"):
            chat = gr.Chatbot(label="Hỏi đáp", height=460, elem_id="chat", buttons=["copy"], latex_delimiters=[])
            with gr.Row():
                box = gr.Textbox(placeholder="Nhập câu hỏi, ví dụ: Những nhiệm vụ trọng tâm năm 2024 là gì?",
                                 show_label=False, scale=5, elem_id="question")
                send = gr.Button("Hỏi", variant="primary", scale=1, elem_id="ask")
            gr.Examples(SUGGESTIONS, inputs=box, label="Câu hỏi gợi ý")
            with gr.Accordion("Tùy chọn", open=False):
                filter_docs = gr.CheckboxGroup(names, label="Chỉ tìm trong các tài liệu")
                k = gr.Slider(1, 10, value=3, step=1, label="Số trích dẫn tối đa")
            with gr.Row():
                with gr.Column():
                    pick = gr.CheckboxGroup([], label="Ghim trích dẫn vào tài liệu học tập", elem_id="pick")
                    pin_button = gr.Button("Ghim", elem_id="pin")
                    pin_status = gr.Markdown()
                with gr.Column():
                    source_pick = gr.Dropdown([], label="Xem trong văn bản gốc", elem_id="source-pick")
                    source = gr.HTML(source_html(service.assistant.data, None), elem_id="source")
        with gr.Tab("Tài liệu"):
            table = gr.Dataframe(documents_table(service), headers=["Tài liệu", "Số trang", "Số đoạn",
                                 "Lập chỉ mục lúc", "Trạng thái"], interactive=False, elem_id="doc-table")
            files = gr.File(label="Tải lên PDF, TXT, MD, DOCX", file_count="multiple",
                            file_types=list(SUPPORTED_SUFFIXES), elem_id="upload")
            upload_status = gr.Textbox(label="Kết quả", interactive=False, elem_id="upload-status")
            with gr.Row():
                to_remove = gr.Dropdown(names, value=None, label="Gỡ tài liệu", elem_id="remove-pick")
                confirm_remove = gr.Checkbox(False, label="Tôi chắc chắn muốn gỡ tài liệu đã chọn",
                                             elem_id="remove-confirm")
                remove_button = gr.Button("Gỡ", elem_id="remove")
            with gr.Row():
                to_restore = gr.Dropdown(service.removed_documents(), value=None, label="Khôi phục tài liệu đã gỡ",
                                         elem_id="restore-pick")
                restore_button = gr.Button("Khôi phục", elem_id="restore")
        with gr.Tab("Tài liệu học tập"):
            sheet_table = gr.Dataframe([], headers=["#", "Trích dẫn", "Nguồn"], interactive=False, elem_id="sheet",
                                       wrap=True, column_widths=["6%", "64%", "30%"])
            with gr.Row():
                position = gr.Number(1, label="Vị trí", precision=0)
                up = gr.Button("Lên")
                down = gr.Button("Xuống")
                drop = gr.Button("Bỏ")
                clear = gr.Button("Xoá hết", elem_id="clear-sheet")
            export_button = gr.Button("Xuất DOCX và Markdown", variant="primary", elem_id="export")
            exported = gr.File(label="Tệp xuất", file_count="multiple", elem_id="exported")
        with gr.Tab("Đánh giá"):
            qa_file = gr.File(label="Tệp hỏi đáp (.jsonl hoặc .csv)", file_types=[".jsonl", ".csv", ".json"],
                              elem_id="qa-file")
            run_button = gr.Button("Chạy đánh giá", variant="primary", elem_id="run-eval")
            metrics_table = gr.Dataframe([], headers=["Chỉ số", "Giá trị"], interactive=False, elem_id="metrics")
            chart = gr.HTML()
            missed = gr.Markdown(elem_id="misses")
            results_file = gr.File(label="Kết quả (JSON)")

        outputs = [chat, box, last_question, last_quotes, pick, source_pick, source]
        library_outputs = [table, to_remove, filter_docs, to_restore]
        inputs = [box, chat, last_question, filter_docs, k]
        send.click(respond, inputs, outputs, api_visibility="private").then(None, js=SCROLL_TO_HIT)
        box.submit(respond, inputs, outputs, api_visibility="private").then(None, js=SCROLL_TO_HIT)
        source_pick.change(show_source, [source_pick, last_quotes], source, api_visibility="private").then(
            None, js=SCROLL_TO_HIT)
        pin_button.click(pin, [pick, last_quotes, sheet], [sheet, sheet_table, pin_status], api_visibility="private")
        up.click(lambda s, p: move(s, p, -1), [sheet, position], [sheet, sheet_table], api_visibility="private")
        down.click(lambda s, p: move(s, p, 1), [sheet, position], [sheet, sheet_table], api_visibility="private")
        drop.click(lambda s, p: move(s, p, None), [sheet, position], [sheet, sheet_table], api_visibility="private")
        clear.click(lambda: ([], []), None, [sheet, sheet_table], api_visibility="private")
        export_button.click(export, sheet, exported, api_visibility="private")
        # Every page load shows the library as it is now and the study sheet this browser kept.
        app.load(library, None, library_outputs, api_visibility="private")
        app.load(sheet_rows, sheet, sheet_table, api_visibility="private")
        files.upload(upload, files, library_outputs + [upload_status], api_visibility="private")
        remove_button.click(remove, [to_remove, confirm_remove], library_outputs + [upload_status, confirm_remove],
                            api_visibility="private")
        restore_button.click(restore, to_restore, library_outputs + [upload_status], api_visibility="private")
        run_button.click(run_eval, qa_file, [metrics_table, chart, missed, results_file], api_visibility="private")
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


def serve(docs_dir: Path, index_dir: Path, host: str = "127.0.0.1", port: int = 7860,
          auth: str | None = None, block: bool = True):
    """Build or update the index, then serve the app on host:port."""
    import gradio as gr
    from starlette.middleware import Middleware

    service = Service(docs_dir, index_dir)
    print(service.assistant.last_build.summary(), flush=True)
    app = build_app(service)
    app.queue(default_concurrency_limit=8)
    credentials = parse_auth(auth)
    app.launch(server_name=host, server_port=port, auth=LoginGuard(*credentials) if credentials else None,
               prevent_thread_lock=not block,
               max_file_size=MAX_UPLOAD_BYTES, css=CSS, theme=gr.themes.Soft(), footer_links=["api"],
               app_kwargs={"middleware": [Middleware(DownloadOnlyFiles)]})
    return app
