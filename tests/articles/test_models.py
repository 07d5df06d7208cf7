"""Articles' content model: database invariants, immutable revisions, derived outdatedness."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError

from articles import workflow
from articles.models import (
    Article,
    ClaimAnchor,
    Evidence,
    ImmutableRecordError,
    ReviewLog,
    Translation,
    translation_is_outdated,
)
from tests import factories

pytestmark = pytest.mark.django_db

Status = Translation.Status


def test_an_article_url_names_the_language():
    article = factories.ArticleFactory(slug="a-year-of-exits")
    assert article.get_absolute_url("zh-hans") == "/zh-hans/articles/a-year-of-exits/"
    assert article.get_absolute_url("ar") == "/ar/articles/a-year-of-exits/"
    translation = factories.TranslationFactory(article=article, is_original=False, language="en")
    assert translation.get_absolute_url() == "/en/articles/a-year-of-exits/"


def test_an_article_has_one_translation_per_language():
    original = factories.TranslationFactory(revision=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Translation.objects.create(article=original.article, language=original.language)


def test_an_article_has_one_original():
    original = factories.TranslationFactory(revision=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Translation.objects.create(article=original.article, language="en", is_original=True)


def test_an_article_has_any_number_of_non_original_translations():
    original = factories.TranslationFactory(revision=False)
    for language in ("en", "fr", "ar"):
        Translation.objects.create(article=original.article, language=language)
    assert original.article.translations.count() == 4


def test_the_original_must_be_in_the_articles_original_language():
    article = factories.ArticleFactory(original_language="zh-hans")
    with pytest.raises(ValidationError) as raised:
        Translation(article=article, language="en", is_original=True).full_clean()
    assert "language" in raised.value.message_dict


def test_a_published_status_needs_a_live_revision():
    translation = factories.TranslationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Translation.objects.filter(pk=translation.pk).update(status=Status.PUBLISHED)


def test_an_unpublished_translation_has_no_live_revision():
    translation = factories.TranslationFactory(published=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Translation.objects.filter(pk=translation.pk).update(status=Status.UNPUBLISHED)


def test_only_a_draft_can_be_without_a_revision():
    translation = factories.TranslationFactory(revision=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Translation.objects.filter(pk=translation.pk).update(status=Status.IN_REVIEW)


@pytest.mark.parametrize(
    "targets",
    [
        pytest.param((), id="none"),
        pytest.param(("organization", "event"), id="organization-and-event"),
        pytest.param(("organization", "instrument"), id="organization-and-instrument"),
        pytest.param(("event", "instrument"), id="event-and-instrument"),
        pytest.param(("organization", "event", "instrument"), id="all-three"),
    ],
)
def test_evidence_points_at_exactly_one_registry_record(targets):
    claim = factories.ClaimFactory()
    records = {
        "organization": factories.OrganizationFactory(),
        "event": factories.MembershipEventFactory(),
        "instrument": factories.InstrumentFactory(),
    }
    evidence = Evidence(claim=claim, **{name: records[name] for name in targets})
    with pytest.raises(ValidationError):
        evidence.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        evidence.save()


@pytest.mark.parametrize("target", ["organization", "event", "instrument"])
def test_evidence_target_is_the_one_record_set(target):
    records = {
        "organization": factories.OrganizationFactory(),
        "event": factories.MembershipEventFactory(),
        "instrument": factories.InstrumentFactory(),
    }
    evidence = Evidence.objects.create(claim=factories.ClaimFactory(), **{target: records[target]})
    evidence.full_clean()
    assert evidence.target == records[target]


def test_evidence_links_to_the_page_of_its_record():
    event = factories.MembershipEventFactory()
    evidence = factories.EvidenceFactory(organization=None, event=event)
    assert evidence.get_target_url() == event.get_absolute_url()
    assert evidence.get_target_url().endswith(f"#event-{event.pk}")


def test_an_anchor_quote_cannot_be_empty():
    claim = factories.ClaimFactory()
    translation = factories.TranslationFactory(article=claim.article)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimAnchor.objects.create(claim=claim, translation=translation, quote="")


def test_a_claim_has_one_anchor_per_translation():
    anchor = factories.ClaimAnchorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimAnchor.objects.create(
            claim=anchor.claim, translation=anchor.translation, quote="another passage"
        )


def test_an_anchor_must_be_in_a_version_of_the_claims_article():
    claim = factories.ClaimFactory()
    elsewhere = factories.TranslationFactory()
    with pytest.raises(ValidationError) as raised:
        ClaimAnchor(claim=claim, translation=elsewhere, quote="66").full_clean()
    assert "translation" in raised.value.message_dict


def test_claim_numbers_are_unique_within_an_article():
    claim = factories.ClaimFactory(number=1)
    factories.ClaimFactory(number=1)  # another article
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ClaimFactory(article=claim.article, number=1)


def test_revisions_are_numbered_per_translation():
    first = factories.TranslationFactory()
    second = factories.TranslationFactory()
    factories.RevisionFactory(translation=first)
    latest = factories.RevisionFactory(translation=first)
    assert list(first.revisions.values_list("number", flat=True)) == [3, 2, 1]
    assert list(second.revisions.values_list("number", flat=True)) == [1]
    first.refresh_from_db()
    assert first.latest_revision == latest


def test_a_saved_revision_cannot_be_saved_again():
    revision = factories.TranslationFactory().latest_revision
    revision.body = "Rewritten behind the reviewers' backs."
    with pytest.raises(ImmutableRecordError):
        revision.save()
    revision.refresh_from_db()
    assert revision.body != "Rewritten behind the reviewers' backs."


def test_a_revision_number_is_unique_within_its_translation():
    revision = factories.TranslationFactory().latest_revision
    with pytest.raises(IntegrityError), transaction.atomic():
        type(revision).objects.create(
            translation=revision.translation, number=revision.number, title="t", body="b"
        )


def test_the_review_log_cannot_be_changed_or_deleted():
    original, _ = factories.article_ready_for_review(languages=())
    workflow.submit(translation=original, by=factories.UserFactory(is_superuser=True))
    entry = ReviewLog.objects.get()
    entry.comment = "Never happened."
    with pytest.raises(ImmutableRecordError):
        entry.save()
    with pytest.raises(ImmutableRecordError):
        entry.delete()
    with pytest.raises(ImmutableRecordError):
        ReviewLog.objects.update(comment="Never happened.")
    with pytest.raises(ImmutableRecordError):
        ReviewLog.objects.all().delete()
    assert ReviewLog.objects.get().comment == ""


def test_the_review_log_lists_newest_first():
    superuser = factories.UserFactory(is_superuser=True)
    original, _ = factories.article_ready_for_review(languages=())
    workflow.submit(translation=original, by=superuser)
    workflow.withdraw(translation=original, by=superuser)
    assert list(ReviewLog.objects.values_list("action", flat=True)) == ["withdraw", "submit"]


def test_a_translation_without_review_history_can_be_deleted():
    translation = factories.TranslationFactory()
    factories.RevisionFactory(translation=translation)
    translation.delete()
    assert not Translation.objects.exists()


def test_a_translation_with_review_history_cannot_be_deleted():
    superuser = factories.UserFactory(is_superuser=True)
    original, _ = factories.article_ready_for_review(languages=())
    workflow.submit(translation=original, by=superuser)
    with pytest.raises(ProtectedError):
        original.delete()


def test_published_returns_only_translations_readers_can_see(editor):
    live = factories.TranslationFactory(published=True)
    edited_live = factories.TranslationFactory(published=True)
    factories.RevisionFactory(translation=edited_live, created_by=editor)
    factories.TranslationFactory()  # a draft
    factories.TranslationFactory(revision=False)  # no text at all
    superuser = factories.UserFactory(is_superuser=True)
    taken_down = factories.TranslationFactory(published=True)
    workflow.unpublish(translation=taken_down, by=superuser, comment="Legal hold.")

    assert set(Translation.objects.published()) == {live, edited_live}
    edited_live.refresh_from_db()
    assert edited_live.status == Status.DRAFT
    assert edited_live.has_unpublished_changes


def test_for_reader_returns_published_translations_in_one_language():
    english = factories.TranslationFactory(
        article=factories.TranslationFactory(published=True).article,
        is_original=False,
        language="en",
        published=True,
    )
    factories.TranslationFactory(is_original=False, language="en")  # a draft
    assert list(Translation.objects.for_reader("en")) == [english]
    assert list(Translation.objects.for_reader("fr")) == []


def test_for_reader_loads_article_live_text_and_authors_in_fixed_queries(
    django_assert_num_queries,
):
    for _ in range(3):
        authors = [factories.AuthorFactory(), factories.AuthorFactory()]
        factories.TranslationFactory(
            article=factories.ArticleFactory(authors=authors), published=True
        )
    with django_assert_num_queries(3):
        for translation in Translation.objects.for_reader("zh-hans"):
            assert translation.live_revision.title
            assert [author.name for author in translation.article.authors.all()]
            assert translation.article.slug


def test_authors_come_in_byline_order():
    first, second = factories.AuthorFactory(name="Zhou"), factories.AuthorFactory(name="Abe")
    factories.ArticleFactory(authors=[second, first])  # the other way round elsewhere
    article = factories.ArticleFactory(authors=[first, second])
    loaded = Article.objects.with_authors().get(pk=article.pk)
    assert list(loaded.authors.all()) == [first, second]


def test_published_in_lists_articles_with_a_live_version_in_the_language():
    english = factories.TranslationFactory(
        article=factories.TranslationFactory(published=True).article,
        is_original=False,
        language="en",
        published=True,
    )
    factories.TranslationFactory(is_original=False, language="en")  # a draft
    assert list(Article.objects.published_in("en")) == [english.article]
    assert list(Article.objects.published_in("zh-hans")) == [english.article]
    assert list(Article.objects.published_in("ar")) == []


def test_citing_finds_articles_through_any_evidence_path():
    event = factories.MembershipEventFactory()
    by_event = factories.EvidenceFactory(organization=None, event=event).claim.article
    by_organization = factories.EvidenceFactory(organization=event.organization).claim.article
    factories.EvidenceFactory()  # some other organization
    assert set(Article.objects.citing(event.organization)) == {by_event, by_organization}
    assert list(Article.objects.citing(event)) == [by_event]


def test_claims_for_rendering_load_anchors_and_evidence_targets_in_fixed_queries(
    django_assert_num_queries,
):
    article = factories.ArticleFactory()
    original = factories.TranslationFactory(article=article)
    instrument = factories.InstrumentFactory()
    for number in range(1, 5):
        claim = factories.ClaimFactory(article=article, number=number)
        factories.ClaimAnchorFactory(claim=claim, translation=original)
        factories.EvidenceFactory(claim=claim)
        factories.EvidenceFactory(
            claim=claim,
            organization=None,
            event=factories.MembershipEventFactory(instrument=instrument),
        )
        factories.EvidenceFactory(claim=claim, organization=None, instrument=instrument)
    with django_assert_num_queries(3):
        claims = list(article.claims.for_rendering())
        for claim in claims:
            assert [anchor.translation.language for anchor in claim.anchors.all()]
            for evidence in claim.evidence.all():
                assert evidence.get_target_url()
                assert str(evidence.target)
    assert [claim.number for claim in claims] == [1, 2, 3, 4]


def test_claims_for_rendering_one_translation_hold_only_its_anchors():
    anchor = factories.ClaimAnchorFactory()
    english = factories.TranslationFactory(
        article=anchor.claim.article, is_original=False, language="en"
    )
    english_anchor = factories.ClaimAnchorFactory(claim=anchor.claim, translation=english)
    (claim,) = anchor.claim.article.claims.for_rendering(translation=english)
    assert list(claim.anchors.all()) == [english_anchor]


def test_claims_without_evidence():
    supported = factories.EvidenceFactory().claim
    bare = factories.ClaimFactory(article=supported.article)
    assert list(supported.article.claims.without_evidence()) == [bare]


@pytest.mark.parametrize(
    ("is_original", "source", "original_live", "expected"),
    [
        (False, 1, 2, True),
        (False, 2, 2, False),
        (False, 3, 2, False),
        (False, None, 2, False),
        (False, 1, None, False),
        (True, 1, 2, False),
    ],
)
def test_translation_is_outdated_compares_source_with_the_originals_live_revision(
    is_original, source, original_live, expected
):
    assert (
        translation_is_outdated(
            is_original=is_original,
            source_revision_number=source,
            original_live_revision_number=original_live,
        )
        is expected
    )


def test_outdated_annotation_agrees_with_the_property(editor, django_assert_num_queries):
    article = factories.ArticleFactory()
    original = factories.TranslationFactory(article=article, published=True)
    first_source = original.latest_revision

    def translation(language, **kwargs):
        return factories.TranslationFactory(
            article=article,
            is_original=False,
            language=language,
            revision__source_revision=first_source,
            **kwargs,
        )

    behind_live = translation("en", published=True)
    behind_draft = translation("fr")
    caught_up = translation("es", published=True)
    # The live text still lags; the newer draft made from revision 2 is not live yet.
    lagging_live_new_draft = translation("ru", published=True)
    untranslated = factories.TranslationFactory(
        article=article, is_original=False, language="ar", revision=False
    )

    second_source = factories.RevisionFactory(translation=original, created_by=editor)
    # Publish the original's revision 2 and the Spanish translation made from it.
    Translation.objects.filter(pk=original.pk).update(
        live_revision=second_source, status=Status.PUBLISHED
    )
    factories.RevisionFactory(
        translation=caught_up, source_revision=second_source, created_by=editor
    )
    Translation.objects.filter(pk=caught_up.pk).update(
        live_revision=caught_up.revisions.get(number=2), status=Status.PUBLISHED
    )
    factories.RevisionFactory(
        translation=lagging_live_new_draft, source_revision=second_source, created_by=editor
    )

    expected = {
        original.pk: False,
        behind_live.pk: True,
        behind_draft.pk: True,
        caught_up.pk: False,
        lagging_live_new_draft.pk: True,
        untranslated.pk: False,
    }
    with django_assert_num_queries(1):
        annotated = {t.pk: t.is_outdated for t in Translation.objects.with_outdated()}
    computed = {t.pk: t.is_outdated for t in Translation.objects.all()}
    assert annotated == expected
    assert computed == expected
    assert set(Translation.objects.outdated()) == {
        behind_live,
        behind_draft,
        lagging_live_new_draft,
    }
