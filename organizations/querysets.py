"""Reads of the registry, each owning its joins and prefetches."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone


def _preferred_name(language: str, organization: str = "pk") -> Subquery:
    from organizations.models import OrganizationName

    preferred = OrganizationName.objects.filter(
        organization=OuterRef(organization), language=language, is_preferred=True
    ).values("name")[:1]
    return Subquery(preferred, output_field=models.CharField())


class OrganizationQuerySet(models.QuerySet):
    def with_status(self, on: datetime.date | None = None, country: str = "US"):
        """Annotate `status`: the country's membership status on `on` (default today)."""
        from organizations.status import status_on_expression

        return self.annotate(status=status_on_expression(on or timezone.localdate(), country))

    def with_status_filter(self, status: str, on: datetime.date | None = None):
        """Organizations whose US status on `on` (default today) is `status`."""
        return self.with_status(on).filter(status=status)

    def search(self, query: str):
        """Match `query` against names, aliases and acronyms in every language."""
        from organizations.models import OrganizationName

        query = query.strip()
        if not query:
            return self
        alias_match = OrganizationName.objects.filter(
            Q(name__icontains=query) | Q(acronym__iexact=query), organization=OuterRef("pk")
        )
        return self.filter(
            Q(name__icontains=query) | Q(acronym__iexact=query) | Exists(alias_match)
        )

    def for_list(self):
        """What a list page shows per row, in a fixed number of queries."""
        return self.select_related("parent").prefetch_related("names", "domains")

    def with_local_name(self, language: str):
        """Annotate `local_name`: the preferred name in `language`, else the English one.

        It lets lists sort by the name readers see rather than the canonical one.
        """
        return self.annotate(local_name=Coalesce(_preferred_name(language), "name"))

    def with_parent_local_name(self, language: str):
        """Annotate `parent_local_name`: the parent's name in `language`, else in English."""
        return self.annotate(
            parent_local_name=Coalesce(_preferred_name(language, "parent"), "parent__name")
        )

    def named_in(self, instrument):
        """Organizations with at least one event under `instrument` (an Instrument or a slug)."""
        from organizations.models import MembershipEvent

        events = MembershipEvent.objects.filter(organization=OuterRef("pk"))
        if isinstance(instrument, str):
            events = events.filter(instrument__slug=instrument)
        else:
            events = events.filter(instrument=instrument)
        return self.filter(Exists(events))

    def with_event_announced_between(
        self, after: datetime.date | None = None, before: datetime.date | None = None
    ):
        """Organizations with one event announced on or after `after` and on or before `before`.

        Both bounds apply to the same event, in one subquery, so no row is repeated.
        """
        from organizations.models import MembershipEvent

        events = MembershipEvent.objects.filter(organization=OuterRef("pk"))
        if after is not None:
            events = events.filter(announced_on__gte=after)
        if before is not None:
            events = events.filter(announced_on__lte=before)
        return self.filter(Exists(events))

    def under_instrument(self, instrument):
        """Organizations named in `instrument`, with their names and `instrument_events`."""
        from organizations.models import MembershipEvent

        return self.named_in(instrument).prefetch_related(
            "names",
            Prefetch(
                "events",
                queryset=MembershipEvent.objects.filter(instrument=instrument).order_by(
                    Coalesce("announced_on", "effective_on"), "pk"
                ),
                to_attr="instrument_events",
            ),
        )

    def for_detail(self, language: str):
        """One organization with its names, domains, sources and children's names in `language`.

        Its events are read by the page a page at a time, however many there
        are. Children carry `local_name` rather than their prefetched names, which
        keeps the page within its query budget.
        """
        from organizations.models import Organization

        return self.select_related("parent").prefetch_related(
            "names",
            "domains",
            "sources",
            Prefetch(
                "children",
                queryset=Organization.objects.with_local_name(language).order_by(
                    "local_name", "pk"
                ),
            ),
        )


class InstrumentQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate how many organizations the instrument's events name, by UN-relatedness."""
        return self.annotate(
            organization_count=Count("events__organization", distinct=True),
            un_count=Count(
                "events__organization",
                filter=Q(events__organization__un_related=True),
                distinct=True,
            ),
            non_un_count=Count(
                "events__organization",
                filter=Q(events__organization__un_related=False),
                distinct=True,
            ),
        )


class SourceQuerySet(models.QuerySet):
    pass


class MembershipEventQuerySet(models.QuerySet):
    def verified(self):
        """Events a moderator verified that cite at least one source."""
        from organizations.models import MembershipEvent

        has_source = MembershipEvent.sources.through.objects.filter(
            membershipevent_id=OuterRef("pk")
        )
        return self.filter(verified_at__isnull=False).filter(Exists(has_source))

    def for_timeline(self):
        """Events with what a timeline or event list shows, oldest first."""
        return (
            self.select_related("instrument", "verified_by")
            .prefetch_related("sources")
            .order_by(Coalesce("announced_on", "effective_on"), "effective_on", "pk")
        )

    def newest_first(self):
        """Events by the date they are best known by, latest first."""
        return self.order_by(Coalesce("announced_on", "effective_on").desc(), "-pk")

    def for_list(self):
        """Events with their organization and instrument, for list pages."""
        return self.select_related("organization", "instrument").prefetch_related(
            "organization__names"
        )
