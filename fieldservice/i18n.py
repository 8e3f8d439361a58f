"""The language pick: Chinese or English, in one place.

Every bilingual text in the product is a pair (Chinese, English). A language
code that starts with "zh" (zh, zh-hans, zh-cn …) gets the Chinese; any other
gets the English. With no language at all, the default is Chinese.
"""

from django.utils.translation import get_language


def is_chinese(language: str | None) -> bool:
    return (language or "zh").lower().startswith("zh")


def pick(language: str | None, chinese: str, english: str) -> str:
    """The text of the pair for `language`."""
    return chinese if is_chinese(language) else english


def pick_active(chinese: str, english: str) -> str:
    """The text of the pair for the language of the current request."""
    return pick(get_language(), chinese, english)


# Where a text ends in one of these, the next sentence follows without a space:
# Chinese writes no space between sentences.
_CJK_RANGES = (("\u3000", "\u303f"), ("\u4e00", "\u9fff"), ("\uff00", "\uffef"))


def _ends_in_cjk(text: str) -> bool:
    return bool(text) and any(low <= text[-1] <= high for low, high in _CJK_RANGES)


def sentences(*parts: object) -> str:
    """Sentences (translated separately) as one text: a space between them in
    English, none after Chinese."""
    text = ""
    for part in map(str, parts):
        if text and part:
            text += "" if _ends_in_cjk(text) else " "
        text += part
    return text


def listing(items) -> str:
    """Items as a list in a sentence of the current language: "a, b" or "a、b"."""
    separator = "、" if is_chinese(get_language()) else ", "
    return separator.join(map(str, items))
