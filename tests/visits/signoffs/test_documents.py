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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.graphics.barcode import qrencoder

from visits.signoffs.documents import (
    FONT_FILE,
    QR_ERROR_CORRECTION,
    receipt_pdf,
    service_card_pdf,
)

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


# --- any accepted text lays out -----------------------------------------------
# Every text the API or the admin accepts lays out in the PDFs: long, mixed-script
# and odd Unicode text, many checklist items, in both languages. A receipt that
# cannot render can never be produced again, since its record is frozen.

# Any character but NUL (refused at the edge) and lone surrogates (not valid
# UTF-8, so no request can carry them).
ANY_CHARACTER = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
MIXED = st.sampled_from(
    [
        "光猫红灯无法上网，",  # noqa: RUF001
        "fibre modem ",
        "صيانة الشبكة ",
        "😀🛠️📶",
        "e\u0301\u0308\u20dd",
        "\u200b\u200d\u2060",
        "\u200f\u202e\u2067",
        "𠀀𪚥𝔘",
        "\t\r\n\x0b\x1f\x7f\x85",
        "a" * 120,
        "0123456789" * 8,
    ]
)


def texts(max_size: int) -> st.SearchStrategy[str]:
    """Any text up to `max_size` characters, often near the limit: a short
    generated piece repeated, since generated text is short by itself."""
    piece = st.one_of(
        st.text(ANY_CHARACTER, min_size=1, max_size=40),
        st.lists(MIXED, min_size=1, max_size=6).map("".join),
    )
    repeated = st.tuples(piece, st.integers(1, max_size)).map(
        lambda pair: (pair[0] * pair[1])[:max_size]
    )
    return st.one_of(st.text(ANY_CHARACTER, max_size=max_size), repeated)


PDF_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PDF_SETTINGS
@given(
    answer=texts(2000),
    note=texts(500),
    item_text=texts(300),
    description=texts(2000),
    address=texts(255),
    customer_name=texts(100),
    late_reason=texts(500),
    comment=texts(500),
    consent=texts(3000),
    signer=texts(100),
    technician=texts(150),
    promotion=texts(500),
    items=st.integers(min_value=0, max_value=60),
    language=st.sampled_from(["zh-hans", "en"]),
)
def test_any_accepted_text_lays_out_on_the_receipt(
    snapshot,
    signature_png,
    answer,
    note,
    item_text,
    description,
    address,
    customer_name,
    late_reason,
    comment,
    consent,
    signer,
    technician,
    promotion,
    items,
    language,
):
    record = copy.deepcopy(snapshot)
    record["checklist"] = [
        checklist_item(position, kind="text", text=item_text, answer=answer, note=note)
        for position in range(1, items + 1)
    ]
    record["work_order"] |= {
        "description": description,
        "address": address,
        "customer_name": customer_name,
    }
    record["visit"]["late_reason"] = late_reason
    record["technician"]["name"] = technician
    record["conduct"][1]["comment"] = comment
    record["consent"]["text"] = consent
    record["signer"]["name"] = signer
    record["service_card"] |= {
        "technician_name": technician,
        "company_name": customer_name,
        "promotion": {"title": promotion[:100], "body": promotion},
    }

    pdf = render_receipt(record, signature_png, language)

    assert pdf.startswith(b"%PDF")


@PDF_SETTINGS
@given(
    technician=texts(150),
    company=texts(100),
    employee_number=texts(32),
    title=texts(100),
    body=texts(500),
    language=st.sampled_from(["zh-hans", "en"]),
)
def test_any_accepted_text_lays_out_on_the_service_card(
    snapshot, technician, company, employee_number, title, body, language
):
    card = snapshot["service_card"] | {
        "technician_name": technician,
        "company_name": company,
        "employee_number": employee_number,
        "promotion": {"title": title, "body": body},
    }

    pdf = service_card_pdf(card, language=language)

    assert pdf.startswith(b"%PDF")


def test_six_hundred_chinese_characters_in_a_text_answer_render_in_full(
    snapshot, signature_png
):
    # Given the reported case: a long Chinese text answer and a 2,000-character
    # work-order description
    answer = "客户要求把光猫移到客厅并重新布线" * 40  # 600 characters
    record = copy.deepcopy(snapshot)
    record["checklist"][4]["answer"] = answer
    record["work_order"]["description"] = "光猫红灯无法上网" * 250  # 2,000 characters

    # When the receipt is rendered
    pdf = render_receipt(record, signature_png, "zh-hans")

    # Then it renders, with every character of both (counted by characters
    # that occur nowhere else, since page breaks interrupt the phrases)
    text = text_of(pdf)
    assert text.count("布") == 40
    assert text.count("红") == 250


def test_a_long_consent_statement_splits_across_pages(snapshot, signature_png):
    record = copy.deepcopy(snapshot)
    record["consent"]["text"] = "本人兹确认上述服务已完成。" * 400

    pdf = render_receipt(record, signature_png, "zh-hans")

    assert text_of(pdf).count("兹") == 400


def test_the_font_is_the_vendored_wenquanyi_file_with_its_recorded_checksum():
    # The font comes from the repository (Debian's fonts-wqy-microhei), not from
    # an installed package, and matches the checksum in fonts/README.md.
    readme = (FONT_FILE.parent / "README.md").read_text()

    assert FONT_FILE.parent.parent.name == "signoffs"
    assert (FONT_FILE.parent / "COPYING").exists()
    assert hashlib.sha256(FONT_FILE.read_bytes()).hexdigest() in readme


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("zh-hans", ["施工单回执", "光猫红灯", "武汉市洪山区珞喻路", "客户签字"]),
        ("en", ["Work-order receipt", "Customer sign-off", "HG8145V5", "刘洋"]),
    ],
)
def test_chinese_and_english_text_of_a_receipt_extract(
    snapshot, signature_png, language, phrases
):
    text = without_whitespace(
        text_of(render_receipt(snapshot, signature_png, language))
    )

    for phrase in phrases:
        assert without_whitespace(phrase) in text
