"""The reader search page: published articles in every language, and the registry."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from freshness.http import public_page
from reader.search import QUERY_MAX_LENGTH, search_page


class SearchForm(forms.Form):
    """What readers search for, and optionally the language of the articles."""

    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Words in any language: an article's text, or an organization's name."),
    )
    language = forms.ChoiceField(
        label=_("Articles in"),
        required=False,
        choices=[("", _("Any language")), *settings.LANGUAGES],
    )


@require_safe
@public_page(parameters=["q", "language", "page"])
def search(request: HttpRequest) -> HttpResponse:
    """Search results for `?q=`, grouped into articles (paginated) and the registry.

    Without a query the page shows the form alone. A form error (an unknown
    language, an over-long query) is shown on the form, with no results; a
    page number that is not a page of results is a 404.
    """
    form = SearchForm(request.GET)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        try:
            results = search_page(
                query=form.cleaned_data["q"],
                language=form.cleaned_data["language"] or None,
                page_number=request.GET.get("page"),
            )
        except InvalidPage as error:
            raise Http404(str(error)) from error
    context = {"form": form, "results": results, "query": results.query if results else ""}
    if results is not None:
        page = results.page
        context["page_obj"] = page
        context["page_range"] = page.paginator.get_elided_page_range(
            page.number, on_each_side=2, on_ends=1
        )
    return render(request, "articles/search.html", context)
