"""PDF papers (ReportLab, imported only when one is written): the certificate, the class list, the annual report.

The text arrives already in its language; this module only lays it out. Chinese is set in the CID fonts every PDF
reader knows (STSong-Light for Simplified and Latin, MSung-Light for Traditional: Adobe's Asian font packs, which
readers substitute when absent): no font file to ship, glyphs and real text (searchable, extractable) on every page.
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
    """Font names by script. ReportLab (4.x–5.1) declares MSung-Light with the GB CMap (UniGB-UCS2-H) although the
    font is Adobe-CNS1: readers then find no CMap and show nothing. It is registered with UniCNS-UCS2-H here."""
    from reportlab.pdfbase import _cidfontdata, pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    _cidfontdata.defaultUnicodeEncodings["MSung-Light"] = ("cht", "UniCNS-UCS2-H")
    for face in ("STSong-Light", "MSung-Light"):
        pdfmetrics.registerFont(UnicodeCIDFont(face))
    return {"zh-Hans": "STSong-Light", "zh-Hant": "MSung-Light", "en": "STSong-Light"}


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
