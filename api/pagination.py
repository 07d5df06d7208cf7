"""Numbered pages with links to their neighbours, from the count the caller gives."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from api.errors import NotFound


@dataclass(frozen=True)
class Page:
    """One page of rows and what its envelope says."""

    rows: Sequence[Any]
    count: int
    next: str | None
    previous: str | None

    def envelope(self, results: list[Any]) -> dict[str, Any]:
        """The page as the API answers it, with `results` built from `rows`."""
        return {
            "count": self.count,
            "next": self.next,
            "previous": self.previous,
            "results": results,
        }


def _link(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(request: HttpRequest, rows: Any, *, count: int, page: int, page_size: int) -> Page:
    """Page `page` of `rows` (a QuerySet or a list) holding `count` rows in all.

    A page past the last one is a 404; an empty list still has its page 1.
    """
    last = max(1, math.ceil(count / page_size))
    if page > last:
        raise NotFound(
            _("Page %(page)s does not exist: there are %(last)s.") % {"page": page, "last": last}
        )
    start = (page - 1) * page_size
    return Page(
        rows=list(rows[start : start + page_size]) if count else [],
        count=count,
        next=_link(request, page + 1) if page < last else None,
        previous=_link(request, page - 1) if page > 1 else None,
    )
