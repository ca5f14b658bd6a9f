"""Held-out test documents built by code: a minimal PDF writer, a DOCX with a table, an HTML page with
navigation and a cookie banner. Written for these tests, independent of the handed cases.

`pdf(pages, path)` writes a real PDF (Type1 Helvetica and Helvetica-Bold, WinAnsi encoding) where each
page is a list of `Line(x, y, size, text, bold)`; y counts from the bottom of an A4 page (842 pt).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Line", "pdf", "running_pages", "proctoring_pdf", "thesis_docx", "faculty_html"]

A4 = (595, 842)


@dataclass(frozen=True)
class Line:
    x: float
    y: float
    size: float
    text: str
    bold: bool = False


def _escape(text: str) -> bytes:
    out = bytearray()
    for byte in text.encode("cp1252"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte < 32 or byte > 126:
            out += f"\\{byte:03o}".encode()
        else:
            out.append(byte)
    return bytes(out)


def pdf(pages: list[list[Line]], path: Path, title: str | None = None) -> Path:
    """Write `pages` as a PDF at `path` (fonts F1 Helvetica, F2 Helvetica-Bold)."""
    objects: list[bytes] = [
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    pages_obj = 3 + 2 * len(pages)  # fonts 1-2, then (content, page) per page, then the page tree
    kids = []
    for lines in pages:
        stream = b"".join(
            b"BT /%s %g Tf 1 0 0 1 %g %g Tm (%s) Tj ET\n"
            % (b"F2" if ln.bold else b"F1", ln.size, ln.x, ln.y, _escape(ln.text))
            for ln in lines
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 1 0 R "
            b"/F2 2 0 R >> >> /Contents %d 0 R >>" % (pages_obj, *A4, len(objects))
        )
        kids.append(len(objects))
    objects.append(
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    )
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj)
    info = None
    if title:
        objects.append(b"<< /Title (%s) >>" % _escape(title))
        info = len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, pages_obj + 1)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    Path(path).write_bytes(bytes(out))
    return Path(path)


def running_pages(
    bodies: list[list[tuple[str, bool]]], header: str, footer: str, size: float = 10.5
) -> list[list[Line]]:
    """Pages with a running header and a footer (`{n}` / `{total}` filled in); each body line is
    `(text, is_heading)`, headings bold and larger, a blank line before each heading."""
    pages = []
    for n, body in enumerate(bodies, start=1):
        lines = [Line(56, 800, 8, header)]
        y = 750.0
        for text, heading in body:
            if heading:
                y -= 8
                lines.append(Line(56, y, 13, text, bold=True))
                y -= 22
            else:
                lines.append(Line(56, y, size, text))
                y -= 14.5
        lines.append(Line(260, 40, 8, footer.format(n=n, total=len(bodies))))
        pages.append(lines)
    return pages


def proctoring_pdf(path: Path) -> Path:
    """A 3-page note with a running header and footer, bold headings, a hyphenated word at a line end
    and a sentence broken by a page break."""
    bodies = [
        [
            ("Toezicht bij online toetsen", True),
            ("Bij online toetsen met cameratoezicht worden beelden van de student opgenomen.", False),
            ("De examencommissie beslist of cameratoezicht nodig is; de docent beslist dat niet.", False),
            ("Studenten die geen camera willen gebruiken, krijgen een toets op de campus als alter-", False),
            ("natief aangeboden.", False),
            ("Bewaren van opnames", True),
            ("Opnames van online toetsen worden uiterlijk dertig dagen na de vaststelling", False),
        ],
        [
            ("van de uitslag verwijderd, tenzij er een bezwaarprocedure loopt.", False),
            ("Tijdens een bezwaarprocedure bewaart het LA-team de opname tot de procedure is", False),
            ("afgerond.", False),
            ("Wie kijkt mee", True),
            ("Alleen twee aangewezen surveillanten bekijken de opnames, nooit de docent zelf.", False),
        ],
        [
            ("Melden van incidenten", True),
            ("Een datalek met opnames wordt binnen 24 uur gemeld bij de privacy officer.", False),
        ],
    ]
    pages = running_pages(bodies, "Faculteit Bètawetenschappen – Notitie online toetsing", "versie 0.3 · {n}")
    return pdf(pages, path, title="Notitie online toetsing")


def thesis_docx(path: Path) -> Path:
    """A DOCX guideline with headings, a captioned table, a numbered list and text after the table."""
    import docx

    d = docx.Document()
    d.add_heading("Richtlijn scriptiedata", level=1)
    d.add_paragraph("Deze richtlijn regelt het gebruik van gegevens uit het scriptieproces.")
    d.add_heading("Bewaren", level=2)
    d.add_paragraph("Tabel 2: Bewaartermijnen scriptiedata", style="Caption")
    table = d.add_table(rows=4, cols=3)
    rows = [
        ("Gegevens", "Termijn", "Wie verwijdert"),
        (
            "Conceptversies van de scriptie",
            "Conceptversies worden zes maanden na het afstuderen verwijderd.",
            "De begeleider",
        ),
        ("Plagiaatrapporten", "Plagiaatrapporten worden vijf jaar bewaard.", "De examencommissie"),
        ("Feedback van begeleiders", "Feedback wordt met de scriptie zeven jaar bewaard.", "Het archief"),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    d.add_paragraph("Na afloop van de termijnen worden ook back-ups opgeschoond.")
    d.add_heading("Aanvragen", level=2)
    for step in (
        "Vraag toegang aan bij de scriptiecoördinator.",
        "Onderteken de geheimhoudingsverklaring.",
        "Gebruik de gegevens alleen binnen de beveiligde omgeving.",
    ):
        d.add_paragraph(step, style="List Number")
    d.save(path)
    return Path(path)


def faculty_html(path: Path) -> Path:
    """A faculty web page: cookie banner, header with search, navigation, breadcrumbs, an aside with
    another faculty's retention period and a footer around the main content (a captioned table,
    a rule in a div, a definition list and a list)."""
    Path(path).write_text(
        """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Richtlijn studiedata | Faculteit</title>
<script>window.dataLayer = [];</script><style>.banner{position:fixed}</style></head>
<body>
<div id="cookie-consent" class="banner">Wij gebruiken cookies om deze site te verbeteren.
<button>Alle cookies accepteren</button> <button>Weigeren</button></div>
<header><a href="/">Home</a><form role="search"><input type="search" placeholder="Zoeken op de site">
<button>Zoeken</button></form>
<nav><ul><li><a href="/onderwijs">Onderwijs</a></li><li><a href="/onderzoek">Onderzoek</a></li>
<li><a href="/contact">Contact en openingstijden</a></li></ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/beleid">Beleid</a> &gt; Studiedata</div>
<main><article>
<h1>Richtlijn studiedata van de faculteit</h1>
<p>Deze richtlijn geldt voor alle opleidingen van de faculteit en vult het universitaire LA-beleid aan.</p>
<h2>Bewaartermijnen</h2>
<table><caption>Tabel 1: Bewaartermijnen per gegevenssoort</caption>
<thead><tr><th>Gegevens</th><th>Termijn</th></tr></thead>
<tbody><tr><td>Inloggegevens van de leeromgeving</td><td>Inloggegevens worden na zes maanden verwijderd.</td></tr>
<tr><td>Ingeleverde opdrachten</td><td>Opdrachten worden twee jaar na de beoordeling verwijderd.</td></tr>
</tbody></table>
<h2>Toegang</h2>
<div class="rule">Alleen de examencommissie mag studieresultaten combineren met gegevens uit de leeromgeving.</div>
<dl><dt>Verwerkingsverantwoordelijke</dt><dd>De decaan is verantwoordelijk voor studiedata in de faculteit.</dd>
<dt>Vragen</dt><dd>Vragen over deze richtlijn gaan naar de privacy officer van de faculteit.</dd></dl>
<ul><li>Exports naar persoonlijke opslag zijn niet toegestaan.</li>
<li>Dashboards tonen geen namen van medestudenten.</li></ul>
</article></main>
<aside><h3>Ook interessant</h3><p>Bij een andere faculteit worden enquêtegegevens tien jaar bewaard.</p></aside>
<footer><p>© 2026 Universiteit. Alle rechten voorbehouden.</p><a href="/privacy">Privacy</a>
<a href="/cookies">Cookies</a></footer>
</body></html>
""",
        encoding="utf-8",
    )
    return Path(path)
