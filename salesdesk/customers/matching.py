"""Keys for the duplicate check (查重) and keyword search: a company name without its legal form,
a mobile number without decoration, and the pinyin initials of a name.

    name_key("上海 华东机电(中国)有限公司")  -> "上海华东机电"
    mobile_key("+86 138-0013-8000")         -> "13800138000"
    initials("华东机电")                    -> "hdjd"
"""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

# Longest first, so 股份有限公司 goes before 有限公司 can leave 股份 behind.
LEGAL_FORMS = sorted([
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "总公司", "分公司", "公司",
    "co.,ltd.", "co., ltd.", "co.,ltd", "co., ltd", "co. ltd", "company limited", "limited", "ltd.", "ltd",
    "inc.", "inc", "corporation", "corp.", "corp", "gmbh", "s.a.", "sa", "s.r.l.", "ag", "llc", "plc",
], key=len, reverse=True)
COUNTRY_MARKS = ("(中国)", "(china)")
_SPACE_AND_PUNCTUATION = re.compile(r"[\s·.,，。、&'\"()\-]+")
_DIGITS = re.compile(r"\D+")

# Names this similar (rapidfuzz ratio on their keys, 0-100) are shown as possible duplicates.
SIMILAR_NAME_SCORE = 85


def _fold(text: str) -> str:
    # NFKC turns full-width letters, digits and brackets into their ordinary forms.
    return unicodedata.normalize("NFKC", text or "").strip().lower()


def name_key(name: str) -> str:
    key = _fold(name)
    for mark in COUNTRY_MARKS:
        key = key.replace(mark, "")
    key = key.strip()
    changed = True
    while changed:  # "XX 有限公司 (中国)" and "XX Co., Ltd." alike
        changed = False
        for form in LEGAL_FORMS:
            if key.endswith(form) and len(key) > len(form):
                key = key[: -len(form)].rstrip(" ,.")
                changed = True
    return _SPACE_AND_PUNCTUATION.sub("", key)


def mobile_key(number: str) -> str:
    digits = _DIGITS.sub("", _fold(number))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def initials(name: str) -> str:
    """Pinyin initials of the Chinese characters, other letters and digits kept as they are."""
    letters = lazy_pinyin(_fold(name), style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(letter for letter in "".join(letters) if letter.isalnum())


def similarity(first_key: str, second_key: str) -> float:
    if not first_key or not second_key:
        return 0.0
    return fuzz.ratio(first_key, second_key)


def normalise_credit_code(code: str) -> str:
    return _fold(code).replace(" ", "").upper()
