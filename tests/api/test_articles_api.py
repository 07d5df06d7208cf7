"""Published articles through the API: live text only, claims with their evidence."""

import pytest
from django.contrib.auth import get_user_model

from articles import workflow
from articles.models import Evidence, Translation
from ops.demo_content import ARTICLE
from tests.factories import ArticleFactory, TranslationFactory

pytestmark = pytest.mark.django_db

SLUG = ARTICLE["slug"]


def user(username):
    return get_user_model().objects.get(username=username)


def demo_version(language):
    return Translation.objects.get(article__slug=SLUG, language=language)


def test_article_list_shows_the_published_languages_and_titles(client, published):
    body = client.get("/api/articles/").json()
    assert body["count"] == 1
    article = body["results"][0]
    assert article["slug"] == SLUG
    assert article["original_language"] == "zh-hans"
    assert article["languages"] == ["zh-hans", "en"]
    titles = {version["language"]: version["title"] for version in article["versions"]}
    assert titles["en"] == "From WHO to 66 bodies: a year of American exits"
    assert article["versions"][0]["url"] == f"http://testserver/zh-hans/articles/{SLUG}/"
    assert article["first_published_at"] is not None
    assert article["authors"][0]["slug"] == "chen-mingyuan"
    assert article["api_url"] == f"http://testserver/api/articles/{SLUG}/"


def test_article_detail_gives_each_version_as_markdown_and_html(client, published):
    versions = client.get(f"/api/articles/{SLUG}/").json()["versions"]
    assert [version["language"] for version in versions] == ["zh-hans", "en"]
    english = versions[1]
    assert english["is_original"] is False
    assert english["outdated"] is False
    assert english["revision"]["number"] == 1
    assert "**World Health Organization**" in english["body"]
    assert "<strong>World Health Organization</strong>" in english["html"]
    assert '<mark class="claim" id="claim-1"' in english["html"]


def test_article_detail_has_claims_with_anchors_and_evidence(client, published):
    claims = client.get(f"/api/articles/{SLUG}/").json()["claims"]
    assert [claim["number"] for claim in claims] == list(range(1, len(claims) + 1))
    first = claims[0]
    assert first["verdict"] == "supported"
    assert {anchor["language"] for anchor in first["anchors"]} == {"zh-hans", "en"}
    assert {anchor["state"] for anchor in first["anchors"]} == {"found"}
    assert first["evidence"]
    target = first["evidence"][0]["target"]
    assert target["type"] in {"organization", "event", "instrument"}
    assert client.get(target["api_url"]).status_code == 200
    evidence_count = Evidence.objects.filter(
        claim__article__slug=SLUG, claim__claim_set__isnull=True
    ).count()
    assert sum(len(claim["evidence"]) for claim in claims) == evidence_count


def test_evidence_names_registry_records_by_key(client, published):
    claims = client.get(f"/api/articles/{SLUG}/").json()["claims"]
    targets = [evidence["target"] for claim in claims for evidence in claim["evidence"]]
    instrument = next(target for target in targets if target["key"] == "memorandum-2026-01-07")
    assert instrument["type"] == "instrument"
    assert instrument["api_url"] == "http://testserver/api/instruments/memorandum-2026-01-07/"
    assert instrument["url"] == "http://testserver/en/registry/instruments/memorandum-2026-01-07/"


def test_draft_articles_never_appear(client, published):
    draft = TranslationFactory(article=ArticleFactory(slug="still-a-draft"))
    assert draft.latest_revision is not None and draft.live_revision is None
    slugs = [article["slug"] for article in client.get("/api/articles/").json()["results"]]
    assert slugs == [SLUG]
    assert client.get("/api/articles/still-a-draft/").status_code == 404


def test_unpublished_version_disappears_with_its_anchors(client, published):
    workflow.unpublish(translation=demo_version("en"), by=user("moderator"), comment="Recheck.")
    listed = client.get("/api/articles/").json()["results"][0]
    assert listed["languages"] == ["zh-hans"]
    detail = client.get(f"/api/articles/{SLUG}/").json()
    assert [version["language"] for version in detail["versions"]] == ["zh-hans"]
    anchors = [anchor for claim in detail["claims"] for anchor in claim["anchors"]]
    assert {anchor["language"] for anchor in anchors} == {"zh-hans"}
    assert "From WHO to 66 bodies" not in client.get(f"/api/articles/{SLUG}/").content.decode()


def test_fully_unpublished_article_is_gone(client, published):
    for language in ("en", "zh-hans"):
        workflow.unpublish(
            translation=demo_version(language), by=user("moderator"), comment="Pulled."
        )
    assert client.get("/api/articles/").json()["count"] == 0
    assert client.get(f"/api/articles/{SLUG}/").status_code == 404


def test_a_new_draft_of_a_live_version_stays_hidden(client, published):
    english = demo_version("en")
    live = english.live_revision
    workflow.revision_create(
        translation=english,
        title="Unreviewed headline",
        standfirst=live.standfirst,
        body=live.body + "\n\nAn unreviewed paragraph.",
        by=user("editor"),
        based_on=english.latest_revision,
    )
    content = client.get(f"/api/articles/{SLUG}/").content.decode()
    assert "Unreviewed" not in content
    assert "unreviewed paragraph" not in content
    english_out = client.get(f"/api/articles/{SLUG}/").json()["versions"][1]
    assert english_out["revision"]["number"] == live.number
    assert "Unreviewed" not in client.get("/api/articles/").content.decode()


def publish_correction(language, note):
    """Edit a live demo version with a correction note and have it approved."""
    version = demo_version(language)
    live = version.live_revision
    revision = workflow.revision_create(
        translation=version,
        title=live.title,
        standfirst=live.standfirst,
        body=live.body,
        by=user("editor"),
        based_on=version.latest_revision,
        correction_note=note,
    )
    workflow.submit(translation=version, by=user("editor"))
    workflow.approve(translation=version, by=user("moderator"))
    return revision


def test_corrections_list_is_empty_until_a_correction_is_published(client, published):
    response = client.get("/api/corrections/")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get("/api/corrections/", {"page": 2}).status_code == 404


def test_corrections_list_published_corrections_latest_first(client, published):
    publish_correction("en", "The effective date of the WHO exit was misstated.")
    publish_correction("zh-hans", "更正了教科文组织退出的生效日期。")
    body = client.get("/api/corrections/").json()
    assert body["count"] == 2
    latest, earlier = body["results"]
    assert latest["language"] == "zh-hans"
    assert latest["note"] == "更正了教科文组织退出的生效日期。"
    assert earlier == {
        "article": SLUG,
        "language": "en",
        "revision": 2,
        "note": "The effective date of the WHO exit was misstated.",
        "published_at": earlier["published_at"],
        "url": f"http://testserver/en/articles/{SLUG}/",
        "article_api_url": f"http://testserver/api/articles/{SLUG}/",
    }
    assert latest["published_at"] >= earlier["published_at"]


def test_unapproved_correction_is_not_listed(client, published):
    english = demo_version("en")
    live = english.live_revision
    workflow.revision_create(
        translation=english,
        title=live.title,
        standfirst=live.standfirst,
        body=live.body,
        by=user("editor"),
        based_on=english.latest_revision,
        correction_note="Waiting for a moderator.",
    )
    assert client.get("/api/corrections/").json()["count"] == 0


def test_corrections_of_unpublished_versions_are_not_listed(client, published):
    publish_correction("en", "A corrected figure.")
    etag = client.get("/api/corrections/")["ETag"]
    workflow.unpublish(translation=demo_version("en"), by=user("moderator"), comment="Pulled.")
    response = client.get("/api/corrections/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response.json()["count"] == 0
