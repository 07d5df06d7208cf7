"""Claims, evidence, figure checks and bylines reach readers only through an approval.

Everything here goes through the HTTP layer, as an editor or a moderator
would: the admin's forms to edit, the review page to decide, and the public
pages, the API and the feeds to read.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import ArticleAuthor, Author, Claim, ClaimSet, ReviewLog, Translation
from articles.models.immutable import ImmutableRecordError
from tests import factories

pytestmark = pytest.mark.django_db

Status = Translation.Status
OLD = "The memorandum of January 2026 names 66 bodies."
NEW = "The United States left sixty-six bodies in one memorandum."


@pytest.fixture
def second_moderator(db):
    user = factories.UserFactory(username="second-moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def published(editor, moderator):
    """An article approved in Chinese and English, with an author in its byline."""
    original, (english,) = factories.article_ready_for_review(written_by=editor)
    Claim.objects.filter(article=original.article, number=1).update(statement=OLD)
    ArticleAuthor.objects.create(
        article=original.article, author=factories.AuthorFactory(name="Ana Ruiz"), position=0
    )
    for translation in (original, english):
        workflow.submit(translation=translation, by=editor)
        workflow.approve(translation=translation, by=moderator)
    return original, english


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_form_data(response) -> dict:
    """What the admin's change form would post back unchanged, inlines included."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(item) for item in value] if isinstance(value, list) else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None and value is not False:
                    data[subform.add_prefix(name)] = value
    return data


def what_readers_see(article) -> str:
    """Both versions' pages, the API's article and every feed, as one text."""
    reader = Client()
    urls = [
        f"/zh-hans/articles/{article.slug}/",
        f"/en/articles/{article.slug}/",
        f"/api/articles/{article.slug}/",
        "/en/feeds/articles.atom",
        "/zh-hans/feeds/articles.rss",
        "/en/search/?q=Headline",
        "/sitemap.xml",
    ]
    texts = []
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
    return "\n".join(texts)


def approve_on_the_review_page(client, translation):
    return client.post(
        reverse("review:detail", args=[translation.pk]),
        {"action": "approve", "approve-comment": "", **factories.as_seen(translation, "approve")},
    )


def test_an_edited_claim_reaches_readers_in_every_language_only_once_approved(
    published, editor, moderator
):
    original, english = published
    claim = Claim.objects.working().get(article=original.article, number=1)
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    as_editor = signed_in(editor)
    data = change_form_data(as_editor.get(url)) | {
        "statement": NEW,
        "verdict": "partly_supported",
        "note": "Counted from the memorandum's two lists.",
        "evidence-0-note": "The annex lists every body.",
    }

    saved = as_editor.post(url, data)

    assert saved.status_code == 302, saved.content
    seen = what_readers_see(original.article)
    assert NEW not in seen and "two lists" not in seen and "annex lists every body" not in seen
    assert OLD in seen
    # Every version went back to draft, each log says who edited the claims.
    for translation in (original, english):
        translation.refresh_from_db()
        assert translation.status == Status.DRAFT
        assert translation.live_revision_id is not None
    assert ReviewLog.objects.filter(action="claims_edited", actor=editor).count() == 2

    for translation in (original, english):
        workflow.submit(translation=translation, by=editor)
    queue = signed_in(moderator).get(reverse("review:queue")).content.decode()
    assert f"queue-{original.pk}" in queue and f"queue-{english.pk}" in queue
    review = signed_in(moderator).get(reverse("review:detail", args=[english.pk])).content.decode()
    assert "Changes to the claims" in review and NEW in review
    assert "Partly supported" in review and "The annex lists every body." in review

    for translation in (original, english):
        assert approve_on_the_review_page(signed_in(moderator), translation).status_code == 302

    seen = what_readers_see(original.article)
    assert NEW in seen and "two lists" in seen and "annex lists every body" in seen
    assert OLD not in seen
    approval = ReviewLog.objects.filter(translation=english, action="approve").first()
    assert approval.claim_set == ClaimSet.objects.filter(article=original.article).first()
    assert approval.claim_set.number == 2


def test_a_figure_check_an_editor_adds_waits_for_review(published, editor):
    original, english = published
    claim = Claim.objects.working().get(article=original.article, number=2)
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    as_editor = signed_in(editor)
    instrument = factories.InstrumentFactory()
    data = change_form_data(as_editor.get(url)) | {
        "kind": "figure",
        "figure_check-TOTAL_FORMS": "1",
        "figure_check-0-stated_value": "66",
        "figure_check-0-measure": "organizations_with_event_under_instrument",
        "figure_check-0-instrument": instrument.pk,
        "figure_check-0-event_kind": "withdrawal_announced",
    }

    saved = as_editor.post(url, data)

    assert saved.status_code == 302, saved.content
    assert claim.figure_check.stated_value == 66
    assert "Stated: 66" not in Client().get(english.get_absolute_url()).content.decode()
    english.refresh_from_db()
    assert english.status == Status.DRAFT


def test_a_byline_and_an_authors_new_name_wait_for_review(published, editor, moderator):
    original, english = published
    article = original.article
    as_editor = signed_in(editor)
    author = Author.objects.get(name="Ana Ruiz")
    url = reverse("admin:articles_author_change", args=[author.pk])
    renamed = as_editor.post(url, change_form_data(as_editor.get(url)) | {"name": "Ana Ruiz Soto"})
    assert renamed.status_code == 302, renamed.content

    assert "Ana Ruiz Soto" not in what_readers_see(article)
    assert "Ana Ruiz" in what_readers_see(article)
    for translation in (original, english):
        translation.refresh_from_db()
        assert translation.status == Status.DRAFT
        workflow.submit(translation=translation, by=editor)
        workflow.approve(translation=translation, by=moderator)
    assert "Ana Ruiz Soto" in what_readers_see(article)


def test_a_moderator_who_edits_a_claim_cannot_approve_it_alone(
    published, editor, moderator, second_moderator
):
    original, english = published
    claim = Claim.objects.working().get(article=original.article, number=1)
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    as_moderator = signed_in(moderator)
    saved = as_moderator.post(url, change_form_data(as_moderator.get(url)) | {"statement": NEW})
    assert saved.status_code == 302, saved.content
    workflow.submit(translation=english, by=editor)

    approvals = ReviewLog.objects.filter(translation=english, action="approve")
    approvals_before = approvals.count()

    refused = approve_on_the_review_page(as_moderator, english)

    assert "edited its claims" in refused.content.decode()
    english.refresh_from_db()
    assert english.status == Status.IN_REVIEW
    assert NEW not in Client().get(english.get_absolute_url()).content.decode()
    assert approvals.count() == approvals_before

    assert approve_on_the_review_page(signed_in(second_moderator), english).status_code == 302
    assert NEW in Client().get(english.get_absolute_url()).content.decode()


def test_an_approval_of_a_revision_the_moderator_did_not_see_is_refused(
    published, editor, moderator
):
    """The moderator opens revision 2; the editor saves revision 3 and resubmits; the
    approval posted from the page that showed revision 2 publishes nothing."""
    _, english = published
    workflow.revision_create(
        translation=english,
        title="Second",
        standfirst="",
        body=english.latest_revision.body,
        by=editor,
    )
    workflow.submit(translation=english, by=editor)
    as_moderator = signed_in(moderator)
    page = as_moderator.get(reverse("review:detail", args=[english.pk]))
    on_screen = {
        "approve-revision": page.context["approve_form"]["revision"].value(),
        "approve-claims": page.context["approve_form"]["claims"].value(),
    }
    live_before = Translation.objects.get(pk=english.pk).live_revision_id
    workflow.revision_create(
        translation=english,
        title="Third",
        standfirst="",
        body=english.latest_revision.body + "\n\nA late paragraph.",
        by=editor,
    )
    workflow.submit(translation=english, by=editor)

    refused = as_moderator.post(
        reverse("review:detail", args=[english.pk]),
        {"action": "approve", "approve-comment": "Checked the second one.", **on_screen},
    )

    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Since this page was opened, a newer revision (3) was saved" in text
    english.refresh_from_db()
    assert english.live_revision_id == live_before
    assert english.status == Status.IN_REVIEW
    assert not ReviewLog.objects.filter(translation=english, action="approve", revision__number=3)
    # The page shows what changed now, bound to revision 3, and keeps the comment typed.
    assert refused.context["approve_form"]["revision"].value() == english.latest_revision_id
    assert "Checked the second one." in text
    assert "A late paragraph." in text


def test_an_approval_of_claims_edited_since_the_page_was_opened_is_refused(
    published, editor, moderator
):
    original, english = published
    claim = Claim.objects.working().get(article=original.article, number=1)
    workflow.claims_edited(article=original.article, by=editor)
    workflow.submit(translation=english, by=editor)
    as_moderator = signed_in(moderator)
    page = as_moderator.get(reverse("review:detail", args=[english.pk]))
    stale = {
        f"{action}-{name}": page.context[f"{action}_form"][name].value()
        for action in ("approve", "request_changes", "unpublish")
        for name in ("revision", "claims")
    }
    as_editor = signed_in(editor)
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    as_editor.post(url, change_form_data(as_editor.get(url)) | {"statement": NEW})
    workflow.submit(translation=english, by=editor)
    detail = reverse("review:detail", args=[english.pk])

    for action, comment in (("approve", ""), ("request_changes", "No."), ("unpublish", "No.")):
        refused = as_moderator.post(
            detail,
            {"action": action, f"{action}-comment": comment}
            | {key: value for key, value in stale.items() if key.startswith(action)},
        )
        assert "the claims, their evidence or the bylines were edited" in refused.content.decode()

    english.refresh_from_db()
    assert english.status == Status.IN_REVIEW
    assert english.live_revision_id is not None
    assert NEW not in Client().get(english.get_absolute_url()).content.decode()


def test_a_changes_requested_comment_stays_on_the_translation_until_it_is_submitted_again(
    published, editor, moderator
):
    _, english = published
    workflow.revision_create(
        translation=english, title="T", standfirst="", body=english.latest_revision.body, by=editor
    )
    workflow.submit(translation=english, by=editor)
    workflow.request_changes(translation=english, by=moderator, comment="Cite the order's number.")
    as_editor = signed_in(editor)
    pages = [
        reverse("admin:articles_translation_change", args=[english.pk]),
        reverse("admin:articles_translation_edit", args=[english.pk]),
    ]

    for url in pages:
        text = as_editor.get(url).content.decode()
        assert "Changes requested" in text and "Cite the order&#x27;s number." in text

    workflow.submit(translation=english, by=editor)
    for url in pages:
        assert "changes-requested-heading" not in as_editor.get(url).content.decode()


def test_approved_claims_are_history_that_neither_the_admin_nor_code_can_rewrite(published, editor):
    original, _ = published
    frozen = Claim.objects.get(claim_set=original.live_claim_set, number=1)
    as_editor = signed_in(editor)

    page = as_editor.get(reverse("admin:articles_claim_change", args=[frozen.pk]))

    assert page.status_code == 302  # the admin knows no such claim: only the working copy
    frozen.statement = NEW
    for rewrite in (frozen.save, frozen.delete, frozen.evidence.first().delete):
        with pytest.raises(ImmutableRecordError):
            rewrite()
    anchor = frozen.anchors.first()
    anchor.quote = "elsewhere"
    with pytest.raises(ImmutableRecordError):
        anchor.save()
    assert Claim.objects.get(pk=frozen.pk).statement == OLD
    approved = ReviewLog.objects.filter(translation=original, action="approve").get()
    assert approved.claim_set == original.live_claim_set
