"""The routers of the API's open data: every list and every lookup documented the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja.pagination import paginate

from api import schemas
from api.http import ReadOnlyRouter
from api.pagination import NumberedPages


class DataRouter(ReadOnlyRouter):
    """A read-only router for records: lists in numbered pages and lookups of one record.

    Each operation documents its 200 answer with the validators' headers and
    the errors it can answer with (`schemas.responses`).
    """

    def listing(self, path: str, item: Any, *, url_name: str, summary: str) -> Callable:
        """Register a list of `item` at `path`; the view returns all its rows, lazily.

        ninja's `@paginate` cuts them into `NumberedPages` and documents the page.
        """

        def register(view: Callable) -> Callable:
            return self._documented(path, list[item], url_name=url_name, summary=summary)(
                paginate(NumberedPages)(view)
            )

        return register

    def detail(self, path: str, answer: Any, *, url_name: str, summary: str) -> Callable:
        """Register the operation at `path` that answers with one `answer`."""
        return self._documented(path, answer, url_name=url_name, summary=summary)

    def _documented(self, path: str, answer: Any, *, url_name: str, summary: str) -> Callable:
        return self.get(
            path,
            response=schemas.responses(answer),
            url_name=url_name,
            summary=summary,
            openapi_extra=schemas.OPENAPI_EXTRA,
        )
