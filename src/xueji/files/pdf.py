"""PDF papers (ReportLab, imported only when one is written): the certificate, the class list, the annual report.

The text arrives already in its language; this module only lays it out. Chinese is set in STSong-Light, a CID font
every PDF reader knows (Adobe's Asian font packs, substituted by readers that lack them), addressed through the
UniGB-UCS2-H CMap, which covers every CJK character of Unicode's basic block — Simplified and Traditional alike, so a
mainland name in Simplified prints in a Traditional document too (MSung-Light's Adobe-CNS1 has no 热). Latin runs
(letters, digits, the middle dot of a minority name) are set in Times. No font file to ship; real text on every
page (searchable, extractable).
Files are written through ``files.safe`` (exclusive temporary name, owner-only, refused over an existing file unless
forced); the caller publishes the result.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from xueji.domain.errors import N_, InvalidData


def check_target(path: Path) -> None:
    if path.suffix.lower() != ".pdf":
        raise InvalidData.one("file", str(path), N_("{path}: write a .pdf file."), path=str(path))


@lru_cache(maxsize=1)
def _fonts() -> dict[str, str]:
    """The CJK font by language: the same for all (see above)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return {"zh-Hans": "STSong-Light", "zh-Hant": "STSong-Light", "en": "STSong-Light"}


def font_for(language: str) -> str:
    return _fonts()[language]


LATIN = "Times-Roman"  # Latin letters and digits: the CID fonts' Latin glyphs are a substitute's in most readers


def _cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _runs(text: str, font: str):
    """(piece, font): CJK in the CID font, everything else in the Latin font."""
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or _cjk(text[index]) != _cjk(text[start]):
            yield text[start:index], font if _cjk(text[start]) else LATIN
            start = index


def width_of(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(piece, face, size) for piece, face in _runs(text, font))


def draw(page, x: float, y: float, text: str, font: str, size: float, align: str = "left") -> None:
    """One line, each run in its font; ``align`` left, right or centre (of x)."""
    if align != "left":
        x -= width_of(text, font, size) / (2 if align == "centre" else 1)
    for piece, face in _runs(text, font):
        page.setFont(face, size)
        page.drawString(x, y, piece)
        x += page.stringWidth(piece, face, size)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``: at spaces for Latin text, anywhere between CJK characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            candidate = line + token
            if line and width_of(candidate.rstrip(), font, size) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def _tokens(text: str):
    """Words with their trailing space, and every CJK character (or punctuation) on its own."""
    word = ""
    for ch in text:
        if ord(ch) > 0x2E80:
            if word:
                yield word
                word = ""
            yield ch
        elif ch == " ":
            yield word + " "
            word = ""
        else:
            word += ch
    if word:
        yield word


@dataclass
class CertificateText:
    """A certificate's words, in one language or two (``second``: the English beside the Chinese)."""

    language: str
    title: str
    body: str
    lines: list[str]            # serial, dates, requester…
    signature: list[str]        # the office and the date, bottom right
    code: str                   # the verification code as printed
    check: str                  # how to check it
    second: "CertificateText | None" = None
    qr: str = ""
    extra: dict = field(default_factory=dict)


def certificate(path: Path, text: CertificateText, force: bool = False):
    """One A4 page: title, body, facts, signature block, the verification code and its QR code."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    check_target(path)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle(text.title)
    page.setAuthor(text.signature[0] if text.signature else "")
    page.setCreator("xueji")
    width, height = A4
    margin = 25 * mm
    y = height - 35 * mm
    for part in [text] + ([text.second] if text.second else []):
        font = font_for(part.language)
        main = part is text
        draw(page, width / 2, y, part.title, font, 22 if main else 14, "centre")
        y -= 16 * mm if main else 10 * mm
        size, leading = (12.5, 8 * mm) if main else (10.5, 5.5 * mm)
        for line in _wrap(part.body, font, size, width - 2 * margin):
            draw(page, margin, y, line, font, size)
            y -= leading
        y -= 4 * mm
    font = font_for(text.language)
    for line in text.lines:
        draw(page, margin, y, line, font, 10.5)
        y -= 6 * mm
    y = max(y - 10 * mm, 95 * mm)
    for line in text.signature:
        draw(page, width - margin, y, line, font, 12.5, "right")
        y -= 8 * mm
    # the code and its QR code, bottom left
    size = 32 * mm
    widget = QrCodeWidget(text.qr or text.code)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, page, margin, 22 * mm)
    draw(page, margin + size + 6 * mm, 22 * mm + size - 8 * mm, text.code, font, 11)
    for number, line in enumerate(_wrap(text.check, font, 9, width - 2 * margin - size - 6 * mm)):
        draw(page, margin + size + 6 * mm, 22 * mm + size - 16 * mm - number * 5 * mm, line, font, 9)
    page.showPage()
    page.save()
    from xueji.files import safe

    return safe.prepare(path, buffer.getvalue(), force)


# --- tables: the class list and the annual report ----------------------------------------------------------------

@dataclass
class Section:
    """One table under its heading, with an optional chart of its rows (``chart``: bar, stacked, pie or None)."""

    heading: str
    headers: list[str]
    rows: list[list]
    chart: str | None = None
    total_row: bool = False   # the last row is a total: set in bold, kept out of the chart
    stretch: int | None = None  # the column that takes the page's remaining width (a signature, remarks)


@dataclass
class Paper:
    """A printed document: its sections, the page (A4 portrait or landscape) and what every page's foot says."""

    language: str
    title: str
    sections: list[Section]
    landscape: bool = False
    foot_left: str = ""
    foot_right: str = ""
    page_label: str = "{page} / {pages}"   # e.g. 第 {page} 頁 共 {pages} 頁
    author: str = ""
    subtitle: str = ""
    row_height: float | None = None   # a sign-in sheet's taller rows (points)


def tables(path: Path, paper: Paper, force: bool = False):
    """Tables with their header row repeated on every page, the foot on every page (page X of Y), charts below
    their tables; written under a temporary name (files.safe) for the caller to publish."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    check_target(path)
    font = font_for(paper.language)
    size = landscape(A4) if paper.landscape else A4
    margin = 15 * mm
    body = ParagraphStyle("cell", fontName=font, fontSize=9, leading=11, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=9.5)
    heading = ParagraphStyle("heading", fontName=font, fontSize=13, leading=17, spaceAfter=4)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=21, alignment=1, spaceAfter=2)
    subtitle = ParagraphStyle("subtitle", fontName=font, fontSize=9.5, leading=12, alignment=1, spaceAfter=6)
    usable = size[0] - 2 * margin
    story = [Paragraph(_markup(paper.title), title)]
    if paper.subtitle:
        story.append(Paragraph(_markup(paper.subtitle), subtitle))
    for number, section in enumerate(paper.sections):
        if section.heading:
            story.append(Paragraph(_markup(section.heading), heading))
        data = [[Paragraph(_markup(h), head) for h in section.headers]]
        data += [[Paragraph(_markup("" if v is None else str(v)), body) for v in row] for row in section.rows]
        widths = _widths(section, font, usable)
        table = LongTable(data, colWidths=widths, repeatRows=1,
                          rowHeights=[None] + [paper.row_height] * len(section.rows) if paper.row_height else None)
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8"))]
        if section.total_row and section.rows:
            style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F3F3F3")))
        table.setStyle(TableStyle(style))
        story.append(table)
        if section.chart and section.rows:
            chart = _chart(section, font, usable)
            if chart is not None:
                story += [Spacer(1, 4 * mm), KeepTogether([chart])]
        if number < len(paper.sections) - 1:
            story.append(Spacer(1, 8 * mm))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin,
                                 bottomMargin=margin + 6 * mm, title=paper.title, author=paper.author,
                                 creator=paper.author or "xueji")
    document.build(story, canvasmaker=_numbered(paper, font, size, margin))
    from xueji.files import safe

    return safe.prepare(path, buffer.getvalue(), force)


def _markup(text: str) -> str:
    """A paragraph's text with its Latin runs (letters, digits, the middle dot of a minority name) in the Latin font:
    the CID fonts' own Latin glyphs are substitutes in most readers, and U+00B7 has none."""
    out = []
    for piece, face in _runs(text, ""):
        piece = piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(f'<font name="{face}">{piece}</font>' if face == LATIN else piece)
    return "".join(out)


def _widths(section: Section, font: str, usable: float) -> list[float]:
    """Column widths from the content (the header's longest word, or the widest of the first rows), scaled to the
    page: a long minority name wraps inside its cell; ``stretch`` takes what is left, otherwise it is shared."""
    natural = []
    for index, header in enumerate(section.headers):
        cells = [str(row[index]) for row in section.rows[:300] if row[index] is not None]
        words = header.split() or [header]
        natural.append(min(max([width_of(w, font, 9.5) for w in words] + [width_of(c, font, 9) for c in cells])
                           + 14, 0.4 * usable))  # 12 of the cell's own padding
    total = sum(natural)
    if total > usable:
        return [usable * w / total for w in natural]
    if section.stretch is not None:
        natural[section.stretch] += usable - total
        return natural
    return [w + (usable - total) / len(natural) for w in natural]


def _chart(section: Section, font: str, usable: float):
    """A bar chart (grouped or stacked) or a pie of the section's rows, as reportlab.graphics draws it."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    rows = section.rows[:-1] if section.total_row else section.rows
    if not rows:
        return None
    palette = [colors.HexColor(c) for c in ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47",
                                            "#264478", "#9E480E", "#636363", "#997300")]
    labels = [str(row[0]) for row in rows]
    drawing = Drawing(usable, 170)
    if section.chart == "pie":
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 20, 10, 150, 150
        pie.data = [max(0, float(row[1] or 0)) for row in rows]
        pie.labels = None
        for index in range(len(rows)):
            pie.slices[index].fillColor = palette[index % len(palette)]
        drawing.add(pie)
        series = [(palette[i % len(palette)], f"{labels[i]} ({rows[i][1]})") for i in range(len(rows))]
    else:
        columns = len(section.headers) - 1 - (1 if section.headers[-1] and section.chart == "stacked" and
                                               len(section.headers) > 2 else 0)
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 40, 30, usable * 0.6, 130
        chart.data = [[float(row[c] or 0) for row in rows] for c in range(1, columns + 1)]
        chart.categoryAxis.categoryNames = [label[:8] for label in labels]
        chart.categoryAxis.labels.fontName = font
        chart.categoryAxis.labels.fontSize = 7
        chart.categoryAxis.labels.angle = 30 if len(rows) > 6 else 0
        chart.categoryAxis.labels.boxAnchor = "ne" if len(rows) > 6 else "n"
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        if section.chart == "stacked":
            chart.categoryAxis.style = "stacked"
        for index in range(columns):
            chart.bars[index].fillColor = palette[index % len(palette)]
        drawing.add(chart)
        series = [(palette[i % len(palette)], section.headers[i + 1]) for i in range(columns)]
    legend = Legend()
    legend.x, legend.y = usable * 0.7, 150
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.colorNamePairs = series[:12]
    drawing.add(legend)
    return drawing


def _numbered(paper: Paper, font: str, size, margin: float):
    """A canvas that, once every page is laid out, writes each page's foot: the left and right texts and
    "page X of Y" in the middle."""
    from reportlab.pdfgen import canvas

    class Numbered(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                y = margin * 0.6
                draw(self, margin, y, paper.foot_left, font, 8.5)
                draw(self, size[0] / 2, y, paper.page_label.format(page=number, pages=count), font, 8.5, "centre")
                draw(self, size[0] - margin, y, paper.foot_right, font, 8.5, "right")
                super().showPage()
            super().save()

    return Numbered
