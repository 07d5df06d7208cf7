"""Public article pages: the live text with its claims marked and their evidence one click away."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from articles import workflow
from articles.models import Article, Claim, Translation
from ops.demo import seed_demo
from organizations.models import MembershipEvent, Organization
from reader.views import articles as views
from tests import factories

pytestmark = pytest.mark.django_db

SLUG = "a-year-of-american-exits"
D = datetime.date


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of the page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.texts.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(key) == value for key, value in attrs.items())
        ]


def page(client, path: str, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    return response


def article_url(language: str, slug: str = SLUG) -> str:
    return f"/{language}/articles/{slug}/"


def demo_user(username: str):
    """One of the accounts `seed_demo` creates: editor, moderator or admin."""
    return get_user_model().objects.get(username=username)


@pytest.fixture
def demo(db):
    call_command("load_registry", verbosity=0)
    return seed_demo().article


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_demo_article_marks_claims_with_notes_leading_to_evidence(client, demo, language):
    response = page(client, article_url(language))

    elements = Elements(response.text)
    mark = elements.find("mark", id="claim-1")
    assert mark and "claim" in mark[0]["class"].split()
    assert mark[0]["aria-describedby"] == "claim-note-1"
    assert elements.find("a", href="#evidence-1", id="claim-note-1")
    item = elements.find("li", id="evidence-1")
    assert item
    assert elements.find("a", href="#claim-1")
    assert elements.find("span", **{"class": "verdict verdict-supported"})
    evidence = elements.find("section", **{"class": "evidence"})
    assert evidence and evidence[0]["aria-labelledby"] == "evidence-heading"
    assert len(elements.find("h1")) == 1
    assert len(elements.find("mark", **{"class": "claim"})) >= len(demo.claims.working())


def test_evidence_lists_each_kind_of_record_with_its_links(client, demo):
    text = page(client, article_url("en")).text

    who_event = MembershipEvent.objects.get(
        key="world-health-organization-withdrawal-effective-2025-01-22"
    )
    # An event: its kind and dates, linking to the organization's timeline row.
    assert f'href="/en/registry/world-health-organization/#event-{who_event.pk}"' in text
    assert "Withdrawal effective" in text
    # An instrument, linking to its page.
    assert 'href="/en/registry/instruments/eo-14155/"' in text
    # An event's organization, and an organization with its current US status.
    assert 'href="/en/registry/world-bank/"><bdi>World Bank</bdi></a>' in text
    assert 'class="status status-observer_ended"' in text
    # A source of a record.
    assert 'rel="external noopener"' in text


def test_evidence_names_organizations_in_the_readers_language(client, demo):
    text = page(client, article_url("zh-hans")).text

    assert "<bdi>世界卫生组织</bdi>" in text


def test_event_dates_are_shown_only_as_precisely_as_known(client):
    translation = factories.TranslationFactory(
        published=True, revision__body="The body says the organization left."
    )
    event = factories.MembershipEventFactory(
        announced_on=D(1984, 6, 1),
        date_precision=MembershipEvent.Precision.YEAR,
    )
    claim = factories.ClaimFactory(article=translation.article, number=1)
    factories.ClaimAnchorFactory(claim=claim, translation=translation, quote="left")
    factories.EvidenceFactory(claim=claim, organization=None, event=event)
    factories.publish_claims(translation.article)

    text = page(client, translation.get_absolute_url()).text

    assert '<time datetime="1984">1984</time>' in text


def test_translation_names_its_original_and_first_publication(client, demo):
    Article.objects.filter(pk=demo.pk).update(source_url="https://example.org/original")

    text = page(client, article_url("en")).text

    assert "Translated from Simplified Chinese; first published in" in text
    link = '<a href="https://example.org/original" rel="external noopener">'
    assert f"{link}<cite>Concordance</cite></a>" in text
    assert "Jan. 20, 2026" in text
    assert (
        'href="/zh-hans/articles/a-year-of-american-exits/" hreflang="zh-hans">Read the original'
        in text
    )


def test_an_unpublished_or_missing_version_is_not_found(client, demo):
    english = Translation.objects.get(article=demo, language="en")
    workflow.unpublish(translation=english, by=demo_user("moderator"), comment="Retracted.")

    assert client.get(article_url("en")).status_code == 404
    assert client.get(article_url("fr")).status_code == 404
    assert client.get(article_url("en", "no-such-article")).status_code == 404
    assert client.get(article_url("zh-hans")).status_code == 200


def draft_in_french(article: Article) -> Translation:
    return factories.TranslationFactory(
        article=article,
        is_original=False,
        language="fr",
        revision__title="Brouillon",
        revision__body="Texte pas encore publié.",
    )


def test_staff_who_may_view_translations_can_preview_the_latest_revision(client, demo, editor):
    draft_in_french(demo)
    client.force_login(editor)

    response = page(client, article_url("fr"), preview="1")

    assert "Preview: not published" in response.text
    assert "Brouillon" in response.text
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response.context["preview"] is True


def test_preview_is_for_staff_only(client, demo):
    draft_in_french(demo)
    assert client.get(article_url("fr"), {"preview": "1"}).status_code == 404

    someone = factories.UserFactory(username="someone", is_staff=True)
    client.force_login(someone)
    assert client.get(article_url("fr"), {"preview": "1"}).status_code == 404

    someone.user_permissions.add(Permission.objects.get(codename="view_translation"))
    client.force_login(someone)
    assert client.get(article_url("fr"), {"preview": "1"}).status_code == 200


def test_switcher_and_alternates_list_only_published_versions(client, demo):
    draft_in_french(demo)

    response = page(client, article_url("en"))

    links = response.context["language_links"]
    assert [(link["code"], link["current"]) for link in links] == [("zh-hans", False), ("en", True)]
    elements = Elements(response.text)
    # The language feeds are alternates too, told apart by their type.
    alternates = [link for link in elements.find("link", rel="alternate") if "type" not in link]
    assert sorted(link["hreflang"] for link in alternates) == ["en", "zh-hans"]
    assert all(link["href"].startswith("http://testserver/") for link in alternates)
    switcher = [attrs for tag, attrs in elements.tags if tag == "a" and "hreflang" in attrs]
    assert "fr" not in {attrs["hreflang"] for attrs in switcher}


def test_edits_to_a_published_version_stay_invisible_until_approved(client, demo):
    english = Translation.objects.get(article=demo, language="en")
    live = english.live_revision
    writer = factories.UserFactory(username="writer")
    writer.groups.add(Group.objects.get(name="Editors"))
    workflow.revision_create(
        translation=english,
        title="A new headline nobody approved",
        standfirst=live.standfirst,
        body=live.body,
        by=writer,
        based_on=live,
    )

    text = page(client, article_url("en")).text
    assert "A new headline nobody approved" not in text
    assert live.title in text

    workflow.submit(translation=english, by=writer)
    workflow.approve(translation=english, by=demo_user("moderator"))
    assert "A new headline nobody approved" in page(client, article_url("en")).text


def test_outdated_translation_says_so(client, demo):
    original = Translation.objects.get(article=demo, is_original=True)
    live = original.live_revision
    workflow.revision_create(
        translation=original,
        title=live.title,
        standfirst=live.standfirst,
        body=live.body + "\n\n补充一段。",
        by=demo_user("editor"),
        based_on=live,
    )
    workflow.submit(translation=original, by=demo_user("editor"))
    workflow.approve(translation=original, by=demo_user("moderator"))

    notice = "This translation is based on an earlier version of the original."
    assert notice in page(client, article_url("en")).text
    assert notice not in page(client, article_url("zh-hans")).text


def test_arabic_pages_read_right_to_left(client):
    arabic = factories.TranslationFactory(
        article=factories.ArticleFactory(original_language="ar"),
        published=True,
        revision__title="عنوان",
        revision__body="نص المقال.",
    )

    text = page(client, arabic.get_absolute_url()).text

    assert '<html lang="ar" dir="rtl">' in text


def test_the_body_is_rendered_once_and_again_only_when_claims_change(client, demo, monkeypatch):
    calls = []
    real = views.render_body

    def counting(body, marks):
        calls.append(len(marks))
        return real(body, marks)

    monkeypatch.setattr(views, "render_body", counting)

    first = page(client, article_url("en")).text
    second = page(client, article_url("en")).text
    assert len(calls) == 1
    # Only the per-response CSP nonce may differ.
    assert re.sub(r'nonce="[^"]*"', "", first) == re.sub(r'nonce="[^"]*"', "", second)

    # A registry change renders the page again, but not its body: no claim moved.
    Organization.objects.filter(pk=Organization.objects.order_by("pk").first().pk).update(
        description="Touched."
    )
    page(client, article_url("en"))
    assert len(calls) == 1

    claim = Claim.objects.working().get(article=demo, number=1)
    claim.statement = "A corrected statement."
    claim.save()
    factories.publish_claims(demo)
    third = page(client, article_url("en")).text
    assert len(calls) == 2
    assert 'title="A corrected statement."' in third


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"><svg onload=alert(3)>'


def test_hostile_text_in_every_field_renders_inert(client):
    organization = factories.OrganizationFactory(name=f"Org {HOSTILE}", acronym="EVIL")
    source = factories.SourceFactory(title=f"Source {HOSTILE}", publisher=HOSTILE)
    organization.sources.add(source)
    author = factories.AuthorFactory(name=f"Author {HOSTILE}")
    translation = factories.TranslationFactory(
        article=factories.ArticleFactory(authors=[author], source_publication=HOSTILE),
        published=True,
        revision__title=f"Title {HOSTILE}",
        revision__standfirst=f"Standfirst {HOSTILE}",
        revision__body=f"Body with a quote here. {HOSTILE}",
    )
    claim = factories.ClaimFactory(
        article=translation.article, number=1, statement=f"Statement {HOSTILE}", note=HOSTILE
    )
    factories.ClaimAnchorFactory(claim=claim, translation=translation, quote="a quote here")
    factories.EvidenceFactory(claim=claim, organization=organization, note=f"Note {HOSTILE}")
    event = factories.MembershipEventFactory(organization=organization, summary=HOSTILE)
    event.sources.add(source)
    factories.EvidenceFactory(claim=claim, organization=None, event=event, note=HOSTILE)

    text = page(client, translation.get_absolute_url()).text

    elements = Elements(text)
    # The only scripts are the page's own JSON-LD data blocks.
    assert all(attrs.get("type") == "application/ld+json" for attrs in elements.find("script"))
    assert not elements.find("img")
    assert not elements.find("svg")
    for tag, attrs in elements.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
    assert "<script>alert(1)</script>" in "".join(elements.texts)
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_preview_shows_the_pending_edit_of_a_published_version(client, demo, editor):
    english = Translation.objects.get(article=demo, language="en")
    live = english.live_revision
    workflow.revision_create(
        translation=english,
        title="Pending headline",
        standfirst=live.standfirst,
        body=live.body,
        by=demo_user("editor"),
        based_on=live,
    )
    client.force_login(editor)

    preview = page(client, article_url("en"), preview="1").text
    readers = page(client, article_url("en")).text

    assert "Pending headline" in preview and "Preview: not published" in preview
    assert "Pending headline" not in readers and "Preview" not in readers
