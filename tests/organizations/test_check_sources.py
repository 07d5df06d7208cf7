"""`manage.py check_sources`: how the registry's facts are sourced, failing on what no
fact-checker would accept."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organizations.models import MembershipEvent, Source
from organizations.quality import source_report
from organizations.services import membership_event_verify
from tests.factories import EvidenceFactory, MembershipEventFactory, SourceFactory

pytestmark = pytest.mark.django_db


def check(*args) -> str:
    out = io.StringIO()
    call_command("check_sources", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sourced(moderator):
    """Two events citing documents: one verified against its official text, one not."""
    official = SourceFactory(url="https://example.org/act", kind=Source.Kind.PRIMARY)
    report = SourceFactory(
        url="https://example.org/report",
        archive_url="https://web.archive.org/web/20260131/https://example.org/report",
    )
    verified = MembershipEventFactory(key="verified")
    verified.sources.add(official, report)
    membership_event_verify(event=verified, source=official, by=moderator)
    reported = MembershipEventFactory(key="reported-only")
    reported.sources.add(report)
    return {"verified": verified, "reported": reported}


def test_a_well_sourced_registry_passes_with_its_counts(sourced):
    report = check()

    assert "Sources: 2 — Official text (primary) 1, News report (secondary) 1" in report
    assert "Bare-domain URLs: 0" in report
    assert "Events without a source: 0" in report
    assert "Events with a primary source: 1 of 2" in report
    assert "Events with sources but no primary source: 1" in report
    assert "Verified events: 1 of 2" in report
    assert "Events cited as evidence but not verified: 0" in report
    assert "Sources without an archive link: 1" in report


def test_the_records_behind_each_count_are_listed_on_request(sourced):
    quiet, listed = check(), check("-v", "2")

    assert "  reported-only" not in quiet
    assert "  reported-only" in listed
    assert "  https://example.org/act" in listed


def test_a_bare_domain_fails_and_is_named(sourced):
    sourced["reported"].sources.add(SourceFactory(url="https://www.who.int/"))

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_sources", stdout=out)
    output = out.getvalue()
    assert "Bare-domain URLs: 1" in output
    assert "  https://www.who.int/" in output


def test_an_event_citing_nothing_fails_and_is_named(sourced):
    MembershipEventFactory(key="unsourced")
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("check_sources", stdout=out)

    assert "Events without a source: 1\n  unsourced" in out.getvalue()


def test_events_the_newsroom_cites_are_counted_until_verified(sourced):
    """The registry finds them through any foreign key pointing at them, naming no app."""
    EvidenceFactory(organization=None, event=sourced["reported"])
    EvidenceFactory(organization=None, event=sourced["verified"])

    assert list(MembershipEvent.objects.cited().order_by("key")) == [
        sourced["reported"],
        sourced["verified"],
    ]
    assert source_report().cited_unverified_events == [sourced["reported"]]
    assert "Events cited as evidence but not verified: 1\n" in check()
