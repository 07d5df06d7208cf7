"""The articles admin: editing adds revisions, no edit is lost, workflow steps never fail loudly."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article, Claim, ClaimAnchor, ReviewLog, Revision, Translation
from tests import factories

pytestmark = pytest.mark.django_db

Status = Translation.Status


def edit_url(translation: Translation) -> str:
    return reverse("admin:articles_translation_edit", args=[translation.pk])


def change_url(translation: Translation) -> str:
    return reverse("admin:articles_translation_change", args=[translation.pk])


def transition_url(translation: Translation) -> str:
    return reverse("admin:articles_translation_transition", args=[translation.pk])


def user_in(group: str, username: str, **names):
    user = factories.UserFactory(username=username, is_staff=True, **names)
    user.groups.add(Group.objects.get(name=group))
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def draft():
    """An original in draft with one revision."""
    return factories.TranslationFactory(
        revision__title="Old title",
        revision__standfirst="Old standfirst.",
        revision__body="The first text of the article.",
    )


def test_edit_form_starts_from_the_latest_revision_with_its_id_hidden(client, editor, draft):
    client.force_login(editor)

    response = client.get(edit_url(draft))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["body"] == "The first text of the article."
    assert form.initial["based_on"] == draft.latest_revision_id
    assert f'type="hidden" name="based_on" value="{draft.latest_revision_id}"' in response.text


def test_saving_the_edit_form_adds_a_revision_and_changes_none(client, editor, draft):
    client.force_login(editor)
    first = draft.latest_revision

    response = client.post(
        edit_url(draft),
        {
            "title": "New title",
            "standfirst": "New standfirst.",
            "body": "The second text.",
            "based_on": first.pk,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    draft.refresh_from_db()
    assert draft.latest_revision.number == 2
    assert draft.latest_revision.body == "The second text."
    assert draft.latest_revision.created_by == editor
    assert draft.latest_revision.based_on == first
    first.refresh_from_db()
    assert (first.title, first.body) == ("Old title", "The first text of the article.")


def test_a_save_on_a_stale_revision_is_refused_and_loses_nothing(draft):
    alice = user_in("Editors", "alice", first_name="Alice", last_name="Ang")
    bob = user_in("Editors", "bob")
    alice_client, bob_client = logged_in(alice), logged_in(bob)
    started_from = alice_client.get(edit_url(draft)).context["form"].initial["based_on"]
    assert bob_client.get(edit_url(draft)).context["form"].initial["based_on"] == started_from

    saved = alice_client.post(
        edit_url(draft),
        {
            "title": "Alice's title",
            "standfirst": "",
            "body": "Alice rewrote it.",
            "based_on": started_from,
        },
    )
    refused = bob_client.post(
        edit_url(draft),
        {
            "title": "Bob's title",
            "standfirst": "",
            "body": "Bob rewrote it too.",
            "based_on": started_from,
        },
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    alices = Revision.objects.get(translation=draft, number=2)
    assert Revision.objects.filter(translation=draft).count() == 2
    page = refused.text
    assert "Alice Ang saved a newer version (revision 2)" in page
    # Bob's text stays in the fields; Alice's is shown beside it, with the differences.
    form = refused.context["form"]
    assert form["body"].value() == "Bob rewrote it too."
    assert form["title"].value() == "Bob's title"
    assert "Bob rewrote it too.</textarea>" in page
    assert "Alice rewrote it." in page
    conflict = refused.context["conflict"]
    assert conflict["revision"] == alices
    assert "<del>Alice</del>" in conflict["body"] and "<ins>Bob</ins>" in conflict["body"]
    # Saving again is now based on Alice's revision and goes through.
    assert form["based_on"].value() == str(alices.pk)
    again = bob_client.post(
        edit_url(draft),
        {"title": "Bob's title", "standfirst": "", "body": "Bob merged it.", "based_on": alices.pk},
    )
    assert again.status_code == 302
    assert Revision.objects.get(translation=draft, number=3).based_on == alices


def test_two_editors_writing_the_first_text_at_once_do_not_overwrite_each_other(editor):
    empty = factories.TranslationFactory(revision=False)
    other = user_in("Editors", "other")
    first, second = logged_in(editor), logged_in(other)
    assert first.get(edit_url(empty)).context["form"]["based_on"].value() in (None, "")
    second.get(edit_url(empty))

    first.post(
        edit_url(empty), {"title": "One", "standfirst": "", "body": "First.", "based_on": ""}
    )
    refused = second.post(
        edit_url(empty), {"title": "Two", "standfirst": "", "body": "Second.", "based_on": ""}
    )

    assert refused.status_code == 200
    assert "saved a newer version (revision 1)" in refused.text
    assert Revision.objects.filter(translation=empty).count() == 1


def test_editing_a_published_translation_starts_a_draft_and_keeps_readers_on_the_live_one(
    client, editor
):
    published = factories.TranslationFactory(published=True, revision__body="Live text.")
    client.force_login(editor)

    response = client.post(
        edit_url(published),
        {
            "title": "T",
            "standfirst": "",
            "body": "Draft text.",
            "based_on": published.latest_revision_id,
        },
        follow=True,
    )

    published.refresh_from_db()
    assert published.status == Status.DRAFT
    assert published.live_revision.body == "Live text."
    assert published.latest_revision.body == "Draft text."
    assert any("Readers keep seeing revision 1" in message for message in messages_of(response))


def test_translation_edit_form_records_which_original_revision_it_follows(client, editor):
    original = factories.TranslationFactory(published=True, revision__body="Original one.")
    first_original = original.latest_revision
    translation = factories.TranslationFactory(
        article=original.article, is_original=False, language="en", revision__body="Translation."
    )
    newer_original = workflow.revision_create(
        translation=original, title="T", standfirst="", body="Original two.", by=editor
    )
    assert translation.latest_revision.source_revision == first_original
    client.force_login(editor)

    client.post(
        edit_url(translation),
        {
            "title": "T",
            "standfirst": "",
            "body": "Translation, updated.",
            "based_on": translation.latest_revision_id,
            "source_revision": newer_original.pk,
        },
    )

    translation.refresh_from_db()
    assert translation.latest_revision.source_revision == newer_original


def test_users_who_cannot_write_cannot_open_the_edit_form(client, draft):
    reader = factories.UserFactory(username="reader", is_staff=True)

    client.force_login(reader)

    assert client.get(edit_url(draft)).status_code == 403


def test_adding_a_translation_writes_its_first_revision(client, editor):
    article = factories.ArticleFactory(original_language="zh-hans")
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_translation_add"),
        {
            "article": article.pk,
            "language": "zh-hans",
            "is_original": "on",
            "title": "标题",
            "standfirst": "",
            "body": "正文。",
        },
    )

    assert response.status_code == 302
    translation = Translation.objects.get(article=article)
    assert translation.latest_revision.body == "正文。"
    assert translation.latest_revision.created_by == editor


# Revisions and their comparison


def test_revisions_are_read_only_in_the_admin_even_for_superusers(client, draft):
    admin_user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    revision = draft.latest_revision
    url = reverse("admin:articles_revision_change", args=[revision.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Changed"}).status_code == 403
    assert client.get(reverse("admin:articles_revision_add")).status_code == 403
    assert (
        client.get(reverse("admin:articles_revision_delete", args=[revision.pk])).status_code == 403
    )
    revision.refresh_from_db()
    assert revision.title == "Old title"


def test_revision_list_can_show_one_translations_revisions(client, editor, draft):
    other = factories.TranslationFactory(revision__title="Elsewhere")
    workflow.revision_create(translation=draft, title="Second", standfirst="", body="B", by=editor)
    client.force_login(editor)

    response = client.get(
        reverse("admin:articles_revision_changelist"), {"translation__id__exact": draft.pk}
    )

    shown = {revision.pk for revision in response.context["cl"].result_list}
    assert shown == set(draft.revisions.values_list("pk", flat=True))
    assert other.latest_revision_id not in shown


def test_compare_view_shows_a_word_level_diff_of_any_two_revisions(client, editor, draft):
    first = draft.latest_revision
    second = workflow.revision_create(
        translation=draft,
        title="New title",
        standfirst="Old standfirst.",
        body="The second text of the article.",
        by=editor,
    )
    client.force_login(editor)

    response = client.get(
        reverse("admin:articles_translation_compare", args=[draft.pk]),
        {"old": first.pk, "new": second.pk},
    )

    diffs = response.context["diffs"]
    assert diffs["title"] == "<del>Old</del><ins>New</ins> title"
    assert diffs["body"] == "The <del>first</del><ins>second</ins> text of the article."
    assert "<del>first</del><ins>second</ins>" in response.text


def test_compare_view_diffs_chinese_by_character(client, editor):
    chinese = factories.TranslationFactory(revision__body="美国退出了世界卫生组织。")
    first = chinese.latest_revision
    second = workflow.revision_create(
        translation=chinese,
        title=first.title,
        standfirst="",
        body="美国退出了教科文组织。",
        by=editor,
    )
    client.force_login(editor)

    response = client.get(
        reverse("admin:articles_translation_compare", args=[chinese.pk]),
        {"old": first.pk, "new": second.pk},
    )

    assert (
        response.context["diffs"]["body"] == "美国退出了<del>世界卫生</del><ins>教科文</ins>组织。"
    )


def test_compare_view_defaults_to_the_last_two_revisions(client, editor, draft):
    workflow.revision_create(
        translation=draft, title="Old title", standfirst="", body="B", by=editor
    )
    client.force_login(editor)

    response = client.get(reverse("admin:articles_translation_compare", args=[draft.pk]))

    assert (response.context["diffs"]["old"].number, response.context["diffs"]["new"].number) == (
        1,
        2,
    )


# Workflow from the admin


def ready(written_by=None):
    original, _ = factories.article_ready_for_review(languages=(), claims=1, written_by=written_by)
    return original


def test_submit_button_sends_the_translation_to_review(client, editor):
    translation = ready()
    client.force_login(editor)

    response = client.post(transition_url(translation), {"action": "submit"}, follow=True)

    translation.refresh_from_db()
    assert translation.status == Status.IN_REVIEW
    assert "Submitted for review." in messages_of(response)


def test_a_blocked_submission_lists_each_problem_as_a_message_not_an_error_page(client, editor):
    translation = ready()
    ClaimAnchor.objects.filter(translation=translation).update(quote="words nobody wrote")
    client.force_login(editor)

    response = client.post(transition_url(translation), {"action": "submit"}, follow=True)

    assert response.status_code == 200
    translation.refresh_from_db()
    assert translation.status == Status.DRAFT
    shown = messages_of(response)
    assert "This translation cannot go to review yet." in shown
    assert any("words nobody wrote" in message for message in shown)


def test_a_refused_transition_is_a_message(client, editor):
    translation = ready()
    client.force_login(editor)

    response = client.post(transition_url(translation), {"action": "withdraw"}, follow=True)

    assert response.status_code == 200
    assert any("Only a translation in review can be withdrawn" in m for m in messages_of(response))


def test_users_without_the_permission_are_told_so(client):
    translation = ready()
    viewer = factories.UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        *Group.objects.get(name="Editors").permissions.filter(codename="view_translation")
    )
    client.force_login(viewer)

    response = client.post(transition_url(translation), {"action": "submit"}, follow=True)

    assert response.status_code == 200
    assert "Only editors can submit translations for review." in messages_of(response)
    translation.refresh_from_db()
    assert translation.status == Status.DRAFT


def test_withdraw_button_takes_the_translation_back_to_draft(client, editor):
    translation = ready()
    workflow.submit(translation=translation, by=editor)
    client.force_login(editor)

    client.post(transition_url(translation), {"action": "withdraw"})

    translation.refresh_from_db()
    assert translation.status == Status.DRAFT


def test_translation_page_offers_the_steps_the_user_may_take(client, editor, moderator):
    translation = ready()
    client.force_login(editor)

    page = client.get(change_url(translation)).text

    assert 'value="submit"' in page
    assert 'value="withdraw"' not in page
    assert f'href="/admin/review/{translation.pk}/"' not in page

    workflow.submit(translation=translation, by=editor)
    client.force_login(moderator)
    page = client.get(change_url(translation)).text
    assert 'value="withdraw"' in page
    assert 'value="submit"' not in page
    assert f'href="/admin/review/{translation.pk}/"' in page


def test_translation_page_shows_its_review_history(client, editor, moderator):
    translation = ready()
    workflow.submit(translation=translation, by=editor)
    workflow.request_changes(translation=translation, by=moderator, comment="Cite the order.")
    client.force_login(editor)

    response = client.get(change_url(translation))

    log = response.context["review_log"]
    assert [entry.action for entry in log] == [
        ReviewLog.Action.REQUEST_CHANGES,
        ReviewLog.Action.SUBMIT,
    ]
    page = response.text
    assert "Cite the order." in page
    assert "Changes requested" in page and "In review" in page
    assert page.count('class="review-entry"') == 2


def test_submit_for_review_action_submits_the_ready_and_reports_the_rest(client, editor):
    good = ready()
    blocked = ready()
    Claim.objects.filter(article=blocked.article).first().evidence.all().delete()
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_translation_changelist"),
        {"action": "submit_for_review", "_selected_action": [good.pk, blocked.pk]},
        follow=True,
    )

    good.refresh_from_db()
    blocked.refresh_from_db()
    assert (good.status, blocked.status) == (Status.IN_REVIEW, Status.DRAFT)
    shown = messages_of(response)
    assert "1 translation submitted for review." in shown
    assert any("has no evidence from the registry" in message for message in shown)


# The review log


@pytest.mark.parametrize("superuser", [False, True])
def test_review_log_can_be_read_but_never_written_in_the_admin(client, moderator, superuser):
    translation = ready()
    workflow.submit(translation=translation, by=moderator)
    entry = ReviewLog.objects.get()
    user = moderator
    if superuser:
        user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)

    assert client.get(reverse("admin:articles_reviewlog_changelist")).status_code == 200
    url = reverse("admin:articles_reviewlog_change", args=[entry.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"comment": "rewritten"}).status_code == 403
    assert client.get(reverse("admin:articles_reviewlog_add")).status_code == 403
    assert (
        client.get(reverse("admin:articles_reviewlog_delete", args=[entry.pk])).status_code == 403
    )
    entry.refresh_from_db()
    assert entry.comment == ""


# Articles: languages, problems and filters


def article_with_problems():
    """An article with one orphaned anchor, one ambiguous anchor and one claim without evidence."""
    original = factories.TranslationFactory(
        revision__body="The same words. The same words. A unique sentence.", published=True
    )
    article = original.article
    orphaned = factories.ClaimFactory(article=article, number=1)
    factories.EvidenceFactory(claim=orphaned)
    factories.ClaimAnchorFactory(claim=orphaned, translation=original, quote="missing words")
    ambiguous = factories.ClaimFactory(article=article, number=2)
    factories.EvidenceFactory(claim=ambiguous)
    factories.ClaimAnchorFactory(claim=ambiguous, translation=original, quote="The same words")
    bare = factories.ClaimFactory(article=article, number=3)
    factories.ClaimAnchorFactory(claim=bare, translation=original, quote="A unique sentence")
    return article


def publish_new_revision(translation: Translation, *, by) -> None:
    """A newer live revision, published directly: these tests are not about review."""
    revision = workflow.revision_create(
        translation=translation, title="Newer", standfirst="", body="Newer text.", by=by
    )
    Translation.objects.filter(pk=translation.pk).update(
        live_revision=revision, status=Status.PUBLISHED
    )


def clean_article():
    original = ready()
    return original.article


def test_article_changelist_counts_problems_and_filters_by_them(client, editor):
    troubled = article_with_problems()
    fine = clean_article()
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")

    response = client.get(changelist)
    rows = {article.pk: article for article in response.context["cl"].result_list}
    assert len(rows[troubled.pk].problems) == 3
    assert rows[fine.pk].problems == []
    claims_url = reverse("admin:articles_article_claims", args=[troubled.pk])
    assert f'<a class="problem-count" href="{claims_url}">3</a>' in response.text

    with_problems = client.get(changelist, {"problems": "yes"}).context["cl"].result_list
    without = client.get(changelist, {"problems": "no"}).context["cl"].result_list
    assert [article.pk for article in with_problems] == [troubled.pk]
    assert [article.pk for article in without] == [fine.pk]


def test_article_page_in_the_admin_names_each_problem(client, editor):
    troubled = article_with_problems()
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_change", args=[troubled.pk])).text

    assert "Claim 1 [zh-hans]: the quote “missing words” is not in the text." in page
    assert "Claim 2 [zh-hans]: the quote “The same words” appears 2 times" in page
    assert "Claim 3 has no evidence from the registry." in page


def test_article_changelist_shows_languages_with_status_and_filters(client, editor):
    original = factories.TranslationFactory(published=True)
    factories.TranslationFactory(article=original.article, is_original=False, language="en")
    publish_new_revision(original, by=editor)
    other = factories.TranslationFactory(article=factories.ArticleFactory(original_language="fr"))
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")

    def shown(**params):
        return [a.pk for a in client.get(changelist, params).context["cl"].result_list]

    page = client.get(changelist).text
    assert "zh-hans" in page and "Published" in page and "Draft" in page
    assert shown(outdated="yes") == [original.article_id]
    assert shown(outdated="no") == [other.article_id]
    assert shown(language="en") == [original.article_id]
    assert shown(status="published") == [original.article_id]
    assert sorted(shown(status="draft")) == sorted([original.article_id, other.article_id])


def test_translation_changelist_flags_outdated_and_unpublished_changes(client, editor):
    original = factories.TranslationFactory(published=True)
    translation = factories.TranslationFactory(
        article=original.article, is_original=False, language="en", published=True
    )
    publish_new_revision(original, by=editor)
    client.force_login(editor)
    changelist = reverse("admin:articles_translation_changelist")

    rows = {t.pk: t for t in client.get(changelist).context["cl"].result_list}

    assert rows[translation.pk].is_outdated is True
    assert rows[original.pk].is_outdated is False
    outdated = client.get(changelist, {"outdated": "yes"}).context["cl"].result_list
    assert [t.pk for t in outdated] == [translation.pk]


@pytest.mark.parametrize(
    "name",
    [
        "admin:articles_article_changelist",
        "admin:articles_translation_changelist",
        "admin:articles_claim_changelist",
        "admin:articles_revision_changelist",
        "admin:articles_reviewlog_changelist",
    ],
)
def test_admin_changelists_read_in_a_fixed_number_of_queries(client, editor, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(name)).status_code == 200
        return len(context.captured_queries)

    def populate():
        article = article_with_problems()
        factories.TranslationFactory(article=article, is_original=False, language="en")
        workflow.submit(translation=ready(), by=editor)

    populate()
    client.force_login(editor)
    client.get(reverse(name))
    few = count()
    for _ in range(5):
        populate()
    assert count() == few


def test_claims_view_shows_each_text_with_marks_beside_the_claims(client, editor):
    troubled = article_with_problems()
    client.force_login(editor)

    response = client.get(reverse("admin:articles_article_claims", args=[troubled.pk]))

    page = response.text
    assert 'id="zh-hans-claim-3"' in page and "A unique sentence</mark>" in page
    states = {
        row["claim"].number: [cell["state"] for cell in row["anchors"]]
        for row in response.context["rows"]
    }
    assert states == {1: ["orphaned"], 2: ["ambiguous"], 3: ["found"]}
    assert [row["has_problem"] for row in response.context["rows"]] == [True, True, True]
    claim = Claim.objects.get(article=troubled, number=1)
    assert reverse("admin:articles_claim_change", args=[claim.pk]) in page


class IdsAndInPageLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.in_page_links: list[str] = []
        self.marks: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        href = attributes.get("href") or ""
        if tag == "a" and href.startswith("#") and len(href) > 1:
            self.in_page_links.append(href[1:])
        if tag == "mark":
            self.marks.append(attributes)


def test_claims_view_of_a_two_language_article_repeats_no_id_and_its_links_land(client, editor):
    original, _ = factories.article_ready_for_review(languages=("en",), claims=2)
    client.force_login(editor)

    response = client.get(f"/admin/articles/article/{original.article_id}/claims/")

    assert response.status_code == 200
    parser = IdsAndInPageLinks()
    parser.feed(response.text)
    parser.close()
    assert [id_ for id_, count in Counter(parser.ids).items() if count > 1] == []
    marked = {mark["id"] for mark in parser.marks if mark.get("id")}
    assert marked == {"zh-hans-claim-1", "zh-hans-claim-2", "en-claim-1", "en-claim-2"}
    assert {mark["aria-describedby"] for mark in parser.marks} == {
        f"{language}-claim-note-{number}" for language in ("zh-hans", "en") for number in (1, 2)
    }
    assert set(parser.in_page_links) >= {"claim-row-1", "claim-row-2"}
    assert set(parser.in_page_links) <= set(parser.ids)


def test_claim_admin_shows_anchor_state_and_takes_evidence_inline(client, editor):
    troubled = article_with_problems()
    claim = Claim.objects.get(article=troubled, number=2)
    client.force_login(editor)

    page = client.get(reverse("admin:articles_claim_change", args=[claim.pk])).text

    assert 'class="anchor-state anchor-ambiguous"' in page
    assert 'name="evidence-0-organization"' in page
    assert "admin-autocomplete" in page


def test_new_claims_default_to_the_articles_next_number(client, editor):
    troubled = article_with_problems()
    client.force_login(editor)

    response = client.get(reverse("admin:articles_claim_add"), {"article": troubled.pk})

    assert response.context["adminform"].form.initial["number"] == 4


def test_editors_add_an_article_with_its_byline(client, editor):
    author = factories.AuthorFactory(name="Lin Wei")
    client.force_login(editor)
    assert client.get(reverse("admin:articles_article_add")).status_code == 200

    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "slug": "new-article",
            "original_language": "en",
            "source_publication": "Concordance",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    article = Article.objects.get(slug="new-article")
    assert list(article.authors.all()) == [author]
    add_version = reverse("admin:articles_translation_add") + f"?article={article.pk}"
    form = client.get(add_version).context["adminform"].form
    assert (form.initial["language"], form.initial["is_original"]) == ("en", True)


def test_editors_add_a_claim_with_its_anchor_and_evidence_in_one_form(client, editor):
    translation = factories.TranslationFactory(revision__body="The United States left WHO.")
    organization = factories.OrganizationFactory()
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_claim_add") + f"?article={translation.article_id}",
        {
            "article": translation.article_id,
            "number": "1",
            "statement": "The United States left WHO.",
            "kind": "fact",
            "verdict": "supported",
            "note": "",
            "anchors-TOTAL_FORMS": "1",
            "anchors-INITIAL_FORMS": "0",
            "anchors-0-translation": translation.pk,
            "anchors-0-quote": "left WHO",
            "anchors-0-prefix": "",
            "anchors-0-suffix": "",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-organization": organization.pk,
            "evidence-0-event": "",
            "evidence-0-instrument": "",
            "evidence-0-relation": "supports",
            "evidence-0-note": "",
            "figure_check-TOTAL_FORMS": "0",
            "figure_check-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    claim = Claim.objects.get(article=translation.article)
    assert claim.anchors.get().quote == "left WHO"
    assert claim.evidence.get().organization == organization
    assert workflow.submission_problems(translation=translation) == []
