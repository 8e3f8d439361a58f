"""PDFs rendered from a frozen sign-off snapshot: the service card (服务卡) and the
work-order receipt (施工单回执).

Pure rendering: no database, no network, no fonts from the system. Every glyph
comes from WenQuanYi Micro Hei, vendored from Debian's fonts-wqy-microhei
package next to this module (fonts/README.md: version, licence, checksum) and
embedded as a subset, so Chinese shows on a machine without any CJK font and
text extracted from the PDF is real Unicode. reportlab's built-in "STSong-Light"
extracts fine but is not embedded: a viewer without Adobe's Asian font pack shows
boxes. The Noto CJK packages on PyPI are OpenType/CFF, which reportlab cannot
embed.

Output is byte-stable for the same input (reportlab's invariant mode), so a
stored PDF can be compared with a fresh rendering.
"""

import functools
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab.lib.textsplit as reportlab_textsplit
import reportlab.platypus.paragraph as reportlab_paragraph
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, A6, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

SANS = "WenQuanYiMicroHei"
MONO = "WenQuanYiMicroHeiMono"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"

QR_ERROR_CORRECTION = "M"
_QR_SIZE = 30 * mm
_SIGNATURE_BOX = (64 * mm, 26 * mm)
# SimpleDocTemplate's frame keeps this many points clear inside the margins.
_FRAME_PADDING = 6
_PHOTO_HASH_LENGTH = 12
_EMPTY = "—"

_ACCENT = colors.HexColor("#1F4E79")
_RULE = colors.HexColor("#B7C4D1")
_SHADE = colors.HexColor("#EEF2F6")
_MUTED = colors.HexColor("#5A6570")
_CONTESTED = colors.HexColor("#B03A2E")

_LABELS: dict[str, dict[str, Any]] = {
    "zh-hans": {
        "pdf_lang": "zh-CN",
        "label_width": 22 * mm,
        "card_label_width": 26 * mm,
        "service_card": "服务卡",
        "technician": "装维人员",
        "technician_line": "{name}（工号 {number}）",  # noqa: RUF001
        "employee_number": "工号",
        "contact_phone": "联系电话",
        "hotline": "客服热线",
        "promotion": "时令推荐",
        "receipt": "施工单回执",
        "work_order": "工单",
        "work_order_number": "工单号",
        "kind": "类型",
        "customer": "客户",
        "customer_phone": "客户电话",
        "address": "地址",
        "description": "描述",
        "visit": "上门服务",
        "visit_sequence": "上门次数",
        "visit_sequence_value": "第 {0} 次",
        "appointed_start": "预约时间",
        "arrived_at": "到达时间",
        "punctuality": "准时情况",
        "deviation": "{label}（偏差 {minutes} 分钟）",  # noqa: RUF001
        "late_reason": "早到或迟到原因",
        "work_started_at": "开工时间",
        "work_done_at": "完工时间",
        "checklist": "服务规范检查",
        "item": "检查项",
        "answer": "结果",
        "photos": "照片",
        "photo_count": "{0} 张",
        "note": "备注：",  # noqa: RUF001
        "conduct": "客户确认",
        "conduct_item": "服务行为",
        "conduct_result": "客户意见",
        "confirmed": "✓ 确认",
        "contested": "\N{MULTIPLICATION SIGN} 有异议",
        "contested_because": "\N{MULTIPLICATION SIGN} 有异议：{comment}",  # noqa: RUF001
        "sign_off": "客户签字",
        "signer": "签字人",
        "channel": "签字方式",
        "channels": {
            "customer_link": "客户通过链接签字",
            "technician_device": "在装维人员设备上签字",
        },
        "consent": "确认声明",
        "consent_version": "声明版本",
        "signature": "签名",
        "signed_at": "签字时间",
        "record": "存证",
        "record_hash": "记录摘要（SHA-256）",  # noqa: RUF001
        "verify": "扫描二维码或访问下方网址，核对本回执与存档记录是否一致。",  # noqa: RUF001
        "yes": "✓ 是",
        "no": "\N{MULTIPLICATION SIGN} 否",
        "kinds": {},
        "punctualities": {"early": "提前", "on_time": "准时", "late": "迟到"},
        "page": "{number} · 第 {page} 页",
    },
    "en": {
        "pdf_lang": "en",
        "label_width": 31 * mm,
        "card_label_width": 44 * mm,
        "service_card": "Service card",
        "technician": "Technician",
        "technician_line": "{name} (employee no. {number})",
        "employee_number": "Employee no.",
        "contact_phone": "Contact phone",
        "hotline": "Customer-service hotline",
        "promotion": "This season",
        "receipt": "Work-order receipt",
        "work_order": "Work order",
        "work_order_number": "Work order no.",
        "kind": "Kind",
        "customer": "Customer",
        "customer_phone": "Customer phone",
        "address": "Address",
        "description": "Description",
        "visit": "Visit",
        "visit_sequence": "Visit",
        "visit_sequence_value": "No. {0}",
        "appointed_start": "Appointment",
        "arrived_at": "Arrived",
        "punctuality": "Punctuality",
        "deviation": "{label} ({minutes} min)",
        "late_reason": "Reason for arriving early or late",
        "work_started_at": "Work started",
        "work_done_at": "Work done",
        "checklist": "Service checklist",
        "item": "Item",
        "answer": "Answer",
        "photos": "Photos",
        "photo_count": "{0}",
        "note": "Note: ",
        "conduct": "Customer confirmations",
        "conduct_item": "Conduct",
        "conduct_result": "Customer's view",
        "confirmed": "✓ Confirmed",
        "contested": "\N{MULTIPLICATION SIGN} Contested",
        "contested_because": "\N{MULTIPLICATION SIGN} Contested: {comment}",
        "sign_off": "Customer sign-off",
        "signer": "Signed by",
        "channel": "Signed via",
        "channels": {
            "customer_link": "link sent to the customer",
            "technician_device": "the technician's device",
        },
        "consent": "Declaration",
        "consent_version": "Declaration version",
        "signature": "Signature",
        "signed_at": "Signed at",
        "record": "Record",
        "record_hash": "Record hash (SHA-256)",
        "verify": "Scan the QR code or open the address below to check this receipt against the archived record.",
        "yes": "✓ Yes",
        "no": "\N{MULTIPLICATION SIGN} No",
        "kinds": {"installation": "Installation", "repair": "Repair"},
        "punctualities": {"early": "Early", "on_time": "On time", "late": "Late"},
        "page": "{number} · page {page}",
    },
}


def service_card_pdf(card: dict[str, Any], *, language: str) -> bytes:
    """The service card (A6 landscape) the technician leaves with the customer.

    ``card`` is the snapshot's ``service_card`` block; ``promotion`` may be None.
    Raises ValueError for a language other than Simplified Chinese or English.
    """
    labels = _labels_for(language)
    styles = _Styles()
    page_size = landscape(A6)
    margin = 7 * mm
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=" · ".join(
            filter(None, [labels["service_card"], card.get("company_name")])
        ),
        author=card.get("company_name") or "",
        subject=labels["service_card"],
        creator="fieldservice",
        lang=labels["pdf_lang"],
        invariant=1,
        initialFontName=SANS,
    )
    document.build(
        [
            _service_card_table(
                card,
                labels,
                styles,
                width=page_size[0] - 2 * (margin + _FRAME_PADDING),
                padding=6,
            )
        ]
    )
    return buffer.getvalue()


def receipt_pdf(
    snapshot: dict[str, Any],
    *,
    record_hash: str,
    verify_url: str,
    signature_png: bytes,
    language: str,
) -> bytes:
    """The A4 work-order receipt of a signed-off visit, as many pages as it needs.

    ``signature_png`` must be a readable PNG (Pillow's errors propagate). Raises
    ValueError for a language other than Simplified Chinese or English.
    """
    labels = _labels_for(language)
    styles = _Styles()
    margin = 16 * mm
    width = A4[0] - 2 * (margin + _FRAME_PADDING)
    work_order = snapshot.get("work_order") or {}
    number = work_order.get("number") or ""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 4 * mm,
        title=f"{labels['receipt']} {number}".strip(),
        author=(snapshot.get("company") or {}).get("name") or "",
        subject=labels["receipt"],
        creator="fieldservice",
        lang=labels["pdf_lang"],
        invariant=1,
        initialFontName=SANS,
    )

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(SANS, 7.5)
        canvas.setFillColor(_MUTED)
        canvas.drawCentredString(
            A4[0] / 2,
            margin - 2 * mm,
            labels["page"].format(number=number, page=doc.page),
        )
        canvas.restoreState()

    story: list[Flowable] = [
        *_receipt_heading(snapshot, labels, styles),
        *_section(labels["work_order"], styles),
        _work_order_table(work_order, labels, styles, width),
        *_section(labels["visit"], styles),
        _visit_table(snapshot, labels, styles, width),
        *_section(labels["checklist"], styles),
        _checklist_table(snapshot.get("checklist") or [], labels, styles, width),
        *_section(labels["conduct"], styles),
        _conduct_table(snapshot.get("conduct") or [], labels, styles, width),
        *_section(labels["service_card"], styles),
        _service_card_table(
            snapshot.get("service_card") or {}, labels, styles, width=width
        ),
        *_section(labels["sign_off"], styles),
        *_sign_off_blocks(snapshot, signature_png, labels, styles, width),
        KeepTogether(
            [
                *_section(labels["record"], styles),
                _record_table(record_hash, verify_url, labels, styles, width),
            ]
        ),
    ]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# --- building blocks -------------------------------------------------------------


# Chinese punctuation that must not start a line: fullwidth comma, full stop,
# enumeration comma, semicolon, colon, question and exclamation marks, closing
# brackets and quotes. reportlab's list is Japanese-centred and lacks most of them.
_CHINESE_CANNOT_START_LINE = "\uff0c\u3002\u3001\uff1b\uff1a\uff1f\uff01\uff09\u300b\u300d\u300f\u3011\u201d\u2019"


@functools.cache
def prepare_reportlab() -> None:
    """Registers the embedded fonts and teaches reportlab's CJK line breaking the
    Chinese punctuation it lacks. Only adds to reportlab's global state."""
    for module in (reportlab_textsplit, reportlab_paragraph):
        module.ALL_CANNOT_START += "".join(
            mark
            for mark in _CHINESE_CANNOT_START_LINE
            if mark not in module.ALL_CANNOT_START
        )
    path = str(FONT_FILE)
    pdfmetrics.registerFont(TTFont(SANS, path, subfontIndex=0))
    pdfmetrics.registerFont(TTFont(MONO, path, subfontIndex=1))
    # Markup such as <b> must resolve to a registered face; this font has one.
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS, italic=SANS, boldItalic=SANS
    )


def _labels_for(language: str) -> dict[str, Any]:
    code = (language or "").strip().lower()
    if code.startswith("zh"):
        return _LABELS["zh-hans"]
    if code.startswith("en"):
        return _LABELS["en"]
    raise ValueError(f"No document labels for language {language!r}.")


class _Styles:
    """Paragraph styles. CJK wrapping breaks between Chinese characters and still
    keeps Latin words whole, which suits the mixed text of a snapshot."""

    def __init__(self) -> None:
        prepare_reportlab()
        base = ParagraphStyle(
            "base", fontName=SANS, fontSize=9, leading=12.5, wordWrap="CJK"
        )
        self.body = base
        self.small = ParagraphStyle(
            "small", parent=base, fontSize=7.5, leading=10, textColor=_MUTED
        )
        self.label = ParagraphStyle("label", parent=base, textColor=_MUTED)
        self.header = ParagraphStyle(
            "header", parent=base, fontSize=8.5, textColor=colors.white
        )
        self.title = ParagraphStyle(
            "title", parent=base, fontSize=17, leading=22, textColor=_ACCENT
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=base, fontSize=9.5, leading=13, textColor=_MUTED
        )
        self.section = ParagraphStyle(
            "section", parent=base, fontSize=11, leading=15, textColor=_ACCENT
        )
        self.card_title = ParagraphStyle(
            "card_title", parent=base, fontSize=12, leading=16, textColor=colors.white
        )
        self.card_value = ParagraphStyle(
            "card_value", parent=base, fontSize=10.5, leading=14
        )
        self.contested = ParagraphStyle("contested", parent=base, textColor=_CONTESTED)
        # Hex strings and URLs have no spaces: break them anywhere.
        self.mono = ParagraphStyle(
            "mono",
            fontName=MONO,
            fontSize=8.5,
            leading=11,
            wordWrap=None,
            splitLongWords=True,
        )
        self.mono_small = ParagraphStyle(
            "mono_small", parent=self.mono, fontSize=7, leading=9, textColor=_MUTED
        )
        self.url = ParagraphStyle(
            "url", parent=self.mono, fontSize=7, leading=9, alignment=TA_CENTER
        )


def _text(value: Any, style: ParagraphStyle) -> Paragraph:
    shown = _EMPTY if value is None or value == "" else str(value)
    return Paragraph(escape(shown).replace("\n", "<br/>"), style)


def _table(data: list[list[Any]], **options: Any) -> Table:
    """A table whose rows may split across pages: one cell of free text (a long
    answer, description or consent statement) can be taller than a page, and a
    row that cannot split makes the whole document fail to lay out."""
    return Table(data, splitByRow=1, splitInRow=1, **options)


def _table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    # Tables default to Helvetica, which is not embedded, even for empty cells.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])


def _section(title: str, styles: _Styles) -> list[Flowable]:
    return [
        Spacer(1, 5 * mm),
        Paragraph(escape(title), styles.section),
        HRFlowable(width="100%", thickness=0.8, color=_ACCENT, spaceAfter=2 * mm),
    ]


def _format_time(value: str | None) -> str:
    """An ISO-8601 time as the customer saw it: local time with its offset."""
    if not value:
        return _EMPTY
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    offset = moment.utcoffset()
    if offset is None:
        return f"{moment:%Y-%m-%d %H:%M}"
    offset_minutes = int(offset.total_seconds()) // 60
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{moment:%Y-%m-%d %H:%M} {sign}{hours:02d}:{minutes:02d}"


def _facts_table(
    rows: list[list[tuple[str, Any]]],
    labels: dict[str, Any],
    styles: _Styles,
    width: float,
) -> Table:
    """Label/value pairs, two to a row; a row with one pair spans the width."""
    label_width = labels["label_width"]
    value_width = width / 2 - label_width
    data = []
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, _RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]
    for index, pairs in enumerate(rows):
        cells: list[Any] = []
        for label, value in pairs:
            cells += [_text(label, styles.label), _text(value, styles.body)]
        if len(pairs) == 1:
            cells += ["", ""]
            commands.append(("SPAN", (1, index), (3, index)))
        data.append(cells)
    return _table(
        data,
        colWidths=[label_width, value_width, label_width, value_width],
        style=_table_style(commands),
        hAlign="LEFT",
    )


def _receipt_heading(
    snapshot: dict[str, Any], labels: dict[str, Any], styles: _Styles
) -> list[Flowable]:
    company = snapshot.get("company") or {}
    number = (snapshot.get("work_order") or {}).get("number") or ""
    subtitle = " · ".join(
        part
        for part in (
            company.get("name"),
            f"{labels['hotline']} {company['hotline']}"
            if company.get("hotline")
            else None,
            number,
        )
        if part
    )
    return [
        Paragraph(escape(labels["receipt"]), styles.title),
        _text(subtitle, styles.subtitle),
    ]


def _work_order_table(
    work_order: dict[str, Any], labels: dict[str, Any], styles: _Styles, width: float
) -> Table:
    kind = labels["kinds"].get(work_order.get("kind")) or work_order.get("kind_label")
    return _facts_table(
        [
            [
                (labels["work_order_number"], work_order.get("number")),
                (labels["kind"], kind),
            ],
            [
                (labels["customer"], work_order.get("customer_name")),
                (labels["customer_phone"], work_order.get("customer_phone")),
            ],
            [(labels["address"], work_order.get("address"))],
            [(labels["description"], work_order.get("description"))],
        ],
        labels,
        styles,
        width,
    )


def _visit_table(
    snapshot: dict[str, Any], labels: dict[str, Any], styles: _Styles, width: float
) -> Table:
    visit = snapshot.get("visit") or {}
    technician = snapshot.get("technician") or {}
    sequence = visit.get("sequence")
    rows: list[list[tuple[str, Any]]] = [
        [
            (
                labels["visit_sequence"],
                labels["visit_sequence_value"].format(sequence)
                if sequence is not None
                else None,
            ),
            (labels["technician"], _technician_line(technician, labels)),
        ],
        [
            (labels["appointed_start"], _format_time(visit.get("appointed_start"))),
            (labels["arrived_at"], _format_time(visit.get("arrived_at"))),
        ],
        [(labels["punctuality"], _punctuality_text(visit, labels))],
    ]
    if visit.get("late_reason"):
        rows.append([(labels["late_reason"], visit["late_reason"])])
    rows.append(
        [
            (labels["work_started_at"], _format_time(visit.get("work_started_at"))),
            (labels["work_done_at"], _format_time(visit.get("work_done_at"))),
        ]
    )
    return _facts_table(rows, labels, styles, width)


def _technician_line(technician: dict[str, Any], labels: dict[str, Any]) -> str:
    name = technician.get("name") or _EMPTY
    if not technician.get("employee_number"):
        return name
    return labels["technician_line"].format(
        name=name, number=technician["employee_number"]
    )


def _punctuality_text(visit: dict[str, Any], labels: dict[str, Any]) -> str | None:
    code = visit.get("punctuality")
    label = labels["punctualities"].get(code) or visit.get("punctuality_label")
    minutes = visit.get("arrival_deviation_minutes")
    if not label:
        return None
    if minutes in (None, "", 0, "0"):
        return label
    try:
        minutes = abs(int(minutes))
    except (TypeError, ValueError):
        return label
    return labels["deviation"].format(label=label, minutes=minutes)


def _answer_text(answer: Any, labels: dict[str, Any]) -> str:
    if answer is None or answer == "":
        return _EMPTY
    if isinstance(answer, bool):
        return labels["yes"] if answer else labels["no"]
    if isinstance(answer, int | float | str):
        return str(answer)
    return json.dumps(answer, ensure_ascii=False)


def _checklist_table(
    items: list[dict[str, Any]], labels: dict[str, Any], styles: _Styles, width: float
) -> Table:
    number_width, answer_width, photos_width = 9 * mm, 42 * mm, 30 * mm
    item_width = width - number_width - answer_width - photos_width
    data: list[list[Any]] = [
        [
            _text("#", styles.header),
            _text(labels["item"], styles.header),
            _text(labels["answer"], styles.header),
            _text(labels["photos"], styles.header),
        ]
    ]
    for position, item in enumerate(items, start=1):
        answer: list[Flowable] = [
            _text(_answer_text(item.get("answer"), labels), styles.body)
        ]
        if item.get("note"):
            answer.append(_text(labels["note"] + item["note"], styles.small))
        photos = item.get("photos") or []
        photo_cell: list[Flowable] = [
            _text(
                labels["photo_count"].format(len(photos)) if photos else _EMPTY,
                styles.body,
            )
        ]
        photo_cell += [
            _text(photo[:_PHOTO_HASH_LENGTH], styles.mono_small) for photo in photos
        ]
        data.append(
            [
                _text(position, styles.small),
                _text(item.get("text"), styles.body),
                answer,
                photo_cell,
            ]
        )
    return _listing_table(data, [number_width, item_width, answer_width, photos_width])


def _listing_table(data: list[list[Any]], widths: list[float]) -> Table:
    """A table with a header row repeated on each page and banded rows."""
    return _table(
        data,
        colWidths=widths,
        repeatRows=1,
        hAlign="LEFT",
        style=_table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), _ACCENT),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _SHADE]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, _RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        ),
    )


def _conduct_table(
    items: list[dict[str, Any]], labels: dict[str, Any], styles: _Styles, width: float
) -> Table:
    result_width = 62 * mm
    data: list[list[Any]] = [
        [
            _text(labels["conduct_item"], styles.header),
            _text(labels["conduct_result"], styles.header),
        ]
    ]
    for item in items:
        if item.get("confirmed"):
            result = _text(labels["confirmed"], styles.body)
        else:
            comment = item.get("comment")
            result = _text(
                labels["contested_because"].format(comment=comment)
                if comment
                else labels["contested"],
                styles.contested,
            )
        data.append([_text(item.get("text"), styles.body), result])
    return _listing_table(data, [width - result_width, result_width])


def _service_card_table(
    card: dict[str, Any],
    labels: dict[str, Any],
    styles: _Styles,
    *,
    width: float,
    padding: float = 3,
) -> Table:
    """The card itself: a titled box, used as the whole service-card page and as a
    block of the receipt."""
    label_width = labels["card_label_width"]
    heading = " · ".join(
        part for part in (card.get("company_name"), labels["service_card"]) if part
    )
    data: list[list[Any]] = [
        [_text(heading, styles.card_title), ""],
        [
            _text(labels["technician"], styles.label),
            _text(card.get("technician_name"), styles.card_value),
        ],
        [
            _text(labels["employee_number"], styles.label),
            _text(card.get("employee_number"), styles.card_value),
        ],
        [
            _text(labels["contact_phone"], styles.label),
            _text(card.get("contact_phone"), styles.card_value),
        ],
        [
            _text(labels["hotline"], styles.label),
            _text(card.get("hotline"), styles.card_value),
        ],
    ]
    commands = [
        ("SPAN", (0, 0), (1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), _ACCENT),
        ("BOX", (0, 0), (-1, -1), 0.8, _ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 1), (-1, -2), 0.3, _RULE),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ]
    promotion = card.get("promotion")
    if promotion:
        data.append(
            [
                [
                    _text(labels["promotion"], styles.small),
                    _text(promotion.get("title"), styles.section),
                    _text(promotion.get("body"), styles.body),
                ],
                "",
            ]
        )
        row = len(data) - 1
        commands += [
            ("SPAN", (0, row), (1, row)),
            ("BACKGROUND", (0, row), (-1, row), _SHADE),
            ("TOPPADDING", (0, row), (-1, row), 5),
            ("BOTTOMPADDING", (0, row), (-1, row), 6),
        ]
    return _table(
        data,
        colWidths=[label_width, width - label_width],
        hAlign="LEFT",
        style=_table_style(commands),
    )


def _sign_off_blocks(
    snapshot: dict[str, Any],
    signature_png: bytes,
    labels: dict[str, Any],
    styles: _Styles,
    width: float,
) -> list[Flowable]:
    """Who signed, to what, and when, then the signature itself. The facts come
    first at full width, so a long consent statement splits across pages; the
    signature box, of fixed size, is kept together with its label."""
    signer = snapshot.get("signer") or {}
    consent = snapshot.get("consent") or {}
    channel = signer.get("channel")
    box_width, box_height = _SIGNATURE_BOX
    facts = _facts_table(
        [
            [
                (labels["signer"], signer.get("name")),
                (labels["channel"], labels["channels"].get(channel, channel)),
            ],
            [
                (labels["signed_at"], _format_time(snapshot.get("signed_at"))),
                (labels["consent_version"], consent.get("version")),
            ],
            [(labels["consent"], consent.get("text"))],
        ],
        labels,
        styles,
        width,
    )
    signature = Table(
        [
            [_text(labels["signature"], styles.label)],
            [_signature_image(signature_png)],
        ],
        colWidths=[box_width + 4 * mm],
        rowHeights=[None, box_height + 4 * mm],
        hAlign="RIGHT",
        style=_table_style(
            [
                ("BOX", (0, 1), (0, 1), 0.6, _RULE),
                ("ALIGN", (0, 1), (0, 1), "CENTER"),
                ("VALIGN", (0, 1), (0, 1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        ),
    )
    return [facts, Spacer(1, 2 * mm), KeepTogether([signature])]


def _signature_image(png: bytes) -> Image:
    """The signature scaled to fit its box, keeping its proportions."""
    box_width, box_height = _SIGNATURE_BOX
    pixel_width, pixel_height = ImageReader(io.BytesIO(png)).getSize()
    scale = min(box_width / pixel_width, box_height / pixel_height)
    return Image(
        io.BytesIO(png), width=pixel_width * scale, height=pixel_height * scale
    )


def _qr_drawing(value: str) -> Drawing:
    drawing = Drawing(_QR_SIZE, _QR_SIZE, initialFontName=SANS)
    drawing.add(
        QrCodeWidget(
            value,
            barLevel=QR_ERROR_CORRECTION,
            barWidth=_QR_SIZE,
            barHeight=_QR_SIZE,
        )
    )
    return drawing


def _record_table(
    record_hash: str,
    verify_url: str,
    labels: dict[str, Any],
    styles: _Styles,
    width: float,
) -> Table:
    qr_width = _QR_SIZE + 18 * mm
    explanation = [
        _text(labels["record_hash"], styles.label),
        Spacer(1, 1 * mm),
        _text(record_hash, styles.mono),
        Spacer(1, 3 * mm),
        _text(labels["verify"], styles.small),
    ]
    qr = [_qr_drawing(verify_url), _text(verify_url, styles.url)]
    return Table(
        [[explanation, qr]],
        colWidths=[width - qr_width, qr_width],
        hAlign="LEFT",
        style=_table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("BOX", (0, 0), (-1, -1), 0.6, _RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        ),
    )
