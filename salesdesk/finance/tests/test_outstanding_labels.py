"""What an invoice still has open is labelled as outstanding (未收金额) wherever a receivables list shows
it — never with a word that also means a state ("Open" read 进行中 in Chinese)."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from .conftest import issued_invoice

pytestmark = pytest.mark.django_db


def clerk_of(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.user("checker"))
    return client


def headers(page, table_id):
    table = page.split(f'id="{table_id}"')[1].split("</thead>")[0]
    return [cell.split(">", 1)[1].split("<")[0] for cell in table.split("<th")[1:]]


def test_the_receivables_lists_label_the_outstanding_amount_so(finance, confirmed, english):
    invoice = issued_invoice(finance, confirmed, SBS="1")
    clerk = clerk_of(finance)

    customer_page = clerk.get(reverse("finance:customer_receivables", args=[confirmed.customer_id])).content.decode()
    assert headers(customer_page, "open-invoices")[-1] == "Outstanding"
    assert headers(clerk.get(reverse("finance:receivables")).content.decode(), "aging")[-1] == "Outstanding"
    workbook = clerk.get(reverse("finance:receivables") + "?format=xlsx").content
    assert next(load_workbook(io.BytesIO(workbook)).active.iter_rows(values_only=True))[-1] == "Outstanding"
    invoice_page = clerk.get(reverse("finance:invoice", args=[invoice.pk])).content.decode()
    assert '<dt class="col-4 col-md-2">Outstanding</dt>' in invoice_page
