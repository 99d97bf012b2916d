import json

import pytest

from assistant.squad import SquadFileError, load_squad, run_squad
from conftest import BENCHMARKS

UIT_TEST = BENCHMARKS / "uit-regulation-qa" / "test_reg.json"


def test_each_paragraph_becomes_a_document_and_every_question_is_kept():
    documents, questions = load_squad([UIT_TEST])
    assert len(documents) == 13 and len(questions) == 95
    paths = {d.path for d in documents}
    assert all(q.paragraph in paths for q in questions)


def test_a_file_that_is_not_squad_is_named_in_the_error(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps({"data": [{"paragraphs": [{"qas": []}]}]}), encoding="utf-8")
    with pytest.raises(SquadFileError, match="broken.json"):
        load_squad([bad])


def test_benchmark_on_uit_test_file_measures_quotes_against_answer_texts(embedder):
    result = run_squad([UIT_TEST], embedder)
    figures = result.figures()
    assert figures["questions"] == 95
    # Every rank is the position of a quote that holds an answer, so Answer@1 ≤ Answer@5 ≤ 1
    # and a quote from the right paragraph is found at least as often as an answer.
    assert 0.5 < figures["answer@1"] <= figures["answer@5"] <= 1
    assert figures["paragraph@1"] >= figures["answer@1"] - 0.1
    assert "| answer@1 |" in result.text()


def test_the_benchmark_can_ask_every_question_without_diacritics(embedder):
    result = run_squad([UIT_TEST], embedder, without_diacritics=True)
    assert result.without_diacritics and "questions asked without diacritics" in result.text()
    assert result.figures()["answer@5"] > 0.5


def test_the_unanswerable_benchmark_asks_each_question_without_its_paragraph_and_perturbed(embedder):
    result = run_squad([UIT_TEST], embedder, unanswerable=True)
    asked, left_out = result.rejected_share("left out", "test_reg.json")
    assert asked == 95 and 0.0 <= left_out <= 1.0
    assert result.rejected_share("perturbed")[0] > 0
    assert "left out: rejected (asked)" in result.text() and "perturbed: rejected (asked)" in result.text()
    # Of those still answered, the share that came with the caution is counted too.
    answered, cautioned = result.cautioned_share("left out")
    assert answered == round(asked * (1 - left_out)) and 0.0 <= cautioned <= 1.0
    assert "left out: answered with a caution (answered)" in result.text()


def test_a_renamed_question_names_what_another_article_writes_and_its_own_does_not():
    import random

    from assistant.squad import asked_variants
    from assistant.vietnamese import fold

    documents, questions = load_squad([BENCHMARKS / "xquad-vi" / "xquad.vi.json"])
    asks = [a for a in asked_variants(questions[:200], documents, random.Random(0), renamed=True) if a.kind == "renamed"]
    assert len(asks) > 50
    corpus = fold("\n".join(d.text for d in documents))
    for ask in asks:
        article = fold("\n".join(d.text for d in documents if d.path.startswith(ask.source.paragraph[:-3])))
        new = [w for w in ask.question.split() if w not in ask.source.question.split()]
        name = fold(" ".join(new).strip("?.,;:!"))
        assert name in corpus and name not in article and ask.answers == ()
    # fitting reads the three ways only, so the judge is fitted as before
    assert {a.kind for a in asked_variants(questions[:50], documents, random.Random(0))} == {
        "answerable", "left out", "perturbed"}


def test_held_out_keeps_only_the_questions_fitting_never_sees():
    from assistant.squad import is_fit_part

    _, questions = load_squad([UIT_TEST, BENCHMARKS / "xquad-vi" / "xquad.vi.json"])
    held = [q for q in questions if not is_fit_part(q)]
    assert {q.file for q in held} == {"test_reg.json", "xquad.vi.json"}
    assert all(int(q.paragraph.rsplit("/", 1)[1][:3]) >= 24 for q in held if q.file == "xquad.vi.json")


XQUAD = BENCHMARKS / "xquad-vi" / "xquad.vi.json"


def test_whole_articles_are_one_document_each_with_every_question_pointing_at_its_paragraph():
    paragraphs, _ = load_squad([XQUAD])
    articles, questions = load_squad([XQUAD], whole_articles=True)
    assert len(articles) == 48 and len(questions) == 1190
    texts = {d.path: d.text for d in articles}
    paragraph_texts = {d.path: d.text for d in paragraphs}
    for question in questions:
        start, end = question.span
        assert texts[question.document][start:end] == paragraph_texts[question.paragraph]
    assert texts["xquad.vi/000"].startswith("Super Bowl 50\n")  # the title is the heading


def test_a_paragraph_cut_out_of_its_article_leaves_the_other_paragraphs_as_they_were():
    from assistant.squad import without_paragraph

    articles, questions = load_squad([XQUAD], whole_articles=True)
    item = next(q for q in questions if q.paragraph == "xquad.vi/000-01")
    kept = {d.path: d.text for d in without_paragraph(articles, item)}
    whole = {d.path: d.text for d in articles}
    paragraph = whole[item.document][item.span[0]:item.span[1]]
    assert paragraph not in kept[item.document]
    assert kept[item.document] == whole[item.document].replace(paragraph + "\n", "", 1)
    assert all(kept[path] == text for path, text in whole.items() if path != item.document)


def test_the_whole_article_benchmark_asks_left_out_questions_of_the_article_without_their_paragraph(
        embedder, tmp_path):
    data = json.loads(XQUAD.read_text(encoding="utf-8"))["data"][:2]
    for article in data:
        article["paragraphs"] = article["paragraphs"][:2]
        for paragraph in article["paragraphs"]:
            paragraph["qas"] = paragraph["qas"][:2]
    small = tmp_path / "xquad.small.json"
    small.write_text(json.dumps({"data": data}, ensure_ascii=False), encoding="utf-8")
    result = run_squad([small], embedder, unanswerable=True, whole_articles=True)
    assert result.figures()["questions"] == 8 and result.paragraphs == 4
    assert result.rejected_share("left out")[0] == 8
    assert "each article one document" in result.text()
    assert result.figures()["paragraph@1"] > 0.5  # quotes are found inside their paragraph of the article
