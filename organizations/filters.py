"""Filters of the public registry pages, and the form that picks a status date.

Each FilterSet takes the view's already optimised queryset. Choices that come
from the database (domains, instruments) are read once per request, in
`__init__`, so that validating and drawing the form cost one query each.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import F, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organizations.models import Domain, Instrument, MembershipEvent, Organization
from organizations.status import Relation, Status

ISO_DATE_FORMATS = ["%Y-%m-%d"]

UN_RELATED_CHOICES = [("true", _("UN-related")), ("false", _("Not UN-related"))]


def _date_filter(label: str, **kwargs) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        input_formats=ISO_DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _search_filter(label: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=label,
        method="filter_search",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class OrganizationFilter(django_filters.FilterSet):
    """The registry list: search, kind, US relation, UN-relatedness, domain, status, events."""

    # Sort keys and the columns they order by; ties fall back to the reader's name.
    SORTS = {
        "name": ("local_name",),
        "acronym": ("acronym", "local_name"),
        "kind": ("kind", "local_name"),
        "founded": ("founded", "local_name"),
        "status": ("status", "local_name"),
    }

    q = _search_filter(_("Name, alias or acronym"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organization.Kind.choices, empty_label=_("Any kind")
    )
    relation = django_filters.ChoiceFilter(
        label=_("US relation"), choices=Relation.choices, empty_label=_("Any relation")
    )
    un_related = django_filters.ChoiceFilter(
        label=_("UN-related"),
        choices=UN_RELATED_CHOICES,
        method="filter_un_related",
        empty_label=_("Either"),
    )
    domain = django_filters.ChoiceFilter(
        label=_("Domain"), field_name="domains__slug", empty_label=_("Any domain")
    )
    status = django_filters.ChoiceFilter(
        label=_("US status today"),
        choices=Status.choices,
        method="filter_status",
        empty_label=_("Any status"),
    )
    instrument = django_filters.ChoiceFilter(
        label=_("Named in instrument"), method="filter_instrument", empty_label=_("Any instrument")
    )
    announced_after = _date_filter(
        _("Event announced on or after"), method="filter_announced_between"
    )
    announced_before = _date_filter(
        _("Event announced on or before"), method="filter_announced_between"
    )
    sort = django_filters.ChoiceFilter(label=_("Sort by"), method="filter_sort", empty_label=None)

    class Meta:
        model = Organization
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        domains = Domain.objects.order_by("name").values_list("slug", "name")
        self.instruments = list(Instrument.objects.all())
        self.filters["domain"].extra["choices"] = list(domains)
        self.filters["instrument"].extra["choices"] = [(i.slug, str(i)) for i in self.instruments]
        self.filters["sort"].extra["choices"] = self.sort_choices()

    @classmethod
    def sort_choices(cls) -> list[tuple[str, str]]:
        labels = {
            "name": _("Name"),
            "acronym": _("Acronym"),
            "kind": _("Kind"),
            "founded": _("Year founded"),
            "status": _("US status"),
        }
        choices = []
        for key, label in labels.items():
            choices.append((key, label))
            choices.append((f"-{key}", _("%(field)s, descending") % {"field": label}))
        return choices

    def cleaned(self, name: str):
        """The valid value of one field, or None (invalid fields are left out)."""
        if not self.is_bound:
            return None
        self.form.is_valid()
        return self.form.cleaned_data.get(name)

    @property
    def selected_instrument(self) -> Instrument | None:
        """The instrument the list is filtered by, when that filter is valid."""
        slug = self.cleaned("instrument")
        return next((i for i in self.instruments if i.slug == slug), None)

    @property
    def current_sort(self) -> str:
        return self.cleaned("sort") or "name"

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)

    def filter_un_related(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(un_related=value == "true")

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if "status" not in queryset.query.annotations:
            queryset = queryset.with_status()
        return queryset.filter(status=value)

    def filter_instrument(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.named_in(value)

    def filter_announced_between(
        self, queryset: QuerySet, name: str, value: datetime.date
    ) -> QuerySet:
        # Both bounds describe one event, so they go into one subquery, applied once.
        after = self.form.cleaned_data.get("announced_after")
        if name == "announced_before" and after is not None:
            return queryset
        before = self.form.cleaned_data.get("announced_before")
        return queryset.with_event_announced_between(after=after, before=before)

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if "local_name" not in queryset.query.annotations:
            queryset = queryset.with_local_name(get_language())
        if "status" not in queryset.query.annotations:
            queryset = queryset.with_status()
        descending = value.startswith("-")
        columns = (*self.SORTS[value.removeprefix("-")], "pk")
        return queryset.order_by(
            *(
                F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
                for column in columns
            )
        )


class MembershipEventFilter(django_filters.FilterSet):
    """The event list: kind, instrument, organization, country, UN-relatedness, dates."""

    q = _search_filter(_("Organization name"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=MembershipEvent.Kind.choices, empty_label=_("Any kind")
    )
    instrument = django_filters.ChoiceFilter(
        label=_("Instrument"), field_name="instrument__slug", empty_label=_("Any instrument")
    )
    organization = django_filters.CharFilter(
        label=_("Organization (slug)"),
        field_name="organization__slug",
        max_length=120,
        validators=[RegexValidator(r"^[-a-zA-Z0-9_]+$", _("Enter a slug, such as who."))],
    )
    country = django_filters.CharFilter(
        label=_("Country (ISO code)"),
        method="filter_country",
        max_length=2,
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Enter a two-letter code, such as US."))],
    )
    un_related = django_filters.ChoiceFilter(
        label=_("UN-related"),
        choices=UN_RELATED_CHOICES,
        method="filter_un_related",
        empty_label=_("Either"),
    )
    announced_after = _date_filter(
        _("Announced on or after"), field_name="announced_on", lookup_expr="gte"
    )
    announced_before = _date_filter(
        _("Announced on or before"), field_name="announced_on", lookup_expr="lte"
    )

    class Meta:
        model = MembershipEvent
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instruments = list(Instrument.objects.all())
        self.filters["instrument"].extra["choices"] = [(i.slug, str(i)) for i in self.instruments]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(organization__in=Organization.objects.search(value).values("pk"))

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(country=value.upper())

    def filter_un_related(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(organization__un_related=value == "true")


class StatusDateForm(forms.Form):
    """The date an organization page shows the US status on (`?on=YYYY-MM-DD`)."""

    on = forms.DateField(
        label=_("Status on"),
        required=False,
        input_formats=ISO_DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def status_date(self, default: datetime.date) -> datetime.date:
        """The chosen date, or `default` when none is given or it is malformed."""
        if self.is_bound and self.is_valid() and self.cleaned_data["on"]:
            return self.cleaned_data["on"]
        return default
