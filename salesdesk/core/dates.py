"""Days typed or sent by people and programs: parsed without raising, and kept to the years the
application works with.

`0000-00-00`, `2026-02-30`, `0001-01-01` or `9999-12-31` in a filter, a report period or a form once
made a page fail: parse_date raises ValueError for a well-formed impossible day, and a period reaching
the ends of the calendar overflows when a day is added or a time zone applied. Here such a day is
refused with a message (ValidationError), or a page's filter falls back to its default and says so."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)
MAX_DAYS = 36_500  # a count of days (ages, windows): at most a hundred years


def parse_day(text, *, what=None) -> datetime.date | None:
    """A day written YYYY-MM-DD (a date passes as it is); None when empty; ValidationError when it is
    not a day of the calendar or lies outside 1900–2999."""
    what = what or _("The date")
    if isinstance(text, datetime.datetime):
        text = text.date()
    if isinstance(text, datetime.date):
        day = text
    else:
        text = str(text or "").strip()
        if not text:
            return None
        try:
            day = parse_date(text)
        except ValueError:  # well formed, but no such day (2026-02-30, 0000-00-00)
            day = None
        if day is None:
            raise ValidationError(_("%(what)s is not a date: write it like 2026-01-31.") % {"what": what},
                                  code="invalid")
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(_("%(what)s must lie between %(earliest)s and %(latest)s.") % {
            "what": what, "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}, code="out_of_range")
    return day


def day_from(request, name: str, default, *, what=None):
    """The day in the query string parameter `name`, else `default`; a bad one says so on the page
    (messages) and gives the default."""
    try:
        day = parse_day(request.GET.get(name, ""), what=what)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return default
    return default if day is None else day


def days_from(request, name: str, default: int, *, largest: int = MAX_DAYS) -> int:
    """A count of days in the query string (1 … `largest`), else `default`; out of range: the default,
    with a message."""
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text[:12]) <= largest or len(text) > 12:
        messages.error(request, _("A number of days is a whole number from 1 to %(largest)s.") % {
            "largest": f"{largest:,}"})
        return default
    return int(text)
