"""Checklist templates in the admin: a template a technician could not answer is
refused when it is published, with a message naming the item (docs/rules.md#checklist-templates)."""

import pytest

from visits.checklists import services
from visits.models import ChecklistTemplate, ChecklistTemplateItem

pytestmark = pytest.mark.django_db

MALFORMED = [
    ({"kind": "choice", "choices": []}, "a choice item needs at least one choice"),
    (
        {"kind": "choice", "choices": ["yes", "no"]},
        "each choice must be an object",
    ),
    (
        {"kind": "choice", "choices": {"value": "a", "zh": "甲", "en": "A"}},
        "the choices must be a list",
    ),
    (
        {
            "kind": "choice",
            "choices": [
                {"value": "a", "zh": "甲", "en": "A"},
                {"value": "a", "zh": "乙", "en": "B"},
            ],
        },
        "two choices have the same value",
    ),
    (
        {"kind": "choice", "choices": [{"value": "", "zh": "空", "en": "Blank"}]},
        'each choice needs a "value" that is non-blank text',
    ),
    (
        {"kind": "choice", "choices": [{"value": 7, "zh": "七", "en": "Seven"}]},
        'each choice needs a "value" that is non-blank text',
    ),
    (
        {"kind": "number", "min_value": 10, "max_value": -5},
        "the minimum is greater than the maximum",
    ),
]


def draft_with(**item) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.create(
        name="Repair", visit_kind="", version=99
    )
    ChecklistTemplateItem.objects.create(
        template=template,
        code="first_item",
        stage="work",
        position=1,
        text_zh="第一项",
        text_en="First item",
        **{"kind": "confirm", **item},
    )
    return template


def publish(client, template, language="en"):
    return client.post(
        "/admin/visits/checklisttemplate/",
        {"action": "publish", "_selected_action": [template.id]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_every_seeded_template_can_be_published():
    for template in ChecklistTemplate.objects.all():
        services.template_items_check(items=list(template.items.all()))


@pytest.mark.parametrize(("item", "message"), MALFORMED)
def test_publishing_a_malformed_template_is_refused_naming_the_item(
    admin_client, item, message
):
    template = draft_with(**item)

    response = publish(admin_client, template)

    assert response.status_code == 200
    shown = [str(entry) for entry in response.context["messages"]]
    assert len(shown) == 1
    assert "was not published" in shown[0]
    assert "first_item: " + message in shown[0]
    template.refresh_from_db()
    assert template.published_at is None


def test_the_refusal_is_in_chinese_for_a_chinese_page(admin_client):
    template = draft_with(kind="choice", choices=[])

    response = publish(admin_client, template, language="zh-hans")

    shown = [str(entry) for entry in response.context["messages"]]
    assert "first_item：选择题至少需要一个选项" in shown[0]  # noqa: RUF001
    template.refresh_from_db()
    assert template.published_at is None


def test_publishing_a_sound_template_still_works(admin_client):
    template = draft_with(
        kind="choice",
        choices=[
            {"value": "a", "zh": "甲", "en": "A"},
            {"value": "b", "zh": "乙", "en": "B"},
        ],
    )

    response = publish(admin_client, template)

    shown = [str(entry) for entry in response.context["messages"]]
    assert shown == ["Repair v99 published."]
    template.refresh_from_db()
    assert template.published_at is not None


def test_the_admin_refuses_to_save_a_malformed_item_in_a_draft(admin_client):
    template = draft_with(kind="confirm")
    item = template.items.get()

    response = admin_client.post(
        f"/admin/visits/checklisttemplate/{template.id}/change/",
        {
            "name": "Repair",
            "visit_kind": "",
            "items-TOTAL_FORMS": 1,
            "items-INITIAL_FORMS": 1,
            "items-0-id": item.id,
            "items-0-template": template.id,
            "items-0-position": 1,
            "items-0-stage": "work",
            "items-0-code": "first_item",
            "items-0-text_zh": "第一项",
            "items-0-text_en": "First item",
            "items-0-kind": "number",
            "items-0-is_required": "on",
            "items-0-condition": "always",
            "items-0-choices": "[]",
            "items-0-min_value": "10",
            "items-0-max_value": "-5",
            "items-0-source": "",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "The minimum is greater than the maximum" in response.text
    item.refresh_from_db()
    assert item.kind == "confirm"
    assert item.min_value is None
