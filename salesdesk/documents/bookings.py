"""Booked documents changed: the one signal that the services of sales and finance send, in their
transaction, when an order is confirmed or cancelled, a shipment released, a contract comes into
force, an invoice is issued or cancelled, a payment confirmed, allocated or an allocation undone, a
write-off approved, or past orders imported. Whoever keeps figures derived from the documents (the
reports' monthly figures) listens; the services do not need to know who.

    bookings.changed(orders=[order])          # documents or their ids
    bookings.changed(owners=[7], days=[day])  # who and when, where the documents are gone (an undo)
"""

from __future__ import annotations

from django.dispatch import Signal

booked = Signal()


def _ids(documents) -> list[int]:
    return [getattr(document, "pk", document) for document in documents if document is not None]


def changed(*, orders=(), shipments=(), contracts=(), invoices=(), payments=(), owners=(), days=()) -> None:
    booked.send(sender=None, orders=_ids(orders), shipments=_ids(shipments), contracts=_ids(contracts),
                invoices=_ids(invoices), payments=_ids(payments), owners=_ids(owners),
                days=[day for day in days if day is not None])
