import json
import shutil
import subprocess
import sys

import pytest

from conftest import REPORT, ROOT, DEV_SET, html_to_pdf


def assistant(*args, cwd):
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("work")
    (folder / "documents").mkdir()
    shutil.copy(ROOT / "documents" / REPORT, folder / "documents" / REPORT)
    built = assistant("index", cwd=folder)
    assert built.returncode == 0, built.stderr
    return folder


def test_index_reports_what_it_did(workdir):
    again = assistant("index", cwd=workdir)
    assert again.returncode == 0 and "up to date" in again.stderr


def test_ask_json_prints_only_the_json_answer(workdir):
    result = assistant("ask", "--json", "Những nhiệm vụ trọng tâm của ngành tuyên giáo năm 2024 là gì?", cwd=workdir)
    answer = json.loads(result.stdout)
    assert not answer["abstained"] and any("5 nhiệm vụ trọng tâm" in q["text"] for q in answer["quotes"])
    text = (workdir / "documents" / REPORT).read_text(encoding="utf-8")
    assert all(text[q["start"]:q["end"]] == q["text"] for q in answer["quotes"])


def test_ask_abstains_with_the_fixed_message(workdir):
    result = assistant("ask", "Ngân sách của TPHCM năm 2024 là bao nhiêu?", cwd=workdir)
    assert result.stdout.startswith("Không tìm thấy nội dung phù hợp trong tài liệu.")


def test_eval_prints_the_table_for_any_qa_file(workdir):
    result = assistant("eval", "--qa", str(DEV_SET), "--report", "REPORT.md", cwd=workdir)
    assert result.returncode == 0, result.stderr
    for label in ("Answer@1", "Answer@3", "evidence recall@3", "MRR", "abstention accuracy",
                  "false abstentions", "verbatim quotes", "100.0%", "latency p50", "no diacritics"):
        assert label in result.stdout
    assert (workdir / "REPORT.md").read_text(encoding="utf-8").startswith("# Evaluation")
    assert (workdir / "REPORT.svg").exists()


def test_eval_json_lists_every_question(workdir):
    result = assistant("eval", "--json", "--qa", str(DEV_SET), cwd=workdir)
    report = json.loads(result.stdout)
    assert len(report["questions"]) == 50 and report["metrics"]["verbatim"] == 1.0


def test_eval_with_distractors_still_answers_from_the_documents_and_not_from_a_look_alike(workdir):
    # Other documents that share the questions' words: "chủ tịch" of another body, "tổ chức thành …"
    articles = [{"title": "IPCC", "paragraphs": [{"qas": [], "context": (
        "Nhà kinh tế học Hàn Quốc Hoesung Lee là chủ tịch của IPCC kể từ năm 2015. Các thành viên "
        "đã tổ chức thành Lực lượng Đặc nhiệm, đặt trụ sở tại Geneva.")}]},
        {"title": "Quy chế", "paragraphs": [{"qas": [], "context": (
            "Sinh viên được công nhận và chuyển đổi tín chỉ theo quy định của Trường.")}]}]
    (workdir / "distractors.json").write_text(json.dumps({"data": articles}, ensure_ascii=False), encoding="utf-8")
    questions = [{"id": "a", "question": "Quy định 114 của Bộ Chính trị về vấn đề gì?", "answerable": True,
                  "answer": "kiểm soát quyền lực", "document": REPORT},
                 {"id": "b", "question": "Ai là Chủ tịch nước?", "answerable": False},
                 {"id": "c", "question": "Ban Tổ chức Thành ủy có trụ sở ở đâu?", "answerable": False}]
    (workdir / "three.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions),
                                         encoding="utf-8")
    result = assistant("eval", "--json", "--qa", "three.jsonl", "--distractors", "distractors.json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["file"] == "three.jsonl (with distractors from distractors.json)"
    answered, president, seat = report["questions"]
    assert answered["hit"] and answered["rank"] == 1
    assert president["abstained"] and seat["abstained"]


def test_a_broken_qa_file_is_named_with_its_line(workdir):
    bad = workdir / "bad.jsonl"
    bad.write_text('{"question": "a", "answerable": false}\nnot json\n', encoding="utf-8")
    result = assistant("eval", "--qa", str(bad), cwd=workdir)
    assert result.returncode == 1 and "bad.jsonl:2" in result.stderr


def test_index_exits_non_zero_only_when_nothing_could_be_indexed(tmp_path):
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "empty.txt").write_bytes(b"")
    result = assistant("index", cwd=tmp_path)
    assert result.returncode == 1 and "empty.txt: tệp rỗng" in result.stderr
    (tmp_path / "documents" / "ok.md").write_text("Một đoạn văn bản hợp lệ về tuyên giáo.", encoding="utf-8")
    result = assistant("index", cwd=tmp_path)
    assert result.returncode == 0 and "skipped empty.txt: tệp rỗng" in result.stderr


def test_a_pdf_of_the_report_answers_with_quotes_verbatim_from_its_loaded_text(tmp_path):
    from assistant.loaders import load_document

    lines = (ROOT / "documents" / REPORT).read_text(encoding="utf-8").splitlines()
    body = "".join(f"<h3>{line}</h3>" if len(line.split()) < 12 else f"<p>{line}</p>" for line in lines)
    (tmp_path / "documents").mkdir()
    pdf = html_to_pdf(f"<html><meta charset='utf-8'><body>{body}</body></html>", tmp_path / "documents", "report.pdf")
    (tmp_path / "documents" / "page.html").unlink()
    shutil.rmtree(tmp_path / "documents" / "profile", ignore_errors=True)
    assert assistant("index", cwd=tmp_path).returncode == 0
    result = assistant("ask", "--json", "Quy định 114 của Bộ Chính trị về vấn đề gì?", cwd=tmp_path)
    answer = json.loads(result.stdout)
    text = load_document(pdf, tmp_path / "documents").text
    assert answer["quotes"] and all(text[q["start"]:q["end"]] == q["text"] for q in answer["quotes"])
    assert "kiểm soát quyền lực" in " ".join(q["text"] for q in answer["quotes"])
    assert answer["quotes"][0]["page"] >= 1


def test_serving_beyond_this_machine_without_a_password_is_refused(workdir):
    result = assistant("serve", "--host", "0.0.0.0", "--port", "1", cwd=workdir)
    assert result.returncode == 2 and "--auth" in result.stderr and "--no-auth" in result.stderr


def test_ask_takes_only_a_quote_count_from_1_to_20(workdir):
    for bad in ("0", "21", "abc"):
        result = assistant("ask", "--k", bad, "Kết luận 14 là gì?", cwd=workdir)
        assert result.returncode == 2 and "--k" in result.stderr


def test_ask_json_keeps_vietnamese_readable_and_gives_the_accented_reading(workdir):
    result = assistant("ask", "--json", "nang cao chat luong du bao tinh hinh", cwd=workdir)
    assert "\\u" not in result.stdout and "nâng cao" in result.stdout
    assert json.loads(result.stdout)["reading"] == "nâng cao chất lượng dự báo tình hình"


def test_every_option_says_what_it_is_for():
    help_text = subprocess.run([sys.executable, "-m", "assistant", "eval", "--help"], capture_output=True,
                               text=True, cwd=ROOT).stdout
    assert "folder of the built index" in help_text and "Q&A file" in help_text and "folder of the documents" in help_text
