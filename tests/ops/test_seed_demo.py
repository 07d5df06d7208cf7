"""`manage.py seed_demo`: demo accounts and a published bilingual demo article, idempotently."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Article, Claim, ReviewLog
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
