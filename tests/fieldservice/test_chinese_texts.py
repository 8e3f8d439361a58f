"""Chinese texts use full-width punctuation next to hanzi; English texts carry
no Chinese glosses. Scans every translation and every seeded text."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from visits.checklists.models import ChecklistTemplate
from visits.signoffs.services import current_consent

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
HANZI = "[\u4e00-\u9fff]"
ASCII_NEXT_TO_HANZI = re.compile(f"{HANZI}[,:;()?!]|[,:;()?!]{HANZI}")
SEEDING_SOURCES = [
    ROOT / "visits" / "management" / "commands" / "seed_demo.py",
    ROOT / "visits" / "checklists" / "api.py",
]


def _po_entries() -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of the .po, continuation lines joined."""
    entries = []
    text = PO.read_text(encoding="utf-8")
    pattern = r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)'
    for match in re.finditer(pattern, text, re.MULTILINE):
        msgid, msgstr = (
            "".join(re.findall(r'"(.*)"', group)) for group in match.groups()
        )
        entries.append((msgid, msgstr))
    return entries


def _misplaced_ascii(text: str) -> list[str]:
    return [match.group(0) for match in ASCII_NEXT_TO_HANZI.finditer(text)]


def test_the_po_file_is_read_whole():
    entries = _po_entries()

    assert len(entries) > 300
    assert ("Only a dispatcher can do this.", "只有调度员可以执行此操作。") in entries


def test_every_chinese_translation_uses_full_width_punctuation():
    wrong = {
        msgstr: _misplaced_ascii(msgstr)
        for _msgid, msgstr in _po_entries()
        if _misplaced_ascii(msgstr)
    }

    assert wrong == {}


def test_no_english_text_carries_chinese():
    glossed = [msgid for msgid, _msgstr in _po_entries() if re.search(HANZI, msgid)]

    assert glossed == []


@pytest.mark.parametrize("path", SEEDING_SOURCES, ids=lambda path: path.name)
def test_seeded_chinese_texts_use_full_width_punctuation(path):
    literals = [
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]

    wrong = [text for text in literals if _misplaced_ascii(text)]

    assert [text for text in literals if re.search(HANZI, text)] != []
    assert wrong == []


@pytest.mark.django_db
def test_the_consent_customers_sign_now_uses_full_width_punctuation():
    consent = current_consent()

    assert _misplaced_ascii(consent.text_zh) == []
    assert not re.search(HANZI, consent.text_en)


@pytest.mark.django_db
def test_the_checklists_visits_get_now_use_full_width_punctuation():
    texts = []
    for kind in ("installation", "repair"):
        template = (
            ChecklistTemplate.objects.filter(
                visit_kind=kind, published_at__isnull=False
            )
            .order_by("-version")
            .first()
        )
        for item in template.items.all():
            texts.append((item.text_zh, item.text_en))
            texts += [(choice["zh"], choice["en"]) for choice in item.choices or []]

    assert len(texts) > 20
    assert [zh for zh, _en in texts if _misplaced_ascii(zh)] == []
    assert [en for _zh, en in texts if re.search(HANZI, en)] == []


def test_english_choice_labels_carry_no_chinese():
    from accounts.models import AreaTier
    from visits.lifecycle.models import VisitKind

    with translation.override("en"):
        labels = [
            str(label) for _value, label in [*AreaTier.choices, *VisitKind.choices]
        ]

    assert [label for label in labels if re.search(HANZI, label)] == []
