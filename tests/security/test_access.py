"""Drafts, unpublished versions, pending edits, review comments and the review desk are
invisible to anyone without a newsroom role: by guessing any URL of the site with the
ids and slugs of those records, and by following the links of the public pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles import workflow
from articles.models import Article, Claim, ReviewLog, Revision, Translation
from organizations.models import MembershipEvent, Organization
from tests import factories
from tests.security.pages import Samples, named_patterns

pytestmark = pytest.mark.django_db

DRAFT_SLUG = "quiet-draft"
UNPUBLISHED_SLUG = "pulled-piece"
SECRETS = (
    "DRAFT-TITLE-SECRET",
    "DRAFT-BODY-SECRET",
    "DRAFT-CLAIM-SECRET",
    "DRAFT-EVIDENCE-SECRET",
    "REVIEW-COMMENT-SECRET",
    "UNPUBLISHED-TITLE-SECRET",
    "UNPUBLISH-COMMENT-SECRET",
    "PENDING-EDIT-SECRET",
)
# Where a guessed URL may lead someone without a role: the login form, a refusal,
# nothing, or a method that is not allowed.
REFUSED = {302, 400, 403, 404, 405}


class Newsroom:
    """The records that must stay inside the newsroom, and who is who."""

    def __init__(self, demo):
        editors = Group.objects.get(name="Editors")
        moderators = Group.objects.get(name="Moderators")
        self.editor = factories.UserFactory(username="desk-editor", is_staff=True)
        self.editor.groups.add(editors)
        self.moderator = factories.UserFactory(username="desk-moderator", is_staff=True)
        self.moderator.groups.add(moderators)
        who = Organization.objects.get(slug="world-health-organization")

        # An article that was never published, sent back with a comment.
        self.draft_article = factories.ArticleFactory(slug=DRAFT_SLUG)
        body = "DRAFT-BODY-SECRET. The quoted claim stands here."
        self.draft = factories.TranslationFactory(
            article=self.draft_article,
            revision__title="DRAFT-TITLE-SECRET xylophonic",
            revision__body=body,
            revision__created_by=self.editor,
        )
        self.draft_claim = factories.ClaimFactory(
            article=self.draft_article, number=1, statement="DRAFT-CLAIM-SECRET"
        )
        factories.EvidenceFactory(
            claim=self.draft_claim, organization=who, note="DRAFT-EVIDENCE-SECRET"
        )
        factories.ClaimAnchorFactory(
            claim=self.draft_claim, translation=self.draft, quote="quoted claim stands"
        )
        workflow.submit(translation=self.draft, by=self.editor)
        workflow.request_changes(
            translation=self.draft, by=self.moderator, comment="REVIEW-COMMENT-SECRET"
        )
        self.review_comment = ReviewLog.objects.get(comment="REVIEW-COMMENT-SECRET")

        # An article readers saw once and no longer do.
        self.pulled_article = factories.ArticleFactory(slug=UNPUBLISHED_SLUG)
        self.pulled = factories.TranslationFactory(
            article=self.pulled_article,
            published=True,
            revision__title="UNPUBLISHED-TITLE-SECRET",
            revision__body="Withdrawn xylophonic text.",
        )
        workflow.unpublish(
            translation=self.pulled, by=self.moderator, comment="UNPUBLISH-COMMENT-SECRET"
        )

        # A live version with an edit nobody has approved yet.
        self.live = demo.article.translations.get(language="en")
        latest = self.live.latest_revision
        self.pending = workflow.revision_create(
            translation=self.live,
            title="PENDING-EDIT-SECRET xylophonic",
            standfirst=latest.standfirst,
            body=latest.body,
            by=self.editor,
            based_on=latest,
        )
        for record in (self.draft, self.pulled, self.live):
            record.refresh_from_db()

    def object_id_for(self, model) -> list:
        """The ids to guess for an admin page of `model`: the secret-bearing ones first."""
        chosen = {
            Article: [self.draft_article.pk, self.pulled_article.pk],
            Translation: [self.draft.pk, self.pulled.pk, self.live.pk],
            Revision: [self.draft.latest_revision_id, self.pending.pk],
            ReviewLog: [self.review_comment.pk],
            Claim: [self.draft_claim.pk],
        }.get(model)
        if chosen is not None:
            return chosen
        first = model._default_manager.order_by("pk").first()
        return [first.pk] if first is not None else [1]


@pytest.fixture
def newsroom(demo_site):
    return Newsroom(demo_site)


def _admin_model(pattern_name: str):
    """The model an admin URL name such as `admin:articles_translation_change` is about."""
    from django.contrib import admin

    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if pattern_name.startswith(prefix):
            return model
    return None


def guessed_urls(newsroom: Newsroom) -> list[str]:
    """Every named URL of the site, filled in with the ids and slugs of the secrets.

    Fails for a pattern whose parameters it does not know, so that a new page
    type is not left out.
    """
    samples = Samples()
    slugs = {
        "articles:detail": [DRAFT_SLUG, UNPUBLISHED_SLUG, samples.article_slug],
        "api:article": [DRAFT_SLUG, UNPUBLISHED_SLUG],
    }
    translation_type = ContentType.objects.get_for_model(Translation)
    urls = []
    unknown = []
    for pattern in named_patterns():
        name, parameters = pattern.name, pattern.parameters
        kwargs_list: list[dict] = []
        args_list: list[list] = []
        if not parameters:
            kwargs_list = [{}]
        elif parameters == ("slug",):
            values = slugs.get(name, [samples.organization_slug, samples.instrument_slug])
            kwargs_list = [{"slug": value} for value in values]
        elif parameters == ("key",):
            kwargs_list = [{"key": samples.event_key}]
        elif parameters == ("section",):
            from reader.sitemaps import SITEMAPS

            kwargs_list = [{"section": section} for section in SITEMAPS]
        elif parameters == ("table",):
            kwargs_list = [{"table": "events"}, {"table": "organizations"}]
        elif parameters == ("translation_id",):
            kwargs_list = [
                {"translation_id": pk}
                for pk in (newsroom.draft.pk, newsroom.pulled.pk, newsroom.live.pk)
            ]
        elif parameters == ("object_id",) and _admin_model(name) is not None:
            ids = newsroom.object_id_for(_admin_model(name))
            kwargs_list = [{"object_id": pk} for pk in ids]
        elif parameters == ("id",):
            kwargs_list = [{"id": newsroom.editor.pk}]
        elif parameters == ("content_type_id", "object_id"):
            kwargs_list = [{"content_type_id": translation_type.pk, "object_id": newsroom.draft.pk}]
        elif parameters == ("app_label",):
            kwargs_list = [{"app_label": "articles"}]
        elif name.endswith("_recover") and _admin_model(name) is not None:
            args_list = [[1]]
        elif name.endswith("_revision") and _admin_model(name) is not None:
            model = _admin_model(name)
            args_list = [[pk, 1] for pk in newsroom.object_id_for(model)]
        else:
            unknown.append(f"{name} {parameters}")
            continue
        for language in ("en", "zh-hans"):
            with translation.override(language):
                urls += [reverse(name, kwargs=kwargs) for kwargs in kwargs_list]
                urls += [reverse(name, args=args) for args in args_list]
    assert unknown == [], "tests/security/test_access.py does not know how to fill in these"
    return sorted(set(urls))


def _users(newsroom: Newsroom) -> dict:
    plain = factories.UserFactory(username="reader-account")
    staff_without_role = factories.UserFactory(username="intern", is_staff=True)
    editor_not_staff = factories.UserFactory(username="former-editor", is_staff=False)
    editor_not_staff.groups.add(Group.objects.get(name="Editors"))
    return {
        "anonymous": None,
        "plain": plain,
        "staff without a role": staff_without_role,
        "editor who is not staff": editor_not_staff,
    }


def assert_no_secret(response, who: str, url: str) -> None:
    body = response.content.decode(errors="replace") if not response.streaming else ""
    leaked = [secret for secret in SECRETS if secret in body]
    assert leaked == [], f"{who} sees {leaked} at {url}"


def test_no_guessed_url_shows_a_secret_to_anyone_without_a_role(client, newsroom):
    urls = guessed_urls(newsroom)
    assert len(urls) > 100
    for who, user in _users(newsroom).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            for guess in (url, f"{url}?preview=1"):
                response = client.get(guess)
                assert response.status_code < 500, guess
                assert_no_secret(response, who, guess)


def test_every_admin_and_review_desk_url_refuses_anyone_without_a_role(client, newsroom):
    urls = [url for url in guessed_urls(newsroom) if url.startswith("/admin/")]
    # Pages any signed-in staff member has: the index, their own password and the
    # admin's JavaScript translations; none of them shows newsroom records.
    own = {
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
        reverse("admin:jsi18n"),
    }
    login = reverse("admin:login")
    for who, user in _users(newsroom).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            if response.status_code == 200:
                assert url == login or (who == "staff without a role" and url in own), (
                    f"{who} reaches {url}"
                )
            else:
                assert response.status_code in REFUSED, f"{who} {url}"
            if response.status_code == 302 and url != login:
                location = response.headers["Location"]
                # Logging out (GET is not how) sends everyone back to the index.
                assert (
                    location.startswith(login)
                    or location == reverse("admin:index")
                    or (who == "staff without a role" and url.startswith("/admin/r/"))
                ), f"{who} {url} -> {location}"


def test_the_right_role_does_see_the_secrets_the_others_cannot(client, newsroom):
    """The secrets are reachable at all: an editor finds each of them."""
    client.force_login(newsroom.editor)
    seen = ""
    for url in (
        reverse("admin:articles_translation_change", args=[newsroom.draft.pk]),
        reverse("admin:articles_claim_change", args=[newsroom.draft_claim.pk]),
        reverse("review:detail", kwargs={"translation_id": newsroom.draft.pk}),
        reverse("review:detail", kwargs={"translation_id": newsroom.pulled.pk}),
        reverse("review:detail", kwargs={"translation_id": newsroom.live.pk}),
        reverse("admin:articles_reviewlog_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        seen += response.content.decode()
    with translation.override("zh-hans"):
        seen += client.get(newsroom.draft.get_absolute_url() + "?preview=1").content.decode()
    for secret in SECRETS:
        assert secret in seen, secret


def test_drafts_and_unpublished_versions_are_not_found_by_readers(client, newsroom):
    for version in (newsroom.draft, newsroom.pulled):
        url = version.get_absolute_url()
        assert client.get(url).status_code == 404
        assert client.get(f"{url}?preview=1").status_code == 404


def test_readers_see_the_live_text_and_not_the_pending_edit(client, newsroom):
    response = client.get(newsroom.live.get_absolute_url())
    assert response.status_code == 200
    assert "PENDING-EDIT-SECRET" not in response.content.decode()
    assert newsroom.live.live_revision.title in response.content.decode()


def test_preview_shows_the_latest_text_to_staff_with_the_right(client, newsroom):
    client.force_login(newsroom.editor)
    response = client.get(newsroom.live.get_absolute_url() + "?preview=1")
    assert "PENDING-EDIT-SECRET" in response.content.decode()
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.parametrize("kind", ["plain", "staff without a role", "editor who is not staff"])
def test_preview_is_refused_to_accounts_without_the_right_or_not_staff(client, newsroom, kind):
    client.force_login(_users(newsroom)[kind])
    response = client.get(newsroom.live.get_absolute_url() + "?preview=1")
    assert response.status_code == 200
    assert "PENDING-EDIT-SECRET" not in response.content.decode()
    with translation.override("zh-hans"):
        assert client.get(newsroom.draft.get_absolute_url() + "?preview=1").status_code == 404


def test_the_view_permission_alone_does_not_make_a_non_staff_account_a_previewer(client, newsroom):
    reader = factories.UserFactory(username="curious")
    reader.user_permissions.add(
        Permission.objects.get(codename="view_translation", content_type__app_label="articles")
    )
    client.force_login(reader)
    response = client.get(newsroom.live.get_absolute_url() + "?preview=1")
    assert "PENDING-EDIT-SECRET" not in response.content.decode()


def test_public_pages_link_to_no_draft_and_no_unpublished_version(client, newsroom):
    """Following links: lists, feeds, sitemaps, search and the API show only what is live."""
    pages = [
        reverse("home"),
        reverse("organizations:list"),
        reverse("organizations:events"),
        reverse("organizations:detail", kwargs={"slug": "world-health-organization"}),
        reverse("organizations:feed", kwargs={"slug": "world-health-organization"}),
        reverse("feed_articles_rss"),
        reverse("feed_articles_atom"),
        # Words only the hidden texts hold (the query itself is shown on the page).
        reverse("search") + "?q=xylophonic",
        reverse("search") + "?q=withdrawn",
        reverse("search") + "?q=quoted+claim",
        reverse("api:articles"),
        reverse("api:organization", kwargs={"slug": "world-health-organization"}),
        reverse("sitemap"),
        *(reverse("sitemap_section", kwargs={"section": s}) for s in ("articles", "pages")),
    ]
    for language in ("en", "zh-hans"):
        for url in pages:
            with translation.override(language):
                url = url.replace("/en/", f"/{language}/", 1)
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert_no_secret(response, "anonymous", url)
            assert DRAFT_SLUG not in body, url
            assert UNPUBLISHED_SLUG not in body, url


def test_a_staff_account_without_a_role_cannot_approve_or_unpublish(client, newsroom):
    intern = factories.UserFactory(username="intern", is_staff=True)
    client.force_login(intern)
    url = reverse("review:detail", kwargs={"translation_id": newsroom.live.pk})
    response = client.post(url, {"action": "unpublish", "unpublish-comment": "Pulled."})
    assert response.status_code == 403
    transition = reverse("admin:articles_translation_transition", args=[newsroom.draft.pk])
    assert client.post(transition, {"action": "submit"}).status_code in {403, 404}
    live_revision = newsroom.live.live_revision_id
    newsroom.live.refresh_from_db()
    assert newsroom.live.live_revision_id == live_revision
    assert not ReviewLog.objects.filter(action="unpublish", translation=newsroom.live).exists()
    newsroom.draft.refresh_from_db()
    assert newsroom.draft.status == Translation.Status.CHANGES_REQUESTED


def test_an_editor_cannot_approve_through_the_review_desk(client, newsroom):
    """Privilege escalation between roles: approving is the moderators' right alone."""
    other_editor = factories.UserFactory(username="second-editor", is_staff=True)
    other_editor.groups.add(Group.objects.get(name="Editors"))
    workflow.submit(translation=newsroom.draft, by=newsroom.editor)
    client.force_login(other_editor)
    url = reverse("review:detail", kwargs={"translation_id": newsroom.draft.pk})
    client.post(
        url,
        {
            "action": "approve",
            "approve-comment": "",
            **factories.as_seen(newsroom.draft, "approve"),
        },
    )
    newsroom.draft.refresh_from_db()
    assert newsroom.draft.status == Translation.Status.IN_REVIEW
    assert newsroom.draft.live_revision_id is None
    assert client.get(reverse("review:queue")).status_code == 403


def test_an_editor_cannot_verify_registry_events(client, newsroom):
    """Verifying an event is the moderators' right: the editor's form and actions lack it."""
    event = MembershipEvent.objects.filter(sources__isnull=False, verified_by=None).first()
    client.force_login(newsroom.editor)
    page = client.get(
        reverse("admin:organizations_membershipevent_change", args=[event.pk])
    ).content.decode()
    assert 'name="verified_by"' not in page
    for confirmed in ({}, {"post": "yes", f"source_{event.pk}": event.sources.first().pk}):
        client.post(
            reverse("admin:organizations_membershipevent_changelist"),
            {"action": "verify", "_selected_action": [event.pk], **confirmed},
        )
    event.refresh_from_db()
    assert event.verified_by is None
    client.force_login(newsroom.moderator)
    client.post(
        reverse("admin:organizations_membershipevent_changelist"),
        {
            "action": "verify",
            "_selected_action": [event.pk],
            "post": "yes",
            f"source_{event.pk}": event.sources.first().pk,
        },
    )
    event.refresh_from_db()
    assert event.verified_by == newsroom.moderator


def test_state_changes_without_a_csrf_token_are_refused(newsroom):
    """A page on another site cannot make a moderator's browser approve or unpublish."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(newsroom.moderator)
    live_revision = newsroom.live.live_revision_id
    url = reverse("review:detail", kwargs={"translation_id": newsroom.live.pk})
    response = browser.post(
        url,
        {
            "action": "unpublish",
            "unpublish-comment": "Forged.",
            **factories.as_seen(newsroom.live, "unpublish"),
        },
    )
    assert response.status_code == 403
    newsroom.live.refresh_from_db()
    assert newsroom.live.live_revision_id == live_revision
    login = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "desk-editor", "password": "x"}
    )
    assert login.status_code == 403
