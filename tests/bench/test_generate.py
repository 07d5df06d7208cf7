"""The benchmark generator writes a data set that keeps every invariant, from a fixed seed."""

import random

import pytest
from django.db.models import Count

from articles.models import Article, Claim, ClaimAnchor, Evidence, ReviewLog, Translation
from articles.text.anchors import AnchorState, Quote, resolve_all
from bench.dataset import (
    EVENTS_INSTRUMENT,
    HEAVY_SLUG,
    SEARCH_TERM,
    Scale,
    generate,
    organization_drafts,
)
from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
)

pytestmark = pytest.mark.django_db

TINY = Scale(
    organizations=20,
    events=200,
    heavy_events=50,
    instruments=5,
    sources=10,
    articles=2,
    authors=2,
)


@pytest.fixture
def tiny_data_set():
    return generate(scale=TINY, seed=7)


def test_generator_writes_the_counts_the_scale_asks_for(tiny_data_set):
    bench_organizations = Organization.objects.filter(slug__startswith="bench-")
    assert bench_organizations.count() == 20
    assert MembershipEvent.objects.filter(key__startswith="bench-event-").count() == 200
    assert OrganizationName.objects.filter(organization__in=bench_organizations).count() == 40
    assert Article.objects.count() == 2
    assert Translation.objects.count() == 6
    assert Claim.objects.count() == 40
    assert ClaimAnchor.objects.count() == 120
    assert Evidence.objects.count() == 40
    assert tiny_data_set.rows["membership events"] == 200


def test_generator_loads_the_bundled_registry_first(tiny_data_set):
    assert Organization.objects.filter(slug="world-health-organization").exists()
    assert Domain.objects.exists()


def test_heavy_organization_has_the_skewed_share_of_events(tiny_data_set):
    heavy = Organization.objects.get(slug=HEAVY_SLUG)
    assert heavy.events.count() == 50
    others = (
        Organization.objects.filter(slug__startswith="bench-")
        .exclude(pk=heavy.pk)
        .annotate(event_count=Count("events"))
    )
    assert max(organization.event_count for organization in others) < 50


def test_every_organization_has_a_preferred_name_in_english_and_chinese(tiny_data_set):
    for organization in Organization.objects.filter(slug__startswith="bench-"):
        languages = set(
            organization.names.filter(is_preferred=True).values_list("language", flat=True)
        )
        assert languages == {"en", "zh-hans"}


def test_every_generated_registry_record_passes_model_validation(tiny_data_set):
    """What export_registry writes, load_registry must accept again."""
    records = [
        *Organization.objects.filter(slug__startswith="bench-"),
        *OrganizationName.objects.filter(organization__slug__startswith="bench-"),
        *Instrument.objects.filter(slug__startswith="bench-"),
        *Source.objects.filter(url__contains="/bench/"),
        *MembershipEvent.objects.filter(key__startswith="bench-"),
    ]
    for record in records:
        record.full_clean()


def test_the_load_test_filters_find_rows(tiny_data_set):
    assert MembershipEvent.objects.filter(instrument__slug=EVENTS_INSTRUMENT).exists()
    assert Organization.objects.search(SEARCH_TERM).filter(slug__startswith="bench-").exists()


def test_every_translation_is_published_with_its_one_revision_live(tiny_data_set):
    for translation in Translation.objects.select_related("article", "live_revision"):
        assert translation.status == Translation.Status.PUBLISHED
        assert translation.live_revision_id == translation.latest_revision_id
        assert translation.live_revision.number == 1
        assert translation.first_published_at is not None
        assert translation.is_original == (translation.language == "zh-hans")
        assert not translation.is_outdated
        actions = list(
            ReviewLog.objects.filter(translation=translation)
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == [ReviewLog.Action.SUBMIT, ReviewLog.Action.APPROVE]
    translations = Translation.objects.select_related("live_revision__source_revision")
    for translation in translations.filter(is_original=False):
        source = translation.live_revision.source_revision
        assert source.translation.is_original
        assert source.translation.article_id == translation.article_id


def test_every_anchor_resolves_once_in_its_live_text(tiny_data_set):
    for translation in Translation.objects.select_related("live_revision"):
        anchors = ClaimAnchor.objects.filter(translation=translation).select_related("claim")
        quotes = {anchor.claim.number: Quote(anchor.quote) for anchor in anchors}
        assert len(quotes) == 20
        resolutions = resolve_all(translation.live_revision.body, quotes)
        assert {resolution.state for resolution in resolutions.values()} == {AnchorState.FOUND}


def test_every_claim_has_one_piece_of_evidence_of_each_kind_in_the_mix(tiny_data_set):
    evidence = list(Evidence.objects.all())
    assert len(evidence) == Claim.objects.count()
    assert {claim.evidence.count() for claim in Claim.objects.all()} == {1}
    assert any(item.organization_id for item in evidence)
    assert any(item.event_id for item in evidence)
    assert any(item.instrument_id for item in evidence)


def test_same_seed_draws_the_same_organizations():
    domains = [Domain(slug="climate", name="Climate"), Domain(slug="health", name="Health")]

    def names(seed):
        drafts = organization_drafts(rng=random.Random(seed), scale=TINY, domains=domains)
        return [(d.organization.slug, d.organization.name, d.zh_name) for d in drafts]

    assert names(3) == names(3)
    assert names(3) != names(4)
    assert len({name for _slug, name, _zh in names(3)}) == 20


def test_organizations_drawn_at_scale_pass_field_validation():
    """Long names make long slugs; every URL and id built from them must stay valid."""
    domains = [Domain(slug="climate", name="Climate")]
    scale = Scale(
        organizations=2000,
        events=0,
        heavy_events=0,
        instruments=0,
        sources=0,
        articles=0,
        authors=0,
    )
    for draft in organization_drafts(rng=random.Random(1), scale=scale, domains=domains):
        draft.organization.clean_fields()
