"""An invoice as a document: HTML (``templates/billing/invoice.html``) and PDF (ReportLab).

Both show the same things: the seller (``BILLING_SELLER`` setting: name, address lines, email,
tax id), the customer as invoiced (name and slug kept on the invoice when it was made), the
number, dates, period, status, every line (quantity, unit price, amount), totals, credit notes and
what is due. Amounts are integer minor units formatted with two decimals; unit prices keep their
``Decimal`` precision (0.1 cent a call reads "$0.001"). Drafts are marked DRAFT.
"""

import functools
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string

from billing.models import Invoice

DEFAULT_SELLER = {
    "name": "OpenChance API Platform",
    "address": ["OpenChance Ltd", "1 Example Street", "London EC1A 1AA", "United Kingdom"],
    "email": "billing@openchance.example",
    "tax_id": "",
}
CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£"}


def seller() -> dict:
    return {**DEFAULT_SELLER, **getattr(settings, "BILLING_SELLER", {})}


def money(amount: int, currency: str) -> str:
    """Minor units → "$1,234.56" (or "-$5.00"; "1,234.56 CHF" for currencies without a symbol)."""
    sign = "-" if amount < 0 else ""
    value = f"{abs(amount) / 100:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency.lower())
    return f"{sign}{symbol}{value}" if symbol else f"{sign}{value} {currency.upper()}"


def unit_price(unit_amount: Decimal, currency: str) -> str:
    """A unit price in minor units → major units with as many decimals as it needs (≥ 2)."""
    major = (Decimal(unit_amount) / 100).normalize()
    exponent = -major.as_tuple().exponent if major.as_tuple().exponent < 0 else 0
    text = f"{abs(major):,.{max(2, exponent)}f}"
    sign = "-" if major < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency.lower())
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency.upper()}"


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def invoice_document(invoice: Invoice) -> dict:
    """What both renderings show, as display strings."""
    currency = invoice.currency
    lines = list(invoice.lines.all())
    notes = list(invoice.credit_notes.all())
    period_end_inclusive = invoice.period_end.date().fromordinal(
        invoice.period_end.date().toordinal() - 1
    )
    return {
        "seller": seller(),
        "customer": {
            "name": invoice.customer_name or invoice.organisation.name,
            "slug": invoice.customer_slug or invoice.organisation.slug,
        },
        "title": "DRAFT INVOICE" if invoice.status == Invoice.Status.DRAFT else "INVOICE",
        "number": invoice.number or f"Draft {invoice.public_id}",
        "public_id": invoice.public_id,
        "status": invoice.get_status_display(),
        "status_code": invoice.status,
        "plan": invoice.plan.name if invoice.plan else invoice.plan_code,
        "period": f"{invoice.period_start:%Y-%m-%d} – {period_end_inclusive:%Y-%m-%d} (UTC)",
        "issued": _date(invoice.issued_at),
        "due": _date(invoice.due_at),
        "paid": _date(invoice.paid_at),
        "currency": currency.upper(),
        "lines": [
            {
                "description": line.description,
                "quantity": f"{line.quantity:,}",
                "unit_price": unit_price(line.unit_amount, currency),
                "amount": money(line.amount, currency),
            }
            for line in lines
        ],
        "subtotal": money(invoice.subtotal, currency),
        "total": money(invoice.total, currency),
        "credited": money(invoice.amount_credited, currency) if invoice.amount_credited else "",
        "paid_amount": money(invoice.amount_paid, currency),
        "due_amount": money(
            0
            if invoice.status in (Invoice.Status.PAID, Invoice.Status.VOID)
            else invoice.amount_due - invoice.amount_paid,
            currency,
        ),  # fmt: skip
        "credit_notes": [
            {
                "number": note.number,
                "date": _date(note.created_at),
                "reason": note.reason,
                "amount": money(-note.amount, currency),
            }
            for note in notes
        ],
        "calls_billable": f"{invoice.calls_billable:,}",
    }


def invoice_html(invoice: Invoice) -> str:
    """The invoice as a standalone HTML page (no external assets)."""
    return render_to_string("billing/invoice.html", {"doc": invoice_document(invoice)})


_FONT_CANDIDATES = [
    # (regular, bold): Debian's DejaVu (wide Unicode coverage), else Bitstream Vera, which
    # ReportLab ships — TrueType either way, so names and symbols are real Unicode text.
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
]


@functools.cache
def _fonts() -> tuple[str, str]:
    import os

    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    bundled = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    candidates = [
        *_FONT_CANDIDATES,
        (os.path.join(bundled, "Vera.ttf"), os.path.join(bundled, "VeraBd.ttf")),
    ]
    for regular, bold in candidates:
        if os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont("InvoiceSans", regular))
            pdfmetrics.registerFont(TTFont("InvoiceSans-Bold", bold))
            return "InvoiceSans", "InvoiceSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as an A4 PDF (ReportLab's platypus; text is real text, so it can be searched
    and read back)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font, bold = _fonts()
    doc = invoice_document(invoice)
    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Invoice {doc['number']}",
        author=doc["seller"]["name"],
        subject=f"{doc['customer']['name']} — {doc['period']}",
    )
    styles = getSampleStyleSheet()
    for name in ("Normal", "Title", "Heading4"):
        styles[name].fontName = bold if name != "Normal" else font
    small = ParagraphStyle("small", parent=styles["Normal"], fontName=font, fontSize=9, leading=12)
    right = ParagraphStyle("right", parent=small, alignment=2)

    def p(text, style=small):
        return Paragraph(escape(str(text)), style)

    seller_lines = [doc["seller"]["name"], *doc["seller"]["address"], doc["seller"]["email"]]
    if doc["seller"].get("tax_id"):
        seller_lines.append(f"Tax id: {doc['seller']['tax_id']}")
    facts = [
        ("Invoice number", doc["number"]),
        ("Status", doc["status"]),
        ("Issued", doc["issued"]),
        ("Due", doc["due"]),
        ("Period", doc["period"]),
        ("Plan", doc["plan"]),
    ]
    story = [
        Paragraph(escape(doc["title"]), styles["Title"]),
        Table(
            [
                [
                    [p("From", styles["Heading4"]), *[p(line) for line in seller_lines if line]],
                    [
                        p("Bill to", styles["Heading4"]),
                        p(doc["customer"]["name"]),
                        p(f"Organisation: {doc['customer']['slug']}"),
                    ],
                    Table([[p(k), p(v, right)] for k, v in facts], colWidths=[28 * mm, 42 * mm]),
                ]
            ],
            colWidths=[62 * mm, 45 * mm, 70 * mm],
            style=[("VALIGN", (0, 0), (-1, -1), "TOP")],
        ),
        Spacer(1, 8 * mm),
    ]
    rows = [[p("Description"), p("Quantity", right), p("Unit price", right), p("Amount", right)]]
    for line in doc["lines"]:
        rows.append(
            [
                p(line["description"]),
                p(line["quantity"], right),
                p(line["unit_price"], right),
                p(line["amount"], right),
            ]
        )
    totals = [("Subtotal", doc["subtotal"]), ("Total", doc["total"])]
    if doc["credited"]:
        totals.append(("Credited", f"-{doc['credited']}"))
    totals += [("Paid", doc["paid_amount"]), ("Amount due", doc["due_amount"])]
    first_total = len(rows)
    for label, value in totals:
        rows.append(["", "", p(label, right), p(value, right)])
    table = Table(rows, colWidths=[90 * mm, 25 * mm, 30 * mm, 29 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, first_total - 1), (-1, first_total - 1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    if doc["credit_notes"]:
        story.append(p("Credit notes", styles["Heading4"]))
        for note in doc["credit_notes"]:
            story.append(
                p(f"{note['number']} ({note['date']}): {note['amount']} — {note['reason']}")
            )
    story.append(
        p(
            f"{doc['calls_billable']} billable API calls in the period. Amounts in "
            f"{doc['currency']}. Reference {doc['public_id']}."
        )
    )
    pdf.build(story)
    return buffer.getvalue()
