"""`manage.py seed_demo`: demo accounts and a published bilingual demo article, idempotently."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Article, Claim, Evidence, FigureCheck, ReviewLog
from articles.text.anchors import AnchorState, Quote, resolve_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(db):
    call_command("load_registry", verbosity=0)


def seed(settings, *args):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_prints_each_password_once_and_keeps_it(settings, registry):
    first = seed(settings)
    for username in ("editor", "moderator", "admin"):
        assert username in first
    second = seed(settings)
    assert "already exist" in second
    assert "Demo accounts (passwords" not in second

    password = first.split("editor", 1)[1].split()[0]
    assert get_user_model().objects.get(username="editor").check_password(password)


def test_demo_accounts_have_their_roles(settings, registry):
    seed(settings)
    users = get_user_model().objects.prefetch_related("groups")
    roles = {user.username: {g.name for g in user.groups.all()} for user in users}
    assert roles["editor"] == {"Editors"}
    assert roles["moderator"] == {"Moderators"}
    assert users.get(username="admin").is_superuser


def test_demo_article_is_published_in_chinese_and_english_with_anchored_claims(settings, registry):
    seed(settings)
    article = Article.objects.get()
    translations = {t.language: t for t in article.translations.select_related("live_revision")}
    assert set(translations) == {"zh-hans", "en"}
    assert all(t.live_revision_id for t in translations.values())

    claims = Claim.objects.filter(article=article).prefetch_related("anchors", "evidence")
    assert claims.count() >= 8
    assert any(claim.verdict == "not_in_registry" for claim in claims)
    for translation in translations.values():
        quotes = {
            anchor.pk: Quote(anchor.quote, anchor.prefix, anchor.suffix)
            for claim in claims
            for anchor in claim.anchors.all()
            if anchor.translation_id == translation.pk
        }
        assert len(quotes) == claims.count()
        states = resolve_all(translation.live_revision.body, quotes)
        assert {r.state for r in states.values()} == {AnchorState.FOUND}
    assert all(claim.evidence.all() for claim in claims)


def test_seed_demo_twice_creates_nothing_new(settings, registry):
    seed(settings)
    logs = ReviewLog.objects.count()
    seed(settings)
    assert Article.objects.count() == 1
    assert ReviewLog.objects.count() == logs


def test_seed_demo_refuses_without_debug(settings, registry):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_needs_the_registry(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_registry"):
        call_command("seed_demo", stdout=io.StringIO())


def test_every_demo_claim_rests_on_a_primary_or_a_verified_source(settings, registry):
    """Instruments cite their own text; events and organizations a primary or verified source."""
    seed(settings)
    evidence = Evidence.objects.select_related("event", "instrument", "organization")
    assert evidence.exists()
    for item in evidence.prefetch_related("event__sources", "organization__sources"):
        if item.event_id:
            assert item.event.has_primary_source or item.event.is_verified, item.event.key
        elif item.instrument_id:
            assert item.instrument.has_primary_source, item.instrument.slug
        else:
            assert item.organization.has_primary_source, item.organization.slug


def test_demo_article_page_shows_source_kinds_and_verifications(settings, registry, client):
    seed(settings)
    text = client.get(f"/en/articles/{Article.objects.get().slug}/").text

    assert '<span class="source-kind source-kind-primary">Official text</span>' in text
    assert '<span class="source-kind source-kind-secondary">News report</span>' in text
    # The WHO's exit rests on a republished joint statement, verified against it.
    assert "Verified against Termination of U.S. Membership in the World Health" in text
    assert "web.archive.org/web/" in text


def test_demo_memorandum_figures_count_every_organization_named_in_it(settings, registry):
    """66, 31 and 35 hold although the memorandum ends participation in some UN bodies."""
    seed(settings)
    checks = (
        FigureCheck.objects.filter(claim__claim_set__isnull=True)
        .select_related("claim")
        .order_by("claim__number")
    )
    memorandum = [check for check in checks if check.instrument_id]
    assert [int(check.stated_value) for check in memorandum] == [66, 31, 35]
    assert {check.event_kind for check in memorandum} == {""}
    out = io.StringIO()
    call_command("check_claims", stdout=out)
    assert "0 problems" in out.getvalue()
