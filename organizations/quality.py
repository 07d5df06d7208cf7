"""How well the registry's facts are sourced: what `manage.py check_sources` reports.

The rules live where they are enforced: an address names a document
(`models.names_a_document`, which the loader and the admin refuse to break),
a source has a kind, an event is verified against one of its own sources
(`MembershipEvent.is_verified`). This module only counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from organizations.models import MembershipEvent, Source, names_a_document


@dataclass
class SourceReport:
    """The registry's sourcing, as counts and the records behind the ones that need work."""

    sources: int = 0
    sources_by_kind: dict[str, int] = field(default_factory=dict)
    bare_domain_sources: list[Source] = field(default_factory=list)
    sources_without_archive: list[Source] = field(default_factory=list)
    events: int = 0
    events_without_source: list[MembershipEvent] = field(default_factory=list)
    events_without_primary_source: list[MembershipEvent] = field(default_factory=list)
    events_with_primary_source: int = 0
    verified_events: int = 0
    cited_unverified_events: list[MembershipEvent] = field(default_factory=list)

    @property
    def failing(self) -> bool:
        """Whether the registry cites a site instead of a document, or an event cites nothing."""
        return bool(self.bare_domain_sources or self.events_without_source)


def source_report() -> SourceReport:
    """Count the registry's sources and events by how well they are sourced (a few queries)."""
    report = SourceReport()
    sources = list(Source.objects.order_by("url"))
    report.sources = len(sources)
    counts = Counter(source.kind for source in sources)
    report.sources_by_kind = {kind: counts.get(kind, 0) for kind in Source.Kind.values}
    report.bare_domain_sources = [s for s in sources if not names_a_document(s.url)]
    report.sources_without_archive = [s for s in sources if not s.archive_url]

    events = MembershipEvent.objects.order_by("key")
    report.events = events.count()
    report.events_without_source = list(events.without_source())
    report.events_without_primary_source = list(events.with_source().without_primary_source())
    report.events_with_primary_source = events.with_primary_source().count()
    report.verified_events = events.verified().count()
    report.cited_unverified_events = list(
        events.cited().exclude(pk__in=MembershipEvent.objects.verified().values("pk"))
    )
    return report
