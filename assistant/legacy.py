"""Vietnamese written in the legacy font encodings TCVN3 (ABC) and VNI-Windows, read as Unicode.

Both are fixed tables. TCVN3 gives each accented letter one byte; VNI writes a base letter and
then a byte for its marks. Read as a Latin code page their letters look like "Céng hßa" (TCVN3)
or "Coäng hoøa" (VNI), and that is how they arrive: whole files saved by old editors, or
paragraphs of them pasted into a Unicode file. ``convert_lines`` finds such lines one by one
and rewrites them with the tables; a line it cannot convert with certainty is reported, never
guessed at.

>>> to_unicode("Céng hßa X· héi", "TCVN3"), to_unicode("Coäng hoøa xaõ hoäi", "VNI")
('Cộng hòa Xã hội', 'Cộng hòa xã hội')
"""
from __future__ import annotations

import re
import unicodedata

# TCVN3 (TCVN 5712:1993, font .VnTime): each letter and the byte it is written with, as Latin-1 shows it.
_TCVN3_LETTERS = ("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
                  "ĂÂĐÊÔƠƯ")
_TCVN3_BYTES = ("µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\u00adõøö÷ùúýûüþ"
                "¡¢§£¤¥¦")
TCVN3 = dict(zip(_TCVN3_BYTES, _TCVN3_LETTERS))
# Bytes of TCVN3 letters that are not letters in Latin-1 (¸ ® « ¬ § …): a Vietnamese line in TCVN3
# has them in most words; French or German (é, ü, ß, which TCVN3 also uses) has none.
_TCVN3_SIGNS = frozenset(ch for ch in TCVN3 if not ch.isalpha())

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_TONES = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)


def _vni_table() -> dict[str, str]:
    """VNI-Windows: (letter, mark bytes as cp1252 shows them) → the Unicode letter."""
    table: dict[str, str] = {}

    def add(written: str, *marks: str) -> None:
        table[written] = unicodedata.normalize("NFC", "".join(marks))

    for lower, tone_bytes, hat_bytes, breve_bytes in (
            (True, "ùøûõï", "âáàåãä", "êéèúüë"), (False, "ÙØÛÕÏ", "ÂÁÀÅÃÄ", "ÊÉÈÚÜË")):
        case = str.lower if lower else str.upper
        for base in "aeouy":
            letter = case(base)
            for byte, tone in zip(tone_bytes, _TONES):
                add(letter + byte, letter, tone)
            if base in "aeo":  # â ê ô: the hat, then a tone
                add(letter + hat_bytes[0], letter, "\u0302")
                for byte, tone in zip(hat_bytes[1:], _TONES):
                    add(letter + byte, letter, "\u0302", tone)
            if base == "a":  # ă: the breve, then a tone
                add(letter + breve_bytes[0], letter, "\u0306")
                for byte, tone in zip(breve_bytes[1:], _TONES):
                    add(letter + byte, letter, "\u0306", tone)
        # ơ and ư are one byte each (ô ö), their tones follow; i and ỵ are one byte with the tone.
        for horned, byte in (("o", "ôÔ"[not lower]), ("u", "öÖ"[not lower])):
            letter = case(horned)
            add(byte, letter, "\u031b")
            for tone_byte, tone in zip(tone_bytes, _TONES):
                add(byte + tone_byte, letter, "\u031b", tone)
        for byte, tone in zip(case("íìæóò"), _TONES):
            add(byte, case("i"), tone)
        add(case("î"), case("y"), _DOT)
        add(case("ñ"), case("đ"))
    # A capital's mark may be typed in either case ("Aùnh" as well as "AÙNH"); the letter keeps its own.
    for written, letter in list(table.items()):
        if len(written) == 2 and written[0].isascii():
            table.setdefault(written[0] + written[1].swapcase(), letter)
    return table


VNI = _vni_table()
_VNI_SEQUENCE = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))
# A vowel and a tone byte after it: the form of VNI ("oä", "aø"). Only the bytes no Latin or
# Windows-1258 text writes after a vowel count ("â", "ê", "á" follow vowels there: "xuân", "tiên").
_VNI_PAIR = re.compile(r"[aeouyAEOUYôöÔÖ][ùøûõïåäëÙØÛÕÏÅÄË]")
# The bytes that only make sense after a vowel in VNI: left alone after conversion, the line was not VNI.
_VNI_MARKS = frozenset("ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË")

#: a line needs this many letters before its encoding is judged on its own
MIN_LETTERS = 12
#: share of a line's letters that must look like the encoding
VNI_SHARE, TCVN3_SHARE = 0.03, 0.03


def to_unicode(text: str, encoding: str) -> str:
    """``text`` (as a Latin code page shows it) rewritten from TCVN3 or VNI into Unicode, NFC."""
    if encoding == "TCVN3":
        return "".join(TCVN3.get(ch, ch) for ch in text)
    return _VNI_SEQUENCE.sub(lambda match: VNI[match.group()], text)


_UNICODE_VIETNAMESE = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")


def has_unicode_vietnamese(text: str) -> bool:
    """``text`` holds letters only Unicode Vietnamese has (ă đ ơ ư ĩ ũ ạ ế …), in no Latin code page."""
    return bool(_UNICODE_VIETNAMESE.search(text))


def looks_like(line: str) -> str | None:
    """"TCVN3" or "VNI" when ``line`` reads as Vietnamese in that encoding, else None.

    Lines already in Unicode Vietnamese, and lines too short to judge, are None.
    """
    return _encoding_of(line, MIN_LETTERS)


def file_encoding(text: str) -> str | None:
    """The legacy encoding of a whole text, judged on all its lines together (for short lines)."""
    return _encoding_of(text[:200_000], 1)


def _encoding_of(text: str, min_letters: int) -> str | None:
    letters = sum(ch.isalpha() for ch in text)
    if letters < min_letters or has_unicode_vietnamese(text):
        return None
    if len(_VNI_PAIR.findall(text)) / letters > VNI_SHARE:
        return "VNI"
    if sum(ch in _TCVN3_SIGNS for ch in text) / letters > TCVN3_SHARE:
        return "TCVN3"
    return None


def convert_lines(text: str, default: str | None = None) -> tuple[str, dict[str, int], list[int]]:
    """Rewrite the TCVN3 and VNI lines of ``text`` into Unicode.

    A line is judged on its own (``looks_like``); a short line takes ``default`` (the encoding the
    file as a whole was found in). Returns the text, how many lines each encoding had, and the
    1-based numbers of lines that looked like VNI but kept mark bytes no letter could take (left
    as written: the table cannot say what they mean).
    """
    counts: dict[str, int] = {}
    doubtful: list[int] = []
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        encoding = looks_like(line)
        if encoding is None and default and not has_unicode_vietnamese(line) and \
                sum(ch.isalpha() for ch in line) < MIN_LETTERS:
            encoding = default
        if encoding is None:
            continue
        if encoding == "VNI" and any(ch in _VNI_MARKS for ch in _VNI_SEQUENCE.sub("", line)):
            doubtful.append(number + 1)  # a mark byte no letter takes: not VNI as the table knows it
            continue
        lines[number] = unicodedata.normalize("NFC", to_unicode(line, encoding))
        counts[encoding] = counts.get(encoding, 0) + 1
    return "".join(lines), counts, doubtful
