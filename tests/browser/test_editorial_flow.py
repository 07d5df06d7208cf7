"""The whole editorial flow in a real browser, from a Chinese draft to what readers see.

An editor writes a Chinese original in the admin, anchors two claims (one
from the suggested links, one by hand with its evidence picked in the
autocomplete) and submits it; a moderator approves it at the review desk;
the editor adds an English translation, cannot approve it, and a moderator
does. Readers then follow a claim to its evidence, keep seeing the approved
text while an edit waits for review, and are told when the original has
moved on. Last, the editor rewords a claim of the published article: readers
keep the approved claim until a moderator, shown the change, approves it.
"""

# The Chinese text is punctuated with full-width commas, as Chinese is.
# ruff: noqa: RUF001
import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Translation
from tests.browser.conftest import login

SLUG = "after-the-who-exit"
PASSWORD = "correct-horse-battery-staple-41"

ORIGINAL_TITLE = "美国退出世界卫生组织之后"
ORIGINAL_BODY = (
    "2025年1月20日，美国宣布退出世界卫生组织。\n\n半年之后，美国又宣布退出联合国教科文组织。"
)
ORIGINAL_ADDITION = "\n\n2026年1月7日，美国再宣布退出66个国际组织。"

ENGLISH_TITLE = "After the WHO exit"
ENGLISH_BODY = (
    "On 20 January 2025 the United States announced its withdrawal from the "
    "World Health Organization.\n\n"
    "Half a year later it announced its withdrawal from UNESCO."
)
ENGLISH_EDITED_TITLE = "After the WHO exit: a year of American withdrawals"

UNESCO_CLAIM = "The United States announced it would leave UNESCO."
UNESCO_CLAIM_EDITED = "In July 2025 the United States announced it would leave UNESCO again."

OUTDATED_NOTICE = "This translation is based on an earlier version of the original."


def staff_member(username: str, group: str):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def expect_message(page, text: str) -> None:
    expect(page.locator(".messagelist")).to_contain_text(text)


def translation_pk(page) -> int:
    match = re.search(r"/admin/articles/translation/(\d+)/", page.url)
    assert match, page.url
    return int(match.group(1))


def open_translation(page, live_server, pk: int) -> None:
    page.goto(f"{live_server.url}/admin/articles/translation/{pk}/change/")


def write_revision(page, live_server, pk: int, *, title: str, body: str) -> None:
    """Write a new revision on the translation's edit page, as an editor does."""
    open_translation(page, live_server, pk)
    page.get_by_role("link", name="Edit text").first.click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Body").fill(body)
    page.get_by_role("button", name="Save as a new revision").click()
    expect_message(page, "saved as a draft")


def submit_for_review(page, live_server, pk: int) -> None:
    open_translation(page, live_server, pk)
    page.get_by_role("button", name="Submit for review").click()
    expect_message(page, "Submitted for review.")


def approve(page, live_server, title: str) -> None:
    """Approve the translation waiting under `title` from the moderators' review queue."""
    page.goto(f"{live_server.url}/admin/review/")
    page.locator("#review-queue").get_by_role("link", name=title, exact=True).click()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page).to_have_url(re.compile(r"/admin/review/$"))
    expect_message(page, "is published: readers see this version now.")


def pick_in_autocomplete(page, select_name: str, term: str, option: str) -> None:
    """Choose a record in one of the admin's autocomplete (select2) widgets."""
    page.locator(f'select[name="{select_name}"] + .select2').click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    page.locator(".select2-results__option", has_text=option).first.click()
    expect(page.locator(f'select[name="{select_name}"] option:checked')).to_contain_text(option)


def add_anchor(page, claim_statement: str, *, translation_label: str, quote: str) -> None:
    """Anchor an existing claim in one more language version from its claim page."""
    page.get_by_role("link", name=claim_statement, exact=True).click()
    row = page.locator("tr.form-row:not(.has_original)").filter(
        has=page.locator('select[name$="-translation"]')
    )
    row.locator('select[name$="-translation"]').first.select_option(label=translation_label)
    row.locator('textarea[name$="-quote"], input[name$="-quote"]').first.fill(quote)
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, "was changed successfully")


def test_a_chinese_original_and_its_english_translation_go_from_draft_to_readers(
    roles, live_server, open_context
):
    call_command("load_registry", stdout=StringIO())
    staff_member("wang.editor", "Editors")
    staff_member("okafor.moderator", "Moderators")

    editor = open_context().new_page()
    moderator = open_context().new_page()
    reader = open_context().new_page()
    login(editor, live_server, "wang.editor", PASSWORD)
    login(moderator, live_server, "okafor.moderator", PASSWORD)

    # The editor creates the article and its Chinese original.
    editor.goto(f"{live_server.url}/admin/articles/article/add/")
    editor.get_by_label("Slug").fill(SLUG)
    editor.get_by_label("Original language").select_option("zh-hans")
    editor.get_by_label("Source publication").fill("Concordance")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect_message(editor, "was added successfully")
    editor.get_by_role("link", name="Add a language version").click()
    expect(editor.get_by_label("Language")).to_have_value("zh-hans")
    expect(editor.get_by_label("Original", exact=True)).to_be_checked()
    editor.get_by_label("Title").fill(ORIGINAL_TITLE)
    editor.get_by_label("Body").fill("草稿。")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect_message(editor, "was added successfully")
    original = translation_pk(editor)
    write_revision(editor, live_server, original, title=ORIGINAL_TITLE, body=ORIGINAL_BODY)

    # Claim 1: one click on the suggested link makes the claim, its anchor and evidence.
    editor.get_by_role("link", name="Suggested links").first.click()
    editor.get_by_role("row").filter(has_text="World Health Organization").get_by_role(
        "button", name="Add claim with this link"
    ).click()
    expect_message(editor, "Claim 1 added with its anchor and evidence.")

    # Claim 2: written by hand, anchored on a quote, the evidence picked in the autocomplete.
    editor.goto(f"{live_server.url}/admin/articles/article/")
    editor.get_by_role("link", name=SLUG).click()
    editor.get_by_role("link", name="Add a claim").first.click()
    expect(editor.get_by_label("Number")).to_have_value("2")
    editor.get_by_label("Statement").fill(UNESCO_CLAIM)
    editor.locator('select[name="anchors-0-translation"]').select_option(label=f"{SLUG} [zh-hans]")
    editor.locator('[name="anchors-0-quote"]').fill("宣布退出联合国教科文组织")
    pick_in_autocomplete(
        editor,
        "evidence-0-organization",
        "UNESCO",
        "United Nations Educational, Scientific and Cultural Organization",
    )
    editor.get_by_role("button", name="Save", exact=True).click()
    expect_message(editor, "was added successfully")

    submit_for_review(editor, live_server, original)

    # Readers see nothing until a moderator approves.
    assert reader.goto(f"{live_server.url}/zh-hans/articles/{SLUG}/").status == 404
    approve(moderator, live_server, ORIGINAL_TITLE)

    # The English translation, anchored for both claims, submitted by the editor.
    editor.goto(f"{live_server.url}/admin/articles/article/")
    editor.get_by_role("link", name=SLUG).click()
    editor.get_by_role("link", name="Add a language version").click()
    editor.get_by_label("Language").select_option("en")
    editor.get_by_label("Title").fill(ENGLISH_TITLE)
    editor.get_by_label("Body").fill(ENGLISH_BODY)
    editor.get_by_role("button", name="Save and continue editing").click()
    expect_message(editor, "was added successfully")
    english = translation_pk(editor)
    editor.get_by_role("link", name="Claims beside the text").first.click()
    add_anchor(
        editor,
        "Mentions World Health Organization.",
        translation_label=f"{SLUG} [en]",
        quote="World Health Organization",
    )
    editor.goto(f"{live_server.url}/admin/articles/article/")
    editor.get_by_role("link", name=SLUG).click()
    editor.get_by_role("link", name="Claims beside the text").first.click()
    add_anchor(
        editor,
        UNESCO_CLAIM,
        translation_label=f"{SLUG} [en]",
        quote="withdrawal from UNESCO",
    )
    submit_for_review(editor, live_server, english)

    # Four eyes: the editor may read the review page but has nothing to approve with.
    editor.goto(f"{live_server.url}/admin/review/{english}/")
    expect(editor.get_by_role("heading", name="Problems")).to_be_visible()
    expect(editor.get_by_role("button", name="Approve and publish")).to_have_count(0)
    expect(editor.locator(".review-notice")).to_contain_text(
        "Moderators approve or send back translations from this page"
    )
    assert editor.goto(f"{live_server.url}/admin/review/").status == 403
    approve(moderator, live_server, ENGLISH_TITLE)

    # Readers: both versions, claims highlighted, each note leading to its evidence.
    reader.goto(f"{live_server.url}/zh-hans/articles/{SLUG}/")
    expect(reader.get_by_role("heading", level=1)).to_have_text(ORIGINAL_TITLE)
    expect(reader.locator("mark.claim")).to_have_text(["世界卫生组织", "宣布退出联合国教科文组织"])
    expect(reader.locator("nav.language-switcher").get_by_role("link")).to_have_text(
        ["简体中文", "English"]
    )
    reader.goto(f"{live_server.url}/en/articles/{SLUG}/")
    expect(reader.get_by_role("heading", level=1)).to_have_text(ENGLISH_TITLE)
    expect(reader.locator("mark.claim")).to_have_text(
        ["World Health Organization", "withdrawal from UNESCO"]
    )
    reader.get_by_role("link", name="Evidence for claim 1").click()
    expect(reader).to_have_url(re.compile(r"#evidence-1$"))
    assert reader.evaluate("document.querySelector(':target').id") == "evidence-1"
    expect(reader.locator("#evidence-1")).to_be_in_viewport()
    expect(reader.locator("#evidence-1")).to_be_focused()
    expect(reader.locator("#evidence-1")).to_contain_text("World Health Organization")

    # An edit of the live English version waits for a moderator; readers keep the approved text.
    write_revision(editor, live_server, english, title=ENGLISH_EDITED_TITLE, body=ENGLISH_BODY)
    expect_message(editor, "Readers keep seeing revision 1 until a moderator approves the new one.")
    reader.goto(f"{live_server.url}/en/articles/{SLUG}/")
    expect(reader.get_by_role("heading", level=1)).to_have_text(ENGLISH_TITLE)
    submit_for_review(editor, live_server, english)
    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text(ENGLISH_TITLE)
    approve(moderator, live_server, ENGLISH_EDITED_TITLE)
    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text(ENGLISH_EDITED_TITLE)
    expect(reader.get_by_text(OUTDATED_NOTICE)).to_have_count(0)

    # A new revision of the original, once approved, leaves the English version outdated.
    write_revision(
        editor, live_server, original, title=ORIGINAL_TITLE, body=ORIGINAL_BODY + ORIGINAL_ADDITION
    )
    submit_for_review(editor, live_server, original)
    reader.reload()
    expect(reader.get_by_text(OUTDATED_NOTICE)).to_have_count(0)
    approve(moderator, live_server, ORIGINAL_TITLE)
    reader.reload()
    expect(reader.get_by_text(OUTDATED_NOTICE)).to_be_visible()
    expect(reader.get_by_role("heading", level=1)).to_have_text(ENGLISH_EDITED_TITLE)
    reader.goto(f"{live_server.url}/zh-hans/articles/{SLUG}/")
    expect(reader.get_by_text(ORIGINAL_ADDITION.strip())).to_be_visible()
    expect(reader.get_by_text(OUTDATED_NOTICE)).to_have_count(0)

    assert Translation.objects.outdated().filter(pk=english).exists()

    # A reworded claim of the published article waits for a moderator in every language.
    editor.goto(f"{live_server.url}/admin/articles/article/")
    editor.get_by_role("link", name=SLUG).click()
    editor.get_by_role("link", name="Claims beside the text").first.click()
    editor.get_by_role("link", name=UNESCO_CLAIM, exact=True).click()
    editor.get_by_label("Statement").fill(UNESCO_CLAIM_EDITED)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect_message(editor, "went back to draft: readers keep the approved claims")
    for language in ("en", "zh-hans"):
        reader.goto(f"{live_server.url}/{language}/articles/{SLUG}/")
        expect(reader.locator("#evidence-2 .statement")).to_have_text(UNESCO_CLAIM)
    submit_for_review(editor, live_server, english)
    submit_for_review(editor, live_server, original)
    reader.goto(f"{live_server.url}/en/articles/{SLUG}/")
    expect(reader.locator("#evidence-2 .statement")).to_have_text(UNESCO_CLAIM)

    moderator.goto(f"{live_server.url}/admin/review/{english}/")
    changes = moderator.locator("#claims-changes")
    expect(changes).to_contain_text(UNESCO_CLAIM)
    expect(changes.locator("ins, dd")).to_contain_text([UNESCO_CLAIM_EDITED])
    approve(moderator, live_server, ENGLISH_EDITED_TITLE)
    reader.reload()
    expect(reader.locator("#evidence-2 .statement")).to_have_text(UNESCO_CLAIM_EDITED)
    reader.goto(f"{live_server.url}/zh-hans/articles/{SLUG}/")
    expect(reader.locator("#evidence-2 .statement")).to_have_text(UNESCO_CLAIM)
    approve(moderator, live_server, ORIGINAL_TITLE)
    reader.reload()
    expect(reader.locator("#evidence-2 .statement")).to_have_text(UNESCO_CLAIM_EDITED)
