import importlib
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db.models import FETCH_RAISE
from django.db.models import query as query_module
from django.test import Client

from tests import factories


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres_only` are skipped, with the reason, on any other database."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason=f"needs PostgreSQL (DATABASE_URL=postgres://...); this run uses {connection.vendor}"
    )
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _plain_static_and_fresh_cache(settings):
    """Each test starts from an empty cache so that no page leaks between tests.

    Rolled-back tests reuse content generations, so values kept per process
    under a generation are dropped too.
    """
    from django.core.cache import cache

    from freshness.keys import forget_process_memos

    cache.clear()
    forget_process_memos()
    yield
    cache.clear()
    forget_process_memos()


@contextmanager
def lazy_loading_raises():
    """Instances loaded meanwhile raise instead of querying when a relation they lack is read.

    Django 6.1's fetch modes: every queryset starts with the default mode,
    which this swaps for FETCH_RAISE.
    """
    default = query_module.DEFAULT_FETCH_MODE
    query_module.DEFAULT_FETCH_MODE = FETCH_RAISE
    try:
        yield
    finally:
        query_module.DEFAULT_FETCH_MODE = default


# The admin and the review desk are built on the admin's own querysets; the
# reader's pages, the API and the feeds are ours, and load what they show up front.
LAZY_LOADING_ALLOWED_UNDER = ("/admin/",)


class ReaderPagesLoadUpFrontClient(Client):
    """A test client under which a reader's page that loads a relation lazily fails.

    A relation read lazily in a loop is an N+1 query; reading one lazily at
    all means the view forgot to load it. Either raises FieldFetchBlocked,
    so it cannot slip in unnoticed.
    """

    def request(self, **request):
        if request.get("PATH_INFO", "").startswith(LAZY_LOADING_ALLOWED_UNDER):
            return super().request(**request)
        with lazy_loading_raises():
            return super().request(**request)


@pytest.fixture
def client():
    return ReaderPagesLoadUpFrontClient()


ROLE_MIGRATIONS = (
    "organizations.migrations.0002_roles",
    "articles.migrations.0002_roles",
    "articles.migrations.0008_figure_check_roles",
)


def roles_ensure() -> None:
    """The Editors and Moderators groups, exactly as the data migrations make them.

    Transactional tests (the browser's live server among them) end by emptying
    every table, the groups the migrations created included; running those
    migrations' own steps again puts them back (they only add what is missing).
    """
    from django.apps import apps as django_apps
    from django.db import connection
    from django.db.migrations.operations import RunPython

    schema_editor = SimpleNamespace(connection=connection)
    for module in ROLE_MIGRATIONS:
        for operation in importlib.import_module(module).Migration.operations:
            if isinstance(operation, RunPython):
                operation.code(django_apps, schema_editor)


@pytest.fixture(autouse=True)
def _roles_present(request):
    """Tests that use the database find the roles there, whatever ran before them."""
    names = set(request.fixturenames)
    uses_database = names & {"db", "transactional_db", "live_server"} or (
        request.node.get_closest_marker("django_db")
    )
    if uses_database:
        for name in ("transactional_db", "db"):
            if name in names:
                request.getfixturevalue(name)
                break
        if Group.objects.filter(name__in=["Editors", "Moderators"]).count() < 2:
            roles_ensure()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language.

    A request through LocaleMiddleware leaves its language active in the
    thread, so without this a test would inherit the previous test's language.
    """
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many accounts; a deliberately slow hasher would dominate their time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    user = factories.UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(db):
    user = factories.UserFactory(username="moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user
