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
