"""Pages of every list (documents, customers, leads, approvals, notifications, the audit log …):
one paginator and one page size, `SALESDESK["PAGE_SIZE"]` (README "Configuration"), for the pages
and the API alike.

A list that grows with the business is counted only up to a cap (CappedPaginator): on a million
rows an exact COUNT costs more than the page itself, and nobody pages that far — they filter. Its
templates say "more than …" (`paginator.capped`, `paginator.cap`) and the shared pager
(templates/_page_of.html) "Page 3 of more than 40". Small bounded lists (an import's preview, a
company's people or products, rows already in memory) keep the exact count."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Pages of a list whose total is only counted up to `cap` (COUNT over a LIMIT subquery). `capped`
    tells the page to say "more than …". 2,000: counting up to 10,000 for a manager who sees a fifth
    of the customers read some 50,000 rows, and on a large table PostgreSQL starts such a scan
    wherever the previous one stopped (synchronize_seqscans), so it sometimes read them from disk.
    Past the cap the last page is the one that holds row cap + 1: the pages stop there."""

    cap = 2_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def full_pages(self) -> int:
        """The pages known to be full below the cap: "Page 3 of more than 40"."""
        return self.cap // self.per_page


def page_size() -> int:
    return settings.SALESDESK["PAGE_SIZE"]


def list_page(rows, request, *, per_page: int | None = None, capped: bool = True, cap: int | None = None) -> Page:
    """The page of `rows` the request asks for (?page=, the last one past the end), `per_page`
    rows (default PAGE_SIZE); counted up to `cap` unless `capped` is False (a bounded list)."""
    paginator = (CappedPaginator if capped else Paginator)(rows, per_page or page_size())
    if cap is not None:
        paginator.cap = cap
    return paginator.get_page(request.GET.get("page"))


__all__ = ["CappedPaginator", "list_page", "page_size"]
