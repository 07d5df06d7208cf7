"""Public registry pages: organizations, their US membership timelines, events, instruments."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from articles.selectors import citing_translations
from freshness.http import public_page
from organizations.filters import MembershipEventFilter, OrganizationFilter, StatusDateForm
from organizations.models import Instrument, MembershipEvent, Organization
from organizations.registry_io.schema import TABLES as REGISTRY_TABLES
from organizations.status import membership_status, status_periods
from organizations.timeline import build_timeline, describe, precision_by_date
from reader.languages import reader_language

PAGE_SIZE = 50
# An organization page lists this many of its events, newest first, per page.
EVENTS_PAGE_SIZE = 100
REGISTRY_COUNTRY = "US"

EXPORT_COLUMNS = (
    "slug",
    "name",
    "acronym",
    "kind",
    "un_related",
    "status",
    "parent",
    "domains",
    "wikidata_id",
    "url",
    "relation",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

SORTABLE_COLUMNS = (
    ("name", _("Name")),
    ("acronym", _("Acronym")),
    ("kind", _("Kind")),
    ("founded", _("Founded")),
    ("status", _("US status")),
)


def _sort_links(current: str) -> dict[str, dict]:
    """Per sortable column: its label, `aria-sort` state and the sort a click asks for."""
    links = {}
    for key, label in SORTABLE_COLUMNS:
        if current == key:
            state, next_sort = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, next_sort = "descending", key
        else:
            state, next_sort = "", key
        links[key] = {"label": label, "state": state, "next": next_sort}
    return links


def spreadsheet_safe(value: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would otherwise run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def _export_rows(request: HttpRequest, organizations: Iterable[Organization]) -> Iterator[dict]:
    for organization in organizations:
        row = {
            **organization.open_data(),
            "status": organization.status,
            "url": request.build_absolute_uri(organization.get_absolute_url()),
            "relation": organization.relation,
        }
        yield {column: row[column] for column in EXPORT_COLUMNS}


def export_csv(request: HttpRequest, organizations: Iterable[Organization]) -> HttpResponse:
    """The organizations as CSV, every text cell made safe to open in a spreadsheet."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="organizations.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for row in _export_rows(request, organizations):
        row["un_related"] = "true" if row["un_related"] else "false"
        row["parent"] = row["parent"] or ""
        row["domains"] = ";".join(row["domains"])
        writer.writerow(spreadsheet_safe(str(row[column])) for column in EXPORT_COLUMNS)
    return response


def export_json(request: HttpRequest, organizations: Iterable[Organization]) -> JsonResponse:
    """The organizations as JSON: `{"count": n, "results": [...]}`."""
    results = list(_export_rows(request, organizations))
    response = JsonResponse(
        {"count": len(results), "results": results}, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="organizations.json"'
    return response


EXPORTS = {"csv": export_csv, "json": export_json}


class PaginatedFilterView(FilterView):
    """A filtered public list in pages of PAGE_SIZE; a page that is not a page number is a 404.

    It is a `public_page` whose parameters are its filters and the page number.
    """

    paginate_by = PAGE_SIZE
    # An invalid field is reported on the form and left out; the valid ones still filter.
    strict = False

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        parameters = [*self.filterset_class.base_filters, "page"]
        return public_page(super().dispatch, parameters=parameters)(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(
            page.number, on_each_side=2, on_ends=1
        )
        return context


class OrganizationListView(PaginatedFilterView):
    """The registry: filter, sort, page through and download organizations."""

    filterset_class = OrganizationFilter
    template_name = "organizations/organization_list.html"
    context_object_name = "organizations"

    def get_queryset(self):
        return (
            Organization.objects.for_list()
            .with_status()
            .with_local_name(reader_language())
            .order_by("local_name", "pk")
        )

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        export = EXPORTS.get(request.GET.get("format", ""))
        if export is None:
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        return export(request, filterset.qs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sort_links"] = _sort_links(self.filterset.current_sort)
        context["selected_instrument"] = self.filterset.selected_instrument
        context["registry_tables"] = [table.name for table in REGISTRY_TABLES]
        return context


@dataclass(frozen=True)
class ShownName:
    """One name of an organization as its page lists it."""

    name: str
    acronym: str
    language: str
    language_name: str
    is_readers_language: bool


def names_for_reader(organization: Organization, language: str) -> list[ShownName]:
    """Names in the reader's language first, then the English canonical name, then the rest.

    Within a language the preferred name comes first (the order of `names`).
    """
    language_names = dict(settings.LANGUAGES)
    position = {code: index for index, code in enumerate(language_names)}
    canonical = ShownName(
        organization.name,
        organization.acronym,
        "en",
        language_names.get("en", "en"),
        is_readers_language=language == "en",
    )
    aliases = [
        ShownName(
            name.name,
            name.acronym,
            name.language,
            language_names.get(name.language, name.language),
            is_readers_language=name.language == language,
        )
        for name in organization.names.all()
        if not (name.language == "en" and name.name == organization.name)
    ]
    readers = [name for name in aliases if name.is_readers_language]
    others = sorted(
        (name for name in aliases if not name.is_readers_language),
        key=lambda name: (name.language != "en", position.get(name.language, len(position))),
    )
    if language == "en":
        return [canonical, *readers, *others]
    return [*readers, canonical, *others]


@dataclass(frozen=True)
class TimelineRow:
    """What the timeline needs of one event, read without loading the event itself."""

    pk: int
    kind: str
    country: str
    announced_on: datetime.date | None
    effective_on: datetime.date | None
    date_precision: str


_DIGEST_FIELDS = 6


def _event_digest() -> Subquery:
    """All of an organization's events as one string of `;`-separated rows.

    Each row is `pk,kind,country,announced_on,effective_on,date_precision`.

    An annotation on the organization's own row: the timeline of thousands of
    events costs no query of its own and no model instances.
    """

    def text(field: str):
        return Coalesce(Cast(field, CharField()), Value(""))

    comma = Value(",")
    row = Concat(
        text("pk"),
        comma,
        "kind",
        comma,
        "country",
        comma,
        text("announced_on"),
        comma,
        text("effective_on"),
        comma,
        "date_precision",
        output_field=CharField(),
    )
    digest = (
        MembershipEvent.objects.filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(digest=StringAgg(row, delimiter=Value(";"), output_field=CharField()))
        .values("digest")
    )
    return Subquery(digest, output_field=CharField())


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def timeline_rows(digest: str | None) -> list[TimelineRow]:
    """The events of an `_event_digest`, newest first as the events list orders them."""
    rows = []
    for item in (digest or "").split(";"):
        if not item:
            continue
        pk, kind, country, announced, effective, precision = item.split(",", _DIGEST_FIELDS - 1)
        rows.append(
            TimelineRow(int(pk), kind, country, _date(announced), _date(effective), precision)
        )
    rows.sort(
        key=lambda row: (row.announced_on or row.effective_on or datetime.date.min, row.pk),
        reverse=True,
    )
    return rows


def events_page(organization: Organization, rows: list[TimelineRow], number) -> Page:
    """One page of the organization's events, newest first, loaded with what the table shows.

    Two queries (the events with their instruments, then their sources),
    whatever the page and however many events there are.
    """
    page = Paginator(rows, EVENTS_PAGE_SIZE).get_page(number)
    position = {row.pk: index for index, row in enumerate(page.object_list)}
    events = MembershipEvent.objects.filter(
        organization=organization, pk__in=position
    ).for_timeline()
    page.object_list = sorted(events, key=lambda event: position[event.pk])
    return page


@method_decorator(public_page(parameters=["on", "events_page"]), name="dispatch")
class OrganizationDetailView(DetailView):
    """One organization, its names, sources and US status timeline on a chosen date.

    The timeline covers every event; the events table shows them a page at a
    time (`?events_page=`), so a long history keeps the page small.
    """

    template_name = "organizations/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        language = reader_language()
        return (
            Organization.objects.for_detail(language)
            .with_parent_local_name(language)
            .annotate(event_digest=_event_digest())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = self.object
        language = reader_language()
        today = timezone.localdate()
        status_form = StatusDateForm(self.request.GET or None)
        status_on = status_form.status_date(default=today)
        rows = timeline_rows(organization.event_digest)
        registry_rows = [row for row in rows if row.country == REGISTRY_COUNTRY]
        periods = status_periods(registry_rows, organization.relation)
        page = events_page(organization, rows, self.request.GET.get("events_page"))
        has_local_name = any(
            name.language == language and name.is_preferred for name in organization.names.all()
        )
        context.update(
            {
                "heading_lang": "" if has_local_name or language == "en" else "en",
                # Descriptions and summaries are written in English.
                "content_lang": "" if language == "en" else "en",
                "names": names_for_reader(organization, language),
                "children": list(organization.children.all()),
                "cited_in": citing_translations(organization=organization, language=language),
                "events": page.object_list,
                "events_page": page,
                "events_page_range": page.paginator.get_elided_page_range(
                    page.number, on_each_side=2, on_ends=1
                ),
                "status_form": status_form,
                "status_on": status_on,
                "status_on_is_today": status_on == today,
                "status": membership_status(registry_rows, status_on, organization.relation),
                "timeline": build_timeline(periods, today=today, marker=status_on),
                "timeline_description": describe(
                    periods, precisions=precision_by_date(registry_rows)
                ),
            }
        )
        return context


class MembershipEventListView(PaginatedFilterView):
    """Every membership event, newest first, filterable."""

    filterset_class = MembershipEventFilter
    queryset = MembershipEvent.objects.for_list().newest_first()
    template_name = "organizations/membershipevent_list.html"
    context_object_name = "events"


@method_decorator(public_page(parameters=[]), name="dispatch")
class InstrumentDetailView(DetailView):
    """An instrument and the organizations its events name, with computed counts."""

    template_name = "organizations/instrument_detail.html"
    context_object_name = "instrument"

    def get_queryset(self):
        return Instrument.objects.with_counts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organizations"] = (
            Organization.objects.under_instrument(self.object)
            .with_status()
            .with_local_name(reader_language())
            .order_by("local_name", "pk")
        )
        return context
