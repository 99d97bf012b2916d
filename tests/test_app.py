"""The app in a real browser (Debian's chromium driven by Playwright) against a real server on 127.0.0.1."""
import re
import shutil

import pytest

from conftest import CHROMIUM, CHROMIUM_FLAGS, REPORT, ROOT, running_server

pytestmark = pytest.mark.slow
ARTIFACTS = ROOT / "test-artifacts"
XSS = "Tài liệu thử nghiệm an toàn <script>alert('xss')</script> và <img src=x onerror=alert(1)> hiển thị."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("serve")
    (work / "documents").mkdir()
    shutil.copy(ROOT / "documents" / REPORT, work / "documents" / REPORT)
    (work / "documents" / "an-toan.txt").write_text(XSS, encoding="utf-8")
    with running_server(work) as (url, _process):
        yield url, work


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 1200}, accept_downloads=True)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server[0], wait_until="load")
    page.wait_for_selector("#question textarea")
    page.dialogs = dialogs
    yield page
    context.close()


def ask(page, question: str):
    count = page.locator("#chat .message").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(f"document.querySelectorAll('#chat .message').length > {count + 1}", timeout=30000)
    page.wait_for_timeout(300)
    return page.locator("#chat .message").last


def test_api_ask_returns_the_json_answer_through_gradio_client(server):
    from gradio_client import Client

    answer = Client(server[0], verbose=False).predict("Quy định 114 của Bộ Chính trị về vấn đề gì?", 3, api_name="/ask")
    text = (server[1] / "documents" / REPORT).read_text(encoding="utf-8")
    assert answer["quotes"] and all(text[q["start"]:q["end"]] == q["text"] for q in answer["quotes"])


def test_the_2024_tasks_question_shows_the_quote_and_its_citation(page):
    message = ask(page, "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?")
    assert "5 nhiệm vụ trọng tâm" in message.inner_text()
    assert "Theo bao-cao-xay-dung-dang-tphcm-2024.txt" in message.inner_text()
    assert message.locator("blockquote mark").count() > 0
    page.screenshot(path=ARTIFACTS / "chat-2024-tasks.png", full_page=True)


def test_a_question_without_diacritics_offers_the_accented_reading(page):
    message = ask(page, "nang cao chat luong du bao tinh hinh")
    assert "Có phải bạn muốn hỏi" in message.inner_text() and "dự báo tình hình" in message.inner_text()
    marked = {m.lower() for m in message.locator("blockquote mark").all_inner_texts()}
    assert {"dự", "báo"} <= marked and not {"đủ", "lường"} & marked  # the offered reading, not every "du"
    page.screenshot(path=ARTIFACTS / "chat-no-diacritics.png", full_page=True)


def test_an_abstention_shows_the_fixed_message_and_folds_the_nearest_away(page):
    message = ask(page, "Ngân sách của TPHCM năm 2024 là bao nhiêu?")
    assert "Không tìm thấy nội dung phù hợp trong tài liệu." in message.inner_text()
    assert message.locator("details").first.get_attribute("open") is None
    page.screenshot(path=ARTIFACTS / "chat-abstention.png", full_page=True)


def test_a_follow_up_question_carries_the_topic(page):
    first = ask(page, "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?")
    assert "5 nhiệm vụ trọng tâm" in first.inner_text()
    message = ask(page, "Còn công tác tổ chức thì sao?")
    text = message.inner_text()
    assert "Chuẩn bị kỹ lưỡng nhân sự cho nhiệm kỳ tới" in text and "5 nhiệm vụ trọng tâm" not in text
    # The source viewer has scrolled to the first quote, far down the document.
    page.wait_for_function("""() => {
        const hit = document.querySelector('#source-hit'), box = hit && hit.closest('.source-view');
        if (!box || !hit.innerText.startsWith('Về công tác tổ chức')) return false;
        const h = hit.getBoundingClientRect(), b = box.getBoundingClientRect();
        return h.top >= b.top && h.top < b.bottom && box.scrollTop > 0;
    }""", timeout=10000)
    # Only the question's own words are marked: "trọng" of "trọng tâm", never "trong".
    marked = {m.lower() for m in message.locator("blockquote mark").all_inner_texts()}
    assert "tổ" in marked and "chức" in marked and "trong" not in marked
    page.screenshot(path=ARTIFACTS / "chat-follow-up.png", full_page=True)


def test_document_text_with_html_is_shown_inert(page):
    message = ask(page, "tài liệu thử nghiệm an toàn hiển thị")
    assert "<script>" in message.inner_text()
    page.wait_for_timeout(500)
    assert page.dialogs == []
    page.screenshot(path=ARTIFACTS / "chat-xss-inert.png", full_page=True)


def test_pinning_two_quotes_and_exporting_a_docx(page, tmp_path):
    import docx

    ask(page, "Quy định 114 của Bộ Chính trị về vấn đề gì?")
    options = page.locator("#pick label")
    options.nth(0).click()
    options.nth(1).click()
    page.click("#pin")
    page.get_by_role("tab", name="Tài liệu học tập").click()
    page.wait_for_function("document.querySelector('#sheet').innerText.includes('Quy định 114')")
    page.click("#export")
    link = page.locator("#exported a[href*='.docx']").first
    link.wait_for(timeout=30000)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "sheet.docx"
    download.value.save_as(path)
    paragraphs = [p.text for p in docx.Document(path).paragraphs]
    assert sum(p.startswith("Theo ") for p in paragraphs) == 2
    assert any("Quy định 114" in p for p in paragraphs)
    page.screenshot(path=ARTIFACTS / "study-sheet.png", full_page=True)
    # Whole quotes, wrapped, with their source in view: at 1280 px and on a phone.
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(500)
        layout = page.evaluate("""() => {
            const cells = document.querySelector('#sheet .virtual-row').querySelectorAll('.body-cell');
            const quote = cells[1], source = cells[2];
            return {quoteHeight: quote.getBoundingClientRect().height, clipped: quote.scrollWidth > quote.clientWidth + 1,
                    sourceRight: source.getBoundingClientRect().right, sourceText: source.innerText};
        }""")
        assert not layout["clipped"] and layout["quoteHeight"] > 60, layout  # several lines, none cut
        assert layout["sourceRight"] <= width and "đoạn" in layout["sourceText"], layout
        page.screenshot(path=ARTIFACTS / f"study-sheet-{width}px.png", full_page=True)


def test_uploading_a_pdf_then_asking_about_it(page, server, tmp_path):
    from conftest import html_to_pdf

    pdf = html_to_pdf("<html><meta charset='utf-8'><body><h2>Kế hoạch chuyển đổi số</h2><p>Năm 2025, thành phố "
                      "triển khai nền tảng dữ liệu dùng chung cho các sở ngành.</p></body></html>", tmp_path,
                      "ke-hoach.pdf")
    page.get_by_role("tab", name="Tài liệu").first.click()
    page.set_input_files("#upload input[type=file]", str(pdf))
    page.wait_for_function("document.querySelector('#doc-table').innerText.includes('ke-hoach.pdf')", timeout=60000)
    assert (server[1] / "documents" / "ke-hoach.pdf").is_file()
    page.wait_for_function("!document.querySelector('#doc-table .pending, #doc-table.pending')", timeout=30000)
    page.wait_for_timeout(500)
    page.screenshot(path=ARTIFACTS / "documents-upload.png", full_page=True)
    page.get_by_role("tab", name="Hỏi đáp").click()
    message = ask(page, "nền tảng dữ liệu dùng chung")
    # Cited by the PDF's title (its first line: chromium wrote no title of its own), with its page.
    assert "Theo Kế hoạch chuyển đổi số, trang 1" in message.inner_text()


def test_the_evaluation_tab_runs_the_dev_set(page):
    from conftest import DEV_SET

    page.get_by_role("tab", name="Đánh giá").click()
    page.set_input_files("#qa-file input[type=file]", str(DEV_SET))
    page.click("#run-eval")
    page.wait_for_function("document.querySelector('#metrics').innerText.includes('Đúng ở trích dẫn 1')",
                           timeout=120000)
    page.wait_for_function("document.querySelector('#misses').innerText.includes('dev-')", timeout=30000)
    shown = page.locator("#metrics").inner_text() + page.locator("#tag-chart").inner_text()
    assert "không dấu" in shown and "viết tắt" in shown
    assert not re.search(r"Answer@|abstention|verbatim|latency|as written|near-miss|\bcorrect\b", shown)
    page.screenshot(path=ARTIFACTS / "evaluation.png", full_page=True)


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_a_new_answer_opens_at_its_first_quote(browser, server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(server[0], wait_until="load")
    page.wait_for_selector("#question textarea")
    assert page.locator("#chat").get_by_text("Hỏi đáp", exact=True).count() == 0  # no label over the chat
    ask(page, "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?")
    message = ask(page, "Còn công tác tổ chức thì sao?")  # a second answer: the box has scrolled before
    page.wait_for_timeout(1500)
    cite = message.locator(".cite").first
    assert cite.inner_text().startswith("[1] Theo")
    page.wait_for_function("""() => {
        const messages = document.querySelectorAll('#chat .message'), last = messages[messages.length - 1];
        const cite = last.querySelector('.cite');
        let box = last.parentElement;
        while (box && box.scrollHeight <= box.clientHeight + 1) box = box.parentElement;
        const c = cite.getBoundingClientRect(), b = box.getBoundingClientRect();
        return c.top >= b.top - 1 && c.bottom <= b.bottom;
    }""", timeout=10000)
    cite.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / f"chat-first-quote-{width}px.png")
    context.close()


def test_gradio_s_own_words_are_vietnamese(page):
    page.get_by_role("tab", name="Tài liệu").first.click()
    upload = page.locator("#upload").inner_text()
    assert "Thả tệp vào đây" in upload and "Drop File Here" not in upload and "Click to Upload" not in upload
    page.get_by_role("tab", name="Tài liệu học tập").click()
    page.click("#export")  # nothing pinned: an error toast
    toast = page.locator(".toast-body").first
    toast.wait_for(timeout=10000)
    assert "Chưa có trích dẫn nào được ghim" in toast.inner_text()
    # Gradio writes the kind ("Error") itself; the app's style hides it and shows "Lỗi" in its place.
    title = toast.locator(".toast-title")
    assert title.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    assert title.evaluate("e => getComputedStyle(e, '::before').content") == '"Lỗi"'
    page.screenshot(path=ARTIFACTS / "vietnamese-error-toast.png")


def test_a_reloaded_page_lists_the_documents_uploaded_since_the_server_started(page, server, tmp_path):
    note = tmp_path / "ghi-chu-moi.txt"
    note.write_text("Ghi chú mới về công tác thi đua khen thưởng năm 2025.", encoding="utf-8")
    page.get_by_role("tab", name="Tài liệu").first.click()
    page.set_input_files("#upload input[type=file]", str(note))
    page.wait_for_function("document.querySelector('#doc-table').innerText.includes('ghi-chu-moi.txt')", timeout=60000)
    page.reload(wait_until="load")
    page.wait_for_selector("#question textarea")
    page.get_by_role("tab", name="Tài liệu").first.click()
    page.wait_for_function("document.querySelector('#doc-table').innerText.includes('ghi-chu-moi.txt')", timeout=30000)
    assert page.locator("#remove-pick input").input_value() == ""  # nothing chosen for removal
    page.screenshot(path=ARTIFACTS / "documents-after-reload.png", full_page=True)


def test_the_study_sheet_survives_a_page_reload_and_is_cleared_on_purpose(page):
    ask(page, "Kết luận 14 của Bộ Chính trị")
    page.locator("#pick label").nth(0).click()
    page.click("#pin")
    page.wait_for_function("document.body.innerText.includes('Đã ghim 1 trích dẫn')", timeout=30000)
    page.wait_for_timeout(500)  # the browser writes the sheet to its storage after the update
    page.reload(wait_until="load")
    page.wait_for_selector("#question textarea")
    page.get_by_role("tab", name="Tài liệu học tập").click()
    page.wait_for_function("document.querySelector('#sheet').innerText.includes('Kết luận 14')", timeout=30000)
    page.screenshot(path=ARTIFACTS / "study-sheet-after-reload.png", full_page=True)
    page.click("#clear-sheet")
    page.wait_for_function("!document.querySelector('#sheet').innerText.includes('Kết luận 14')", timeout=30000)


@pytest.mark.parametrize("method, request_, message", [
    ("GET", {"question": "Kết luận 14 là gì?", "k": "abc"}, "k phải là số nguyên từ 1 đến 20"),
    ("POST", {"question": "Kết luận 14 là gì?", "k": None}, "k phải là số nguyên từ 1 đến 20"),
    ("POST", {"question": "Kết luận 14 là gì?", "k": [3]}, "k phải là số nguyên từ 1 đến 20"),
    ("POST", {"k": 3}, "Thiếu câu hỏi"),
    ("POST", {"question": "   "}, "Thiếu câu hỏi"),
    ("POST", ["Kết luận 14 là gì?"], "đối tượng JSON"),
    ("POST", {"question": "Kết luận 14 là gì?", "documents": "a.txt"}, "danh sách tên tệp"),
])
def test_the_json_api_answers_malformed_input_with_400_and_a_vietnamese_message(server, method, request_, message):
    import httpx

    if method == "GET":
        response = httpx.get(server[0] + "api/ask", params=request_, timeout=30)
    else:
        response = httpx.post(server[0] + "api/ask", json=request_, timeout=30)
    assert response.status_code == 400 and message in response.json()["message"]


def test_the_json_api_answers_with_verbatim_quotes_and_says_when_a_filter_names_nothing(server):
    import httpx

    answer = httpx.post(server[0] + "api/ask", json={"question": "Kết luận 14 là gì?"}, timeout=30).json()
    text = (server[1] / "documents" / REPORT).read_text(encoding="utf-8")
    assert len(answer["quotes"]) == 3 and all(text[q["start"]:q["end"]] == q["text"] for q in answer["quotes"])
    filtered = httpx.get(server[0] + "api/ask", params={"question": "Kết luận 14 là gì?", "k": "1"}, timeout=30).json()
    assert len(filtered["quotes"]) == 1
    nothing = httpx.post(server[0] + "api/ask", json={"question": "Kết luận 14 là gì?", "documents": ["khong-co.txt"]},
                         timeout=30).json()
    assert nothing["abstained"] and "Không có tài liệu nào trong số đã chọn" in nothing["message"]


def test_the_api_refuses_a_malformed_quote_count_with_a_message(server):
    from gradio_client import Client

    client = Client(server[0], verbose=False)
    for k in ("abc", "nan", 0, 21):
        with pytest.raises(Exception, match="k phải là số nguyên từ 1 đến 20"):
            client.predict("Kết luận 14 là gì?", k, api_name="/ask")
    empty = client.predict("   ", 3, api_name="/ask")
    assert empty["abstained"] and empty["message"]


def test_removing_a_document_needs_a_confirmation_and_can_be_undone(page, server, tmp_path):
    (tmp_path / "tam-thoi.txt").write_text("Văn bản tạm thời về công tác lưu trữ hồ sơ.", encoding="utf-8")
    page.get_by_role("tab", name="Tài liệu").first.click()
    page.set_input_files("#upload input[type=file]", str(tmp_path / "tam-thoi.txt"))
    page.wait_for_function("document.querySelector('#doc-table').innerText.includes('tam-thoi.txt')", timeout=60000)
    page.locator("#remove-pick input").fill("tam-thoi.txt")
    page.keyboard.press("Enter")
    page.click("#remove")
    page.wait_for_function("document.querySelector('#upload-status textarea').value.includes('xác nhận')", timeout=30000)
    assert (server[1] / "documents" / "tam-thoi.txt").exists()  # not removed without the confirmation
    page.locator("#remove-confirm input").check()
    page.click("#remove")
    page.wait_for_function("document.querySelector('#upload-status textarea').value.includes('Đã chuyển')",
                           timeout=60000)
    assert not (server[1] / "documents" / "tam-thoi.txt").exists()
    page.screenshot(path=ARTIFACTS / "documents-removed.png", full_page=True)
    page.locator("#restore-pick input").click()
    page.locator("[role=option]", has_text="tam-thoi.txt").first.click()
    page.click("#restore")
    page.wait_for_function("document.querySelector('#upload-status textarea').value.includes('Đã khôi phục')",
                           timeout=60000)
    assert (server[1] / "documents" / "tam-thoi.txt").exists()


def test_the_upload_status_speaks_vietnamese():
    from assistant.app import build_status
    from assistant.indexing import BuildReport
    from assistant.loaders import DocumentError

    status = build_status(BuildReport(documents=3, chunks=19, units_embedded=5, units_reused=20, changed=True,
                                      seconds=0.4, failures=[DocumentError("hong.docx", "DOCX bị hỏng")]))
    assert status.splitlines() == ["Đã cập nhật chỉ mục: 3 tài liệu, 19 đoạn; 5 câu mới được mã hoá, "
                                   "20 câu dùng lại; 0,4 giây.", "Bỏ qua hong.docx: DOCX bị hỏng"]


def test_an_empty_library_starts_says_how_to_add_documents_and_answers_after_an_upload(browser, tmp_path):
    (tmp_path / "documents").mkdir()
    note = tmp_path / "ke-hoach.txt"
    note.write_text("Năm 2025, thành phố triển khai nền tảng dữ liệu dùng chung cho các sở ngành.", encoding="utf-8")
    with running_server(tmp_path) as (url, _process):
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_selector("#question textarea")
        message = ask(page, "Nền tảng dữ liệu dùng chung là gì?")
        assert "Thư viện chưa có tài liệu nào" in message.inner_text()
        page.screenshot(path=ARTIFACTS / "empty-library.png")
        page.get_by_role("tab", name="Tài liệu").first.click()
        assert "Thư viện chưa có tài liệu nào" in page.locator("#empty-library").inner_text()
        page.set_input_files("#upload input[type=file]", str(note))
        page.wait_for_function("document.querySelector('#doc-table').innerText.includes('ke-hoach.txt')",
                               timeout=60000)
        page.get_by_role("tab", name="Hỏi đáp").click()
        assert "nền tảng dữ liệu dùng chung" in ask(page, "nền tảng dữ liệu dùng chung").inner_text()
        context.close()
