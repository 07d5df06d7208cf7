"""The whole-page cache answers anonymous readers and never serves a stale page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from articles import workflow
from articles.models import Claim, Evidence
from freshness import http as caching
from freshness.generation import content_state
from ops.demo import seed_demo
from organizations.models import MembershipEvent
from tests import factories

pytestmark = pytest.mark.django_db

OLD_SENTENCE = "气候融资同样受到波及。"
NEW_SENTENCE = "气候融资也未能幸免。"


@pytest.fixture
def demo(editor, moderator):
    """The demo article, published in Chinese and English."""
    call_command("load_registry", verbosity=0)
    article = seed_demo().article
    return article.translations.get(is_original=True), article.translations.get(language="en")


def get(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    return response, len(context.captured_queries)


def warm(client, url):
    """Request `url` twice and check that the second answer came from the page cache."""
    first, _ = get(client, url)
    assert first.status_code == 200
    second, queries = get(client, url)
    assert second.status_code == 200
    assert queries == 1, "the content state query alone"
    assert second.content == first.content
    return second.content.decode()


def new_revision(translation, *, by, **changes):
    latest = translation.latest_revision
    fields = {"title": latest.title, "standfirst": latest.standfirst, "body": latest.body}
    fields.update(changes)
    workflow.revision_create(translation=translation, by=by, based_on=latest, **fields)


def test_a_repeated_anonymous_request_is_answered_from_the_page_cache(client, demo):
    _, english = demo
    html = warm(client, english.get_absolute_url())
    assert "<article" in html


def test_approving_a_new_revision_replaces_the_cached_page(client, demo, editor, moderator):
    _, english = demo
    url = english.get_absolute_url()
    assert "A headline approved later" not in warm(client, url)

    new_revision(english, by=editor, title="A headline approved later")
    assert "A headline approved later" not in client.get(url).content.decode()
    workflow.submit(translation=english, by=editor)
    workflow.approve(translation=english, by=moderator)

    assert "A headline approved later" in client.get(url).content.decode()


def test_unpublishing_ends_the_cached_page(client, demo, moderator):
    _, english = demo
    url = english.get_absolute_url()
    warm(client, url)

    workflow.unpublish(translation=english, by=moderator, comment="Withdrawn for checks.")

    assert client.get(url).status_code == 404


def test_a_new_original_going_live_shows_the_outdated_notice(client, demo, editor, moderator):
    original, english = demo
    url = english.get_absolute_url()
    assert 'class="notice outdated"' not in warm(client, url)

    body = original.latest_revision.body.replace(OLD_SENTENCE, NEW_SENTENCE)
    new_revision(original, by=editor, body=body)
    workflow.submit(translation=original, by=editor)
    workflow.approve(translation=original, by=moderator)

    assert 'class="notice outdated"' in client.get(url).content.decode()


def test_a_change_to_a_cited_registry_record_replaces_the_cached_page(client, demo):
    _, english = demo
    url = english.get_absolute_url()
    event = MembershipEvent.objects.filter(evidence__claim__article=english.article).first()
    assert "2031" not in warm(client, url)

    event.effective_on = datetime.date(2031, 7, 14)
    event.save()

    assert "2031" in client.get(url).content.decode()


def test_a_claims_new_verdict_replaces_the_cached_page(client, demo):
    _, english = demo
    url = english.get_absolute_url()
    claim = Claim.objects.working().filter(article=english.article).order_by("number").first()
    new_verdict = next(v for v in Claim.Verdict if v != claim.verdict)
    warm(client, url)

    claim.verdict = new_verdict
    claim.save()
    # Readers keep the approved verdict until the change is approved.
    assert f"verdict-{new_verdict.value}" not in client.get(url).content.decode()
    factories.publish_claims(english.article)

    html = client.get(url).content.decode()
    assert f"verdict-{new_verdict.value}" in html


def test_an_evidence_note_written_with_update_replaces_the_cached_page(client, demo):
    _, english = demo
    url = english.get_absolute_url()
    warm(client, url)

    Evidence.objects.filter(claim__article=english.article).update(note="A note added in bulk.")

    assert "A note added in bulk." in client.get(url).content.decode()


def _planted(monkeypatch):
    """Make every page-cache read answer with a marker page."""
    real_get = caching.cache.get

    def planted(key, *args, **kwargs):
        if key.startswith("page:"):
            return {"content": b"FROM THE PAGE CACHE", "headers": {"Content-Type": "text/html"}}
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(caching.cache, "get", planted)


def test_signed_in_readers_are_never_answered_from_the_page_cache(
    client, demo, moderator, monkeypatch
):
    _, english = demo
    url = english.get_absolute_url()
    _planted(monkeypatch)
    assert client.get(url).content == b"FROM THE PAGE CACHE"

    client.force_login(moderator)
    response = client.get(url)

    assert b"FROM THE PAGE CACHE" not in response.content
    assert b"<article" in response.content


def test_a_preview_is_never_answered_from_or_stored_in_the_page_cache(
    client, demo, editor, moderator, monkeypatch
):
    _, english = demo
    new_revision(english, by=editor, title="A draft headline")
    client.force_login(moderator)
    sets = []
    monkeypatch.setattr(caching.cache, "set", lambda *args, **kwargs: sets.append(args[0]))
    _planted(monkeypatch)

    response = client.get(english.get_absolute_url(), {"preview": "1"})

    assert "A draft headline" in response.content.decode()
    assert not [key for key in sets if key.startswith("page:")]
    assert "no-store" in response["Cache-Control"]


def test_a_cached_page_sets_no_cookie_and_carries_no_nonce(client, demo):
    _, english = demo
    url = english.get_absolute_url()
    warm(client, url)

    response = client.get(url)

    assert not response.cookies
    assert "Set-Cookie" not in response
    assert not re.search(rb"nonce=", response.content)
    assert "'nonce-" not in response["Content-Security-Policy"]
    assert response["ETag"]


def test_a_response_that_used_the_csp_nonce_is_not_stored(demo):
    request = RequestFactory().get("/en/articles/any/")
    ContentSecurityPolicyMiddleware(lambda request: None).process_request(request)
    validators = caching.Validators.of(request, content_state())
    request.user = AnonymousUser()
    assert caching.store_page(request, validators, HttpResponse("plain"))
    cache.clear()

    str(request._csp_nonce)  # a template that printed the nonce
    assert not caching.store_page(request, validators, HttpResponse("with a nonce"))
    assert caching.cached_page(validators) is None


def test_the_home_page_is_cached_until_an_article_is_published(client, demo, editor, moderator):
    _, english = demo
    title = english.live_revision.title
    assert title in warm(client, "/en/")

    workflow.unpublish(translation=english, by=moderator, comment="Withdrawn for checks.")

    assert title not in client.get("/en/").content.decode()


def test_a_made_up_query_string_is_rendered_afresh_and_not_stored(client, demo, monkeypatch):
    _, english = demo
    sets = []
    real_set = caching.cache.set
    monkeypatch.setattr(
        caching.cache,
        "set",
        lambda key, *args, **kwargs: sets.append(key) or real_set(key, *args, **kwargs),
    )

    client.get(english.get_absolute_url(), {"utm": "1"})
    again, queries = get(client, english.get_absolute_url() + "?utm=1")

    assert again.status_code == 200
    assert queries > 1
    assert not [key for key in sets if key.startswith("page:")]


def test_a_response_holding_a_csrf_token_is_not_stored(demo):
    request = RequestFactory().get("/en/articles/any/")
    request.user = AnonymousUser()
    get_token(request)  # a template that rendered a form with {% csrf_token %}

    validators = caching.Validators.of(request, content_state())
    assert not caching.store_page(request, validators, HttpResponse("form"))
