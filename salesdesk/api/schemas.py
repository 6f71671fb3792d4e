"""Schemas every resource shares. Each app keeps its own output schemas in its api.py; no password or
token data ever leaves through them."""

from ninja import Schema
from pydantic import Field


class Message(Schema):
    message: str = Field(..., description="What went wrong, in the caller's language.")


class Ref(Schema):
    id: int
    name: str


# --- pages ------------------------------------------------------------------------------------


class Page(Schema):
    """What every list answers besides its results (subclass it with `results: list[…]`)."""

    count: int
    page: int
    page_size: int


# --- input -------------------------------------------------------------------------------------
# What a request body may carry, checked where the schema is (a 422 naming the field, never a 500 from
# the database), and documented in the OpenAPI description: text without control characters and no
# longer than its column, money and quantities that fit their columns, days within 1900–2999.

from datetime import date  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Annotated  # noqa: E402

from django.core.exceptions import ValidationError as DjangoValidationError  # noqa: E402
from pydantic import AfterValidator  # noqa: E402

from salesdesk.core import dates, numbers  # noqa: E402
from salesdesk.core.forms import refuse_control_characters  # noqa: E402

NO_CONTROL_CHARACTERS = r"^[^\u0000-\u001f\u007f-\u009f]*$"
NO_CONTROL_CHARACTERS_MULTILINE = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


def _pydantic(check):
    """A core check (raising Django's ValidationError) as a pydantic validator (raising ValueError, so
    that the problem is a 422 naming the field)."""
    def validate(value):
        try:
            return check(value)
        except DjangoValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
    return validate


_single_line = _pydantic(lambda value: refuse_control_characters(value, multiline=False))
_multi_line = _pydantic(lambda value: refuse_control_characters(value, multiline=True))


def Line(max_length: int):  # noqa: N802  (a type)
    """One line of text, at most `max_length` characters (the column's)."""
    return Annotated[str, Field(max_length=max_length, json_schema_extra={"pattern": NO_CONTROL_CHARACTERS}),
                     AfterValidator(_single_line)]


def Text(max_length: int | None = None):  # noqa: N802
    """Text that may run over several lines (tab and line breaks allowed)."""
    return Annotated[str, Field(max_length=max_length, json_schema_extra={"pattern": NO_CONTROL_CHARACTERS_MULTILINE}),
                     AfterValidator(_multi_line)]


def _decimal_type(digits: tuple[int, int], *, positive: bool):
    largest = numbers.largest(digits)
    return Annotated[Decimal, Field(gt=0 if positive else None, ge=None if positive else -largest, le=largest,
                                    max_digits=digits[0], decimal_places=digits[1])]


Money = _decimal_type(numbers.MONEY, positive=True)  # more than zero, fits a money column
Quantity = _decimal_type(numbers.QUANTITY, positive=True)


_within_calendar = _pydantic(dates.parse_day)


Day = Annotated[date, Field(ge=dates.EARLIEST, le=dates.LATEST), AfterValidator(_within_calendar)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]  # a record id: a positive 64-bit integer
