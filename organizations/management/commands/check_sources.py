"""`manage.py check_sources`: how well the registry's facts are sourced."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.models import Source
from organizations.quality import source_report


class Command(BaseCommand):
    help = (
        "Report how the registry's facts are sourced: sources by kind, addresses that name a "
        "whole site rather than a document, events citing no source, events with and without "
        "a primary source, verified events, events cited as evidence that no moderator has "
        "verified, and sources without an archived copy. Fails (exit status 1) when an address "
        "names no document or an event cites no source; the other lines are for the "
        "moderators' work list. -v 2 lists every record behind each count."
    )

    def handle(self, *args, verbosity: int, **options):
        report = source_report()
        kinds = ", ".join(
            f"{Source.Kind(kind).label} ({kind}) {count}"
            for kind, count in report.sources_by_kind.items()
        )
        lines = [
            (_("Sources: %(count)d — %(kinds)s") % {"count": report.sources, "kinds": kinds}, []),
            (
                _("Bare-domain URLs: %(count)d") % {"count": len(report.bare_domain_sources)},
                [source.url for source in report.bare_domain_sources],
            ),
            (
                _("Events without a source: %(count)d")
                % {"count": len(report.events_without_source)},
                [event.key for event in report.events_without_source],
            ),
            (
                _("Events with a primary source: %(count)d of %(events)d")
                % {"count": report.events_with_primary_source, "events": report.events},
                [],
            ),
            (
                _("Events with sources but no primary source: %(count)d")
                % {"count": len(report.events_without_primary_source)},
                [event.key for event in report.events_without_primary_source],
            ),
            (
                _("Verified events: %(count)d of %(events)d")
                % {"count": report.verified_events, "events": report.events},
                [],
            ),
            (
                _("Events cited as evidence but not verified: %(count)d")
                % {"count": len(report.cited_unverified_events)},
                [event.key for event in report.cited_unverified_events],
            ),
            (
                _("Sources without an archive link: %(count)d")
                % {"count": len(report.sources_without_archive)},
                [source.url for source in report.sources_without_archive],
            ),
        ]
        failing = {1, 2}
        for index, (line, records) in enumerate(lines):
            problem = index in failing and records
            self.stdout.write(self.style.ERROR(line) if problem else line)
            if records and (problem or verbosity >= 2):
                for record in records:
                    self.stdout.write(f"  {record}")
        if report.failing:
            raise CommandError(
                _(
                    "The registry cites a whole site instead of a document, "
                    "or an event cites nothing."
                )
            )
