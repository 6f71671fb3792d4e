"""Amounts read the same way in every language: groups of three with commas, two decimals."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_an_amount_is_grouped_by_thousands_in_every_language(language):
    with translation.override(language):
        shown = Template('{{ amount|floatformat:"2g" }} {{ amount|floatformat:"-3" }}').render(
            Context({"amount": Decimal("1234567.5")}))
    assert shown == "1,234,567.50 1234567.500"
