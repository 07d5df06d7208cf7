"""The reader's language, and languages named in it."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language, get_language_info


def reader_language() -> str:
    """The language of the page being served (the URL's prefix)."""
    return get_language() or settings.LANGUAGE_CODE


def language_name(code: str) -> str:
    """A language's name in the interface language ("Chinese", "中文")."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code
