"""Reliability: bad files, bad questions, SIGKILL while indexing, serving while indexing, load.

The bad-file corpus is generated here, from the report, the benchmarks in eval/ and pypdf.
"""
from __future__ import annotations

import gc
import io
import json
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from assistant import Assistant
from assistant.app import Service
from conftest import REPORT, ROOT, BENCHMARKS, html_to_pdf, running_server

REPORT_TEXT = (ROOT / "documents" / REPORT).read_text(encoding="utf-8")
QUESTIONS = [
    "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?",
    "Ai là Trưởng Ban Tuyên giáo Thành ủy TPHCM?",
    "Quy định 114 của Bộ Chính trị về vấn đề gì?",
    "nang cao chat luong du bao tinh hinh",
    "Ngân sách của TPHCM năm 2024 là bao nhiêu?",
    "Trường hợp nào thì sinh viên có thể gửi đơn xin thôi học?",
]


def regulation_text() -> str:
    """A second document: the UIT regulation paragraphs of the benchmark in eval/, one per line."""
    data = json.loads((BENCHMARKS / "uit-regulation-qa" / "test_reg.json").read_text(encoding="utf-8"))
    return "\n\n".join(p["context"] for a in data["data"] for p in a["paragraphs"]) + "\n"


def pdf_bytes(writer) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def assert_verbatim(assistant: Assistant, answer) -> None:
    for quote in answer.quotes + answer.nearest:
        assert assistant.data.documents[quote.document].text[quote.start:quote.end] == quote.text


# --- bad documents -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory) -> Path:
    """Good files in awkward forms next to files that cannot be read."""
    from pypdf import PdfReader, PdfWriter

    folder = tmp_path_factory.mktemp("bad-corpus")
    text_pdf = html_to_pdf(f"<html><meta charset='utf-8'><body><p>{REPORT_TEXT[:3000]}</p></body></html>",
                           tmp_path_factory.mktemp("pdf")).read_bytes()
    encrypted = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf)))
    encrypted.encrypt("mat-khau")
    scanned = PdfWriter()
    scanned.add_blank_page(595, 842)  # a page with no text layer, as a scanner makes
    files = {
        # good, in awkward forms
        "report-nfd.txt": unicodedata.normalize("NFD", REPORT_TEXT).encode("utf-8"),
        "regulation-mixed-endings.txt": regulation_text().replace("\n\n", "\r\n\r\n", 4).replace("\n\n", "\r\r", 3)
        .encode("utf-8"),
        "zero-width.txt": "Ban\u200b Tổ\u200d chức \u202bThành ủy\u202c tổ chức hội nghị tập huấn\u2066 nghiệp vụ\u2069 "
                          "cho cán bộ mới.\n".encode("utf-8"),
        "tcvn3.txt": "Céng hßa X· héi chñ nghÜa ViÖt Nam. §éc lËp - Tù do - H¹nh phóc.".encode("cp1252"),
        "vni.txt": "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do - Haïnh phuùc.".encode("cp1252"),
        # bad
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 16,
        "not-a-pdf.pdf": b"<html>404 Not Found</html>",
        "truncated.pdf": text_pdf[: len(text_pdf) // 3],
        "encrypted.pdf": pdf_bytes(encrypted),
        "scanned.pdf": pdf_bytes(scanned),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with open(folder / "too-big.txt", "wb") as handle:  # sparse: 51 MB on paper, nothing on disk
        handle.truncate(51 * 1024 * 1024)
    return folder


BAD_FILES = ["empty.txt", "binary.txt", "not-a-pdf.pdf", "truncated.pdf", "encrypted.pdf", "scanned.pdf",
             "too-big.txt"]


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def bad_corpus_index(bad_corpus, tmp_path_factory):
    index = tmp_path_factory.mktemp("bad-index")
    result = run_cli("index", "--docs", str(bad_corpus), "--index", str(index))
    return result, index


def test_indexing_a_corpus_with_bad_files_keeps_the_good_ones_and_names_each_bad_one(bad_corpus_index):
    result, index = bad_corpus_index
    assert result.returncode == 0, result.stderr
    reasons = {line.split(":")[0].removeprefix("skipped "): line for line in result.stderr.splitlines()
               if line.startswith("skipped ")}
    assert sorted(reasons) == sorted(BAD_FILES)
    for name, words in [("truncated.pdf", "PDF"), ("encrypted.pdf", "mật khẩu"), ("scanned.pdf", "không có lớp chữ"),
                        ("too-big.txt", "giới hạn"), ("empty.txt", "rỗng")]:
        assert words in reasons[name], reasons[name]
    documents = Assistant.open(index).data.documents
    assert sorted(documents) == ["regulation-mixed-endings.txt", "report-nfd.txt", "tcvn3.txt", "vni.txt",
                                 "zero-width.txt"]
    # The legacy encodings are converted, and the build says so.
    assert documents["vni.txt"].text.startswith("Cộng hòa xã hội chủ nghĩa Việt Nam")
    assert "note vni.txt: 1 dòng được chuyển từ bảng mã VNI sang Unicode" in result.stderr


def test_awkward_text_is_found_by_plain_questions_and_quoted_as_it_stands(bad_corpus_index):
    assistant = Assistant.open(bad_corpus_index[1])
    nfd = assistant.ask("Ai là Trưởng Ban Tuyên giáo Thành ủy TPHCM?")
    assert nfd.quotes[0].document == "report-nfd.txt"
    assert unicodedata.normalize("NFD", "Phan Nguyễn Như Khuê") in nfd.quotes[0].text  # as the file has it
    hidden = assistant.ask("Ban Tổ chức Thành ủy tập huấn nghiệp vụ cho ai?")
    assert hidden.quotes[0].document == "zero-width.txt"
    mixed = assistant.ask("Trường hợp nào thì sinh viên có thể gửi đơn xin thôi học?")
    assert mixed.quotes[0].document == "regulation-mixed-endings.txt"
    for answer in (nfd, hidden, mixed):
        assert_verbatim(assistant, answer)


def test_a_folder_of_only_bad_files_fails_with_a_summary_and_keeps_the_last_index(bad_corpus, bad_corpus_index,
                                                                                  tmp_path):
    only_bad = tmp_path / "only-bad"
    only_bad.mkdir()
    for name in BAD_FILES:
        shutil.copy(bad_corpus / name, only_bad / name)
    index = bad_corpus_index[1]
    before = (index / "CURRENT").read_text()
    result = run_cli("index", "--docs", str(only_bad), "--index", str(index))
    assert result.returncode == 1
    assert "nothing could be indexed" in result.stderr and all(name in result.stderr for name in BAD_FILES)
    assert (index / "CURRENT").read_text() == before and sorted(p.name for p in only_bad.iterdir()) == sorted(BAD_FILES)


# --- bad questions -----------------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "", "   \t\n ", "?!…–—", "x" * 100_000, "nhiệm vụ " * 12_000, "🙂🔥 nhiệm vụ 2024 🇻🇳", "\x00\x07\x1b[31m nhiệm vụ",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)> Quy định 114", "'; DROP TABLE documents; --",
    "\u202e\u200b\ufeff", "Ｎｈｉệｍ ｖụ",
], ids=["empty", "spaces", "punctuation", "100k-chars", "100k-words", "emoji", "control", "script", "img",
        "sql", "bidi-only", "fullwidth"])
def test_bad_questions_get_a_message_or_a_normal_answer(report_assistant, question):
    answer = report_assistant.ask(question)
    assert answer.message or answer.abstained or answer.quotes
    assert answer.render()
    assert_verbatim(report_assistant, answer)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=0, max_size=300))
def test_a_thousand_random_unicode_questions_keep_every_quote_verbatim(report_assistant, question):
    answer = report_assistant.ask(question)
    assert_verbatim(report_assistant, answer)
    assert answer.message or answer.abstained or answer.quotes


# --- crashes and updates -----------------------------------------------------------------------

def answers_of(assistant: Assistant) -> list[dict]:
    return [assistant.ask(q).to_dict() for q in QUESTIONS]


@pytest.fixture(scope="module")
def update_scenario(tmp_path_factory, embedder):
    """An index of the report (before), the folder after a document is added, and both answer sets."""
    root = tmp_path_factory.mktemp("update")
    docs = root / "documents"
    docs.mkdir()
    (docs / REPORT).write_text(REPORT_TEXT, encoding="utf-8")
    before_index = root / "index-before"
    before = answers_of(Assistant.build(docs, before_index, embedder=embedder))
    (docs / "quy-che.txt").write_text(regulation_text(), encoding="utf-8")
    after_index = root / "index-after"
    shutil.copytree(before_index, after_index)
    after = answers_of(Assistant.build(docs, after_index, embedder=embedder))
    assert before != after
    return docs, before_index, before, after


@pytest.mark.slow
def test_sigkill_during_an_index_update_leaves_the_old_or_the_new_index_never_a_mix(update_scenario, tmp_path,
                                                                                 embedder):
    docs, before_index, before, after = update_scenario
    index = tmp_path / "index"
    began = time.perf_counter()
    shutil.copytree(before_index, index)
    assert run_cli("index", "--docs", str(docs), "--index", str(index)).returncode == 0
    full_run = time.perf_counter() - began
    rng = random.Random(20241126)
    outcomes = []
    for run in range(12):
        shutil.rmtree(index)
        shutil.copytree(before_index, index)
        process = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--docs", str(docs), "--index",
                                    str(index)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Half the kills anywhere in the run, half in its last part, where the new generation is written.
        delay = rng.uniform(0.1, full_run) if run % 2 else rng.uniform(0.75 * full_run, 1.05 * full_run)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        answers = answers_of(Assistant.open(index, embedder=embedder))
        assert answers in (before, after), f"killed after {delay:.2f} s: a mix of old and new answers"
        outcomes.append("new" if answers == after else "old")
    print(f"\nSIGKILL runs: {len(outcomes)}, full update {full_run:.1f} s; old index: {outcomes.count('old')}, "
          f"new index: {outcomes.count('new')}")
    # After a kill the lock is free and the next run completes the update.
    assert run_cli("index", "--docs", str(docs), "--index", str(index)).returncode == 0
    assert answers_of(Assistant.open(index, embedder=embedder)) == after


@pytest.mark.slow
def test_questions_asked_during_an_update_are_answered_by_the_old_or_the_new_index(update_scenario, tmp_path,
                                                                                  embedder):
    docs, before_index, before, after = update_scenario
    live_docs, index = tmp_path / "documents", tmp_path / "index"
    live_docs.mkdir()
    shutil.copy(docs / REPORT, live_docs / REPORT)
    shutil.copytree(before_index, index)
    service = Service(live_docs, index, Assistant.open(index, embedder=embedder))
    done = threading.Event()
    seen, errors = [], []

    def keep_asking():
        while not done.is_set():
            try:
                seen.extend((n, service.ask(q).to_dict()) for n, q in enumerate(QUESTIONS))
            except Exception as error:  # noqa: BLE001 - any exception is the failure being tested
                errors.append(error)

    askers = [threading.Thread(target=keep_asking) for _ in range(3)]
    for thread in askers:
        thread.start()
    shutil.copy(docs / "quy-che.txt", live_docs / "quy-che.txt")
    service.reindex()
    time.sleep(0.5)
    done.set()
    for thread in askers:
        thread.join()
    assert not errors
    # Each answer comes wholly from one index (the swap may fall between two questions).
    assert all(answer in (before[n], after[n]) for n, answer in seen)
    changed = [(n, a) for n, a in seen if before[n] != after[n]]
    old, new = sum(a == before[n] for n, a in changed), sum(a == after[n] for n, a in changed)
    assert old and new
    print(f"\nanswers during the update: {len(seen)}; of those that differ between indexes, {old} old, {new} new")


# --- load --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_twenty_clients_asking_fifty_questions_each_get_the_single_user_answers(tmp_path):
    import psutil
    from gradio_client import Client

    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / REPORT).write_text(REPORT_TEXT, encoding="utf-8")
    with running_server(tmp_path) as (url, process):
        single = {q: Client(url, verbose=False).predict(q, 3, api_name="/ask") for q in QUESTIONS}
        server = psutil.Process(process.pid)

        def client_session(number: int) -> list[tuple[str, dict, float]]:
            client = Client(url, verbose=False)
            results = []
            for i in range(50):
                question = QUESTIONS[(number + i) % len(QUESTIONS)]
                began = time.perf_counter()
                answer = client.predict(question, 3, api_name="/ask")
                results.append((question, answer, (time.perf_counter() - began) * 1000))
            return results

        rss = []
        latencies = []
        for _ in range(2):  # 2 rounds × 20 clients × 50 questions = 2,000 questions
            with ThreadPoolExecutor(max_workers=20) as pool:
                rounds = list(pool.map(client_session, range(20)))
            gc.collect()
            rss.append(server.memory_info().rss / 2**20)
            for question, answer, ms in (r for session in rounds for r in session):
                assert answer == single[question]
                latencies.append(ms)
    p50, p95 = np.percentile(latencies, [50, 95])
    print(f"\nload: {len(latencies)} questions from 20 clients, 0 errors; latency p50 {p50:.0f} ms, "
          f"p95 {p95:.0f} ms; server RSS after 1,000: {rss[0]:.0f} MB, after 2,000: {rss[1]:.0f} MB")
    assert len(latencies) == 2000
    assert rss[1] - rss[0] < 25, "server memory grew between the first and the second thousand questions"
