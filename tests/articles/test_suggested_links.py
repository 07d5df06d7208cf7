"""Suggested links: registry names found in a revision become claims with anchors and evidence."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import workflow
from articles.models import Claim, ClaimAnchor, Evidence, Translation
from articles.suggestions import anchor_selector, suggested_links
from articles.text.anchors import AnchorState, Quote, plain_text, resolve
from ops.demo import seed_demo
from tests import factories

pytestmark = pytest.mark.django_db

BODY = (
    "The **World Health Organization** lost its largest funder. "
    "Officials at WHO said little.\n\n"
    "Months later, WHO confirmed the cuts."
)


@pytest.fixture
def who():
    organization = factories.OrganizationFactory(
        name="World Health Organization", acronym="WHO", slug="world-health-organization"
    )
    factories.OrganizationNameFactory(
        organization=organization, language="zh-hans", name="世界卫生组织"
    )
    return organization


@pytest.fixture
def translation(who):
    original = factories.TranslationFactory(revision__body=BODY)
    return original


def suggestions_url(translation: Translation) -> str:
    return reverse("admin:articles_translation_suggestions", args=[translation.pk])


def test_every_mention_by_name_or_acronym_is_suggested(translation, who):
    found = suggested_links(translation=translation, revision=translation.latest_revision)

    assert [(s.mention.text, s.organization) for s in found] == [
        ("World Health Organization", who),
        ("WHO", who),
        ("WHO", who),
    ]
    assert found[1].before.endswith("Officials at ")
    assert found[1].after.startswith(" said little.")
    assert not any(s.is_anchored for s in found)


def test_names_in_other_languages_are_suggested(who):
    chinese = factories.TranslationFactory(revision__body="美国退出了世界卫生组织。")

    found = suggested_links(translation=chinese, revision=chinese.latest_revision)

    assert [(s.mention.text, s.organization) for s in found] == [("世界卫生组织", who)]


def test_mentions_already_covered_by_an_anchor_say_which_claim(translation):
    claim = factories.ClaimFactory(article=translation.article, number=7)
    factories.ClaimAnchorFactory(
        claim=claim, translation=translation, quote="World Health Organization lost"
    )

    found = suggested_links(translation=translation, revision=translation.latest_revision)

    assert [s.anchored_by for s in found] == [(7,), (), ()]


def test_suggestions_page_lists_mentions_with_a_button_each(client, editor, translation):
    client.force_login(editor)

    response = client.get(suggestions_url(translation))

    assert response.status_code == 200
    page = response.text
    assert page.count("Add claim with this link") == 3
    assert "<mark>World Health Organization</mark>" in page


def test_one_post_creates_the_claim_its_anchor_and_its_evidence(client, editor, translation, who):
    factories.ClaimFactory(article=translation.article, number=1)
    client.force_login(editor)
    mention = suggested_links(translation=translation, revision=translation.latest_revision)[0]

    response = client.post(
        suggestions_url(translation),
        {
            "revision": translation.latest_revision_id,
            "start": mention.mention.start,
            "end": mention.mention.end,
            "organization": who.pk,
        },
        follow=True,
    )

    assert response.status_code == 200
    claim = Claim.objects.get(article=translation.article, number=2)
    assert claim.statement == "Mentions World Health Organization."
    assert (claim.kind, claim.verdict) == (Claim.Kind.FACT, Claim.Verdict.UNVERIFIED)
    anchor = ClaimAnchor.objects.get(claim=claim)
    assert (anchor.translation, anchor.quote, anchor.prefix, anchor.suffix) == (
        translation,
        "World Health Organization",
        "",
        "",
    )
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.organization, evidence.relation) == (who, Evidence.Relation.CONTEXT)
    assert any("Claim 2 added" in str(message) for message in response.context["messages"])
    # The page now shows that mention as anchored by the new claim.
    assert response.context["suggestions"][0].anchored_by == (2,)


def test_a_repeated_mention_gets_an_anchor_that_finds_exactly_it(client, editor, translation, who):
    client.force_login(editor)
    second = suggested_links(translation=translation, revision=translation.latest_revision)[2]
    text = plain_text(BODY)
    assert text.count("WHO") == 2

    client.post(
        suggestions_url(translation),
        {
            "revision": translation.latest_revision_id,
            "start": second.mention.start,
            "end": second.mention.end,
            "organization": who.pk,
        },
    )

    anchor = ClaimAnchor.objects.get(claim__article=translation.article)
    assert anchor.quote == "WHO"
    assert anchor.prefix == "later,"
    resolution = resolve(text, Quote(anchor.quote, anchor.prefix, anchor.suffix))
    assert resolution.state == AnchorState.FOUND
    assert (resolution.start, resolution.end) == (second.mention.start, second.mention.end)
    # Nothing blocks a submission on this anchor.
    assert not any(
        "WHO" in problem for problem in workflow.submission_problems(translation=translation)
    )


def test_a_mention_that_is_not_in_the_text_creates_nothing(client, editor, translation, who):
    client.force_login(editor)

    response = client.post(
        suggestions_url(translation),
        {"revision": translation.latest_revision_id, "start": 1, "end": 5, "organization": who.pk},
        follow=True,
    )

    assert response.status_code == 200
    assert not Claim.objects.exists()
    assert any("no longer in the text" in str(m) for m in response.context["messages"])


def test_suggestions_of_an_older_revision_anchor_in_that_revisions_text(
    client, editor, translation, who
):
    older = translation.latest_revision
    workflow.revision_create(
        translation=translation, title="T", standfirst="", body="Nothing here.", by=editor
    )
    client.force_login(editor)

    response = client.get(suggestions_url(translation), {"revision": older.pk})

    assert len(response.context["suggestions"]) == 3
    assert response.context["revision"] == older
    latest = client.get(suggestions_url(translation))
    assert latest.context["suggestions"] == []


def test_users_who_cannot_add_claims_get_no_buttons_and_cannot_post(client, translation, who):
    viewer = factories.UserFactory(username="viewer", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_translation"))
    client.force_login(viewer)
    mention = suggested_links(translation=translation, revision=translation.latest_revision)[0]

    assert "Add claim with this link" not in client.get(suggestions_url(translation)).text
    client.post(
        suggestions_url(translation),
        {
            "revision": translation.latest_revision_id,
            "start": mention.mention.start,
            "end": mention.mention.end,
            "organization": who.pk,
        },
    )
    assert not Claim.objects.exists()


def test_demo_article_suggests_the_registry_names_it_uses(client, editor):
    call_command("load_registry", verbosity=0)
    seed_demo()
    english = Translation.objects.get(language="en")
    client.force_login(editor)

    suggestions = client.get(suggestions_url(english)).context["suggestions"]

    names = {s.organization.slug for s in suggestions}
    assert {"world-health-organization", "green-climate-fund", "world-bank"} <= names
    assert any(s.is_anchored for s in suggestions)


# Choosing the anchor's context


def test_a_unique_mention_needs_no_prefix_or_suffix():
    text = "Only one WHO here."
    start = text.index("WHO")

    assert anchor_selector(text, start, start + 3) == Quote("WHO")


def test_a_repeated_mention_takes_the_shortest_whole_word_prefix():
    text = "The WHO met. Then the WHO left."
    start = text.rindex("WHO")

    assert anchor_selector(text, start, start + 3) == Quote("WHO", "the")


def test_a_repeated_mention_at_the_start_takes_a_suffix():
    text = "WHO spoke. Later the WHO left."

    assert anchor_selector(text, 0, 3) == Quote("WHO", "", "spoke")


def test_chinese_mentions_take_the_fewest_characters_needed():
    text = "世卫组织宣布。美国退出世卫组织。"
    start = text.rindex("世卫组织")

    selector = anchor_selector(text, start, start + 4)

    assert selector == Quote("世卫组织", "出")
    assert resolve(text, selector).start == start
