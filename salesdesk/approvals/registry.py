"""The document types that go through approval. Each module registers its own (contracts, orders,
discounts below the floor price, invoice requests, credit overrides, write-offs …) in
AppConfig.ready(), saying what the chain conditions read from a document and what happens to the
document when its approval ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Facts:
    """What a chain's conditions read from a document, taken at submission."""

    amount: Decimal | None = None
    discount: Decimal | None = None  # per cent off the list price, 0–100
    customer_level: str = ""
    channel: str = ""  # the customer's channel (渠道): direct, distributor …
    product_lines: tuple[str, ...] = ()
    owner_id: int | None = None  # the document's owner never approves it either
    below_floor: bool = False  # some price is below its floor price

    def as_json(self) -> dict:
        return {
            "amount": None if self.amount is None else str(self.amount),
            "discount": None if self.discount is None else str(self.discount),
            "customer_level": self.customer_level,
            "channel": self.channel,
            "product_lines": list(self.product_lines),
            "owner_id": self.owner_id,
            "below_floor": self.below_floor,
        }


def _nothing(document, request) -> None:
    return None


@dataclass(frozen=True)
class DocumentType:
    key: str
    label: object
    model: type
    facts: Callable  # facts(document) -> Facts
    title: Callable = str  # title(document) -> "HT-202611-0001 · 客户"
    url: Callable | None = None  # url(document) -> its page
    # What becomes of the document; each runs inside the decision's transaction.
    on_approved: Callable = _nothing
    on_rejected: Callable = _nothing
    on_returned: Callable = _nothing
    on_withdrawn: Callable = _nothing
    # Without a chain that applies: stop and ask an administrator ("stall"), or pass ("approve").
    without_chain: str = "stall"
    # A step held only by the submitter: stop ("stall", the rule against approving one's own) or pass
    # ("skip", where a step is a level of authority the submitter has himself).
    own_steps: str = "stall"
    extra: dict = field(default_factory=dict)


DOCUMENT_TYPES: dict[str, DocumentType] = {}

# The customers' channels, for the chain conditions: the customers app (a layer above) fills this in.
CHANNEL_CHOICES: list[tuple[str, object]] = []


def set_channel_choices(choices) -> None:
    CHANNEL_CHOICES[:] = list(choices)


def register(document_type: DocumentType) -> None:
    DOCUMENT_TYPES[document_type.key] = document_type


def get(key: str) -> DocumentType:
    return DOCUMENT_TYPES[key]


def choices() -> list[tuple[str, object]]:
    return [(key, document_type.label) for key, document_type in DOCUMENT_TYPES.items()]


# --- what the approval page shows of the document ---------------------------------------------------
# Apps above add panels: the lines and payment plan of a priced document, the customer's credit …
# Each panel is panel(request, document, user) -> {"title", "template", ...context} or None.

PANELS: list[Callable] = []


def register_panel(panel: Callable) -> None:
    if panel not in PANELS:
        PANELS.append(panel)


def panels_for(request, user) -> list[dict]:
    document = request.document
    if document is None:
        return []
    found = []
    for panel in PANELS:
        shown = panel(request, document, user)
        if shown:
            found.append(shown)
    return found
