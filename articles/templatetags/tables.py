"""Template helpers for the tables the newsroom, the review desk and the reader's site show."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def column_headings(*labels) -> str:
    """A table's head: one column heading per label, in order.

    Labels are given as `_("…")` so that they are translated (and found by
    makemessages) like any other template text.
    """
    cells = format_html_join("", '<th scope="col">{}</th>', ((label,) for label in labels))
    return format_html("<thead><tr>{}</tr></thead>", cells)
