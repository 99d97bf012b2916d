"""Uploads never destroy a document, and the server serves no file it was not meant to."""
from __future__ import annotations

import tempfile
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPORT, ROOT, running_server, tmpfs


@pytest.fixture
def service(tmp_path, report_assistant):
    from assistant.app import Service

    return Service(tmp_path / "documents", tmp_path / "index", assistant=report_assistant)


def _file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _removed_texts(service) -> list[str]:
    return sorted(p.read_text(encoding="utf-8") for p in (service.docs_dir / ".removed").iterdir())


def test_uploading_a_document_of_an_existing_name_keeps_the_old_version(service, tmp_path):
    service.save_upload("bao-cao.txt", _file(tmp_path / "a", "bao-cao.txt", "Bản thứ nhất."))
    saved, kept = service.save_upload("bao-cao.txt", _file(tmp_path / "b", "bao-cao.txt", "Bản thứ hai."))
    assert saved.read_text(encoding="utf-8") == "Bản thứ hai."
    assert kept is not None and kept.read_text(encoding="utf-8") == "Bản thứ nhất."
    assert kept.parent == service.docs_dir / ".removed"


def test_two_files_of_one_name_in_one_upload_lose_nothing(service, tmp_path):
    for n, text in enumerate(["Một.", "Hai.", "Ba."]):
        service.save_upload("trung-ten.txt", _file(tmp_path / str(n), "trung-ten.txt", text))
    assert (service.docs_dir / "trung-ten.txt").read_text(encoding="utf-8") == "Ba."
    assert _removed_texts(service) == ["Hai.", "Một."]


def test_names_differing_only_by_case_or_unicode_form_replace_rather_than_make_twins(service, tmp_path):
    nfd = unicodedata.normalize("NFD", "Báo-cáo.txt")
    service.save_upload("báo-cáo.txt", _file(tmp_path / "a", "x.txt", "Chữ thường."))
    service.save_upload(nfd, _file(tmp_path / "b", "y.txt", "Dạng NFD."))
    service.save_upload("BÁO-CÁO.TXT", _file(tmp_path / "c", "z.txt", "Chữ hoa."))
    documents = [p for p in service.docs_dir.iterdir() if p.is_file()]
    assert [p.read_text(encoding="utf-8") for p in documents] == ["Chữ hoa."]
    assert _removed_texts(service) == ["Chữ thường.", "Dạng NFD."]


def test_a_failed_upload_leaves_no_partial_file(service, tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    with pytest.raises(OSError):
        service.save_upload("mat.txt", folder / "khong-co.txt")
    assert not [p for p in service.docs_dir.iterdir() if p.name.startswith(".upload-")]


def test_uploaded_files_are_readable_like_the_others(service, tmp_path):
    saved, _ = service.save_upload("quyen.txt", _file(tmp_path / "a", "quyen.txt", "Văn bản."))
    assert saved.stat().st_mode & 0o777 == 0o644


@pytest.mark.slow
def test_the_server_serves_no_file_from_the_temporary_folder(tmp_path):
    work = tmp_path / "work"
    _file(work / "documents", REPORT, (ROOT / "documents" / REPORT).read_text(encoding="utf-8"))
    secret = Path(tempfile.gettempdir()) / "assistant-test-secret.txt"
    secret.write_text("mật khẩu", encoding="utf-8")
    try:
        with running_server(work) as (url, _):
            for path in (f"gradio_api/file={secret}", f"file={secret}"):
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(url + path, timeout=10)
                assert refused.value.code in (403, 404)
    finally:
        secret.unlink()


def test_quotes_and_questions_are_shown_literally_never_as_markup(report_assistant):
    from assistant.app import answer_html, literal
    from assistant.answering import Answer, Quote

    hostile = "<img src=x onerror=alert(1)> [bấm](javascript:alert(1)) ![](http://x/y.png) $$x^2$$"
    shown = literal(hostile)
    for markup in ("<img", "](", "![", "$$"):
        assert markup not in shown
    text = report_assistant.data.documents[next(iter(report_assistant.data.documents))].text
    quote = Quote(text[:40], next(iter(report_assistant.data.documents)), 0, 40, None, None, 1.0, 1)
    assert "<img" not in answer_html(Answer(hostile, False, [quote], did_you_mean=hostile), report_assistant.data)


def test_the_markdown_study_sheet_writes_document_text_literally():
    from assistant.answering import Quote
    from assistant.studysheet import to_markdown

    quote = Quote("<script>x</script> [a](javascript:b) $$x^2$$", "a.txt", 0, 44, None, None, 1.0, 1)
    sheet = to_markdown([quote])
    assert "<script>" not in sheet and "](" not in sheet and "$$" not in sheet
    assert "\\<script\\>x\\</script\\>" in sheet


def test_the_docx_study_sheet_keeps_a_quote_with_a_control_character(tmp_path):
    import docx

    from assistant.answering import Quote
    from assistant.studysheet import write_docx

    quote = Quote("Dòng một\x0bdòng hai\x00.", "a.txt", 0, 19, None, None, 1.0, 1)
    path = write_docx([quote], tmp_path / "sheet.docx")
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "Dòng một dòng hai ." in paragraphs


@pytest.mark.slow
def test_an_uploaded_html_file_is_served_as_a_download_never_as_a_page(tmp_path):
    import httpx

    work = tmp_path / "work"
    _file(work / "documents", REPORT, (ROOT / "documents" / REPORT).read_text(encoding="utf-8"))
    page = "<html><script>fetch('/gradio_api/file=/etc/passwd')</script></html>"
    with running_server(work) as (url, _):
        uploaded = httpx.post(url + "gradio_api/upload", files={"files": ("x.html", page, "text/html")}, timeout=30)
        assert uploaded.status_code == 200, uploaded.text
        served = httpx.get(url + "gradio_api/file=" + uploaded.json()[0], timeout=30)
    assert served.status_code == 200
    assert served.headers["content-disposition"].startswith("attachment")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]


def test_repeated_wrong_passwords_lock_the_name_for_a_while():
    from assistant.app import LoginGuard

    now = [0.0]
    guard = LoginGuard("can-bo", "mat-khau", free_failures=5, lockout_s=30, clock=lambda: now[0])
    assert guard("can-bo", "mat-khau")
    assert not any(guard("can-bo", f"sai-{n}") for n in range(5))
    assert not guard("can-bo", "mat-khau")  # locked: even the right password waits
    now[0] = 31.0
    assert guard("can-bo", "mat-khau")  # the lock has passed, and a success clears the count
    assert not any(guard("can-bo", "sai") for _ in range(4)) and guard("can-bo", "mat-khau")
    for _ in range(5):
        guard("can-bo", "sai")
    now[0] += 31.0
    assert not guard("can-bo", "sai")  # the sixth failure in a row locks for twice as long
    now[0] += 45.0
    assert not guard("can-bo", "mat-khau")
    now[0] += 20.0
    assert guard("can-bo", "mat-khau")


@pytest.mark.slow
def test_the_server_locks_a_name_after_repeated_wrong_passwords(tmp_path):
    import httpx

    work = tmp_path / "work"
    _file(work / "documents", REPORT, (ROOT / "documents" / REPORT).read_text(encoding="utf-8"))
    with running_server(work, "--auth", "can-bo:mat-khau") as (url, _):
        def login(password):
            return httpx.post(url + "login", data={"username": "can-bo", "password": password}, timeout=30)

        assert login("mat-khau").status_code == 200
        ask = url + "api/ask?question=K%E1%BA%BFt%20lu%E1%BA%ADn%2014%20l%C3%A0%20g%C3%AC%3F"
        assert httpx.get(ask, timeout=30).status_code == 401  # the JSON API asks for the same password
        assert httpx.get(ask, auth=("can-bo", "mat-khau"), timeout=30).json()["quotes"]
        assert all(login(f"sai-{n}").status_code >= 400 for n in range(5))
        assert login("mat-khau").status_code >= 400  # locked for a while, even with the right password
        assert httpx.get(ask, auth=("can-bo", "mat-khau"), timeout=30).status_code == 401  # the API too


def test_a_removed_document_can_be_restored_under_its_own_name(service, tmp_path):
    service.save_upload("quy-che.txt", _file(tmp_path / "a", "quy-che.txt", "Bản gốc."))
    moved = service.remove_document("quy-che.txt")
    assert not (service.docs_dir / "quy-che.txt").exists() and service.removed_documents() == [moved.name]
    service.save_upload("quy-che.txt", _file(tmp_path / "b", "quy-che.txt", "Bản mới."))
    restored, kept = service.restore_document(moved.name)
    assert restored.read_text(encoding="utf-8") == "Bản gốc."
    assert kept is not None and kept.read_text(encoding="utf-8") == "Bản mới."  # nothing lost either way


def test_a_readme_upload_is_refused_with_the_reason_rather_than_saved_and_never_indexed(service, tmp_path):
    lines = service.save_uploads([_file(tmp_path / "a", "README.md", "# Ghi chú\n\nNội dung.")])
    assert lines[0] == "Không có tệp nào được lưu." and "README.md" in lines[1] and "đổi tên" in lines[1]
    assert not (service.docs_dir / "README.md").exists()


@pytest.fixture
def full_disk(tmp_path):
    """A real 64 KB filesystem, where a larger upload runs out of space."""
    with tmpfs(tmp_path / "full", "64k") as mount:
        yield mount


def test_a_full_disk_says_so_in_vietnamese_and_keeps_nothing_partial_or_lost(full_disk, tmp_path, report_assistant):
    from assistant.app import Service

    service = Service(full_disk / "documents", tmp_path / "index", assistant=report_assistant)
    service.save_upload("cu.txt", _file(tmp_path / "a", "cu.txt", "Bản cũ."))
    big = _file(tmp_path / "b", "cu.txt", "Văn bản rất dài. " * 20_000)
    lines = service.save_uploads([big])
    assert lines == ["Không có tệp nào được lưu.", "cu.txt: không lưu được (ổ đĩa đã đầy)"]
    assert [p.name for p in service.docs_dir.iterdir()] == ["cu.txt"]  # no .upload-* file left
    assert (service.docs_dir / "cu.txt").read_text(encoding="utf-8") == "Bản cũ."
