"""Reads of the registry, each owning its joins and prefetches."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone


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

    def for_detail(self):
        """One organization with everything its page shows."""
        from organizations.models import MembershipEvent

        return self.select_related("parent").prefetch_related(
            "names",
            "domains",
            "sources",
            "children__names",
            Prefetch("events", queryset=MembershipEvent.objects.for_timeline()),
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

    def for_list(self):
        """Events with their organization and instrument, for list pages."""
        return self.select_related("organization", "instrument").prefetch_related(
            "organization__names"
        )
