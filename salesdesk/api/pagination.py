"""Page-number pagination for every list: `?page=1&page_size=50` (at most 200 per page).

The response is `{"count", "page", "page_size", "results"}`. A page past the end is an empty
`results` list with the true `count`, so a client can stop when `results` is empty.
"""

from django.conf import settings
from ninja import Query, Schema
from pydantic import Field

MAX_PAGE_SIZE = 200


def default_page_size() -> int:
    return min(settings.SALESDESK.get("PAGE_SIZE", 50), MAX_PAGE_SIZE)


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(default_factory=default_page_size, ge=1,
                           description=f"Items per page (default: the PAGE_SIZE setting, 50 unless set; at most {MAX_PAGE_SIZE}).")


def paginate(queryset, params: PageParams, serialize=None) -> dict:
    """One page of `queryset`; `serialize(list_of_objects)` may turn the page into output rows
    (for example to fetch related data for the whole page in a few queries)."""
    page_size = min(params.page_size, MAX_PAGE_SIZE)
    start = (params.page - 1) * page_size
    count = queryset.count()
    rows = list(queryset[start:start + page_size]) if start < count else []
    return {
        "count": count,
        "page": params.page,
        "page_size": page_size,
        "results": serialize(rows) if serialize is not None else rows,
    }


__all__ = ["MAX_PAGE_SIZE", "PageParams", "Query", "paginate"]
