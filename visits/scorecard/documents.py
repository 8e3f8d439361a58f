"""The monthly service review as a PDF: the month's figures per team and per
technician, the weekly trend and the technicians' ranking as charts.

Pure rendering of what the service hands over (texts already translated, figures
already shown as strings): no database. Fonts and CJK line breaking are those of
the sign-off documents (WenQuanYi Micro Hei, embedded), so Chinese names show
and extract as text on any machine.
"""

import io
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from visits.signoffs.documents import SANS, prepare_reportlab

_ACCENT = colors.HexColor("#1F4E79")
_RULE = colors.HexColor("#B7C4D1")
_SHADE = colors.HexColor("#EEF2F6")
_MUTED = colors.HexColor("#5A6570")
SERIES_COLOURS = [
    colors.HexColor("#1F4E79"),
    colors.HexColor("#C0504D"),
    colors.HexColor("#4F8A3C"),
]


@dataclass
class Series:
    name: str
    values: list[float | None]


@dataclass
class ReviewDocument:
    """Everything the PDF shows, as text and numbers."""

    language: str  # "zh-CN" or "en"
    title: str
    subtitle: str
    overall_title: str
    overall: list[tuple[str, str]]
    teams_title: str
    teams: list[list[str]]  # header row first
    technicians_title: str
    technicians: list[list[str]]  # header row first
    trend_title: str
    weeks: list[str]
    trend: list[Series]  # percentages, on one 0-100 scale
    complaints_title: str
    complaints: Series  # per hundred visits, on a scale of its own
    ranking_title: str
    ranking: list[tuple[str, float]]  # best first, percentages
    no_data: str
    footer: str = ""
    notes: list[str] = field(default_factory=list)


def review_pdf(document: ReviewDocument) -> bytes:
    """The review as PDF bytes (A4 landscape), byte-stable for the same input."""
    prepare_reportlab()
    styles = _styles()
    buffer = io.BytesIO()
    page = landscape(A4)
    margin = 12 * mm
    template = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=document.title,
        subject=document.subtitle,
        creator="fieldservice",
        lang=document.language,
        invariant=1,
        initialFontName=SANS,
    )
    width = page[0] - 2 * margin - 12
    story: list[Flowable] = [
        Paragraph(escape(document.title), styles["title"]),
        Paragraph(escape(document.subtitle), styles["subtitle"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(document.overall_title), styles["section"]),
        _grid(
            [
                [label for label, _value in document.overall],
                [value for _label, value in document.overall],
            ],
            styles,
            width,
        ),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph(escape(document.trend_title), styles["section"]),
                _trend_chart(document, document.trend, width, percent=True),
                Paragraph(escape(document.complaints_title), styles["section"]),
                _trend_chart(document, [document.complaints], width, percent=False),
            ]
        ),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph(escape(document.ranking_title), styles["section"]),
                _ranking_chart(document, width),
            ]
        ),
        Spacer(1, 4 * mm),
        Paragraph(escape(document.teams_title), styles["section"]),
        _grid(document.teams, styles, width),
        Spacer(1, 4 * mm),
        Paragraph(escape(document.technicians_title), styles["section"]),
        _grid(document.technicians, styles, width),
    ]
    for note in document.notes:
        story.append(Paragraph(escape(note), styles["small"]))

    def footer(canvas, _doc):
        canvas.setFont(SANS, 7.5)
        canvas.setFillColor(_MUTED)
        canvas.drawString(
            margin, 6 * mm, f"{document.footer}  ·  {canvas.getPageNumber()}"
        )

    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=SANS, fontSize=8, leading=10, wordWrap="CJK")
    return {
        "cell": base,
        "header": ParagraphStyle("header", parent=base, textColor=colors.white),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=17, leading=22, textColor=_ACCENT
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=9.5, leading=13, textColor=_MUTED
        ),
        "section": ParagraphStyle(
            "section", parent=base, fontSize=11, leading=16, textColor=_ACCENT
        ),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=7, leading=9, textColor=_MUTED
        ),
    }


def _grid(
    rows: list[list[str]], styles: dict[str, ParagraphStyle], width: float
) -> Table:
    data: list[list[Any]] = []
    for index, row in enumerate(rows):
        style = styles["header"] if index == 0 else styles["cell"]
        data.append([Paragraph(escape(cell or "—"), style) for cell in row])
    columns = max(len(row) for row in rows)
    first = min(width * 0.18, 40 * mm) if columns > 4 else width / columns
    rest = (width - first) / max(columns - 1, 1)
    table = Table(
        data,
        colWidths=[first] + [rest] * (columns - 1),
        repeatRows=1,
        splitByRow=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("BACKGROUND", (0, 0), (-1, 0), _ACCENT),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _SHADE]),
                ("GRID", (0, 0), (-1, -1), 0.4, _RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _trend_chart(
    document: ReviewDocument, trend: list[Series], width: float, *, percent: bool
) -> Drawing:
    height = (58 if percent else 40) * mm
    drawing = Drawing(width, height, initialFontName=SANS)
    if not document.weeks or not any(
        value is not None for series in trend for value in series.values
    ):
        drawing.add(String(0, height / 2, document.no_data, fontName=SANS, fontSize=9))
        return drawing
    chart = HorizontalLineChart()
    chart.x, chart.y = 30, 28
    chart.width, chart.height = width - 220, height - 40
    # Missing weeks break the line instead of dropping to zero.
    chart.data = [tuple(series.values) for series in trend]
    chart.categoryAxis.categoryNames = document.weeks
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if percent:
        chart.valueAxis.valueMax = 100
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    for index in range(len(trend)):
        colour = SERIES_COLOURS[(index if percent else 1) % len(SERIES_COLOURS)]
        chart.lines[index].strokeColor = colour
        chart.lines[index].strokeWidth = 1.6
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 180, height - 12
    legend.fontName = SANS
    legend.fontSize = 8
    legend.alignment = "right"
    legend.colorNamePairs = [
        (SERIES_COLOURS[(index if percent else 1) % len(SERIES_COLOURS)], series.name)
        for index, series in enumerate(trend)
    ]
    drawing.add(legend)
    return drawing


def _ranking_chart(document: ReviewDocument, width: float) -> Drawing:
    ranking = document.ranking
    bar = 5.5 * mm
    height = max(len(ranking), 1) * bar + 20
    drawing = Drawing(width, height, initialFontName=SANS)
    if not ranking:
        drawing.add(String(0, height / 2, document.no_data, fontName=SANS, fontSize=9))
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 14
    chart.width, chart.height = width - 180, height - 20
    # The chart draws the first category at the bottom: reverse, best on top.
    chart.data = [tuple(value for _name, value in reversed(ranking))]
    chart.categoryAxis.categoryNames = [name for name, _value in reversed(ranking)]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = _ACCENT
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing
