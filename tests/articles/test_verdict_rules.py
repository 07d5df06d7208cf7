"""Verdicts follow the evidence: the rules block a submission, show on the review
page and in `check_claims`, each naming the claim.

Submissions go through the translation's admin page, as an editor would
submit; `check_claims` reads what readers see.
"""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import checks, workflow
from articles.models import Claim, Evidence, FigureCheck, Translation
from organizations.models import MembershipEvent, Source
from tests import factories
from tests.articles.test_admin_editing import messages_of

pytestmark = pytest.mark.django_db

Verdict = Claim.Verdict
Relation = Evidence.Relation
Kind = Claim.Kind


def article_with_claim(*, verdict, relations=(Relation.SUPPORTS,), kind=Kind.FACT, note=""):
    """A one-claim article ready for review: its claim has `verdict`, evidence of `relations`."""
    original, _ = factories.article_ready_for_review(languages=(), claims=1)
    claim = Claim.objects.working().get(article=original.article)
    claim.evidence.all().delete()
    for relation in relations:
        factories.EvidenceFactory(claim=claim, relation=relation)
    Claim.objects.filter(pk=claim.pk).update(verdict=verdict, kind=kind, note=note)
    return original, claim


def submit_in_the_admin(translation, user):
    client = Client()
    client.force_login(user)
    return client.post(
        reverse("admin:articles_translation_transition", args=[translation.pk]),
        {"action": "submit"},
        follow=True,
    )


def figure_check(claim, stated):
    """A figure check counting events under an instrument: the registry gives 1."""
    instrument = factories.InstrumentFactory()
    factories.MembershipEventFactory(
        instrument=instrument, kind=MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED
    )
    return FigureCheck.objects.create(
        claim=claim,
        stated_value=Decimal(stated),
        measure=FigureCheck.Measure.ORGANIZATIONS_WITH_EVENT_UNDER_INSTRUMENT,
        instrument=instrument,
        event_kind=MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED,
    )


BLOCKED = [
    pytest.param(
        {"verdict": Verdict.SUPPORTED, "relations": (Relation.CONTEXT,)},
        "is marked “supported”, but none of its evidence supports it.",
        id="supported-by-context-only",
    ),
    pytest.param(
        {"verdict": Verdict.PARTLY_SUPPORTED, "relations": (Relation.CONTRADICTS,)},
        "is marked “partly supported”, but none of its evidence supports it.",
        id="partly-supported-by-contradicting-evidence",
    ),
    pytest.param(
        {"verdict": Verdict.CONTRADICTED, "relations": (Relation.SUPPORTS, Relation.CONTEXT)},
        "is marked “contradicted”, but none of its evidence contradicts it.",
        id="contradicted-without-contradicting-evidence",
    ),
    pytest.param(
        {"verdict": Verdict.SUPPORTED, "kind": Kind.FIGURE},
        "states a figure but has no figure check.",
        id="figure-without-a-check",
    ),
    pytest.param(
        {"verdict": Verdict.NOT_IN_REGISTRY, "relations": ()},
        "is marked “not in registry” without a note saying what was searched.",
        id="not-in-registry-unexplained",
    ),
]


@pytest.mark.parametrize(("claim_fields", "message"), BLOCKED)
def test_a_verdict_the_evidence_does_not_bear_blocks_submission_naming_the_claim(
    claim_fields, message, editor
):
    original, claim = article_with_claim(**claim_fields)

    response = submit_in_the_admin(original, editor)

    original.refresh_from_db()
    assert original.status == Translation.Status.DRAFT
    assert f"Claim {claim.number} {message}" in messages_of(response)


def test_a_figure_the_registry_contradicts_blocks_supported_but_not_partly_supported(editor):
    original, claim = article_with_claim(verdict=Verdict.SUPPORTED, kind=Kind.FIGURE)
    figure_check(claim, stated=66)

    refused = submit_in_the_admin(original, editor)

    assert any(
        message.startswith(f"Claim {claim.number} is marked “supported”, but its figure")
        for message in messages_of(refused)
    )
    Claim.objects.filter(pk=claim.pk).update(verdict=Verdict.PARTLY_SUPPORTED)
    submit_in_the_admin(original, editor)
    original.refresh_from_db()
    assert original.status == Translation.Status.IN_REVIEW


@pytest.mark.parametrize(
    "claim_fields",
    [
        pytest.param({"verdict": Verdict.SUPPORTED}, id="supported-by-supporting-evidence"),
        pytest.param(
            {"verdict": Verdict.UNVERIFIED, "relations": (Relation.CONTEXT,)},
            id="context-only-left-unverified",
        ),
        pytest.param(
            {"verdict": Verdict.NOT_IN_REGISTRY, "relations": (), "note": "Searched the budget."},
            id="not-in-registry-explained-without-a-record",
        ),
    ],
)
def test_a_verdict_the_evidence_bears_goes_to_review(claim_fields, editor):
    original, _ = article_with_claim(**claim_fields)

    submit_in_the_admin(original, editor)

    original.refresh_from_db()
    assert original.status == Translation.Status.IN_REVIEW


def test_the_review_page_shows_a_verdict_problem_and_offers_no_approval(editor, moderator):
    original, claim = article_with_claim(verdict=Verdict.SUPPORTED)
    workflow.submit(translation=original, by=editor)
    Evidence.objects.filter(claim=claim).update(relation=Relation.CONTEXT)
    client = Client()
    client.force_login(moderator)

    page = client.get(reverse("review:detail", args=[original.pk])).content.decode()

    assert f"Claim {claim.number} is marked “supported”, but none of its evidence supports it." in (
        page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    )
    assert "Approve and publish" not in page
    assert "cannot be approved while the problems above remain" in page
    refused = client.post(
        reverse("review:detail", args=[original.pk]),
        {"action": "approve", **factories.as_seen(original, "approve")},
    )
    assert refused.status_code == 200
    original.refresh_from_db()
    assert original.status == Translation.Status.IN_REVIEW and original.live_revision_id is None


def published_with_a_claim_supported_by_context_only():
    """What an article published before the verdict rules could hold."""
    original, claim = article_with_claim(verdict=Verdict.SUPPORTED, relations=(Relation.CONTEXT,))
    Translation.objects.filter(pk=original.pk).update(
        live_revision=original.latest_revision, status=Translation.Status.PUBLISHED
    )
    factories.publish_claims(original.article)
    return original, claim


def test_check_claims_reports_a_published_claim_supported_by_context_only():
    original, claim = published_with_a_claim_supported_by_context_only()
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("check_claims", "--format", "json", stdout=out)

    assert failed.value.returncode == 1
    report = json.loads(out.getvalue())
    assert report["problems"] == 1 and report["warnings"] == 0
    (problem,) = report["articles"][0]["problems"]
    assert problem["kind"] == "verdict_unsupported" and problem["severity"] == "error"
    assert problem["claim"] == claim.number
    assert problem["article"] == original.article.slug


def test_check_claims_lists_a_not_in_registry_claim_as_a_warning_and_passes():
    original, claim = article_with_claim(
        verdict=Verdict.NOT_IN_REGISTRY, relations=(), note="Searched the FY2026 request."
    )
    Translation.objects.filter(pk=original.pk).update(
        live_revision=original.latest_revision, status=Translation.Status.PUBLISHED
    )
    factories.publish_claims(original.article)
    out = StringIO()

    call_command("check_claims", "--format", "json", stdout=out)

    report = json.loads(out.getvalue())
    assert (report["problems"], report["warnings"]) == (0, 1)
    (warning,) = report["articles"][0]["problems"]
    assert warning["severity"] == "warning" and warning["claim"] == claim.number
    assert "Searched the FY2026 request." in warning["message"]


# Evidence strength: Supported wants a record with an official text or a verification.

SECONDARY_ONLY = "rests on secondary sources only"


def supported_by_an_event(*sources, verified_against=None):
    """A one-claim article marked Supported by an event citing `sources`."""
    original, claim = article_with_claim(verdict=Verdict.SUPPORTED, relations=())
    event = factories.MembershipEventFactory()
    event.sources.add(*sources)
    if verified_against is not None:
        MembershipEvent.objects.filter(pk=event.pk).update(
            verified_source=verified_against, verified_at=timezone.now()
        )
    factories.EvidenceFactory(claim=claim, organization=None, event=event)
    return original, claim


def test_a_claim_resting_on_news_reports_only_is_a_warning_on_the_review_page_and_passes(
    editor, moderator
):
    original, claim = supported_by_an_event(factories.SourceFactory(kind=Source.Kind.SECONDARY))

    submit_in_the_admin(original, editor)

    original.refresh_from_db()
    assert original.status == Translation.Status.IN_REVIEW
    client = Client()
    client.force_login(moderator)
    page = client.get(reverse("review:detail", args=[original.pk])).content.decode()
    warnings = page.split('class="review-warnings"', 1)[1].split("</ul>", 1)[0]
    assert f"Claim {claim.number} is marked" in warnings and SECONDARY_ONLY in warnings
    assert "Approve and publish" in page


@pytest.mark.parametrize(
    "firm",
    [
        pytest.param(lambda: {"sources": [factories.SourceFactory(kind="primary")]}, id="official"),
        pytest.param(
            lambda: (lambda news: {"sources": [news], "verified_against": news})(
                factories.SourceFactory(kind=Source.Kind.SECONDARY)
            ),
            id="verified-against-a-news-report",
        ),
    ],
)
def test_an_official_text_or_a_verification_makes_support_firm(firm, editor):
    given = firm()
    original, _ = supported_by_an_event(
        *given["sources"], verified_against=given.get("verified_against")
    )

    assert not checks.check_versions([original])[original.pk].warnings


def test_a_verification_against_a_source_the_event_no_longer_cites_is_not_firm():
    news, dropped = (factories.SourceFactory(kind=Source.Kind.SECONDARY) for _ in range(2))
    original, claim = supported_by_an_event(news, verified_against=dropped)

    (warning,) = checks.check_versions([original])[original.pk].warnings
    assert warning.kind == checks.ProblemKind.SECONDARY_ONLY and warning.claim == claim.number


def test_check_claims_lists_a_published_claim_on_news_reports_only_as_a_warning():
    original, claim = supported_by_an_event(factories.SourceFactory(kind=Source.Kind.SECONDARY))
    Translation.objects.filter(pk=original.pk).update(
        live_revision=original.latest_revision, status=Translation.Status.PUBLISHED
    )
    factories.publish_claims(original.article)
    out = StringIO()

    call_command("check_claims", "--format", "json", stdout=out)

    report = json.loads(out.getvalue())
    assert (report["problems"], report["warnings"]) == (0, 1)
    (warning,) = report["articles"][0]["problems"]
    assert warning["kind"] == "secondary_only" and warning["severity"] == "warning"
    assert warning["claim"] == claim.number
    assert SECONDARY_ONLY in warning["message"]
