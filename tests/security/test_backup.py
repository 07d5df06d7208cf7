"""`export_site` and `import_site`: a restored site is the same site, and a restore
goes into an empty database only, all or nothing."""

from __future__ import annotations

import datetime
import gzip
import json
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from articles import workflow
from articles.models import ReviewLog, Revision, Translation
from ops import backup
from ops.backup import site_models
from organizations.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

DEMO_ARTICLE = "a-year-of-american-exits"
UNESCO = "united-nations-educational-scientific-and-cultural-organization"
FROZEN = datetime.datetime(2026, 2, 1, 9, 30, tzinfo=datetime.UTC)
# Per-response values: the CSRF token and the CSP nonce.
VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'nonce="[^"]+"'), 'nonce=""'),
]


def normalised(html: bytes) -> str:
    text = html.decode()
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def public_pages() -> list[str]:
    pages = []
    for language in ("en", "zh-hans", "ar"):
        with translation.override(language):
            pages += [
                reverse("home"),
                reverse("organizations:list"),
                reverse("organizations:list") + "?status=withdrawn&sort=-name",
                reverse("organizations:events"),
                reverse("organizations:detail", kwargs={"slug": "world-health-organization"}),
                reverse("organizations:detail", kwargs={"slug": UNESCO}) + "?on=2020-01-01",
                reverse("organizations:instrument", kwargs={"slug": "eo-14155"}),
                reverse("search") + "?q=WHO",
                reverse("feed_articles_atom"),
            ]
        if language != "ar":
            with translation.override(language):
                pages.append(reverse("articles:detail", kwargs={"slug": DEMO_ARTICLE}))
    return [*pages, reverse("sitemap"), reverse("api:organizations"), reverse("healthz")]


def render(client, urls: list[str], user=None) -> dict[str, str]:
    cache.clear()
    client.logout()
    if user is not None:
        client.force_login(user)
    rendered = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        rendered[url] = normalised(response.content)
    return rendered


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in site_models()}


def flush() -> None:
    """Empty the database as a fresh one would be, inside the test's transaction."""
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with foreign-key checks still pending in the
        # transaction; run them now, and defer them again for the restore.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert not Organization.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.fixture
def site(demo_site):
    """The demo site with a review history: a request for changes and a pending edit."""
    User = get_user_model()
    editor, moderator = User.objects.get(username="editor"), User.objects.get(username="moderator")
    english = Translation.objects.get(language="en")
    latest = english.latest_revision
    workflow.revision_create(
        translation=english,
        title=latest.title + " (revised)",
        standfirst=latest.standfirst,
        body=latest.body,
        by=editor,
        based_on=latest,
    )
    workflow.submit(translation=english, by=editor)
    workflow.request_changes(translation=english, by=moderator, comment="Tighten the lede.")
    return demo_site


def test_a_restored_site_renders_the_same_pages(client, site, tmp_path):
    path = tmp_path / "site.jsonl"
    admin = get_user_model().objects.get(username="admin")
    english = Translation.objects.get(language="en")
    admin_pages = [
        reverse("review:detail", kwargs={"translation_id": english.pk}),
        reverse("admin:articles_reviewlog_changelist"),
        reverse("admin:organizations_membershipevent_changelist"),
    ]
    with time_machine.travel(FROZEN, tick=False):
        before = render(client, public_pages())
        before_admin = render(client, admin_pages, admin)
        counts = row_counts()
        call_command("export_site", str(path), verbosity=0)
        flush()
        call_command("import_site", str(path), verbosity=0)
        after = render(client, public_pages())
        after_admin = render(client, admin_pages, get_user_model().objects.get(username="admin"))
    assert row_counts() == counts
    assert after.keys() == before.keys()
    for url in before:
        assert after[url] == before[url], url
    for url in before_admin:
        assert after_admin[url] == before_admin[url], url


def test_a_restore_keeps_users_their_passwords_groups_and_permissions(client, site, tmp_path):
    path = tmp_path / "site.jsonl.gz"
    User = get_user_model()
    editor = User.objects.get(username="editor")
    editor.set_password("violet kettle under lantern")
    editor.save()
    groups = {
        group.name: sorted(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.all()
    }
    call_command("export_site", str(path), verbosity=0)
    flush()
    call_command("import_site", str(path), verbosity=0)

    restored = User.objects.get(username="editor")
    assert restored.pk == editor.pk
    assert restored.check_password("violet kettle under lantern")
    assert list(restored.groups.values_list("name", flat=True)) == ["Editors"]
    assert restored.has_perm("articles.submit_translation")
    assert not restored.has_perm("articles.review_translation")
    assert {
        group.name: sorted(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.all()
    } == groups
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "violet kettle under lantern", "next": "/admin/"},
    )
    assert response.status_code == 302


def test_a_restore_keeps_the_immutable_history(site, tmp_path):
    path = tmp_path / "site.jsonl"
    revisions = list(Revision.objects.order_by("pk").values())
    log = list(ReviewLog.objects.order_by("pk").values())
    assert any(entry["comment"] == "Tighten the lede." for entry in log)
    call_command("export_site", str(path), verbosity=0)
    flush()
    call_command("import_site", str(path), verbosity=0)
    assert list(Revision.objects.order_by("pk").values()) == revisions
    assert list(ReviewLog.objects.order_by("pk").values()) == log


def test_a_restored_site_goes_on_working(client, site, tmp_path):
    """Ids continue after the restored ones, and the workflow carries on where it was."""
    path = tmp_path / "site.jsonl"
    call_command("export_site", str(path), verbosity=0)
    highest = Organization.objects.order_by("-pk").first().pk
    flush()
    call_command("import_site", str(path), verbosity=0)
    created = factories.OrganizationFactory()
    assert created.pk > highest
    english = Translation.objects.get(language="en")
    editor = get_user_model().objects.get(username="editor")
    assert english.status == Translation.Status.CHANGES_REQUESTED
    submissions = ReviewLog.objects.filter(translation=english, action="submit").count()
    workflow.submit(translation=english, by=editor)
    assert ReviewLog.objects.filter(translation=english, action="submit").count() == submissions + 1


def test_importing_into_a_database_that_holds_data_is_refused(site, tmp_path):
    path = tmp_path / "site.jsonl"
    call_command("export_site", str(path), verbosity=0)
    counts = row_counts()
    with pytest.raises(CommandError) as refused:
        call_command("import_site", str(path), verbosity=0)
    message = str(refused.value)
    assert "The database is not empty" in message
    assert "organizations.organization (" in message
    assert "import_site restores into an empty database only" in message
    assert row_counts() == counts


def test_the_role_groups_a_fresh_migrate_creates_do_not_count_as_data(site, tmp_path):
    path = tmp_path / "site.jsonl"
    call_command("export_site", str(path), verbosity=0)
    flush()
    Group.objects.create(name="Editors")
    call_command("import_site", str(path), verbosity=0)
    assert Group.objects.filter(name="Editors").count() == 1
    assert Group.objects.get(name="Editors").permissions.exists()


def test_a_backup_that_does_not_fit_restores_nothing(site, tmp_path):
    path = tmp_path / "site.jsonl"
    call_command("export_site", str(path), verbosity=0)
    lines = path.read_text(encoding="utf-8").splitlines()
    # A last record that points at a revision the file does not hold.
    lines.append(
        json.dumps(
            {
                "model": "articles.reviewlog",
                "pk": 999999,
                "fields": {**_review_log_fields(lines), "revision": 987654},
            }
        )
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    flush()
    with pytest.raises(CommandError, match="could not be restored; nothing was written"):
        call_command("import_site", str(path), verbosity=0)
    assert not Organization.objects.exists()
    assert not get_user_model().objects.exists()


def _review_log_fields(lines: list[str]) -> dict:
    for line in lines:
        record = json.loads(line)
        if record["model"] == "articles.reviewlog":
            return record["fields"]
    raise AssertionError("the export holds no review log")


def test_a_file_that_is_not_a_site_backup_is_refused_before_anything_is_read(db, tmp_path):
    path = tmp_path / "site.jsonl"
    path.write_text('{"model": "organizations.organization"}\nnot json\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"site\.jsonl:2: not a record of a site backup"):
        call_command("import_site", str(path), verbosity=0)
    wrong = tmp_path / "site.csv"
    wrong.write_text("slug\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"a site backup is a \.jsonl"):
        call_command("import_site", str(wrong), verbosity=0)
    broken = tmp_path / "site.jsonl.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_site", str(broken), verbosity=0)


def test_export_compresses_by_the_file_name(site, tmp_path):
    path = tmp_path / "site.jsonl.gz"
    call_command("export_site", str(path), verbosity=0)
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        models = {json.loads(line)["model"] for line in stream}
    assert {
        "auth.user",
        "auth.group",
        "organizations.organization",
        "organizations.membershipevent",
        "articles.revision",
        "articles.reviewlog",
        "articles.claimanchor",
        "articles.evidence",
    } <= models
    assert not models & {"contenttypes.contenttype", "auth.permission", "sessions.session"}
    assert not any(model.startswith("axes.") for model in models)


def test_export_refuses_to_overwrite_a_file_unless_forced(site, tmp_path):
    path = tmp_path / "site.jsonl"
    path.write_text("precious\n", encoding="utf-8")
    with pytest.raises(CommandError, match="exists"):
        call_command("export_site", str(path), verbosity=0)
    assert path.read_text(encoding="utf-8") == "precious\n"
    call_command("export_site", str(path), "--force", verbosity=0)
    assert path.read_text(encoding="utf-8").startswith('{"model": ')


def test_export_and_import_report_what_they_did(site, tmp_path, capsys):
    path = tmp_path / "site.jsonl"
    call_command("export_site", str(path))
    exported = capsys.readouterr().out
    assert re.search(r"Exported \d+ records of \d+ models to ", exported)
    flush()
    call_command("import_site", str(path))
    assert re.search(r"Restored \d+ records of \d+ models from ", capsys.readouterr().out)


def test_a_failed_export_leaves_the_previous_backup_alone(site, tmp_path, monkeypatch):
    path = tmp_path / "site.jsonl.gz"
    path.write_bytes(b"yesterday's backup")
    records = backup._records

    def failing(model):
        if model is ReviewLog:
            raise OSError("disk full")
        return records(model)

    monkeypatch.setattr(backup, "_records", failing)
    with pytest.raises(CommandError, match="disk full"):
        call_command("export_site", str(path), "--force", verbosity=0)
    assert path.read_bytes() == b"yesterday's backup"
    assert [entry.name for entry in tmp_path.iterdir()] == ["site.jsonl.gz"]
