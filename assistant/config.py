"""Every tunable number in one place.

The retrieval weights were fitted on the report's dev set (``eval/qa.jsonl``)
and on the UIT regulation *train* file only; see README "Quality" and eval/QUALITY.md for what was
measured where. The answerability judge (when to say "not found") is a fitted
model of its own, saved in ``assistant/judge.json`` by ``assistant fit-judge``.
"""
from __future__ import annotations

from dataclasses import dataclass

NOT_FOUND = "Không tìm thấy nội dung phù hợp trong tài liệu."
#: the not-found message for a question naming what no document writes, with those names as typed
NOT_FOUND_UNWRITTEN = NOT_FOUND + " Không tài liệu nào nhắc đến {names}."
#: added to it for a name the documents write spelt one letter apart (a typing slip)
WRITTEN_ALIKE = " Tài liệu có nhắc đến {names}."
#: the not-found message for a question asking for a kind of thing (``ASKED_FOR``) that none of the
#: nearest sentences, nor their paragraphs, states
NOT_FOUND_NOT_STATED = NOT_FOUND + " Những đoạn gần nhất với câu hỏi không nêu {what} mà câu hỏi cần."
#: what each kind of question asks for (``questions.analyse``), as that message names it
ASKED_FOR = {"count": "con số", "percent": "tỷ lệ", "amount": "số tiền", "ordinal": "thứ tự (lần thứ mấy)",
             "day": "ngày", "year": "năm", "month": "tháng", "time": "thời điểm",
             "duration": "khoảng thời gian", "person": "người hay cơ quan", "role": "chức vụ",
             "place": "địa điểm", "name": "tên gọi", "reason": "lý do", "document": "văn bản"}
#: the not-found message for a question in another language: the documents are Vietnamese
NOT_FOUND_OTHER_LANGUAGE = (NOT_FOUND + " Câu hỏi có vẻ không viết bằng tiếng Việt; tài liệu viết bằng "
                            "tiếng Việt, hãy đặt câu hỏi bằng tiếng Việt (có dấu hoặc không dấu).")
#: shown above the quotes of an answer whose first sentence the judge only just accepts (``Answer.weak``)
WEAK_MATCH = ("Lưu ý: không câu nào trong tài liệu khớp chắc với câu hỏi; "
              "các trích dẫn dưới đây có thể không trả lời trực tiếp.")


@dataclass(frozen=True)
class Settings:
    """Retrieval and answering settings."""

    #: unit vectors fetched from FAISS per question
    dense_candidates: int = 64
    #: chunks taken from BM25 per question
    lexical_candidates: int = 64
    #: reciprocal-rank fusion: 1 / (rrf_k + rank), weighted per side
    rrf_k: int = 10
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    #: chunks whose sentences are scored for quoting
    answer_chunks: int = 6
    #: sentence score = cosine + coverage_weight * sentence coverage + phrase_weight * share of the
    #: question's syllable pairs in the sentence + context_weight * paragraph coverage
    #: + chunk_weight * fused chunk score (0..1)
    coverage_weight: float = 0.1
    phrase_weight: float = 0.2
    context_weight: float = 0.2
    chunk_weight: float = 0.2
    #: added to a sentence that writes a number before what a "how many" question counts
    count_weight: float = 0.1
    #: weight of a follow-up's own words in its paragraph (see Retriever.retrieve)
    focus_weight: float = 0.5
    #: a neighbouring sentence joins a quote when its score is this close to the quote's
    merge_ratio: float = 0.97
    #: a quote shorter than this grows by its better-scoring neighbouring sentence,
    #: so a short sentence comes with the context that usually holds the answer
    quote_min_chars: int = 225
    #: a quote that starts or ends inside a long sentence (indexed as clauses) grows to the whole
    #: sentence when it stays within this many characters; past it, "…" shows the cut
    whole_sentence_chars: int = 700
    #: how far a sentence the judge says answers moves up among the best few (retrieval score;
    #: dev Answer@1 0.889 with no move, 0.944 at 0.05 / 0.1 / 0.2 / 1.0; on the fitting parts'
    #: top sentences 0.1 ties the judge's probability as the move, which put one generic sentence
    #: before the organisation section in a follow-up)
    judge_order_weight: float = 0.1
    #: and a sentence that itself holds the kind a question asks for (a title, a date, a place …),
    #: over one whose paragraph only does (fitting parts' top sentences: UIT train 470 → 471,
    #: XQuAD first half 494 → 498 at 0.05; 0.02: 470, 496; 0.1: 469, 497; 0.2: 465, 496)
    kind_order_weight: float = 0.05
