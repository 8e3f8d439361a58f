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
