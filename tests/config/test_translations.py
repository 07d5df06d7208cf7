"""The Simplified Chinese interface: a complete catalog, and pages that speak it."""

import datetime
import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from organizations.models import MembershipEvent
from organizations.status import Status
from tests.factories import MembershipEventFactory, OrganizationFactory, UserFactory

MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = MESSAGES / "django.po"
MO_FILE = MESSAGES / "django.mo"

# Markup and brace placeholders that a translation must carry over unchanged;
# msgfmt --check already compares the %(name)s placeholders.
MARKUP = re.compile(r"<[^>]+>|\{\w*\}")


def msgfmt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", *args], capture_output=True, text=True, check=False)


def compiled_catalog(path: Path) -> dict:
    with path.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog


def test_po_file_has_no_untranslated_or_fuzzy_entries():
    result = msgfmt("--check", "--statistics", "-o", "/dev/null", str(PO_FILE))
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics
    assert int(statistics.split()[0]) > 500


def test_po_file_declares_chinese_with_a_single_plural_form():
    header = PO_FILE.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Language: zh_Hans\\n"' in header
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    assert "#, fuzzy" not in header


def test_compiled_catalog_matches_the_po_file(tmp_path):
    assert MO_FILE.exists(), "the compiled catalog is missing: run `make messages`"
    fresh = tmp_path / "django.mo"
    result = msgfmt("-o", str(fresh), str(PO_FILE))
    assert result.returncode == 0, result.stderr
    assert compiled_catalog(MO_FILE) == compiled_catalog(fresh), (
        "the compiled catalog is older than django.po: run `make messages`"
    )


def test_translations_keep_markup_and_brace_placeholders():
    changed = {
        msgid: msgstr
        for key, msgstr in compiled_catalog(MO_FILE).items()
        if (msgid := key[0] if isinstance(key, tuple) else key)
        and sorted(MARKUP.findall(msgid)) != sorted(MARKUP.findall(msgstr))
    }
    assert changed == {}


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Registry", "登记册"),
        ("Claims", "论断"),
        ("Evidence", "证据"),
        ("Member", "成员"),
        ("Withdrawal pending", "退出待生效"),
        ("Withdrawn", "已退出"),
        ("Never a member", "从未加入"),
        ("Withdrawal announced", "退出已宣布"),
        ("Withdrawal effective", "退出生效"),
        ("Draft", "草稿"),
        ("In review", "审核中"),
        ("Changes requested", "需修改"),
        ("Published", "已发布"),
        ("Unpublished", "未发布"),
    ],
)
def test_key_terms_use_the_newsroom_vocabulary(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese


def test_plural_messages_have_the_single_chinese_form():
    with translation.override("zh-hans"):
        one = translation.ngettext("%(counter)s event", "%(counter)s events", 1)
        many = translation.ngettext("%(counter)s event", "%(counter)s events", 5)
    assert one == many == "%(counter)s 个事件"


@pytest.mark.django_db
def test_chinese_pages_render_the_navigation_in_chinese(client):
    response = client.get("/zh-hans/")
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in response.text
    nav = response.text.split('<ul class="nav">', 1)[1].split("</ul>", 1)[0]
    assert ">登记册</a>" in nav
    assert ">文章</a>" in nav
    assert ">Registry</a>" not in nav


@pytest.mark.django_db
def test_chinese_registry_list_has_a_chinese_heading(client):
    OrganizationFactory()
    response = client.get("/zh-hans/registry/")
    assert response.status_code == 200
    assert "<h1>国际组织登记册</h1>" in response.text
    assert "Registry of international organizations" not in response.text


@pytest.mark.django_db
def test_chinese_organization_page_shows_the_status_badge_in_chinese(client):
    organization = OrganizationFactory(slug="unesco")
    MembershipEventFactory(
        organization=organization,
        kind=MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED,
        announced_on=datetime.date(2025, 7, 22),
        effective_on=None,
    )
    response = client.get("/zh-hans/registry/unesco/")
    assert response.status_code == 200
    badge = re.search(r'data-us-status="(\w+)"[^>]*>([^<]*)<', response.text)
    assert badge.groups() == (Status.WITHDRAWAL_PENDING.value, "退出待生效")
    assert '<h2 id="status-heading">美国的状态</h2>' in response.text


@pytest.mark.django_db
def test_english_pages_stay_english(client):
    organization = OrganizationFactory(slug="unesco")
    MembershipEventFactory(
        organization=organization,
        kind=MembershipEvent.Kind.WITHDRAWAL_ANNOUNCED,
        announced_on=datetime.date(2025, 7, 22),
        effective_on=None,
    )
    registry = client.get("/en/registry/")
    assert "<h1>Registry of international organizations</h1>" in registry.text
    assert ">Registry</a>" in registry.text
    assert "登记册" not in registry.text
    detail = client.get("/en/registry/unesco/")
    badge = re.search(r'data-us-status="\w+"[^>]*>([^<]*)<', detail.text)
    assert badge.group(1) == "Withdrawal pending"


@pytest.mark.django_db
def test_admin_in_chinese_shows_the_apps_names_in_chinese(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "登记册" in response.text
    assert "文章" in response.text
    assert "成员资格事件" in response.text
    assert ">Registry<" not in response.text
