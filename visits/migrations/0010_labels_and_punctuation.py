"""English labels without Chinese glosses (state only, no SQL), and Chinese
texts with full-width punctuation next to hanzi.

Seeded texts are not rewritten in place: a consent statement is copied into
every record signed under it, and a published checklist version is copied into
every visit booked with it. Where the newest one has ASCII `,:;()?!` next to
hanzi (or a Chinese gloss in its English text), a corrected next version is
published; records and visits keep the version they were made with. Texts
without the defect are left alone.
"""

import re

from django.db import migrations, models
from django.utils import timezone

HANZI = "[\u4e00-\u9fff]"
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def full_width(text: str) -> str:
    """ASCII punctuation next to hanzi made full-width; a pair of parentheses
    that holds or touches hanzi becomes （）."""
    previous = None
    while previous != text:
        previous = text
        text = re.sub(
            r"(?<!%)\(([^()]*)\)",
            lambda m: f"（{m.group(1)}）"
            if re.search(HANZI, m.group(1))
            or re.match(HANZI, previous[m.start() - 1 : m.start()] or " ")
            else m.group(0),
            text,
        )
    return re.sub(
        f"(?<={HANZI})[,:;?!]|[,:;?!](?={HANZI})|(?<=[”）])[,:;]",
        lambda m: FULL_WIDTH[m.group(0)],
        text,
    )


def without_gloss(text: str) -> str:
    """`Carrying the work order (装机单)` -> `Carrying the work order`."""
    return re.sub(f"\\s*[(（][^()（）]*{HANZI}[^()（）]*[)）]", "", text)


ITEM_FIELDS = [
    "code", "stage", "position", "text_zh", "text_en", "kind", "is_required",
    "condition", "choices", "min_value", "max_value", "source",
]


def _fields(item) -> dict:
    return {name: getattr(item, name) for name in ITEM_FIELDS}


def _corrected_choice(choice):
    if not isinstance(choice, dict):
        return choice
    corrected = dict(choice)
    if isinstance(choice.get("zh"), str):
        corrected["zh"] = full_width(choice["zh"])
    if isinstance(choice.get("en"), str):
        corrected["en"] = without_gloss(choice["en"])
    return corrected


def _corrected_item(item) -> dict:
    fields = _fields(item)
    fields["text_zh"] = full_width(item.text_zh)
    fields["text_en"] = without_gloss(item.text_en)
    if isinstance(item.choices, list):
        fields["choices"] = [_corrected_choice(choice) for choice in item.choices]
    return fields


def publish_corrected_texts(apps, schema_editor):
    now = timezone.now()
    Consent = apps.get_model("visits", "ConsentStatement")
    consent = Consent.objects.order_by("-published_at", "-id").first()
    if consent is not None and full_width(consent.text_zh) != consent.text_zh:
        Consent.objects.create(
            version=f"{consent.version}-2"[:20],
            text_zh=full_width(consent.text_zh),
            text_en=consent.text_en,
            published_at=now,
        )
    Template = apps.get_model("visits", "ChecklistTemplate")
    Item = apps.get_model("visits", "ChecklistTemplateItem")
    kinds = sorted(set(Template.objects.values_list("visit_kind", flat=True)))
    for kind in kinds:
        template = (
            Template.objects.filter(visit_kind=kind, published_at__isnull=False)
            .order_by("-version")
            .first()
        )
        if template is None:
            continue
        items = list(template.items.order_by("position", "id"))
        corrected = [_corrected_item(item) for item in items]
        if corrected == [_fields(item) for item in items]:
            continue
        newest = Template.objects.filter(visit_kind=kind).order_by("-version").first()
        successor = Template.objects.create(
            name=template.name,
            visit_kind=kind,
            version=newest.version + 1,
            published_at=now,
            created_at=now,
        )
        Item.objects.bulk_create(
            Item(template=successor, **fields) for fields in corrected
        )


class Migration(migrations.Migration):

    dependencies = [
        ('visits', '0009_arrival_reason_label'),
    ]

    operations = [
        migrations.AlterField(
            model_name='call',
            name='purpose',
            field=models.CharField(choices=[('reminder_day_before', 'Reminder the day before'), ('reminder_before_arrival', 'Reminder before arrival'), ('follow_up', 'Follow-up call')], max_length=24, verbose_name='purpose'),
        ),
        migrations.AlterField(
            model_name='checklisttemplate',
            name='visit_kind',
            field=models.CharField(blank=True, choices=[('installation', 'Installation'), ('repair', 'Fault repair')], help_text='Empty: used for every kind without a template of its own.', max_length=16, verbose_name='visit kind'),
        ),
        migrations.AlterField(
            model_name='holiday',
            name='is_working_day',
            field=models.BooleanField(default=False, help_text='Ticked for a weekend day that is worked.', verbose_name='working day'),
        ),
        migrations.AlterField(
            model_name='temporaryleave',
            name='fix_deadline',
            field=models.DateTimeField(blank=True, null=True, verbose_name='committed fix deadline'),
        ),
        migrations.AlterField(
            model_name='temporaryleave',
            name='reason',
            field=models.CharField(choices=[('find_cause', 'Find the cause of the fault'), ('equipment_room_test', 'Testing at the equipment room'), ('fetch_materials', 'Fetch materials or tools'), ('other', 'Other')], max_length=24, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='visitevent',
            name='kind',
            field=models.CharField(choices=[('scheduled', 'Scheduled'), ('rescheduled', 'Rescheduled'), ('reassigned', 'Reassigned'), ('start_travel', 'On my way'), ('arrive', 'Arrive'), ('start_work', 'Start work'), ('leave', 'Leave temporarily'), ('return', 'Return'), ('finish_work', 'Work done'), ('sign_off', 'Customer sign-off'), ('close', 'Close'), ('cancel', 'Cancel'), ('no_show', 'Customer not at home')], max_length=16, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='area_tier',
            field=models.CharField(choices=[('urban', 'County, city or district and above'), ('rural', 'Township or rural')], max_length=8, verbose_name='area tier'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='kind',
            field=models.CharField(choices=[('installation', 'Installation'), ('repair', 'Fault repair')], max_length=16, verbose_name='kind'),
        ),
        migrations.RunPython(publish_corrected_texts, migrations.RunPython.noop),
    ]
