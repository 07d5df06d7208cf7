"""The public list of corrections: `/<lang>/corrections/`."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from articles.evidence.corrections import corrections_for_readers
from freshness.http import public_page
from reader.feeds import reader_link

PAGE_SIZE = 25


@require_safe
@public_page(parameters=["page"], dated=False)
def corrections_list(request: HttpRequest) -> HttpResponse:
    """Every correction to published commentary, newest first, each linking to its article."""
    language = get_language() or settings.LANGUAGE_CODE
    page = Paginator(corrections_for_readers(language=language), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = [
        {"correction": correction, "url": reader_link(correction, language)}
        for correction in page.object_list
    ]
    return render(
        request,
        "articles/corrections.html",
        {
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "entries": entries,
        },
    )
