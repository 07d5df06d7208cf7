import pytest
from django.core.management import call_command

from ops.demo import seed_demo
from tests import factories


@pytest.fixture
def demo_site(db):
    """The bundled registry and the demo article, published in Chinese and English."""
    call_command("load_registry", verbosity=0)
    return seed_demo()


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)
