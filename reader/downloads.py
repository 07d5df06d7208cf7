"""Bulk downloads of the whole registry, in the format `load_registry` reads.

Each download is built once per generation of the registry and kept in the
cache; its validators come from the content state, so a client holding the
current copy gets a 304 without the registry being read at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from freshness.generation import content_state
from freshness.http import Validators
from freshness.keys import cached
from organizations.registry_io import csv_rows, registry_json, registry_records
from organizations.registry_io.schema import TABLES_BY_NAME
from reader.views.registry import spreadsheet_safe

REGISTRY = "organizations"


def _download(
    request: HttpRequest, build: Callable[[], str], content_type: str, filename: str
) -> HttpResponse:
    state = content_state()
    validators = Validators.of(request, state, dated=False, representation=filename, scope=REGISTRY)
    if (not_modified := validators.not_modified(request)) is not None:
        return not_modified
    content = cached("registry-download", build, filename, scope=REGISTRY, state=state)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return validators.apply(response)


@require_safe
def registry_json_download(request: HttpRequest) -> HttpResponse:
    """The whole registry as one JSON document that `load_registry` can read back."""
    return _download(
        request,
        lambda: registry_json(registry_records()),
        "application/json; charset=utf-8",
        "concordance-registry.json",
    )


def _table_csv(table: str) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    rows = csv_rows(registry_records(), TABLES_BY_NAME[table])
    writer.writerow(next(rows))
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return stream.getvalue()


@require_safe
def registry_csv_download(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the registry as CSV, in its stable column order.

    Cells a spreadsheet would run as formulas get a leading apostrophe; the
    JSON download is the exact, reloadable form.
    """
    if table not in TABLES_BY_NAME:
        raise Http404("No such registry table.")
    return _download(
        request,
        lambda: _table_csv(table),
        "text/csv; charset=utf-8",
        f"concordance-{table}.csv",
    )
