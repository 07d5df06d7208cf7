"""Bulk downloads of the whole registry, in the format `load_registry` reads."""

from __future__ import annotations

import csv
import hashlib
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from organizations.registry_io import csv_rows, registry_json, registry_records
from organizations.registry_io.schema import TABLES_BY_NAME
from reader.views.registry import spreadsheet_safe


def _download(request: HttpRequest, content: str, content_type: str, filename: str):
    etag = f'"{hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
def registry_json_download(request: HttpRequest) -> HttpResponse:
    """The whole registry as one JSON document that `load_registry` can read back."""
    return _download(
        request,
        registry_json(registry_records()),
        "application/json; charset=utf-8",
        "concordance-registry.json",
    )


@require_safe
def registry_csv_download(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the registry as CSV, in its stable column order.

    Cells a spreadsheet would run as formulas get a leading apostrophe; the
    JSON download is the exact, reloadable form.
    """
    if table not in TABLES_BY_NAME:
        raise Http404("No such registry table.")
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    rows = csv_rows(registry_records(), TABLES_BY_NAME[table])
    writer.writerow(next(rows))
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return _download(
        request, stream.getvalue(), "text/csv; charset=utf-8", f"concordance-{table}.csv"
    )
