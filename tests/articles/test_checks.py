"""One claim-problem engine: every page and command names the same problems in the same words.

One article carries every kind of problem. The workflow, the review page,
the admin's claims page and article list, and `check_claims` each report
what they report, and it is the same problem with the same sentence; the
anchor states read on the review page and the claims page use one set of
labels.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from articles import checks, workflow
from articles.checks import ProblemKind
from articles.models import Claim, FigureCheck, Translation
from organizations.services import membership_event_update
from tests import factories

pytestmark = pytest.mark.django_db

# The problems of a version's text and claims, which pages about the latest text show.
TEXT_KINDS = set(checks.BLOCKING) | set(checks.WARNINGS)


@pytest.fixture
def troubled(editor, moderator):
    """A published Chinese original and English translation, then every problem at once.

    The text never changes after approval, so what readers see (live) and
    what editors work on (latest) are the same revision; a French version
    has no text at all.
    """
    original, (english, french) = factories.article_ready_for_review(
        languages=("en", "fr"), claims=2, written_by=editor
    )
    article = original.article
    event = factories.MembershipEventFactory()
    figure_claim = Claim.objects.working().get(article=article, number=1)
    figure_claim.kind = Claim.Kind.FIGURE
    figure_claim.save()
    FigureCheck.objects.create(
        claim=figure_claim,
        measure=FigureCheck.Measure.ORGANIZATIONS_WITH_EVENT_UNDER_INSTRUMENT,
        instrument=factories.InstrumentFactory(),
        event_kind="withdrawal_announced",
        stated_value=66,
    )
    factories.EvidenceFactory(claim=figure_claim, organization=None, event=event)
    for translation in (original, english):
        workflow.submit(translation=translation, by=editor)
        workflow.approve(translation=translation, by=moderator)
    Translation.objects.filter(pk=french.pk).update(latest_revision=None)
    french = Translation.objects.get(pk=french.pk)
    # Outdated: a newer original goes live.
    workflow.revision_create(
        translation=original,
        title="Newer",
        standfirst="",
        body=original.latest_revision.body,
        by=editor,
    )
    workflow.submit(translation=original, by=editor)
    workflow.approve(translation=original, by=moderator)

    working = Claim.objects.working().filter(article=article)
    # Orphaned: claim 1's English quote no longer stands in the text.
    english.anchors.filter(claim__in=working, claim__number=1).update(
        quote="words that are not there"
    )
    # Ambiguous: claim 2's English quote is a phrase every paragraph repeats.
    english.anchors.filter(claim__in=working, claim__number=2).update(quote="statement number")
    # Claim 1 is Supported, and its figure differs from the registry.
    working.filter(number=1).update(verdict=Claim.Verdict.SUPPORTED)
    # Claim 2 is Contradicted, though its evidence supports it.
    working.filter(number=2).update(verdict=Claim.Verdict.CONTRADICTED)
    # Not anchored in the translation, and without evidence: claim 3.
    third = factories.ClaimFactory(article=article, number=3)
    factories.ClaimAnchorFactory(claim=third, translation=original, quote="statement number 2")
    # A figure without a check, and not in the registry without a note: claim 4.
    fourth = factories.ClaimFactory(
        article=article, number=4, kind=Claim.Kind.FIGURE, verdict=Claim.Verdict.SUPPORTED
    )
    factories.EvidenceFactory(claim=fourth)
    # Not in the registry, with a note saying what was searched: claim 5 (a warning).
    for number, note in ((5, "Searched every instrument."), (6, "")):
        claim = factories.ClaimFactory(
            article=article, number=number, verdict=Claim.Verdict.NOT_IN_REGISTRY, note=note
        )
        factories.EvidenceFactory(claim=claim, relation="context")
    # Readers see these claims: they went live with a later approval.
    factories.publish_claims(article)
    # Evidence changed: the cited event moves.
    membership_event_update(event=event, effective_on=event.announced_on)
    return {"article": article, "original": original, "english": english, "french": french}


def messages(problems) -> list[str]:
    return [problem.message for problem in problems]


def check_claims_report(slug: str) -> list[dict]:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_claims", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    return next(entry["problems"] for entry in report["articles"] if entry["slug"] == slug)


def test_the_article_has_every_kind_of_problem(troubled):
    found = checks.check_articles([troubled["article"].pk], living=True)[troubled["article"].pk]

    assert {problem.kind for problem in found} == set(ProblemKind)


def test_workflow_and_review_page_block_on_the_same_problems_in_the_same_words(troubled, moderator):
    for translation in (troubled["english"], troubled["french"]):
        refused = workflow.submission_problems(translation=translation)
        client = Client()
        client.force_login(moderator)
        page = client.get(reverse("review:detail", args=[translation.pk])).context["page"]

        assert refused, translation.language
        assert messages(page.problems) == messages(refused)
        assert {problem.kind for problem in refused} <= set(checks.BLOCKING)


def test_the_claims_page_and_article_list_show_every_versions_problems(troubled, editor):
    article = troubled["article"]
    client = Client()
    client.force_login(editor)
    expected = []
    versions = (troubled["original"], troubled["english"], troubled["french"])
    for check in checks.check_versions(version.pk for version in versions).values():
        for problem in check.problems:
            if problem.message not in expected:
                expected.append(problem.message)

    claims_page = client.get(reverse("admin:articles_article_claims", args=[article.pk]))
    listed = client.get(reverse("admin:articles_article_changelist"))
    row = next(row for row in listed.context["cl"].result_list if row.pk == article.pk)

    assert sorted(messages(claims_page.context["problems"])) == sorted(expected)
    assert sorted(messages(row.problems)) == sorted(expected)
    for problem in expected:
        assert problem in claims_page.text


def test_check_claims_names_what_readers_see_with_the_same_sentences(troubled):
    article = troubled["article"]
    reported = check_claims_report(article.slug)
    live = checks.check_articles([article.pk], text=checks.Text.LIVE, living=True)[article.pk]

    assert [(entry["kind"], entry["message"]) for entry in reported] == [
        (str(problem.kind), problem.message) for problem in live
    ]
    latest_text_problems = set(messages(checks.check_articles([article.pk])[article.pk]))
    # The French version has no live text, so readers are not shown its problems.
    shared = {
        entry["message"] for entry in reported if entry["kind"] in {str(k) for k in TEXT_KINDS}
    }
    assert shared == latest_text_problems - set(
        messages(workflow.submission_problems(translation=troubled["french"]))
    )


def test_anchor_states_read_the_same_on_the_review_page_and_the_claims_page(troubled, moderator):
    client = Client()
    client.force_login(moderator)
    english = troubled["english"]
    review = client.get(reverse("review:detail", args=[english.pk])).context["page"]
    claims_page = client.get(
        reverse("admin:articles_article_claims", args=[troubled["article"].pk])
    ).context

    column = [t.pk for t in claims_page["translations"]].index(english.pk)
    on_claims_page = {
        row["claim"].number: row["anchors"][column]["label"] for row in claims_page["rows"]
    }
    on_review_page = {claim.claim.number: claim.translation_state_label for claim in review.claims}

    assert on_review_page == on_claims_page
    assert set(on_review_page.values()) == {
        checks.anchor_state_label(state)
        for state in (
            checks.AnchorState.ORPHANED,
            checks.AnchorState.AMBIGUOUS,
            checks.MISSING,
        )
    }
