"""What the customer page shows of the business done with the customer. The customers app sits below
sales and finance (and the complaints, returns … to come) and imports none of them: each registers a
section from its AppConfig.ready() — sales its quotations, contracts, orders and shipments, finance
its invoices, receivables, credit and collection notes.

A section is section(request, customer, user) -> {"key", "title", "template", "order", ...context} or
None. It reads only through the data scope (`Model.objects.restrict(user, "view")`), answers None when
the viewer sees nothing of its kind for this customer (the page then shows nothing of it), and takes
a fixed number of queries however many documents the customer has (grouped sums, the latest few
rows): the customer page is opened all day long. A section that lists documents gives them as
`kinds` (DocumentKind), which customers/_business_kinds.html shows the same way for every module;
customers/_business_section.html is a whole card of them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

SECTIONS: list[Callable] = []

# How many of each kind of document a section lists (the newest first); the counts and sums cover all.
LATEST = 3


@dataclass(frozen=True)
class DocumentRow:
    label: str  # the document's number
    url: str
    on: datetime.date | None
    amount: Decimal | None
    status: str
    status_label: str
    tone: str  # Bootstrap colour of the status badge


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document of the customer as the viewer sees it: how many, what they amount to
    (`amount_label` says which of them the sum counts: the won quotations, the confirmed orders …),
    the latest few, and the list to see them all."""

    key: str
    label: str
    count: int
    amount: Decimal
    amount_label: str
    list_url: str = ""
    rows: list[DocumentRow] = field(default_factory=list)


def register_section(section: Callable) -> None:
    if section not in SECTIONS:
        SECTIONS.append(section)


def sections_for(request, customer, user) -> list[dict]:
    """The sections the viewer gets for this customer, in their `order` (then as registered)."""
    found = []
    for section in SECTIONS:
        shown = section(request, customer, user)
        if shown:
            found.append(shown)
    return sorted(found, key=lambda shown: shown.get("order", 100))
