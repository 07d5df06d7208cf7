"""Numbered pages for ninja's `@paginate`: `{"count", "next", "previous", "results"}`.

A list operation returns all its rows, lazily (a QuerySet, or `Shown` rows
when each needs shaping); `NumberedPages` counts them, slices out the page
asked for and links to its neighbours, so a page loads its own rows only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from api.errors import NotFound

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


class Shown:
    """Rows as the API shows them: a slice is taken of the rows, then only it is shown.

    It behaves as a list does for the paginator: `len()` counts the rows (one
    query for a QuerySet) and a slice loads and shows just those rows.
    """

    def __init__(self, rows: QuerySet | list, show: Callable[[Any], Any]) -> None:
        self.rows = rows
        self.show = show

    def __len__(self) -> int:
        return self.rows.count() if isinstance(self.rows, QuerySet) else len(self.rows)

    def __getitem__(self, index: slice) -> list[Any]:
        return [self.show(row) for row in self.rows[index]]

    def __iter__(self) -> Iterator[Any]:
        return (self.show(row) for row in self.rows)


def _link(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="The page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Results per page, at most {MAX_PAGE_SIZE}.",
    )


class NumberedPages(PaginationBase):
    """Pages numbered from 1, with absolute links to the next and previous ones.

    A page past the last one is a 404; an empty list still has its page 1.
    """

    # Named outside the class, so that the OpenAPI document calls it PageQuery.
    Input = PageQuery

    class Output(Schema):
        count: int = Field(description="How many results there are on all pages.")
        next: str | None = Field(description="The URL of the next page.")
        previous: str | None = Field(description="The URL of the previous page.")
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(
        self, queryset: Any, pagination: PageQuery, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        """The page `pagination` asks for of `queryset` (a QuerySet, a list or `Shown` rows)."""
        page, size = pagination.page, pagination.page_size
        count = self._items_count(queryset)
        last = max(1, math.ceil(count / size))
        if page > last:
            raise NotFound(
                _("Page %(page)s does not exist: there are %(last)s.")
                % {"page": page, "last": last}
            )
        start = (page - 1) * size
        return {
            "count": count,
            "next": _link(request, page + 1) if page < last else None,
            "previous": _link(request, page - 1) if page > 1 else None,
            "results": queryset[start : start + size] if count else [],
        }
