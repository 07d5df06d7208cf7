"""Reader pages load every relation they show up front: reading one lazily raises in tests."""

import pytest
from django.core.exceptions import FieldFetchBlocked

from articles import selectors
from articles.models import Translation
from tests import factories
from tests.conftest import lazy_loading_raises

pytestmark = pytest.mark.django_db


def test_reading_a_relation_that_was_not_loaded_raises():
    translation = factories.TranslationFactory()

    with lazy_loading_raises():
        loaded = Translation.objects.get(pk=translation.pk)
        with pytest.raises(FieldFetchBlocked):
            loaded.article  # noqa: B018 - the read is the test

    assert Translation.objects.get(pk=translation.pk).article == translation.article


def test_a_reader_page_that_forgets_a_relation_fails_under_the_test_client(client, monkeypatch):
    english = factories.TranslationFactory(published=True)

    def versions_without_their_articles(*, slug):
        return list(Translation.objects.filter(article__slug=slug).with_outdated())

    monkeypatch.setattr(selectors, "article_versions", versions_without_their_articles)

    with pytest.raises(FieldFetchBlocked):
        client.get(english.get_absolute_url())


def test_the_admin_may_still_load_lazily(admin_client):
    factories.TranslationFactory()

    assert admin_client.get("/admin/articles/translation/").status_code == 200
