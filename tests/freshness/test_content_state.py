"""The content generation moves with every committed content write, and only then."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext

from freshness import generation as caching
from freshness.http import Validators
from freshness.models import ContentChange
from organizations.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db


def generation() -> int:
    return caching.content_state().generation


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "articles_claim" ("number") VALUES (%s)',
        'UPDATE "organizations_organization" SET "name" = %s WHERE "id" = %s',
        'DELETE FROM "articles_evidence" WHERE "id" IN (%s)',
        "  update organizations_membershipevent set note = ''",
        'WITH gone AS (DELETE FROM "articles_claim" RETURNING 1) SELECT count(*) FROM gone',
        'TRUNCATE "organizations_source", "articles_revision"',
    ],
)
def test_writes_to_content_tables_are_recognised(sql):
    assert caching.writes_content(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "id" FROM "articles_claim"',
        'SELECT "id" FROM "organizations_organization" FOR UPDATE',
        'WITH recent AS (SELECT 1 FROM "articles_revision") SELECT * FROM recent',
        'UPDATE "django_session" SET "expire_date" = %s',
        'INSERT INTO "axes_accessattempt" ("username") VALUES (%s)',
        'INSERT INTO "freshness_contentchange" ("at", "weight") VALUES (CURRENT_TIMESTAMP, 1)',
        'DELETE FROM "freshness_contentchange" WHERE "id" <= %s',
        'INSERT INTO "freshness_contentepoch" ("epoch") VALUES (%s)',
    ],
)
def test_reads_and_other_tables_are_not_content_writes(sql):
    assert not caching.writes_content(sql)


def test_every_kind_of_write_moves_the_generation():
    organization = factories.OrganizationFactory()
    before = generation()

    Organization.objects.filter(pk=organization.pk).update(description="Changed in bulk.")
    after_update = generation()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organizations_organization SET acronym = %s WHERE id = %s",
            ["RAW", organization.pk],
        )
    after_raw = generation()
    organization.delete()

    assert before < after_update < after_raw < generation()


def test_a_write_rolled_back_leaves_the_generation_alone():
    organization = factories.OrganizationFactory()
    before = generation()

    with pytest.raises(RuntimeError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(description="Never kept.")
        raise RuntimeError

    assert generation() == before


def test_reading_every_kind_of_public_page_writes_nothing(client, editor, moderator):
    call_command("load_registry", verbosity=0)
    from ops.demo import seed_demo

    english = seed_demo().article.translations.get(language="en")
    organization = Organization.objects.get(slug="world-health-organization")
    before = generation()

    for url in [
        "/en/",
        english.get_absolute_url(),
        "/en/registry/",
        organization.get_absolute_url(),
        "/en/registry/events/",
        "/en/search/?q=WHO",
        "/en/feeds/articles.rss",
        "/en/corrections/",
    ]:
        assert client.get(url).status_code == 200, url

    assert generation() == before


def test_folding_keeps_the_generation_in_one_row():
    for _ in range(3):
        factories.OrganizationFactory()
    before = caching.content_state()

    folded = caching.fold_changes()

    after = caching.content_state()
    assert folded > 1
    # One row per scope written (migrations that rewrite a table count too).
    scopes = ContentChange.objects.values_list("scope", flat=True)
    assert len(scopes) == len(set(scopes))
    assert after.generation == before.generation
    assert after.changed_at == before.changed_at
    assert after.epoch == before.epoch


def test_the_epoch_keys_pages_so_two_databases_never_share_one(rf):
    request = rf.get("/en/registry/")
    state = caching.content_state()
    other = caching.ContentState(
        epoch="another-database", generations=state.generations, changed_at=state.changed_at
    )

    assert state.epoch
    assert Validators.of(request, state).etag != Validators.of(request, other).etag


def test_a_repeated_registry_page_is_answered_after_one_query(client):
    organization = factories.OrganizationFactory(name="Organisation of Repeated Requests")
    url = "/en/registry/?q=Repeated"
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)

    assert len(queries.captured_queries) == 1
    assert second.content == first.content
    assert organization.name in second.content.decode()


def test_a_registry_change_written_in_bulk_shows_on_the_next_request(client):
    organization = factories.OrganizationFactory(name="Organisation Before")
    url = organization.get_absolute_url()
    assert "Organisation Before" in client.get(url).content.decode()
    client.get(url)

    Organization.objects.filter(pk=organization.pk).update(name="Organisation After")

    page = client.get(url).content.decode()
    assert "Organisation After" in page
    assert "Organisation Before" not in page


def test_a_page_cached_for_one_host_is_not_served_to_another(client, settings):
    settings.ALLOWED_HOSTS = ["news.example", "mirror.example"]
    organization = factories.OrganizationFactory()
    url = organization.get_absolute_url()
    client.get(url, HTTP_HOST="news.example")

    with CaptureQueriesContext(connection) as queries:
        mirror = client.get(url, HTTP_HOST="mirror.example")

    assert len(queries.captured_queries) > 1, "rendered afresh, not from the first host's copy"
    assert mirror.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_writes_in_autocommit_keep_their_results_and_move_the_generation():
    """Outside a transaction the row follows the statement without disturbing its results."""
    before = generation()

    organization = factories.OrganizationFactory()
    created = Organization.objects.bulk_create(
        [factories.OrganizationFactory.build(), factories.OrganizationFactory.build()]
    )
    updated = Organization.objects.filter(pk=organization.pk).update(description="Changed.")

    assert organization.pk is not None
    assert all(row.pk is not None for row in created)
    assert updated == 1
    assert Organization.objects.filter(pk__in=[row.pk for row in created]).count() == 2
    assert generation() >= before + 3  # one row per statement: insert, bulk insert, update


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_in_autocommit_leaves_the_generation_alone():
    organization = factories.OrganizationFactory()
    before = generation()

    with pytest.raises(IntegrityError):
        Organization.objects.create(slug=organization.slug, name="A second with the same slug")

    assert generation() == before


@pytest.mark.django_db(transaction=True)
def test_reading_the_state_folds_change_rows_once_they_pile_up(monkeypatch):
    monkeypatch.setattr(caching, "FOLD_AFTER", 2)
    for _ in range(4):
        factories.OrganizationFactory()
    pending = ContentChange.objects.count()
    generation_before = sum(ContentChange.objects.values_list("weight", flat=True))

    state = caching.content_state()

    assert pending > 2
    # One row per scope is left (an earlier test's flush may have written the other one).
    scopes = list(ContentChange.objects.values_list("scope", flat=True))
    assert sorted(scopes) == sorted(set(scopes))
    assert state.generation == generation_before
    assert caching.content_state().generation == state.generation


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_other_connections_see_the_new_generation_only_with_the_committed_change():
    """The change row commits with the change: no reader caches old data under a new key."""
    organization = factories.OrganizationFactory(name="Before the commit")
    written = threading.Event()
    checked = threading.Event()
    failures = []

    def writer():
        try:
            with transaction.atomic():
                Organization.objects.filter(pk=organization.pk).update(name="After the commit")
                written.set()
                if not checked.wait(timeout=10):
                    failures.append("the reader never checked")
        except Exception as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            close_old_connections()
            connection.close()

    before = generation()
    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(timeout=10)
    during = generation()
    checked.set()
    thread.join(timeout=10)

    assert not failures
    assert during == before
    assert generation() > before
    assert Organization.objects.get(pk=organization.pk).name == "After the commit"
