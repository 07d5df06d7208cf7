import pytest
from django.core.management import call_command

from ops.demo import seed_demo


@pytest.fixture
def published(db, settings):
    """The bundled registry and the published bilingual demo article."""
    call_command("load_registry", verbosity=0)
    seed_demo()


@pytest.fixture(autouse=True)
def _no_rate_limit_unless_asked(settings):
    """Tests make many requests from one address; the rate limit's own tests set it."""
    settings.API_RATE_LIMIT = 0
