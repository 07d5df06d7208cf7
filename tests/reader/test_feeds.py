"""RSS and Atom feeds per language and per registry organization, read by a real feed parser."""

import calendar
import datetime

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles import workflow
from articles.models import Translation
from ops.demo import seed_demo
from organizations.models import Organization
from reader.feeds import FEED_SIZE
from tests import factories

pytestmark = pytest.mark.django_db

SLUG = "a-year-of-american-exits"
FEEDS = {"rss": "articles.rss", "atom": "articles.atom"}
UTC = datetime.UTC


def parse(response):
    assert response.status_code == 200, response.status_code
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def when(parsed) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def demo(db):
    call_command("load_registry", verbosity=0)
    return seed_demo().article


def demo_user(username: str):
    return get_user_model().objects.get(username=username)


def published_article(*, language="en", title="Headline", authors=(), published_at=None):
    """An article written and published in `language` without the review workflow."""
    article = factories.ArticleFactory(original_language=language, authors=list(authors))
    translation = factories.TranslationFactory(
        article=article, published=True, revision__title=title
    )
    if published_at is not None:
        Translation.objects.filter(pk=translation.pk).update(first_published_at=published_at)
        translation.refresh_from_db()
    factories.publish_claims(article)
    return translation


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_language_feed_lists_the_version_published_in_its_language(client, demo, kind, language):
    translation = Translation.objects.get(article=demo, language=language)

    feed = parse(client.get(f"/{language}/feeds/{FEEDS[kind]}"))

    (entry,) = feed.entries
    assert entry.title == translation.live_revision.title
    assert entry.link == f"http://testserver/{language}/articles/{SLUG}/"
    assert entry.summary == translation.live_revision.standfirst
    assert [author.name for author in entry.authors] == ["陈明远 (Chen Mingyuan)"]
    assert when(entry.published_parsed) == translation.first_published_at.replace(microsecond=0)
    assert entry.id == (
        f"tag:testserver,{demo.created_at.date().isoformat()}:articles/{demo.pk}/{language}"
    )
    assert feed.feed.link == f"http://testserver/{language}/"


@pytest.mark.parametrize(("language", "name"), [("en", "English"), ("zh-hans", "简体中文")])
def test_feed_title_and_subtitle_name_the_language(client, demo, language, name):
    feed = parse(client.get(f"/{language}/feeds/articles.atom"))

    assert name in feed.feed.title
    assert name in feed.feed.subtitle
    assert feed.feed.language == language


def test_atom_entry_is_updated_when_a_new_revision_is_approved(client, demo, time_machine):
    english = Translation.objects.get(article=demo, language="en")
    first_published = english.first_published_at
    entry_id = parse(client.get("/en/feeds/articles.atom")).entries[0].id
    time_machine.move_to(at(2027, 3, 1, 12), tick=False)
    workflow.revision_create(
        translation=english,
        title="A year of American exits, revised",
        standfirst=english.live_revision.standfirst,
        body=english.live_revision.body,
        by=demo_user("editor"),
    )
    workflow.submit(translation=english, by=demo_user("editor"))
    time_machine.move_to(at(2027, 3, 2, 8), tick=False)
    workflow.approve(translation=english, by=demo_user("moderator"))

    (entry,) = parse(client.get("/en/feeds/articles.atom")).entries

    assert entry.title == "A year of American exits, revised"
    assert when(entry.published_parsed) == first_published.replace(microsecond=0)
    assert when(entry.updated_parsed) == at(2027, 3, 2, 8)
    assert entry.id == entry_id


def test_entry_without_an_approval_is_updated_when_its_live_revision_was_written(client):
    translation = published_article()

    (entry,) = parse(client.get("/en/feeds/articles.atom")).entries

    assert when(entry.updated_parsed) == translation.live_revision.created_at.replace(microsecond=0)


def test_entry_id_survives_a_change_of_slug(client):
    translation = published_article()
    before = parse(client.get("/en/feeds/articles.rss")).entries[0]
    translation.article.slug = "renamed"
    translation.article.save()

    after = parse(client.get("/en/feeds/articles.rss")).entries[0]

    assert after.link == "http://testserver/en/articles/renamed/"
    assert after.id == before.id
    assert after.guidislink is False


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_every_author_is_named_in_byline_order(client, kind):
    published_article(
        authors=[factories.AuthorFactory(name="Zhou Li"), factories.AuthorFactory(name="Ana Ruiz")]
    )

    (entry,) = parse(client.get(f"/en/feeds/{FEEDS[kind]}")).entries

    assert [author.name for author in entry.authors] == ["Zhou Li", "Ana Ruiz"]


def test_feed_leaves_out_drafts_unpublished_versions_and_other_languages(client, demo):
    factories.TranslationFactory(article=demo, is_original=False, language="fr")
    original = Translation.objects.get(article=demo, is_original=True)
    workflow.unpublish(
        translation=Translation.objects.get(article=demo, language="en"),
        by=demo_user("moderator"),
        comment="Taken down for a correction.",
    )
    published_article(language="zh-hans", title="只有中文")

    english = parse(client.get("/en/feeds/articles.atom"))
    chinese = parse(client.get("/zh-hans/feeds/articles.atom"))
    french = parse(client.get("/fr/feeds/articles.atom"))

    assert english.entries == []
    assert [entry.title for entry in chinese.entries] == [
        "只有中文",
        original.live_revision.title,
    ]
    assert french.entries == []


def test_feed_holds_the_latest_thirty_newest_first(client):
    for day in range(1, FEED_SIZE + 3):
        published_article(
            title=f"Day {day}", published_at=at(2026, 1, 1, 9) + datetime.timedelta(days=day)
        )

    feed = parse(client.get("/en/feeds/articles.rss"))

    assert [entry.title for entry in feed.entries] == [
        f"Day {day}" for day in range(FEED_SIZE + 2, 2, -1)
    ]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_language_feed_reads_in_two_queries_however_many_entries(
    client, kind, django_assert_num_queries
):
    authors = [factories.AuthorFactory(), factories.AuthorFactory()]
    published_article(authors=authors)
    # The content state, then the entries with the bylines their claims carry.
    with django_assert_num_queries(2):
        assert len(parse(client.get(f"/en/feeds/{FEEDS[kind]}")).entries) == 1

    for _ in range(FEED_SIZE):
        published_article(authors=authors)
    with django_assert_num_queries(2):
        assert len(parse(client.get(f"/en/feeds/{FEEDS[kind]}")).entries) == FEED_SIZE


# Per organization


def test_organization_feed_lists_published_commentary_citing_it(client, demo):
    who = Organization.objects.get(slug="world-health-organization")
    uncited = factories.OrganizationFactory()

    feed = parse(client.get("/en/registry/world-health-organization/feed.atom"))
    empty = parse(client.get(f"/en/registry/{uncited.slug}/feed.atom"))

    (entry,) = feed.entries
    assert entry.link == f"http://testserver/en/articles/{SLUG}/"
    assert entry.title == Translation.objects.get(article=demo, language="en").live_revision.title
    assert [author.name for author in entry.authors] == ["陈明远 (Chen Mingyuan)"]
    assert entry.updated_parsed and entry.published_parsed
    assert who.name in feed.feed.title
    assert feed.feed.link == "http://testserver/en/registry/world-health-organization/"
    assert empty.entries == []


def test_organization_feed_shows_the_original_where_the_language_is_not_published(client, demo):
    feed = parse(client.get("/fr/registry/world-health-organization/feed.atom"))

    (entry,) = feed.entries
    assert entry.link == f"http://testserver/zh-hans/articles/{SLUG}/"


def test_organization_feed_counts_evidence_on_its_events_and_leaves_out_unpublished(client):
    organization = factories.OrganizationFactory()
    event = factories.MembershipEventFactory(organization=organization)
    cited = published_article(title="Cites the event")
    factories.EvidenceFactory(
        claim=factories.ClaimFactory(article=cited.article), organization=None, event=event
    )
    factories.publish_claims(cited.article)
    draft = factories.TranslationFactory(article__original_language="en", language="en")
    factories.EvidenceFactory(
        claim=factories.ClaimFactory(article=draft.article), organization=organization
    )

    feed = parse(client.get(f"/en/registry/{organization.slug}/feed.atom"))

    assert [entry.title for entry in feed.entries] == ["Cites the event"]


def test_organization_feed_of_an_unknown_organization_is_not_found(client):
    assert client.get("/en/registry/no-such-body/feed.atom").status_code == 404


def test_organization_feed_reads_in_four_queries_however_many_entries(
    client, django_assert_num_queries
):
    organization = factories.OrganizationFactory()
    authors = [factories.AuthorFactory(), factories.AuthorFactory()]

    def cite(count):
        for _ in range(count):
            translation = published_article(authors=authors)
            factories.EvidenceFactory(
                claim=factories.ClaimFactory(article=translation.article),
                organization=organization,
            )
            factories.publish_claims(translation.article)

    cite(1)
    with django_assert_num_queries(4):
        assert len(parse(client.get(f"/en/registry/{organization.slug}/feed.atom")).entries) == 1
    cite(10)
    with django_assert_num_queries(4):
        assert len(parse(client.get(f"/en/registry/{organization.slug}/feed.atom")).entries) == 11


def test_organization_page_links_its_feed(client, demo):
    response = client.get("/zh-hans/registry/world-health-organization/")

    assert (
        'type="application/atom+xml"' in response.text
        and 'href="/zh-hans/registry/world-health-organization/feed.atom"' in response.text
    )
