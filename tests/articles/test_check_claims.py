"""`manage.py check_claims`: passes on the demo, names every problem and fails on any."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles import workflow
from articles.evidence import watch as evidence_watch
from articles.management.commands.check_claims import check_published_claims
from articles.models import ClaimAnchor, Evidence, Translation
from ops import demo
from organizations.models import MembershipEvent
from organizations.registry_io import load_registry
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("check_claims", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def fails(*args) -> str:
    output, error = run(*args)
    assert error is not None, output
    assert error.returncode == 1
    return output


@pytest.fixture
def demo_article(db):
    load_registry()
    return demo.seed_demo().article


@pytest.fixture
def published(editor, moderator):
    """An article published in Chinese and English with two anchored, evidenced claims."""
    original, (english,) = factories.article_ready_for_review(written_by=editor)
    for translation in (original, english):
        workflow.submit(translation=translation, by=editor)
        workflow.approve(translation=translation, by=moderator)
    return original, english


def test_the_demo_passes(demo_article):
    output, error = run()

    assert error is None, output
    assert f"{demo_article.slug}: ok" in output
    assert "1 published article checked, 0 problems, 1 warning." in output
    assert "warning: Claim 10 rests on nothing the registry holds: Searched" in output


def test_a_quote_missing_from_the_live_text_fails_naming_article_claim_and_language(published):
    original, english = published
    ClaimAnchor.objects.filter(translation=english, claim__number=2).update(quote="not there")

    output = fails()

    slug = original.article.slug
    assert f"{slug}: Claim 2 [en]: the quote “not there” is not in the text." in output


def test_an_ambiguous_quote_fails(published):
    _original, english = published
    ClaimAnchor.objects.filter(translation=english, claim__number=1).update(quote="holds")

    output = fails()

    assert "Claim 1 [en]: the quote “holds” appears 2 times; add a prefix or suffix" in output


def test_a_claim_not_anchored_in_a_published_translation_fails(published):
    _original, english = published
    ClaimAnchor.objects.filter(translation=english, claim__number=2).delete()

    assert "Claim 2 is not anchored in the English version." in fails()


def test_a_claim_without_evidence_fails(published):
    original, _english = published
    Evidence.objects.filter(claim__article=original.article, claim__number=1).delete()

    output = fails()

    assert f"{original.article.slug}: Claim 1 has no evidence from the registry." in output


def test_an_outdated_translation_fails(published, editor, moderator):
    original, _english = published
    latest = original.latest_revision
    workflow.revision_create(
        translation=original,
        title="Updated",
        standfirst="",
        body=latest.body + "\n\nA new paragraph.",
        by=editor,
    )
    workflow.submit(translation=original, by=editor)
    workflow.approve(translation=original, by=moderator)

    output = fails()

    assert (
        "The English translation was made from revision 1 of the original; "
        "readers of the original see revision 2."
    ) in output


def test_a_figure_the_registry_no_longer_gives_fails(demo_article):
    MembershipEvent.objects.filter(
        instrument__slug="memorandum-2026-01-07", organization__un_related=False
    ).first().delete()

    output = fails()

    assert f"{demo_article.slug}: Claim 1: the figure differs: stated 66, registry 65." in output
    assert "Claim 3: the figure differs: stated 35, registry 34." in output
    assert "claim 2:" not in output


def test_an_unanswered_evidence_change_fails_until_acknowledged(published, moderator):
    original, english = published
    event = factories.MembershipEventFactory()
    factories.EvidenceFactory(
        claim=original.article.claims.working().get(number=1), organization=None, event=event
    )
    factories.publish_claims(original.article)
    before = evidence_watch.record_state(event)
    event.effective_on = event.announced_on.replace(year=2026)
    event.save()
    evidence_watch.evidence_changes_record(before=before, after=evidence_watch.record_state(event))

    output = fails()
    assert "changed after the English version was approved: effective on: — → " in output
    assert "changed after the Simplified Chinese version was approved" in output

    for translation in (original, english):
        workflow.evidence_change_acknowledge(translation=translation, by=moderator, comment="Ok.")
    assert run()[1] is None


def test_articles_readers_cannot_see_are_not_checked(editor):
    factories.article_ready_for_review(written_by=editor)
    ClaimAnchor.objects.update(quote="not there")

    output, error = run()

    assert error is None
    assert "0 published articles checked" in output


def test_json_report_lists_each_problem_and_still_fails(published):
    original, _english = published
    Evidence.objects.filter(claim__article=original.article, claim__number=2).delete()

    report = json.loads(fails("--format", "json"))

    assert report["checked"] == 1
    assert report["problems"] == 1
    (article,) = report["articles"]
    assert article["slug"] == original.article.slug
    assert article["problems"] == [
        {
            "kind": "no_evidence",
            "severity": "error",
            "article": original.article.slug,
            "message": "Claim 2 has no evidence from the registry.",
            "claim": 2,
            "language": None,
        }
    ]


def test_json_report_of_the_demo_has_no_error_and_its_one_warning(demo_article):
    """The claim the registry cannot support is listed as a warning, and fails nothing."""
    output, error = run("--format", "json")
    warning = {
        "kind": "not_in_registry",
        "severity": "warning",
        "article": demo_article.slug,
        "message": "Claim 10 rests on nothing the registry holds: Searched the registry's "
        "budget request for FY2026, its funding-cut events and their sources: none gives "
        "the total of $264 million or the 83% cut.",
        "claim": 10,
        "language": None,
    }

    assert error is None
    assert json.loads(output) == {
        "articles": [{"slug": demo_article.slug, "problems": [warning]}],
        "checked": 1,
        "problems": 0,
        "warnings": 1,
    }


def test_checking_reads_a_fixed_number_of_queries_however_many_articles(
    editor, moderator, django_assert_num_queries
):
    for _ in range(6):
        original, (english,) = factories.article_ready_for_review(written_by=editor)
        for translation in (original, english):
            Translation.objects.filter(pk=translation.pk).update(
                live_revision=translation.latest_revision, status=Translation.Status.PUBLISHED
            )
        factories.publish_claims(original.article)

    # The article list, then per batch: the published versions, live texts,
    # claims, anchors, outdated, figure checks, evidence changes.
    with django_assert_num_queries(8):
        results = list(check_published_claims())

    assert len(results) == 6
    assert all(problems == [] for _slug, problems in results)
