"""Service card and receipt PDFs: what a customer can read in them, checked by
extracting the text with pypdf, in both languages.

No QR decoder is installed, so the QR code is checked by rebuilding its module
matrix from the rectangles drawn in the PDF and comparing it with a fresh
encoding of the verify URL.
"""

import copy
import hashlib
import io
from collections import defaultdict

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.graphics.barcode import qrencoder

from visits.signoffs.documents import QR_ERROR_CORRECTION, receipt_pdf, service_card_pdf

RECORD_HASH = hashlib.sha256(b"the frozen sign-off record").hexdigest()
VERIFY_URL = "https://fieldservice.example.cn/verify/WO20261123-0002/" + "9f2c4e1a7b3d"
WORK_ORDER_NUMBER = "WO20261123-0002"


def photo_hash(seed: int) -> str:
    return hashlib.sha256(f"photo {seed}".encode()).hexdigest()


def checklist_item(position: int, **overrides) -> dict:
    item = {
        "code": f"item_{position}",
        "stage": "work",
        "text": f"检查项 {position}",
        "kind": "confirm",
        "is_required": True,
        "answer": True,
        "note": "",
        "photos": [],
    }
    return item | overrides


@pytest.fixture
def snapshot() -> dict:
    checklist = [
        checklist_item(
            1,
            code="carry_tools",
            stage="before_departure",
            text="携带所需工具",
            photos=[photo_hash(1), photo_hash(2)],
        ),
        checklist_item(2, code="show_badge", text="出示工作证", answer=False),
        checklist_item(
            3, code="speed", text="测速结果 (Mbps)", kind="number", answer=935.4
        ),
        checklist_item(
            4, code="modem_model", text="光猫型号", kind="choice", answer="HG8145V5"
        ),
        checklist_item(
            5,
            code="remarks",
            text="客户补充说明",
            kind="text",
            answer="客户要求保留旧线",
            note="已拍照",
        ),
        checklist_item(6, code="optional_photo", kind="photo", answer=None),
    ]
    checklist += [checklist_item(position) for position in range(7, 21)]
    return {
        "format": "fieldservice.signoff/1",
        "signed_at": "2026-11-23T11:42:10+08:00",
        "language": "zh-hans",
        "company": {"name": "示例电信", "hotline": "10000"},
        "work_order": {
            "number": WORK_ORDER_NUMBER,
            "kind": "repair",
            "kind_label": "修障",
            "description": "光猫红灯,无法上网",
            "customer_name": "刘洋",
            "customer_phone": "13900000002",
            "address": "武汉市洪山区珞喻路 129 号 5 单元 402",
        },
        "visit": {
            "sequence": 1,
            "appointed_start": "2026-11-23T09:00:00+08:00",
            "arrived_at": "2026-11-23T09:17:00+08:00",
            "punctuality": "late",
            "punctuality_label": "迟到",
            "arrival_deviation_minutes": 17,
            "late_reason": "前一单施工超时",
            "work_started_at": "2026-11-23T09:25:00+08:00",
            "work_done_at": "2026-11-23T11:30:00+08:00",
        },
        "technician": {
            "name": "张伟",
            "employee_number": "T10001",
            "phone": "13800000001",
        },
        "checklist": checklist,
        "conduct": [
            {
                "code": "shoe_covers",
                "text": "装维人员穿了鞋套",
                "confirmed": True,
                "comment": "",
            },
            {
                "code": "site_clean",
                "text": "施工后现场已清理干净",
                "confirmed": False,
                "comment": "地上有线头",
            },
        ],
        "service_card": {
            "technician_name": "张伟",
            "employee_number": "T10001",
            "contact_phone": "13800000001",
            "hotline": "10000",
            "company_name": "示例电信",
            "promotion": {
                "title": "冬季宽带提速",
                "body": "300M 升级 1000M 首年半价,详询 10000。",
            },
        },
        "signer": {"name": "刘洋", "channel": "customer_link"},
        "consent": {
            "version": "2026-11",
            "text": "本人确认上述服务已完成，装维人员已按规范上门服务。",  # noqa: RUF001
        },
        "signature_sha256": hashlib.sha256(b"signature").hexdigest(),
    }


@pytest.fixture(scope="module")
def signature_png() -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(image).line(
        [(30, 150), (90, 40), (140, 160), (200, 60), (330, 70), (560, 90)],
        fill=(20, 20, 60, 255),
        width=6,
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def render_receipt(snapshot: dict, signature_png: bytes, language: str) -> bytes:
    return receipt_pdf(
        snapshot,
        record_hash=RECORD_HASH,
        verify_url=VERIFY_URL,
        signature_png=signature_png,
        language=language,
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def without_whitespace(text: str) -> str:
    return "".join(text.split())


# --- service card ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("zh-hans", ["服务卡", "装维人员", "工号", "联系电话", "客服热线", "时令推荐"]),
        (
            "en",
            [
                "Service card",
                "Technician",
                "Employee no.",
                "Contact phone",
                "Customer-service hotline",
                "This season",
            ],
        ),
    ],
)
def test_the_service_card_shows_the_four_fields_and_the_promotion(
    snapshot, language, labels
):
    # Given the service card block of a signed-off visit
    card = snapshot["service_card"]

    # When it is rendered in the customer's language
    text = " ".join(text_of(service_card_pdf(card, language=language)).split())

    # Then the technician, employee number, phone, hotline and promotion show
    for value in ("张伟", "T10001", "13800000001", "10000", "示例电信"):
        assert value in text
    assert "冬季宽带提速" in text
    assert "300M 升级 1000M 首年半价" in text
    for label in labels:
        assert label in text


def test_chinese_on_the_service_card_extracts_as_chinese_characters(snapshot):
    text = text_of(service_card_pdf(snapshot["service_card"], language="zh-hans"))

    assert "工号" in text
    assert "张伟" in text
    assert "客服热线" in text


def test_a_card_without_a_promotion_leaves_the_promotion_out(snapshot):
    # Given no seasonal promotion
    card = snapshot["service_card"] | {"promotion": None}

    # When the card is rendered
    text = text_of(service_card_pdf(card, language="zh-hans"))

    # Then the four fields are there and the promotion block is not
    for value in ("张伟", "T10001", "13800000001", "10000"):
        assert value in text
    assert "时令推荐" not in text
    assert "冬季宽带提速" not in text


def test_the_service_card_is_one_page_with_a_title_and_embedded_fonts_only(snapshot):
    pdf = service_card_pdf(snapshot["service_card"], language="zh-hans")

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert reader.metadata.title == "服务卡 · 示例电信"
    assert fonts_are_embedded(pdf)


def fonts_are_embedded(pdf: bytes) -> bool:
    """Every font used on every page carries its own TrueType program."""
    fonts = [
        font.get_object()
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    ]
    return bool(fonts) and all(
        "/FontFile2" in font.get("/FontDescriptor", {}) for font in fonts
    )


def test_rendering_the_same_card_twice_gives_the_same_bytes(snapshot):
    card = snapshot["service_card"]

    assert service_card_pdf(card, language="en") == service_card_pdf(
        card, language="en"
    )


def test_an_unknown_language_is_refused(snapshot):
    with pytest.raises(ValueError, match="fr"):
        service_card_pdf(snapshot["service_card"], language="fr")


# --- receipt ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title"),
    [("zh-hans", "施工单回执"), ("en", "Work-order receipt")],
)
def test_the_receipt_carries_the_work_order_record_hash_and_verify_url(
    snapshot, signature_png, language, title
):
    # When a signed-off visit's receipt is rendered
    pdf = render_receipt(snapshot, signature_png, language)

    # Then it names the work order and prints the full hash and the URL,
    # however the lines were wrapped
    text = text_of(pdf)
    assert title in text
    assert WORK_ORDER_NUMBER in text
    assert RECORD_HASH in without_whitespace(text)
    assert VERIFY_URL in without_whitespace(text)
    assert PdfReader(io.BytesIO(pdf)).metadata.title == f"{title} {WORK_ORDER_NUMBER}"


def test_the_receipt_shows_customer_visit_conduct_card_and_sign_off(
    snapshot, signature_png
):
    text = text_of(render_receipt(snapshot, signature_png, "zh-hans"))

    for value in (
        "刘洋",
        "13900000002",
        "武汉市洪山区珞喻路 129 号 5 单元 402",
        "修障",
        "2026-11-23 09:17 +08:00",
        "迟到",
        "前一单施工超时",
        "地上有线头",
        "有异议",
        "冬季宽带提速",
        "客户通过链接签字",
        "2026-11",
        "本人确认上述服务已完成",
        "2026-11-23 11:42 +08:00",
    ):
        assert value in text


def test_checklist_answers_are_rendered_readably(snapshot, signature_png):
    zh = text_of(render_receipt(snapshot, signature_png, "zh-hans"))
    en = text_of(render_receipt(snapshot, signature_png, "en"))

    assert "✓ 是" in zh
    assert "\N{MULTIPLICATION SIGN} 否" in zh
    assert "✓ Yes" in en
    assert "\N{MULTIPLICATION SIGN} No" in en
    for text in (zh, en):
        assert "935.4" in text
        assert "HG8145V5" in text
        assert "客户要求保留旧线" in text
        assert "已拍照" in text


def test_photos_are_counted_and_shown_by_their_first_twelve_hex_digits(
    snapshot, signature_png
):
    text = text_of(render_receipt(snapshot, signature_png, "zh-hans"))

    assert "2 张" in text
    assert photo_hash(1)[:12] in text
    assert photo_hash(2)[:12] in text
    assert photo_hash(1)[:13] not in without_whitespace(text)


def test_the_receipt_embeds_the_signature_image(snapshot, signature_png):
    reader = PdfReader(io.BytesIO(render_receipt(snapshot, signature_png, "en")))

    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    assert images[0].image.size == (600, 200)


def test_a_sixty_item_checklist_runs_over_several_pages(snapshot, signature_png):
    # Given sixty checklist items
    long = copy.deepcopy(snapshot)
    long["checklist"] = [checklist_item(position) for position in range(1, 61)]

    # When the receipt is rendered
    pdf = render_receipt(long, signature_png, "en")

    # Then it paginates, nothing is lost at the page breaks, and the table
    # header repeats on the pages the checklist runs onto
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 2
    text = "\n".join(pages)
    for position in range(1, 61):
        assert f"检查项 {position}\n" in text
    assert RECORD_HASH in without_whitespace(text)
    assert sum("Item\nAnswer\nPhotos" in page for page in pages) >= 2
    assert fonts_are_embedded(pdf)


def test_the_qr_code_drawn_on_the_receipt_encodes_the_verify_url(
    snapshot, signature_png
):
    pdf = render_receipt(snapshot, signature_png, "en")

    assert expected_qr_runs(VERIFY_URL) in drawn_rectangle_grids(pdf)


def test_a_receipt_for_another_url_draws_a_different_qr_code(snapshot, signature_png):
    pdf = render_receipt(snapshot, signature_png, "en")

    assert expected_qr_runs(VERIFY_URL + "0") not in drawn_rectangle_grids(pdf)


def test_rendering_the_same_receipt_twice_gives_the_same_bytes(snapshot, signature_png):
    assert render_receipt(snapshot, signature_png, "zh-hans") == render_receipt(
        snapshot, signature_png, "zh-hans"
    )


# --- QR helpers ------------------------------------------------------------------


def expected_qr_runs(value: str) -> frozenset[tuple[int, int, int]]:
    """Dark runs (row, first column, length) of a fresh encoding of value."""
    code = qrencoder.QRCode(
        None, getattr(qrencoder.QRErrorCorrectLevel, QR_ERROR_CORRECTION)
    )
    code.addData(value)
    code.make()
    runs = set()
    for row, modules in enumerate(code.modules):
        column = 0
        while column < len(modules):
            if modules[column]:
                start = column
                while column < len(modules) and modules[column]:
                    column += 1
                runs.add((row, start, column - start))
            else:
                column += 1
    return frozenset(runs)


def drawn_rectangle_grids(pdf: bytes) -> list[frozenset[tuple[int, int, int]]]:
    """For each page and each rectangle height, the rectangles of that height as
    runs on a grid of that size, counted from the top-left one."""
    reader = PdfReader(io.BytesIO(pdf))
    grids = []
    for page in reader.pages:
        by_height = defaultdict(list)
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"re":
                x, y, width, height = (float(value) for value in operands)
                if height > 0:
                    by_height[round(height, 3)].append((x, y, width))
        for size, rectangles in by_height.items():
            left = min(x for x, _, _ in rectangles)
            top = max(y for _, y, _ in rectangles)
            grids.append(
                frozenset(
                    (
                        round((top - y) / size),
                        round((x - left) / size),
                        round(width / size),
                    )
                    for x, y, width in rectangles
                )
            )
    return grids
