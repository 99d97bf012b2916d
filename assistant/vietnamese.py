"""Vietnamese text handling for *matching only*.

Nothing here changes what is shown to a user: quotes are always slices of the
loaded document text. These functions turn text into comparable keys so that
"hoà" matches "hòa", "nhiem vu" matches "nhiệm vụ", "TP.HCM" matches
"Thành phố Hồ Chí Minh", "XIII" matches "13" and "2025–2030" matches
"2025 - 2030".

Every syllable gets two keys:

* the *accented key*: the syllable lower-cased, its tone mark removed and put
  at the end as a digit ("hòa" and "hoà" both give ``hoa2``), so tone-mark
  placement does not matter but the tone still does;
* the *folded key*: every diacritic removed and đ→d ("hoa"), for questions
  typed without accents.

Both keys spell a final "y" after the initial consonant as "i", so "học kì" matches "học kỳ".

>>> syllable_keys("Hoà")
('hoa2', 'hoa')
>>> syllable_keys("kỳ") == syllable_keys("kì")
True
>>> [t.key for t in tokenize(prepare("Đại hội XIII, TP.HCM"))]
['đai6', 'hôi6', '13', 'tphcm']
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Combining tone marks in NFD: grave, acute, tilde, hook above, dot below.
_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "3", "\u0309": "4", "\u0323": "6"}
# Combining marks follow their letter in NFD text; \w alone would split there.
_WORD = re.compile(r"\w[\w\u0300-\u036f]*", re.UNICODE)
_DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]")
_INVISIBLE = re.compile(r"[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]")
_ROMAN = re.compile(r"^(?=[IVXLC]+$)C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# Words after which a single Roman letter is a number ("lần thứ V", "khóa X", "kỳ II"), and after
# which one typed in lower case is too ("lan thu xii"), unless it is a syllable ("thú vị" typed "thu vi").
_ORDINAL_CUES = {"thu", "hoi", "khoa", "lan", "ki"}
_NOT_LOWER_ROMAN = {"vi", "li"}
# "kỳ" and "kì", "lý" and "lí", "quy" and "qui" are one word spelt two ways: a final "y" right
# after the initial consonant reads as "i" ("tuy", "thủy", "yêu" keep theirs).
_I_FOR_Y = re.compile(r"^((?:[bcdđghklmnprstvx]|ch|gh|kh|ng|ngh|nh|ph|qu|th|tr))y$")
# "ngh" is written only before i, e, ê: "nghành" is a misspelling of "ngành".
_NGH = re.compile(r"^ngh(?=[aăâoôơuư])")

# Spelled-out names and abbreviations that mean the same thing. Each pattern
# is matched on NFC text, case-insensitively, diacritics optional.
_ALIASES = [
    (re.compile(r"\b(?:th[aà]nh\s+ph[oố]|tp\.?)\s*(?:h[oồ]\s+ch[ií]\s+minh|h\.?\s?c\.?\s?m)\b", re.I), "tphcm"),
    (re.compile(r"\bs[aà]i\s+g[oò]n\b", re.I), "tphcm"),
    (re.compile(r"\bh[aà]\s+n[oộ]i\b", re.I), "hanoi"),
]

#: Abbreviations of Vietnamese administrative writing, as officials type them in questions and
#: documents ("KL 14 của BCT" is "Kết luận 14 của Bộ Chính trị"). Matched only written in capitals.
ABBREVIATIONS = {
    "KL": "Kết luận", "NQ": "Nghị quyết", "NĐ": "Nghị định", "CT": "Chỉ thị",
    "TT": "Thông tư", "BCT": "Bộ Chính trị", "BBT": "Ban Bí thư", "TW": "Trung ương", "TƯ": "Trung ương",
    "BCH": "Ban Chấp hành", "BTV": "Ban Thường vụ", "TU": "Thành ủy", "TỦ": "Thành ủy", "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân", "MTTQ": "Mặt trận Tổ quốc", "ĐH": "Đại hội", "BTG": "Ban Tuyên giáo",
    "BTC": "Ban Tổ chức", "HTCT": "hệ thống chính trị", "CB-CC": "cán bộ, công chức", "CBCC": "cán bộ, công chức",
    "CB-CC-VC": "cán bộ, công chức, viên chức", "CBCCVC": "cán bộ, công chức, viên chức",
    "KT-XH": "kinh tế - xã hội", "ĐV": "đảng viên",
    "CP": "Chính phủ", "QH": "Quốc hội", "ĐBQH": "đại biểu Quốc hội", "TTg": "Thủ tướng", "UBKT": "Ủy ban Kiểm tra",
    "BDV": "Ban Dân vận", "BNC": "Ban Nội chính", "BCĐ": "Ban Chỉ đạo", "ĐU": "Đảng ủy", "TG": "tuyên giáo",
    "BT": "Bí thư", "PBT": "Phó Bí thư", "TB": "Trưởng ban", "PTB": "Phó trưởng ban", "XDĐ": "xây dựng Đảng",
    "CĐS": "chuyển đổi số", "CNTT": "công nghệ thông tin", "PCTN": "phòng, chống tham nhũng",
    "QP-AN": "quốc phòng, an ninh", "QPAN": "quốc phòng, an ninh", "VH-XH": "văn hóa - xã hội",
    "CNXH": "chủ nghĩa xã hội",
}
# ... and typed without diacritics ("ND 73", "CDS"), unless another abbreviation is spelt so ("DH" may be
# "ĐH", a congress, or a university)
ABBREVIATIONS |= {key.replace("Đ", "D"): meaning for key, meaning in ABBREVIATIONS.items()
                  if "Đ" in key and key not in ("ĐH", "ĐV", "ĐU")}
#: "QĐ 114" may be a decision or a rule: a question using it is read both ways (``abbreviation_readings``),
#: the first for searching.
QD_MEANINGS = ("Quyết định", "Quy định")
_ABBREVIATION = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True))
                           + r")(?![\w-]|\.\w)")
_CHAIR = re.compile(r"(?<![\w-])CT(?![\w-]|\.\w|\s*\d)")  # "CT UBND" is a chair; "CT 05" a directive
_RULE = re.compile(r"(?<![\w-])Q[ĐD](?![\w-]|\.\w)")


def expand_abbreviations(text: str) -> str:
    """``text`` with the administrative abbreviations written out, for searching; "QĐ" is left for
    the question to be read both ways (``abbreviation_readings``).

    >>> expand_abbreviations("KL 14 của BCT là gì?")
    'Kết luận 14 của Bộ Chính trị là gì?'
    >>> expand_abbreviations("TP.HCM và UBND")
    'TP.HCM và Ủy ban nhân dân'
    """
    return _written_out(nfc(text), keep_qd=True)


def _written_out(text: str, keep_qd: bool = False) -> str:
    text = _ABBREVIATION.sub(lambda match: ABBREVIATIONS[match.group(1)], _CHAIR.sub("Chủ tịch", text))
    return text if keep_qd else _RULE.sub(QD_MEANINGS[0], text)


def abbreviation_readings(text: str) -> tuple[str, ...]:
    """``text`` once per meaning of "QĐ" (or "QD") when it writes one ("Quyết định 114", "Quy định 114"), else ().

    >>> abbreviation_readings("QĐ 114 của BCT về vấn đề gì?")
    ('Quyết định 114 của BCT về vấn đề gì?', 'Quy định 114 của BCT về vấn đề gì?')
    """
    text = nfc(text)
    if not _RULE.search(text):
        return ()
    return tuple(_RULE.sub(meaning, text) for meaning in QD_MEANINGS)


#: Question words and glue that say nothing about *which* passage answers.
STOPWORDS = frozenset(
    "là gì nào sao bao nhiêu ai của những các được có thế như về và trong cho thì với đã sẽ "
    "này đó ra mấy không hay hoặc một theo từ khi nào đâu vậy còn do "
    # how a student or an official addresses the reader: "em muốn hỏi …, em phải làm sao ạ?"
    "em tôi ạ ơi nhé nhỉ dạ vâng hả".split()
)
#: The same for a question asked in English. Only such a question loses them: "an", "to", "the"
#: and "a" are Vietnamese syllables too ("công an", "an ninh", "to chuc" for "tổ chức", "the che").
ENGLISH_STOPWORDS = frozenset("the what which who how why when where are is of in to a an do does".split())
# ... of which these say a question is English (the others are Vietnamese syllables as well)
_ENGLISH_MARKERS = ENGLISH_STOPWORDS - frozenset("the in to a an do".split())


@dataclass(frozen=True)
class Token:
    """One syllable of a text with its position and matching keys."""

    start: int
    end: int
    key: str
    folded: str


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def syllable_keys(syllable: str) -> tuple[str, str]:
    """Return (accented key, folded key) of one syllable."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tone = ""
    kept = []
    for ch in decomposed:
        if ch in _TONES:
            tone = _TONES[ch]
        else:
            kept.append(ch)
    toneless = _spelling(unicodedata.normalize("NFC", "".join(kept)))
    folded = _spelling("".join(ch for ch in kept if not unicodedata.combining(ch)).replace("đ", "d"))
    return toneless + tone, folded


_TONE_MARKS = {digit: mark for mark, digit in _TONES.items()}
#: the tone digits an accented key may end with, no digit for the level tone ("hoa", "hoa1" … "hoa6")
TONE_DIGITS = ("",) + tuple(sorted(_TONE_MARKS))
_VOWELS = frozenset("aăâeêioôơuưy")
_WRITTEN_WITH_Y = frozenset({"qui", "ki", "li", "mi", "hi", "ti"})


def _tone_position(base: str) -> int | None:
    """Where the tone mark goes in a toneless syllable ("hoa" → the o: "hòa"; "thương" → the ơ)."""
    skip = 2 if base.startswith("qu") or (base.startswith("gi") and base[2:3] in _VOWELS) else 0
    vowels = [i for i in range(skip, len(base)) if base[i] in _VOWELS] or \
        [i for i in range(len(base)) if base[i] in _VOWELS]
    if not vowels:
        return None
    if "ươ" in base:
        return base.index("ươ") + 1
    marked = [i for i in vowels if base[i] in "ăâêôơư"]
    if marked:
        return marked[-1]
    if len(vowels) == 3:
        return vowels[1]
    open_syllable = base[-1] in _VOWELS
    return vowels[0] if len(vowels) == 1 or open_syllable else vowels[1]


def spell_syllable(key: str, like: str = "") -> str:
    """Write an accented key as a syllable, cased like ``like``: the inverse of ``syllable_keys``.

    >>> spell_syllable("hoa2"), spell_syllable("thương4"), spell_syllable("ki2"), spell_syllable("đai6", like="Dai")
    ('hòa', 'thưởng', 'kỳ', 'Đại')
    """
    tone = key[-1] if key[-1:].isdigit() else ""
    base = key[:-1] if tone else key
    # The keys spell a final "y" as "i" (see ``_spelling``); written out, these take the "y" of
    # official texts: quy định, kỳ, lý do, Mỹ, hy vọng, tỷ.
    base = base[:-1] + "y" if base in _WRITTEN_WITH_Y else base
    position = _tone_position(base) if tone else None
    if position is not None:
        base = base[:position + 1] + _TONE_MARKS[tone] + base[position + 1:]
    text = nfc(base)
    if text == like.lower():
        return like
    if len(like) > 1 and like.isupper():
        return text.upper()
    return text[:1].upper() + text[1:] if like[:1].isupper() else text


def _spelling(syllable: str) -> str:
    """One spelling for the variants of a syllable (toneless): "ki" for "ky", "nganh" for "nghanh"."""
    return _NGH.sub("ng", _I_FOR_Y.sub(r"\1i", syllable))


def has_diacritics(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (or đ)."""
    decomposed = unicodedata.normalize("NFD", text)
    return any(unicodedata.combining(ch) for ch in decomposed) or "đ" in text.lower()


def fold(text: str) -> str:
    """Lower-case, strip diacritics, đ→d: the accent-free form of a text."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")


def _roman_value(word: str) -> int | None:
    if not word or not _ROMAN.match(word):
        return None
    total = 0
    for current, following in zip(word, word[1:] + " "):
        value = _ROMAN_VALUES[current]
        total += -value if following != " " and _ROMAN_VALUES[following] > value else value
    return total


#: bumped when ``prepare`` matches differently, or the lexical side keeps more (5: its words): an index's
#: lexical side is rebuilt (its vectors are kept)
MATCHING_VERSION = 5
# Letters and digits written together ("Office365", "H5N1") match the same written apart.
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def prepare(text: str) -> str:
    """Normalise a text for matching: NFC, visible characters, dashes, aliases, letters and digits
    apart, abbreviations written out.

    Aliases and abbreviations change lengths, so the result is for keys only, never for
    offsets. Questions and documents both pass through it, so "BCT" in either matches
    "Bộ Chính trị" in the other.

    >>> prepare("Kết luận của BCT về TP. Hồ Chí Minh, Office365")
    'Kết luận của Bộ Chính trị về tphcm, Office 365'
    """
    text = _DASHES.sub("-", _INVISIBLE.sub("", nfc(text)))
    for pattern, replacement in _ALIASES:
        text = pattern.sub(replacement, text)
    return _written_out(_LETTER_DIGIT.sub(" ", text))


@functools.lru_cache(maxsize=65536)
def _word_keys(word: str) -> tuple[str, str, int | None]:
    """(accented key, folded key, value as a Roman numeral or None) of one word as written.

    Cached: a language has few syllables, and every text is made of them.
    """
    word = nfc(word)
    key, folded = syllable_keys(word)
    return key, folded, _roman_value(word)


def _keyed_words(text: str):
    """(match, key, folded) for each word, Roman numerals read as numbers where they are numbers."""
    previous = ""
    for match in _WORD.finditer(text):
        word = match.group()
        key, folded, roman = _word_keys(word)
        if roman is None and previous in _ORDINAL_CUES and len(word) > 1 and word.islower() \
                and word not in _NOT_LOWER_ROMAN:
            roman = _roman_value(word.upper())
        if roman is not None and (len(word) > 1 or previous in _ORDINAL_CUES):
            key = folded = str(roman)
        yield match, key, folded
        previous = folded


def tokenize(text: str) -> list[Token]:
    """Split text into syllables with offsets into ``text`` and their keys.

    Offsets refer to ``text`` as given (no alias rewriting), so they can be
    used to highlight words inside a verbatim quote.
    """
    return [Token(match.start(), match.end(), key, folded) for match, key, folded in _keyed_words(text)]


def folded_words(text: str) -> list[str]:
    """The folded keys of a text's words, in order (what coverage and phrases compare)."""
    return [folded for _, _, folded in _keyed_words(prepare(text))]


def matching_terms(text: str, accented: bool = True) -> list[str]:
    """Terms for lexical ranking: syllables and syllable bigrams.

    With ``accented`` the accented keys are returned together with the folded
    ones (prefixed ``f:``); without it, only the folded ones, which is what a
    question typed without diacritics can match.
    """
    tokens = tokenize(prepare(text))
    folded = [t.folded for t in tokens]
    terms = ["f:" + w for w in folded] + ["f:" + a + "_" + b for a, b in zip(folded, folded[1:])]
    if accented:
        keys = [t.key for t in tokens]
        terms += keys + [a + "_" + b for a, b in zip(keys, keys[1:])]
    return terms


_STOP_KEYS = frozenset(syllable_keys(w)[0] for w in STOPWORDS)
_STOP_FOLDED = frozenset(fold(w) for w in STOPWORDS)

# A request in place of a question word, folded: "Nêu …", "Hãy cho biết …", "Cho tôi hỏi …", "Liệt kê …".
_REQUEST = re.compile(r"((xin|vui long|ban|anh|chi|em) )*(hay )?(cho (toi |em |minh |chung toi )?(hoi|biet)"
                      r"|neu( ro| len)?|liet ke|trinh bay|xac dinh|tra cuu|tim)( ve| giup| ho)? ")
# ... whose words typed with diacritics must be these: "Nếu …" (if) opens no request
_REQUEST_KEYS = {"neu": syllable_keys("nêu")[0], "tim": syllable_keys("tìm")[0]}


def request_length(tokens: list[Token]) -> int:
    """How many of a question's first ``tokens`` make a request in place of a question word, else 0.

    >>> request_length(tokenize("Hãy cho biết chức vụ của đồng chí Khuê.")), request_length(tokenize("Nếu có thì sao?"))
    (3, 0)
    """
    match = _REQUEST.match(" ".join(t.folded for t in tokens) + " ")
    if not match:
        return 0
    n = len(match.group().split())
    typed_otherwise = any(t.folded in _REQUEST_KEYS and t.key not in (t.folded, _REQUEST_KEYS[t.folded])
                          for t in tokens[:n])
    return 0 if typed_otherwise else n


def content_keys(text: str) -> set[str]:
    """Folded keys of the words that carry meaning (question words and an opening request dropped).

    Stop words are recognised by their accented key, so "trọng" stays while
    "trong" goes; a text without diacritics can only be judged folded. English
    glue goes only from a question that reads as English.

    >>> sorted(content_keys("Công an thành phố làm gì?")), sorted(content_keys("What are the tasks?"))
    (['an', 'cong', 'lam', 'pho', 'thanh'], ['tasks'])
    """
    accented = has_diacritics(text)
    tokens = tokenize(prepare(text))
    tokens = tokens[request_length(tokens):]  # "Cho biết …" asks as "… là gì?" does
    if accented:
        return {t.folded for t in tokens if t.key not in _STOP_KEYS}
    stop = _STOP_FOLDED
    if any(t.folded in _ENGLISH_MARKERS for t in tokens):
        stop = stop | ENGLISH_STOPWORDS
    return {t.folded for t in tokens if t.folded not in stop}
