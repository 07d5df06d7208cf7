"""Concurrent editors and imports lose nothing and never give a reader a 500.

On PostgreSQL threads with their own connections race for real. SQLite
serialises whole write transactions, so there the same outcomes are checked
for writes that follow each other.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import Client

from articles import workflow
from articles.models import Revision
from articles.workflow import StaleRevision
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draft(transactional_db, editor):
    translation = factories.TranslationFactory(revision__created_by=editor)
    return translation


def save_as(translation_pk, based_on_pk, by, text, barrier, outcomes, errors):
    from articles.models import Translation

    try:
        translation = Translation.objects.get(pk=translation_pk)
        based_on = Revision.objects.get(pk=based_on_pk)
        barrier.wait(timeout=10)
        workflow.revision_create(
            translation=translation,
            title="Title",
            standfirst="",
            body=text,
            by=by,
            based_on=based_on,
        )
        outcomes.append(("saved", text))
    except StaleRevision as refused:
        outcomes.append(("refused", str(refused)))
    except Exception as error:  # reported from the main thread
        errors.append(error)
    finally:
        close_old_connections()
        connection.close()


def assert_one_saved_one_refused(draft, outcomes, first_revision):
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["refused", "saved"]
    (saved_text,) = [text for kind, text in outcomes if kind == "saved"]
    latest = Revision.objects.filter(translation=draft).order_by("-number").first()
    assert latest.body == saved_text
    assert latest.based_on_id == first_revision.pk
    assert Revision.objects.filter(translation=draft).count() == 2
    (refusal,) = [text for kind, text in outcomes if kind == "refused"]
    assert "revision 2" in refusal


def test_simultaneous_edits_of_one_translation_keep_one_and_refuse_the_other(draft, editor):
    first = draft.latest_revision
    outcomes, errors = [], []
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=save_as,
                args=(draft.pk, first.pk, editor, text, barrier, outcomes, errors),
            )
            for text in ("Text typed by the first editor.", "Text typed by the second editor.")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        for text in ("Text typed by the first editor.", "Text typed by the second editor."):
            try:
                workflow.revision_create(
                    translation=draft,
                    title="Title",
                    standfirst="",
                    body=text,
                    by=editor,
                    based_on=first,
                )
                outcomes.append(("saved", text))
            except StaleRevision as refused:
                outcomes.append(("refused", str(refused)))
    assert errors == []
    assert_one_saved_one_refused(draft, outcomes, first)


def test_a_registry_import_while_readers_browse_gives_no_error(transactional_db):
    call_command("load_registry", verbosity=0)
    pages = [
        "/en/registry/",
        "/en/registry/world-health-organization/",
        "/en/registry/instruments/memorandum-2026-01-07/",
        "/en/registry/events/",
    ]
    statuses, errors = [], []
    done = threading.Event()

    def browse():
        client = Client()
        try:
            for _ in range(40):
                for page in pages:
                    statuses.append(client.get(page).status_code)
                if done.is_set():
                    break
        except Exception as error:  # reported from the main thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    if connection.vendor == "postgresql":
        readers = [threading.Thread(target=browse) for _ in range(2)]
        for reader in readers:
            reader.start()
        for _ in range(3):
            call_command("load_registry", verbosity=0)
        done.set()
        for reader in readers:
            reader.join(timeout=60)
    else:
        browse_once = Client()
        for _ in range(3):
            call_command("load_registry", verbosity=0)
            statuses.extend(browse_once.get(page).status_code for page in pages)
    assert errors == []
    assert statuses
    assert set(statuses) == {200}
