"""What a question asks for, and whether a text holds it.

``analyse`` reads a question once: the kind of answer it needs (a count of something, a
date, a person, a name …) and the specifics an answer must agree with (numbers, named
bodies and documents, roles, the time it is about). ``holds_kind`` tells whether a text
(``Text``: a sentence or a paragraph, read once) holds what is asked. The judge
(``answerability``) weighs these checks with the retrieval evidence.

>>> asked = analyse("Ngành tuyên giáo thành phố có bao nhiêu cán bộ?")
>>> asked.kind, asked.counted
('count', ('can1', 'bô6'))
>>> asked = analyse("Trưởng Ban Tổ chức Thành ủy TPHCM là ai?")
>>> asked.kind, asked.names
('person', (('truong', 'ban', 'to', 'chuc', 'thanh', 'uy', 'tphcm'),))
>>> holds_kind(Text.of("Thành phố hiện có 39 cơ quan báo chí."), analyse("Có bao nhiêu cơ quan báo chí?"))
True
"""
from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Callable

from rapidfuzz.distance import OSA

from .vietnamese import (STOPWORDS, abbreviation_readings, fold, has_diacritics, prepare, request_length, syllable_keys,
                         tokenize)

# Words that open the name of a law, a rule or a part of one ("Nghị định 73", "Luật Giáo dục", "Điều 14"),
# folded; "mục" is left out, as "mức" folds to it too.
_NAMED_DOCUMENTS = ("qui dinh", "qui che", "ket luan", "nghi dinh", "nghi quyet", "chi thi", "thong tu", "quyet dinh",
                    "phap lenh", "dao luat", "dinh luat", "hien phap", "hiep uoc", "hiep dinh", "cong uoc", "luat",
                    "dieu", "khoan")

# Places a question asks which of ("ở những quận nào"), folded
_PLACE_ASKED = ("(thanh pho|tinh|quan|huyen|xa|phuong|nuoc|quoc gia|vung|mien|khu vuc|khu|dia phuong|chau luc"
                "|thi xa|lang)")

# What a question asks for, matched on its folded text (as ``vietnamese`` folds it: a final "y" after
# a consonant reads "i", so "tỷ lệ" is "ti le" and "lý do" "li do"). Order matters: the first match wins.
_KINDS: tuple[tuple[str, re.Pattern], ...] = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("percent", r"\b(bao nhieu|may) phan tram\b|\bti le\b.*\bbao nhieu\b|\bbao nhieu %|\bpercent"
                r"|\bchiem (khoang )?bao nhieu( (so voi|de|trong|cua|tren)\b| ?\?|$)"),  # a share: "chiếm bao nhiêu?"
    ("ordinal", r"\bthu (may|bao nhieu)\b"),
    ("day", r"\bngay (nao|bao nhieu|thang nao|may)\b|\bwhat (day|date)\b"),
    ("year", r"\bnam (nao|bao nhieu|may)\b(?! (nam|lan|nguoi))|\bwhat year\b|\bin which year\b"),
    ("month", r"\bthang (may|nao)\b"),  # "tháng mấy" asks which month, not how many
    ("amount", r"\bhow much\b"),  # and a count of money: see _MONEY_ASKED
    ("duration", r"\bbao lau\b|\bbao nhieu thoi gian\b|\bhow long\b"),
    ("count", r"\b(bao nhieu|may)\b|\bhow many\b"),
    ("time", r"\b(khi nao|bao gio|luc nao|thoi diem nao|thoi gian nao|hoi nao|truoc hay sau|when)\b"),
    ("person", r"(^|\s)ai( |\?|$)|\bnguoi nao\b|\bwho\b"),
    ("role", r"\b(chuc vu|chuc danh|cuong vi)\b"),
    # and "ở (những) quận(, huyện) nào", "tại quốc gia nào"
    ("place", r"\b(o dau|tai dau|noi nao|dia diem nao|where)\b"
              rf"|\b(o|tai) (nhung |cac )?{_PLACE_ASKED}(,? (va |hoac )?{_PLACE_ASKED})? nao\b"),
    ("name", r"\bten (la |goi la )?gi\b|\bten goi\b|\b(chu de|khau hieu|phuong cham|tieu de|ten)\b.*\bla gi\b"
             r"|\bwhat is the name\b"),
    ("reason", r"\b(tai sao|vi sao|li do|nguyen nhan|why)\b"),
    ("document", rf"\b(van ban|{'|'.join(_NAMED_DOCUMENTS)}) nao\b"),  # "theo văn bản nào", "Luật nào …"
))
# "mấy" is "how many" only with its accent ("máy", "may" are other words); "ai" likewise, and "hồi nào"
# (when): "đại hội nào", "Quốc hội nào" ask which congress or body.
_ACCENTED_ONLY = {"count": ("may", syllable_keys("mấy")[0]), "person": ("ai", syllable_keys("ai")[0]),
                  "time": ("hoi nao", syllable_keys("hồi")[0])}

# What a request asks for ("Nêu …", "Cho biết …": ``request_length``) is the noun right after it, folded:
# "Cho biết ngày ban hành …", "Nêu số lượng đảng viên …".
_REQUESTED: tuple[tuple[str, re.Pattern], ...] = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("amount", r"(kinh phi|ngan sach|chi phi|so tien|muc luong|muc phi|hoc phi|le phi)\b"),
    ("count", r"(tong )?so( luong| lieu)?\b(?! (sanh|voi|hoa)\b)"),  # not "so sánh", "số hoá"
    ("percent", r"ti le\b"),
    ("day", r"ngay\b"),
    ("year", r"nam (?=(ban hanh|thanh lap|to chuc|dien ra|bat dau|ket thuc|ra doi|ki ket|thong qua)\b)"),
    ("time", r"(moc )?thoi (gian|diem|han)\b"),
    ("place", r"(dia diem|dia chi)\b"),  # not "nơi": "nội dung", "nói" fold to it too
    ("person", r"(ho (va )?ten|ten nguoi|nguoi dung dau)\b"),
    ("name", r"ten( goi)?\b"),
    ("document", r"van ban\b"),
))
_ARTICLE = re.compile(r"((cac|nhung|mot|toan bo) )?")  # "Liệt kê các văn bản …"
# Keywords typed with no question word ("ngân sách chuyển đổi số 2024") ask as a request does when they open
# with an amount, a count, a share or a place; "ngày giải phóng …", "tên …" may name what they are about.
_KEYWORD_KINDS = frozenset(["amount", "count", "percent", "place"])
_QUESTION_WORDS = frozenset("gi nao sao dau khong chua ai bao may".split())
_NUMBER_KEY = syllable_keys("số")[0]


def _keyed(words) -> frozenset:
    """Accented matching keys of ``words``: a key for one syllable, a tuple of keys for two or more."""
    return frozenset(syllable_keys(w)[0] if " " not in w else tuple(syllable_keys(x)[0] for x in w.split())
                     for w in words)


_MONEY = frozenset("dong vnd usd do la trieu ti nghin ngan xu euro".split())
# A "how many" question about these asks for an amount of money (accented keys: "lượng" is not "lương").
_MONEY_ASKED = _keyed(("lương", "giá", "vốn", "tiền", "phí", "ngân sách", "thu nhập", "doanh thu", "phụ cấp",
                       "trợ cấp", "thù lao", "học bổng"))
# "đánh giá" (to assess) and "giá trị" (a value) are not prices
_NOT_MONEY = _keyed(("đánh giá", "giá trị"))
# ... and the pairs that say so without diacritics too (a reading cannot restore words no document holds).
_MONEY_FOLDED = frozenset(tuple(pair.split()) for pair in (
    "ngan sach", "kinh phi", "chi phi", "hoc phi", "le phi", "muc luong", "tien luong", "gia ve", "gia tien",
    "thu nhap", "doanh thu", "bao tien", "so tien"))
_TEMPORAL = re.compile(r"\b(khi|luc|thoi diem|thoi han|hien nay|(cham|tre|som) nhat|(dau|cuoi|giua|hang|moi|sau|truoc) "
                       r"(moi |cac |mot |hoc )?(nam|thang|ngay|ki|quy|tuan|buoi|dot))\b")  # "sau mỗi buổi", "cuối học kỳ"
# A number after these is a date, not a count: "năm 2023", "tháng 8", "ngày 31", "nhiệm kỳ 2020 - 2025".
DATE_WORDS = frozenset(["nam", "thang", "ngay", "ki"])
# Words that make a number a time: "ngày 18", "9 giờ", "quý 3", "thế kỷ 15", "2 tuần"
_TIME_UNITS = DATE_WORDS | {"gio", "phut", "tuan", "quy", "the"}
# A number before these is how long something lasts: "40 năm", "2 học kỳ", "15 tiết", "thập kỷ"
_DURATION_UNITS = _TIME_UNITS | {"giay", "tiet", "buoi", "dem"}
_LASTING = re.compile(r"\b(lau dai|suot|vinh vien|mai mai|cho den|den khi)\b"
                      r"|\btu (nam |thang |ngay )?\d+ (den|toi) (nam |thang |ngay )?\d+")  # "từ năm 1870 đến 1939"
_REASON_WORDS = ("vì", "do", "bởi", "nhằm", "để", "nên", "nhờ", "khiến", "nguyên nhân", "lý do", "lí do", "mục đích",
                 "căn cứ", "kết quả", "gây", "dẫn đến", "dẫn tới", "because")
# A place is written after one of these: "tại Hội trường Thống Nhất", "trên website Trường", "ở nước ngoài".
_LOCATIVE_WORDS = ("tại", "ở", "trên", "trong", "về", "từ", "khắp", "gần", "giữa", "ngoài", "quanh")
_ADDRESS = re.compile(r"https?://|\bwww\.|\b[\w.-]+@[\w-]+\.[a-z]")
# Common nouns that name a place ("về phòng đào tạo", "ở nước ngoài"); "ở cấp chính quyền" names none.
_PLACE_NOUN_WORDS = ("thành", "phố", "tỉnh", "quận", "huyện", "xã", "phường", "nước", "vùng", "miền", "khu", "đường",
                     "website", "trang", "trường", "phòng")
# Titles and offices, by accented keys: one syllable ("trưởng", "phó") or two ("bí thư", "chủ tịch").
_ROLE_WORDS = ("trưởng", "phó", "vua", "bí thư", "chủ tịch", "giám đốc", "ủy viên", "thường trực", "thư ký",
               "giáo sư", "tiến sĩ", "thủ tướng", "tổng thống", "hoàng đế", "chủ nhiệm", "tổng thư", "hiệu phó",
               "cố vấn", "giảng viên", "bộ trưởng", "thứ trưởng", "chánh văn", "chánh án", "viện trưởng",
               "hiệu trưởng", "cục trưởng", "vụ trưởng")
# Titles that head a body ("bí thư thành ủy"); typed in lower case, "giảng viên" or "thư ký" is more
# often a common noun.
_HEAD_WORDS = ("bí thư", "chủ tịch", "giám đốc", "bộ trưởng", "thứ trưởng", "chánh văn", "chánh án", "thủ tướng",
               "tổng thống", "chủ nhiệm", "viện trưởng", "hiệu trưởng", "cục trưởng", "vụ trưởng", "trưởng", "phó")


def _spellings(words) -> tuple[frozenset, frozenset]:
    """``_keyed`` keys of words, and their folded forms for syllables typed without diacritics."""
    return _keyed(words), frozenset(fold(w) if " " not in w else tuple(fold(w).split()) for w in words)


_ROLES, _HEADS = _spellings(_ROLE_WORDS), _spellings(_HEAD_WORDS)
_LOCATIVES, _PLACE_NOUNS = _spellings(_LOCATIVE_WORDS), _spellings(_PLACE_NOUN_WORDS)
_REASONS = _spellings(_REASON_WORDS)
# an aim or a cause of what comes before it (``_holds_reason``): "X để Y", "X vì Y", "X do Y"
_OF_WHAT_COMES_BEFORE = _spellings(("để", "nhằm", "mục đích", "vì", "do", "bởi", "nhờ"))
# after "do", "vì": "do đó", "vì vậy" (therefore) give the reason for what follows them
_THEREFORE = _spellings(("đó", "vậy", "thế"))

# Capitalised words that open the names of bodies and places, not of people.
_BODIES = frozenset("ban bo so dang thanh uy hoi dai trung chinh nha quoc vien truong cong mat tinh quan huyen "
                    "xa phuong mien ngay nghi quy ket chi thong luat dieu khoan chuong tphcm".split())
# Numbered documents and parts of them: names ("Kết luận 14"); a year ("năm 2024") is a number the question writes already.
_DOCUMENTS = "qui dinh|ket luan|nghi dinh|nghi quyet|chi thi|thong tu|quyet dinh|luat|dieu|khoan|chuong|muc"
_DOCUMENT_HEADS = re.compile(rf"\b({_DOCUMENTS})\s+(\d+)")
# A number after these numbers a thing rather than counts it; "lần thứ 2" and "khóa 14" are no names.
_NUMBERING_HEADS = re.compile(rf"\b({_DOCUMENTS}|lan thu|khoa)\s+(\d+)")
# The named things a "… là gì?" question may ask the title of (not "tên", "tên gọi": any name answers those).
_TITLED = re.compile(r"\b(chu de|khau hieu|phuong cham|tieu de|chuyen de)\b")
_HONORIFICS = frozenset(["ong", "ba", "anh", "chi", "ngai", "dong"])  # "đồng chí" is two: "dong", "chi"
# Words that stand between two names rather than inside one ("Quốc ca tại Super Bowl", "Norman ở Ý").
_BETWEEN_NAMES = "tại ở cho với về bởi để vào lên ra trên dưới sau trước giữa đến tới bị đã sẽ đang và hoặc khi"
# Glue: stop words and the words between names, by accented key and, typed without diacritics, folded.
_GLUE = _spellings(tuple(STOPWORDS) + tuple(_BETWEEN_NAMES.split()))
_STOP_KEYS = _GLUE[0]
_STOP_FOLDED = frozenset(fold(w) for w in STOPWORDS)
_NOT_COUNTED = _STOP_KEYS | _STOP_FOLDED  # glue after "bao nhiêu" ends the thing counted
# "… có / đạt / tổng cộng bao nhiêu", "… năm 1901 là bao nhiêu": glue and dates are not what is counted
_NOT_SUBJECT = _NOT_COUNTED | {"co", "la", "dat", "duoc", "tong", "khoang", "nam", "thang", "ngay"}
# Text in quotation marks: "Chuyên đề năm 2024 “Học tập … phong cách Hồ Chí Minh …”" names a title.
_QUOTATION = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"")
# Names the matching keys write in lower case ("TP.HCM" is keyed "tphcm").
_ALIAS_NAMES = frozenset(["tphcm", "hanoi"])


def _words_at(text: "Text", i: int, spellings: tuple[frozenset, frozenset]) -> int:
    """How many syllables of one of the words spelt in ``spellings`` (``_spellings``) begin at
    syllable ``i``: 2 ("bí thư"), 1 ("trưởng") or 0.

    Matched by accented keys and, for syllables typed without diacritics, by their folded forms
    ("Chu tich" is "Chủ tịch"); typed with them, "Trường" (a school) is not "trưởng".
    """
    accented, folded_words = spellings
    keys, folded = text.keys[i:i + 2], text.folded[i:i + 2]
    bare = tuple(k == f for k, f in zip(keys, folded))
    if keys in accented or (len(bare) == 2 and all(bare) and folded in folded_words):
        return 2
    return int(keys[0] in accented or (bare[0] and folded[0] in folded_words))


@dataclass(frozen=True)
class Asked:
    """What a question asks for and what its answer must agree with."""

    #: percent, ordinal, day, year, amount, duration, count, time, person, role, place, name, reason, document
    kind: str | None
    counted: tuple[str, ...] = ()  # what a count counts, as matching keys ("cán bộ" is "can1", "bô6")
    numbers: frozenset[str] = frozenset()  # numbers the question writes (Roman numerals read)
    names: tuple[tuple[str, ...], ...] = ()  # named bodies, roles and documents, as folded syllables
    words: frozenset[str] = frozenset()  # the question's words, folded
    accented: bool = True  # written with diacritics: ``counted`` holds accented keys, else folded ones
    numbered: dict[tuple[str, str], str] = field(default_factory=dict)  # the two words before each number
    titled: tuple[str, ...] = ()  # what a name question names ("chủ đề", "khẩu hiệu"), as folded syllables
    period: str | None = None  # "ahead" ("thời gian tới") or "past" ("thời gian qua"): the time asked about
    #: the names that open with a title or office ("Chủ tịch Ủy ban nhân dân TPHCM"): who or what
    #: the question is about, so each must be held, however many other names it writes
    offices: tuple[tuple[str, ...], ...] = ()
    #: what a count is of when nothing follows "bao nhiêu" ("Dân số TPHCM là bao nhiêu?": "dân", "số"),
    #: as matching keys like ``counted``: one of them must stand by the number
    subject: frozenset[str] = frozenset()
    #: neighbouring words of the question, both neither glue nor what it asks ("vì sao"), folded:
    #: where they stand in an answer places what it says about them
    pairs: frozenset[tuple[str, str]] = frozenset()
    #: the question read once per alternative it offers ("4 hay 5 nhiệm vụ"): an answer agrees
    #: with one of them (``readings``)
    choices: tuple["Asked", ...] = ()


@dataclass(frozen=True)
class Text:
    """A text read for judging: its folded syllables, keys, numbers, capitals and punctuation."""

    folded: tuple[str, ...]
    keys: tuple[str, ...]
    numbers: tuple[str | None, ...]  # the number a syllable writes ("02" and "hai" are "2"), else None
    capital: tuple[bool, ...]
    breaks: tuple[bool, ...]  # punctuation or a line break stands between a syllable and the one before
    raw: str
    quoted: tuple[bool, ...]  # a syllable stands inside quotation marks: a title's words

    @staticmethod
    @functools.lru_cache(maxsize=1024)
    def of(text: str) -> "Text":
        """``text`` read once: candidates of one paragraph, and later questions, share the reading."""
        text = prepare(text)
        tokens = tokenize(text)
        gaps = [text[a.end:b.start] for a, b in zip(tokens, tokens[1:])]
        quotations = [m.span() for m in _QUOTATION.finditer(text)]
        return Text(tuple(t.folded for t in tokens), tuple(t.key for t in tokens),
                     tuple(number_of(t.key) for t in tokens),
                     tuple(text[t.start].isupper() or t.folded in _ALIAS_NAMES for t in tokens),
                     (True,) + tuple(bool(gap.strip()) or "\n" in gap for gap in gaps), text,
                     tuple(any(a <= t.start < b for a, b in quotations) for t in tokens))

    def numbered(self) -> dict[tuple[str, str], set[str]]:
        """The numbers written after each pair of words ("Chuyên đề năm 2024": ("de", "nam") → {"2024"}).

        Glue between the pair is passed over: "nhiệm vụ trọng tâm trong năm 2024" numbers
        ("tam", "nam") as "trọng tâm năm 2024" does.
        """
        found: dict[tuple[str, str], set[str]] = {}
        for i, number in enumerate(self.numbers):
            if number is None or i < 2 or not self.keys[i].isdigit() or any(self.breaks[i - 1:i + 1]):
                continue
            j = i - 2
            while j > 0 and self.keys[j] in _NOT_COUNTED and not self.breaks[j]:
                j -= 1
            found.setdefault((self.folded[j], self.folded[i - 1]), set()).add(number)
        return found

    def holds(self, phrase: tuple[str, ...]) -> bool:
        """``phrase`` stands here word for word, not as part of a deputy's title ("Phó trưởng …").

        A syllable of four letters or more written without diacritics may be spelt one letter apart,
        as translations spell foreign names ("Shelly" for "Shelley", "Zeria" for "Zeira"); shorter
        ones, and Vietnamese syllables ("Thường" is not "trưởng"), must be exact.

        >>> Text.of("Thơ của Percy Shelley").holds(("percy", "shelly")), Text.of("Phó trưởng Ban").holds(("truong",))
        (True, False)
        >>> Text.of("Thường trực").holds(("truong",)), Text.of("thành phố Jacksonville").holds(("jacksonville",))
        (False, True)
        """
        n = len(phrase)
        vietnamese = [key != word for word, key in zip(self.folded, self.keys)]  # written with diacritics
        for i in range(len(self.folded) - n + 1):
            if all(a == b if exact else spelt_alike(a, b)
                   for a, b, exact in zip(self.folded[i:i + n], phrase, vietnamese[i:i + n])) \
                    and not (i and self.keys[i - 1] in _DEPUTY and phrase[0] != "pho"):
                return True
        return False


# "Phó" before a title makes a deputy's; typed without diacritics "pho" may be it too. "Thành phố
# Jacksonville" is no deputy's.
_DEPUTY = frozenset(syllable_keys(word)[0] for word in ("phó", "pho"))


def spelt_alike(written: str, asked: str) -> bool:
    """The same folded syllable, or a foreign name spelt apart as translations spell it: four letters
    or more, one edit apart (a letter added, dropped, changed or two swapped; two edits from six
    letters: "Canary", "Canaria"), starting with the same letter and not a number.

    >>> [spelt_alike(a, b) for a, b in [("zeira", "zeria"), ("colombia", "columbia"), ("rico", "rica"),
    ...                                   ("canary", "canaria"), ("ban", "bao"), ("2023", "2024")]]
    [True, True, True, True, False, False]
    """
    if written == asked:
        return True
    shorter = min(len(written), len(asked))
    if shorter < 4 or written[0] != asked[0] or asked.isdigit() or written.isdigit():
        return False
    return OSA.distance(written, asked, score_cutoff=2) <= (2 if shorter >= 6 else 1)


# Numbers written as words, by their accented keys ("năm" is left out: it is also "year").
_NUMBER_WORDS = {syllable_keys(word)[0]: str(value) for value, word in enumerate(
    "một hai ba bốn _ sáu bảy tám chín mười".split(), 1) if word != "_"}


def number_of(key: str) -> str | None:
    if key.isdigit():
        return key.lstrip("0") or "0"
    return _NUMBER_WORDS.get(key)


def _names(question: Text) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Runs of capitalised words ("Ban Tổ chức Thành ủy TPHCM", "Bộ Chính trị"), and numbered documents;
    and, apart, those of them that open with a title or office.

    Inside a run a lower-case syllable may follow a capitalised one ("Tổ chức", "Thành ủy"); a
    number after a run is not part of it ("Logo ABC 2001": a year the numbers check holds on its
    own), but a numbered document is a name ("Kết luận 14"). A run neither starts nor ends in lower case, nor crosses
    punctuation. The question's first word is capitalised by convention: it opens a name only
    when it is a title ("Trưởng Ban …") or written in capitals ("IELTS"); a form of address
    ("Ông", "đồng chí") is not part of a name. A title keeps its own syllables ("Chủ tịch", not
    "Chủ"), and the unit it heads when that closes the run ("Chủ tịch nước", "Trưởng khoa"); a
    party committee keeps its "ủy" ("Ban Tổ chức Thành ủy", not "… Thành", which "tổ chức thành
    lực lượng" holds).
    """
    words, capital = question.folded, question.capital
    runs, current = [], []
    for i, word in enumerate(words):
        joins = capital[i] or (capital[i - 1] and question.keys[i] not in _STOP_KEYS) or _unit_after_title(
            question, current, i)
        if current and joins and not question.breaks[i]:
            current.append(i)
            continue
        runs.append(current)
        current = [i] if capital[i] else []
    runs.append(current)
    names, offices = [], []
    for run in runs:
        opening = question.raw.split(maxsplit=1)[0] if question.raw.strip() else ""
        if run and run[0] == 0 and not _words_at(question, 0, _ROLES) and not (len(opening) > 1 and opening.isupper()):
            run = run[1:]
        while run and (not capital[run[0]] or words[run[0]] in _HONORIFICS):
            run = run[1:]
        title = _title_length(question, run[0]) if run else 0
        while len(run) > max(title, 1) and not capital[run[-1]] and not _ends_name(question, run):
            run = run[:-1]
        if run:
            names.append(tuple(words[i] for i in run))
            if title:
                offices.append(names[-1])
    names += [tuple(m.group().split()) for m in _DOCUMENT_HEADS.finditer(" ".join(words))]
    if question.raw[1:] == question.raw[1:].lower():
        offices += _offices_typed_in_lower_case(question)
        names += offices + _bodies_typed_in_lower_case(question)
    return list(dict.fromkeys(names)), list(dict.fromkeys(offices))


_COMMITTEE = syllable_keys("ủy")[0]  # "Thành ủy", "Tỉnh ủy", "Đảng ủy": written in lower case, part of the name
# What a title heads, written in lower case after it: "Chủ tịch nước" is not the "chủ tịch" of any body.
_HEADED_UNITS = _keyed(("nước", "tỉnh", "huyện", "quận", "xã", "phường", "khoa", "phòng"))


def _unit_after_title(question: "Text", run: list[int], i: int) -> bool:
    """Whether syllable ``i`` is a unit written in lower case right after the title ``run`` is."""
    return bool(run) and _title_length(question, run[0]) == len(run) and question.keys[i] in _HEADED_UNITS


def _title_length(question: "Text", i: int) -> int:
    """How many syllables of titles follow one another from syllable ``i``: "Phó Chủ tịch" is 3."""
    end = i
    while end < len(question.keys) and (step := _words_at(question, end, _ROLES)):
        end += step
    return end - i


def _ends_name(question: "Text", run: list[int]) -> bool:
    """Whether the lower-case syllable closing ``run`` belongs to the name: the "ủy" of a party
    committee after a capitalised word, the second syllable of a body written so ("Trung ương",
    "Chính phủ", "Quốc hội": "Trung" alone is the "trung" of "tập trung"), or the unit the title
    before it heads."""
    last = run[-1]
    if question.capital[last - 1] and (question.keys[last] == _COMMITTEE
                                       or question.folded[last - 1:last + 1] in _BODY_OWNERS):
        return True
    return _unit_after_title(question, run[:-1], last)


# Units a one-syllable title heads ("trưởng ban", "phó phòng"): typed in lower case without diacritics,
# "truong" alone may be a school ("trường") and "pho" a street ("phố").
_UNITS = frozenset("ban phong khoa so cuc vu vien bo".split())
# An office typed so runs up to glue or "tên" ("truong ban … ten la gi?": the holder's name is asked)
_OFFICE_ENDS = _NOT_COUNTED | {"ten"}


def _offices_typed_in_lower_case(question: Text) -> list[tuple[str, ...]]:
    """Offices in a question typed without capitals ("ai la pho bi thu thuong truc thanh uy tphcm?"):
    a title of two syllables, or one heading a unit or another title, and the words after it up to
    glue, punctuation or "tên" (the holder's name asked for).

    >>> _offices_typed_in_lower_case(Text.of("ai la pho bi thu thuong truc thanh uy tphcm?"))
    [('pho', 'bi', 'thu', 'thuong', 'truc', 'thanh', 'uy', 'tphcm')]
    >>> _offices_typed_in_lower_case(Text.of("truong ban tuyen giao thanh uy ten la gi?"))
    [('truong', 'ban', 'tuyen', 'giao', 'thanh', 'uy')]
    >>> _offices_typed_in_lower_case(Text.of("hoc phi cua truong la bao nhieu?"))
    []
    """
    words, offices, i = question.folded, [], 0
    while i < len(words):
        title = _words_at(question, i, _HEADS)
        opens = title == 2 or (title == 1 and i + 1 < len(words)
                               and (_words_at(question, i + 1, _ROLES) or words[i + 1] in _UNITS))
        end = i + title
        while opens and end < len(words) and not question.breaks[end] and words[end] not in _OFFICE_ENDS:
            end += 1
        if opens and end > i + title:  # a body after the title: "bí thư thành ủy", not "bí thư" alone
            offices.append(tuple(words[i:end]))
        i = max(end, i + 1)
    return offices


# Bodies typed in lower case: what heads one, and whose it is ("ban … thành ủy", "công an thành phố").
_BODY_HEADS = (("ban",), ("uy", "ban"), ("hoi", "dong"), ("cong", "an"))
_BODY_OWNERS = (("thanh", "uy"), ("tinh", "uy"), ("quan", "uy"), ("huyen", "uy"), ("dang", "uy"), ("trung", "uong"),
                ("thanh", "pho"), ("tphcm",), ("nhan", "dan"), ("chinh", "phu"), ("quoc", "hoi"))


def _bodies_typed_in_lower_case(question: Text) -> list[tuple[str, ...]]:
    """Bodies in a question typed without capitals: a head ("ban", "ủy ban", "hội đồng", "công an"),
    up to three words, and whose body it is ("thành ủy", "thành phố" …), with no glue between.
    A "ban" needs a word of its own before its owner, not glue: "nhiệm vụ thành ủy ban hành" and
    "van ban cua trung uong" ("văn bản của Trung ương") name no body.

    >>> _bodies_typed_in_lower_case(Text.of("ban noi chinh thanh uy lam gi?"))
    [('ban', 'noi', 'chinh', 'thanh', 'uy')]
    >>> _bodies_typed_in_lower_case(Text.of("cong an thanh pho da lam gi?"))
    [('cong', 'an', 'thanh', 'pho')]
    >>> _bodies_typed_in_lower_case(Text.of("thanh uy ban hanh quy dinh nao ve can bo?"))
    []
    >>> _bodies_typed_in_lower_case(Text.of("cu the hoa cac van ban cua trung uong"))
    []
    """
    words, bodies = question.folded, []
    for i in range(len(words)):
        head = next((h for h in _BODY_HEADS if words[i:i + len(h)] == h), None)
        if head is None:
            continue
        start = i + len(head) + (head == ("ban",))
        if head == ("ban",) and words[i + 1:i + 2] and words[i + 1] in _NOT_COUNTED:
            continue
        for j in range(start, min(start + 4, len(words))):
            if question.breaks[j]:
                break
            owner = next((o for o in _BODY_OWNERS if words[j:j + len(o)] == o), None)
            if owner:
                bodies.append(tuple(words[i:j + len(owner)]))
                break
            if words[j] in _NOT_COUNTED:
                break
    return bodies


@functools.lru_cache(maxsize=256)
def analyse(question: str, typed: str | None = None) -> Asked:
    """What ``question`` asks for: its kind, what a count counts, and its specifics.

    Read once per question (cached): ordering the quotes and judging them both ask.

    When ``question`` is a reading of what the user ``typed`` with diacritics restored from the
    index's words, the offices typed are kept too: a title the documents never write is restored
    wrongly ("thu tuong" read "thứ tưởng") and must still be held by the answer.
    """
    text = Text.of(question)
    folded = " ".join(text.folded)
    if "%" in question:
        folded += " %"
    kind, asking_at = None, []
    for name, pattern in _KINDS:
        match = pattern.search(folded)
        if not match:
            continue
        accented = _ACCENTED_ONLY.get(name)
        if accented and match.group().strip(" ?") == accented[0] and accented[1] not in text.keys \
                and not re.search(r"\bbao nhieu\b", match.group()):
            continue
        kind, asking_at = name, [m.span() for m in pattern.finditer(folded)]
        break
    counted_at = None
    if kind is None:
        kind, asking_at, counted_at = _requested(typed or question, folded)
    key_pairs = set(zip(text.keys, text.keys[1:]))
    accented = has_diacritics(question)
    money_words = set(text.keys) - {key for pair in key_pairs & _NOT_MONEY for key in pair}
    if kind == "count" and (_MONEY_ASKED & money_words or _MONEY_ASKED & key_pairs
                            or _MONEY_FOLDED & set(zip(text.folded, text.folded[1:]))):
        kind = "amount"
    counted: tuple[str, ...] = ()
    subject: frozenset[str] = frozenset()
    if kind == "count":
        words, keys = text.folded, (text.keys if accented else text.folded)
        if counted_at is not None:
            counted = tuple(itertools.takewhile(lambda key: key not in _NOT_COUNTED, keys[counted_at:counted_at + 2]))
        for i, word in enumerate(words if counted_at is None else ()):
            if (word == "nhieu" and i and words[i - 1] == "bao") or text.keys[i] == _ACCENTED_ONLY["count"][1]:
                counted = tuple(itertools.takewhile(lambda key: key not in _NOT_COUNTED, keys[i + 1:i + 3]))
                if not counted and word == "nhieu":
                    subject = frozenset(k for k, w, n in zip(keys[:i - 1], words, text.numbers)
                                        if n is None and k not in _NOT_SUBJECT and w not in _NOT_SUBJECT)
                break
    numbers = frozenset(n for n, key in zip(text.numbers, text.keys) if key.isdigit())
    names, offices = _names(text)
    if typed and typed != question:
        offices = list(dict.fromkeys(offices + _names(Text.of(typed))[1]))
        names = list(dict.fromkeys(names + offices))
    names = tuple(n for n in names if not all(w.isdigit() for w in n))
    numbered = {words: min(found) for words, found in text.numbered().items()}
    titled = _TITLED.search(folded) if kind == "name" else None
    # the syllables that say what is asked ("vì sao") are not among the pairs
    asking = {i for start, end in asking_at for i in range(len(folded[:start].split()), len(folded[:end].split()))}
    content = {i for i, key in enumerate(text.keys) if key not in _NOT_COUNTED and i not in asking}
    pairs = frozenset((text.folded[i], text.folded[i + 1]) for i in content if i + 1 in content
                      and not text.breaks[i + 1])
    typed_choices = _choices(typed) if typed and typed != question else ()
    choices = tuple(analyse(alternative, typed_choices[n] if len(typed_choices) == 2 else None)
                    for n, alternative in enumerate(_choices(question)))
    return Asked(kind, counted, numbers, names, frozenset(text.folded), accented, numbered,
                 tuple(titled.group().split()) if titled else (), period_of(folded), tuple(offices), subject, pairs,
                 choices)


def readings(asked: Asked) -> tuple[Asked, ...]:
    """The ways to read a question: one per alternative it offers, else itself."""
    return asked.choices or (asked,)


def _choices(question: str) -> tuple[str, ...]:
    """``question`` once per alternative it offers: numbers on both sides of "hay" (or); or once per
    meaning of an abbreviation that has two ("QĐ 114": ``abbreviation_readings``).

    Only numbers: an answer writes the one it agrees with. Of names offered ("do Ban Tuyên giáo
    hay Ban Tổ chức ban hành?"), a sentence may name one without saying it did what is asked.

    >>> _choices("Ngành tuyên giáo thực hiện 4 hay 5 nhiệm vụ?")
    ('Ngành tuyên giáo thực hiện 4 nhiệm vụ?', 'Ngành tuyên giáo thực hiện 5 nhiệm vụ?')
    >>> _choices("Đại hội diễn ra vào tháng 10 hay tháng 11 năm 2025?")[1]
    'Đại hội diễn ra vào tháng 11 năm 2025?'
    >>> _choices("Cán bộ có dám nghĩ hay không?")
    ()
    """
    meanings = abbreviation_readings(question)
    if meanings:
        return meanings
    text = prepare(question)
    tokens = tokenize(text)
    for i in range(1, len(tokens) - 1):
        if tokens[i].key != "hay":  # "hãy" (do …!) is another word
            continue
        sides = _number_sides(tokens, i)
        if sides:
            (a, b), (c, d) = sides
            return (text[:tokens[b - 1].end] + text[tokens[d - 1].end:],
                    text[:tokens[a].start] + text[tokens[c].start:])
    return ()


def _number_sides(tokens, i: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The spans of tokens offered either side of "hay" at ``i`` when both write numbers: "4 hay 5",
    "2020 – 2025 hay 2025 – 2030", "tháng 10 hay tháng 11", "Kết luận 14 hay Kết luận 01"."""
    digits = [t.key.isdigit() for t in tokens]
    if not digits[i - 1]:
        return None
    a = i - 1
    while a > 0 and digits[a - 1]:
        a -= 1
    right = next((k for k in range(i + 1, min(i + 4, len(tokens))) if digits[k]), None)
    if right is None:
        return None
    d = right + 1
    while d < len(tokens) and digits[d] and d - right < i - a:  # as many numbers as on the left
        d += 1
    head = [t.folded for t in tokens[i + 1:right]]  # "tháng", "Kết luận": on the left too
    if head and [t.folded for t in tokens[a - len(head):a]] == head:
        a -= len(head)
    return (a, i), (i + 1, d)


def _requested(typed: str, folded: str) -> tuple[str | None, list[tuple[int, int]], int | None]:
    """The kind a request asks for ("Cho biết ngày ban hành Kết luận 01": a day), the span of the
    question's ``folded`` words that asks it, and where what a count counts begins ("Nêu số lượng
    đảng viên").

    The request is read as the user ``typed`` it: "neu" read "nếu" by the index's words is still "nêu".

    >>> _requested("Nêu số cán bộ trẻ", "neu so can bo tre")
    ('count', [(0, 6)], 2)
    >>> _requested("Nếu số cán bộ trẻ tăng thì sao?", "neu so can bo tre tang thi sao")[0]
    >>> _requested("ngân sách chuyển đổi số 2024", "ngan sach chuyen doi so 2024")[0]
    'amount'
    """
    tokens = tokenize(prepare(typed))
    n = request_length(tokens)
    words = folded.split()
    keywords = not n and "?" not in typed and not _QUESTION_WORDS & set(words)
    if not (n or keywords) or [t.folded for t in tokens[:n]] != words[:n]:
        return None, [], None
    start = len(" ".join(words[:n])) + 1 if n else 0
    start += len(_ARTICLE.match(folded, start).group())
    for kind, pattern in _REQUESTED:
        noun = pattern.match(folded, start)
        if not noun or (keywords and kind not in _KEYWORD_KINDS):
            continue
        end = len(folded[:noun.end()].split())
        # "Sở" is a department; typed without diacritics "so" may be one: only "số lượng", "số liệu", "tổng số" count
        so = next((t.key for t in tokens[n:end] if t.folded == "so"), _NUMBER_KEY)
        plain = so == "so" and bool({"luong", "lieu", "tong"} & set(words[n:end]))
        if kind == "count" and not (so == _NUMBER_KEY or plain):
            return None, [], None
        # what "số liệu" (figures) counts is not named: any number but a date will do
        return kind, [(0, noun.end())], end if kind == "count" and "lieu" not in words[n:end] else None
    return None, [], None


# The time a question or sentence is about: what lies ahead ("nhiệm vụ thời gian tới") or what is
# done ("kết quả thời gian qua"); a sentence on the one does not answer a question on the other.
_PERIODS = (("ahead", re.compile(r"\b(thoi gian toi|sap toi|toi day|nam toi|nhiem ki toi|giai doan toi)\b")),
            ("past", re.compile(r"\b(thoi gian qua|vua qua|nam qua|nhung nam qua)\b")))


def period_of(folded: str) -> str | None:
    found = [name for name, pattern in _PERIODS if pattern.search(folded)]
    return found[0] if len(found) == 1 else None


def _not_a_count(text: Text, i: int) -> bool:
    """The number at ``i`` dates something ("năm 2023", the 2025 of "2020 - 2025") or numbers a
    name ("Đại hội XIII", "Kết luận 14", "lần thứ 12") rather than counts anything."""
    return i > 0 and (text.folded[i - 1] in DATE_WORDS or text.folded[i - 1] == "thu"
                      or (len(text.keys[i]) == 4 and len(text.keys[i - 1]) == 4 and text.keys[i - 1].isdigit())
                      or text.folded[max(0, i - 2):i] == ("dai", "hoi")
                      or bool(_NUMBERING_HEADS.fullmatch(" ".join(text.folded[max(0, i - 2):i + 1]))))


_FIVE = syllable_keys("năm")[0]


def _counted_alike(asked: str, written: str) -> bool:
    """A counted word stands in the text: the same key, or a foreign word (no tone, five letters or more)
    spelt one letter apart ("carbon" for "cacbon"); a Vietnamese syllable must be exact ("cơ" is not "có")."""
    return asked == written or (len(asked) >= 5 and asked.isalpha() and asked.isascii() and spelt_alike(written, asked))


def _new_numbers(text: Text, asked: Asked) -> list[int]:
    """Positions of numbers the question does not write (digits, Roman numerals read as numbers)."""
    return [i for i, n in enumerate(text.numbers) if n is not None and n not in asked.numbers]


# A number of days, weeks … answers "khi nào" after these ("sau 2 tuần", "trong 3 ngày"); alone it is a
# duration ("40 năm đổi mới"), which answers "bao lâu".
_SPAN_OPENERS = frozenset("sau trong truoc vong cach tu den toi vao luc khoang hon".split())


def _term(text: Text, i: int) -> bool:
    """The number at ``i`` names a term of office ("nhiệm kỳ 2020 - 2025"), not when anything happens."""
    return text.folded[max(0, i - 2):i] == ("nhiem", "ki") or (
        i >= 3 and text.numbers[i - 1] is not None and text.folded[i - 3:i - 1] == ("nhiem", "ki"))


# "khi" and "lúc" as written: "không khí" and "quyền lực" fold to them too
_WHEN_KEYS = {"khi": "khi", "luc": "luc1"}


def _time_words(text: Text) -> list[str]:
    """The folded words, with "khí", "lực" … (folded like "khi", "lúc") blanked out."""
    return [word if word not in _WHEN_KEYS or key in (_WHEN_KEYS[word], word) else "_"
            for word, key in zip(text.folded, text.keys)]


def holds_kind(text: Text, asked: Asked, sentence: Text | None = None) -> bool:
    """``text`` can hold what the question asks for: a count of the thing counted, a date, a name …

    A date or a person must stand in the clause about what is asked (``_holds_in_its_clause``),
    among the clauses of ``text``, or of the ``sentence`` it is a clause of.

    >>> holds_kind(Text.of("Thành phố hiện có 39 cơ quan báo chí."), analyse("Có bao nhiêu cơ quan báo chí?"))
    True
    """
    holds = _HOLDERS.get(asked.kind)
    if holds is None:
        return True
    if asked.kind in CLAUSED_KINDS:
        return _holds_in_its_clause(text, asked, holds, sentence or text)
    return holds(text, asked)


def _clauses(text: Text) -> list[Text]:
    """The parts of ``text`` between semicolons outside quotation marks (a title may hold one);
    ``text`` itself when it has none."""
    raw = text.raw
    quotations = [m.span() for m in _QUOTATION.finditer(raw)]
    cuts = [i for i, char in enumerate(raw) if char == ";" and not any(a < i < b for a, b in quotations)]
    if not cuts:
        return [text]
    bounds = zip([-1] + cuts, cuts + [len(raw)])
    return [Text.of(raw[a + 1:b]) for a, b in bounds if raw[a + 1:b].strip()]


def _pairs_held(text: Text, asked: Asked) -> int:
    """How many of the question's pairs of neighbouring words ``text`` writes."""
    return len(asked.pairs & set(zip(text.folded, text.folded[1:])))


def _holds_in_its_clause(text: Text, asked: Asked, holds: Callable[[Text, Asked], bool], sentence: Text) -> bool:
    """``holds`` in a clause of ``text`` (between semicolons) that holds at least half as many of the
    question's pairs of words as the clause holding most: in "… thực hiện tổng kết 40 năm đổi mới;
    triển khai … kỷ niệm 50 năm Ngày Giải phóng … vào năm 2025" the year is the anniversary's, not
    the review's, and in "thực hiện Kết luận 01 của Bộ Chính trị …; triển khai Chuyên đề năm 2024 …"
    the body is not the Chuyên đề's author. Reports list their tasks so; the benchmarks' sentences
    seldom do.
    """
    clauses = _clauses(text)
    most = max(_pairs_held(clause, asked) for clause in (clauses if sentence is text else _clauses(sentence)))
    return any(2 * _pairs_held(clause, asked) >= most and holds(clause, asked) for clause in clauses)


def kind_check(question: str, typed: str | None = None) -> Callable[[str], bool] | None:
    """For a question asking for a kind of thing (a count, a date, a person …), a check that a
    text can hold it (``holds_kind``); None for a question that asks for no kind.

    >>> holds = kind_check("Ai là Trưởng Ban Tuyên giáo Thành ủy TPHCM?")
    >>> holds("Trưởng Ban Tuyên giáo Thành ủy TPHCM Phan Nguyễn Như Khuê cho biết."), holds("Ban Tuyên giáo đã đánh giá.")
    (True, False)
    """
    asked = analyse(question, typed)
    return (lambda text: holds_kind(Text.of(text), asked)) if asked.kind else None


def _holds_count(text: Text, asked: Asked) -> bool:
    words, numbers = text.folded, [i for i in _new_numbers(text, asked) if not _not_a_count(text, i)]
    keys, counted = (text.keys if asked.accented else words), asked.counted
    if not counted:
        # "Dân số TPHCM là bao nhiêu?" needs a number by "dân số", not "40 năm đổi mới"; and half
        # the subject's words ("Số đảng viên bị kỷ luật …" is not answered by a paragraph on "đảng viên" alone)
        return bool(numbers) if not asked.subject else 2 * len(asked.subject & set(keys)) >= len(asked.subject) \
            and any(set(keys[max(0, i - 3):i + 4]) & asked.subject for i in numbers)
    # "<number> cán bộ", "cán bộ: <number>" within a word or two of a number, by accented keys ("cơ" is
    # not "có"); the head of the thing counted stands by the number ("100 loài" for "bao nhiêu loài
    # sứa lược"), and each of its words somewhere in the text ("cơ cấu" near a year is not "cơ quan";
    # "bao nhiêu người chết" is answered by "40.000 người đã chết")
    # "năm" before the thing counted is five ("năm giai đoạn"), not a year
    numbers += [i for i in range(len(keys) - 1) if text.keys[i] == _FIVE and keys[i + 1] == counted[0]]
    return all(any(map(functools.partial(_counted_alike, c), keys)) for c in counted) and any(
        counted[0] in keys[i + 1:i + 4] or counted[0] in keys[max(0, i - 3):i] for i in numbers)


def _holds_percent(text: Text, asked: Asked) -> bool:
    """"10%", "mười phần trăm", "hai phần ba", "một nửa"."""
    words = text.folded
    return any("%" in text.raw or "phan tram" in " ".join(words[i:i + 3])
               or words[i + 1:i + 2] in (("phan",), ("nua",)) for i in _new_numbers(text, asked))


def _holds_amount(text: Text, asked: Asked) -> bool:
    return any(set(text.folded[i + 1:i + 3]) & _MONEY for i in _new_numbers(text, asked))


def _holds_ordinal(text: Text, asked: Asked) -> bool:
    """"lần thứ XII", "lần đầu", "thứ nhất"."""
    words, numbers = text.folded, _new_numbers(text, asked)
    return any(i and words[i - 1] in ("thu", "lan", "khoa") and (i in numbers or words[i] in ("dau", "nhat"))
               for i in range(len(words)))


def _new_digits(text: Text, asked: Asked) -> list[int]:
    return [i for i in _new_numbers(text, asked) if text.keys[i].isdigit()]


def _holds_day(text: Text, asked: Asked) -> bool:
    return any(i and text.folded[i - 1] in ("ngay", "mong") for i in _new_digits(text, asked)) \
        or bool(re.search(r"\d/\d", text.raw))


def _holds_year(text: Text, asked: Asked) -> bool:
    """A year, not a term of office ("nhiệm kỳ 2025 - 2030")."""
    return any((len(text.keys[i]) in (3, 4) or (i and text.folded[i - 1] == "nam")) and not _term(text, i)
               for i in _new_digits(text, asked))


# Months written in words after "tháng" ("tháng Giêng", "tháng Chạp"); "tháng Mười" writes a number.
_MONTH_NAMES = frozenset(["gieng", "chap"])


def _holds_month(text: Text, asked: Asked) -> bool:
    """A month the question does not write ("tháng 10", "tháng Giêng", "18/5"): a year alone is no month."""
    words = text.folded
    return any(i and words[i - 1] == "thang" for i in _new_numbers(text, asked)) \
        or any(a == "thang" and b in _MONTH_NAMES for a, b in zip(words, words[1:])) \
        or bool(re.search(r"\d/\d", text.raw))


def _holds_duration(text: Text, asked: Asked) -> bool:
    """"40 năm", "hai tuần", "4:51", "suốt …", "từ 1870 đến 1939"; not a date or "nhiệm kỳ 2020 - 2025"."""
    words = text.folded
    return any(set(words[i + 1:i + 3]) & _DURATION_UNITS and not _term(text, i)
               and not (i and words[i - 1] in DATE_WORDS) for i in _new_numbers(text, asked)) \
        or bool(re.search(r"\d:\d", text.raw)) or bool(_LASTING.search(" ".join(words)))


def _holds_time(text: Text, asked: Asked) -> bool:
    """A date the question does not write ("ngày 18/5", "năm 2021", "tháng 8"), a span ("sau 2 tuần"),
    or a time in words ("sau khi …", "đầu năm"); "năm 2024" alone is the year the sentence is set in,
    and "nhiệm kỳ 2025 - 2030" names a congress rather than dating it."""
    words, numbers = text.folded, [i for i in _new_numbers(text, asked) if not _term(text, i)]
    return any((text.keys[i].isdigit() and (i and words[i - 1] in _TIME_UNITS or len(text.keys[i]) == 4))
               or words[i + 1:i + 2] and words[i + 1] in _TIME_UNITS and i and words[i - 1] in _SPAN_OPENERS
               for i in numbers) \
        or bool(re.search(r"\d/\d|\d:\d", text.raw)) or bool(_TEMPORAL.search(" ".join(_time_words(text))))


def _holds_person(text: Text, asked: Asked) -> bool:
    """A name, a title or a body the question does not write ("do Trưởng khoa đề nghị"), outside
    quotation marks: "Hồ Chí Minh" in the title of "Chuyên đề … “… phong cách Hồ Chí Minh …”" is
    not who wrote it."""
    return any(((cap and i) or _words_at(text, i, _ROLES)) and w not in asked.words and not text.quoted[i]
               for i, (w, cap) in enumerate(zip(text.folded, text.capital)))


def _holds_name(text: Text, asked: Asked) -> bool:
    """The theme, slogan or motto asked for must be stated: its name, then in the same clause a
    quoted title or "là …". A mention ("chủ đề năm của chính quyền") or the quoted title of
    another thing ("Chuyên đề năm 2024 “…”") does not answer "Chủ đề … là gì?"."""
    if asked.titled:
        stated = rf"\b{' '.join(asked.titled)}\b[^.;:!?“\"«]{{0,80}}([“\"«]|\bla\b)"
        return bool(re.search(stated, fold(text.raw).lower()))
    return bool(re.search(r"[“\"«]", text.raw)) or any(
        cap and i and w not in _BODIES and w not in asked.words for i, (w, cap) in enumerate(zip(text.folded, text.capital)))


def _holds_role(text: Text, asked: Asked) -> bool:
    return any(_words_at(text, i, _ROLES) for i in range(len(text.folded)))


def _holds_place(text: Text, asked: Asked) -> bool:
    """A place after a locative (``_place_at``), or an address on the web ("forum: http://forum.uit.edu.vn/…")."""
    return any(_place_at(text, i, asked.words) for i in range(len(text.folded))) or bool(_ADDRESS.search(text.raw))


def _holds_reason(text: Text, asked: Asked) -> bool:
    """A word that gives a reason or an aim ("vì", "do", "để", "nhằm", "nguyên nhân"), by its accented
    key: "đo lường", "Đó là", "chuyên đề", "quản lý" and "cá nhân" give none.

    An aim or a cause ("để", "nhằm", "vì", "do" …) is the aim or cause of what comes before it, so
    it answers only when it follows what the question asks about, or opens the text ("Để …, thành
    phố …"): in "rà soát đội ngũ cán bộ để tham mưu … đảm bảo cơ cấu cán bộ trẻ" it is no reason for
    "đảm bảo cơ cấu"; in "… thực hiện Nghị định 73 của Chính phủ quy định về … dám chịu trách nhiệm
    vì lợi ích chung" no reason why the Chính phủ issued it (``_follows``).

    >>> holds = lambda text: _holds_reason(Text.of(text), analyse("Vì sao phải chuyển đổi số?"))
    >>> holds("Chuyển đổi số để nâng cao hiệu quả."), holds("Đó là chương trình đo lường bằng sản phẩm.")
    (True, False)
    >>> holds("Tăng cường quản lý để phóng viên hoạt động đúng; thực hiện chuyển đổi số.")
    False

    Read in a paragraph, an aim answers for what comes before it in its own sentence: "Thành phố
    đẩy mạnh chuyển đổi số. Rà soát cán bộ để tham mưu …" gives no reason for "chuyển đổi số".

    >>> holds("Thành phố đẩy mạnh chuyển đổi số. Rà soát cán bộ để tham mưu.")
    False
    """
    sentences = _sentences(text)
    if len(sentences) > 1:
        return any(_holds_reason(sentence, asked) for sentence in sentences)
    return any(_gives_reason_at(text, i, asked) for i in range(len(text.folded)))


def _gives_reason_at(text: Text, i: int, asked: Asked) -> bool:
    """Syllable ``i`` gives a reason for what the question asks about: a reason word, and for an aim
    or a cause, one that follows what is asked (or opens the text); "do đó", "vì vậy" (therefore)
    give the reason for what comes after them."""
    if not _words_at(text, i, _REASONS):
        return False
    if i == 0 or not _words_at(text, i, _OF_WHAT_COMES_BEFORE):
        return True
    if i + 1 < len(text.folded) and _words_at(text, i + 1, _THEREFORE):
        return _follows(text, i + 1, asked, precedes=True)
    return _follows(text, i, asked)


#: where a sentence ends: its closing mark before a space, or a line break (a heading's)
SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|\n")


def _sentences(text: Text) -> list[Text]:
    """The sentences of ``text`` (a paragraph, maybe under its heading); ``text`` itself when it is one."""
    parts = [part for part in SENTENCE_END.split(text.raw) if part.strip()]
    return [text] if len(parts) <= 1 else [Text.of(part) for part in parts]


def _follows(text: Text, i: int, asked: Asked, precedes: bool = False) -> bool:
    """Syllable ``i`` of ``text`` comes after most of the question's pairs of words that ``text`` holds
    (each one's first place), or with ``precedes`` before most of them; not when it holds none of
    them, as then nothing says whose aim it is.

    Pairs inside the names the question writes do not count: a name says which thing is asked about,
    not what was done ("Vì sao Chính phủ ban hành Nghị định 73?" asks why it was issued)."""
    pairs = list(zip(text.folded, text.folded[1:]))
    named = {pair for name in asked.names for pair in zip(name, name[1:])}
    first = [pairs.index(pair) for pair in asked.pairs - named if pair in pairs]
    return bool(first) and 2 * sum((place > i) if precedes else (place < i) for place in first) >= len(first)


_DOCUMENT_WORDS = frozenset(tuple(name.split()) for name in _NAMED_DOCUMENTS)


def _holds_document(text: Text, asked: Asked) -> bool:
    """A law, rule or part of one named: its word, then a number the question does not write
    ("Nghị định 73", "khoản 5 Điều 10") or, after a capitalised word, a capitalised one ("Đạo luật
    Trường học Nam Phi", "Luật (Sửa đổi) …"); "Điều này", "Luật sư" and "quy định của pháp luật" name none.

    >>> holds = lambda text: _holds_document(Text.of(text), analyse("Cán bộ được bảo vệ theo văn bản nào?"))
    >>> holds("thực hiện Kết luận 14 của Bộ Chính trị"), holds("Điều này sẽ tạo môi trường để bảo vệ cán bộ")
    (True, False)
    """
    words = text.folded
    for first in range(len(words)):
        for after in (first + 2, first + 1):  # "dao luat", "luat"
            if words[first:after] in _DOCUMENT_WORDS and after < len(words) and (
                    (text.numbers[after] is not None and text.numbers[after] not in asked.numbers)
                    or (text.capital[first] and text.capital[after])):
                return True
    return False


def _place_at(text: Text, i: int, asked: frozenset[str]) -> bool:
    """A place the question does not write stands after a locative at ``i``, in the same phrase:
    a name or a place noun within three words ("tại Trung tâm Vũ trụ Kennedy", "trên website
    Trường", "về phòng đào tạo"). A body named without one ("Đại hội XI của Đảng bộ TPHCM",
    "tham mưu cho Thành ủy") is not where anything takes place, nor a level ("ở cấp chính quyền").
    """
    if not _words_at(text, i, _LOCATIVES):
        return False
    for j in range(i + 1, min(i + 4, len(text.folded))):
        if text.breaks[j]:
            return False
        if text.folded[j] not in asked and (text.capital[j] or _words_at(text, j, _PLACE_NOUNS)):
            return True
    return False


#: what each kind of question needs of a text (``holds_kind``)
_HOLDERS = {"count": _holds_count, "percent": _holds_percent, "amount": _holds_amount, "ordinal": _holds_ordinal,
            "day": _holds_day, "year": _holds_year, "month": _holds_month, "duration": _holds_duration,
            "time": _holds_time,
            "person": _holds_person, "name": _holds_name, "role": _holds_role, "place": _holds_place,
            "reason": _holds_reason, "document": _holds_document}


DATE_KINDS = frozenset(["day", "month", "year", "time"])
# Kinds whose answer must stand in the clause about what is asked (``_holds_in_its_clause``)
CLAUSED_KINDS = DATE_KINDS | {"person"}


def dated_by(text: Text, words: frozenset[str]) -> set[str]:
    """The numbers ``text`` writes with one of ``words`` just before them (a date word between):
    "Chuyên đề năm 2024" for a question on "Chuyên đề"; glue the question writes too ("bước vào
    năm 2024" for "… diễn ra vào tháng mấy?") dates nothing, told by its accent ("để" is glue, the
    "đề" of "Chuyên đề" is not)."""
    return {n for i, n in enumerate(text.numbers) if n is not None
            and ({text.folded[j] for j in range(max(0, i - 2), i) if not _words_at(text, j, _GLUE)}
                 - DATE_WORDS) & words}
