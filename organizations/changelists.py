"""What keeps the registry's admin changelists fast with 10,000 organizations and 100,000 events.

A changelist page is built on every visit by an editor or a moderator, and
Django's defaults do per-row and per-choice work (a URL lookup for each row,
a copied and re-encoded query string for each filter choice, a full count of
the table) that a large registry turns into most of the page's time.

The newsroom's admin lists use `LongListMixin` and `ConditionFilter` from here too.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import quote as url_quote
from urllib.parse import quote_plus, unquote_plus

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connection
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from freshness.keys import cached


class EstimatedCountPaginator(Paginator):
    """Changelist pages; an unfiltered list on PostgreSQL is counted from the planner's estimate.

    Counting every row of a large table to number the pages costs a full
    scan on each visit; `ANALYZE` and autovacuum keep the estimate close, and
    a filtered or searched list, or a small table, is counted exactly.
    """

    ESTIMATE_ABOVE = 10_000

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if connection.vendor == "postgresql" and not rows.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [rows.model._meta.db_table],
                )
                found = cursor.fetchone()
            if found and found[0] > self.ESTIMATE_ABOVE:
                return int(found[0])
        return super().count


# The characters `reverse` leaves unquoted in a URL's path.
PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


class RegistryChangeList(ChangeList):
    """A changelist that looks up the URL of its rows' change forms once, not once per row."""

    # Admin URLs quote an object's id, and this has nothing to quote, so it
    # stands in the URL exactly where the id goes.
    ID_PLACEHOLDER = "OBJECT-ID"

    @cached_property
    def _change_url_around_id(self) -> tuple[str, str]:
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(self.ID_PLACEHOLDER,),
            current_app=self.model_admin.admin_site.name,
        )
        before, _placeholder, after = url.rpartition(self.ID_PLACEHOLDER)
        return before, after

    def url_for_result(self, result) -> str:
        # Quoted as the admin quotes an id, then as `reverse` quotes a path.
        object_id = url_quote(str(quote(getattr(result, self.pk_attname))), safe=PATH_SAFE)
        before, after = self._change_url_around_id
        return f"{before}{object_id}{after}"


class LongListMixin:
    """A changelist of many rows: pages of 50, and no second count of the whole table.

    Django counts the unfiltered table again to show a filtered list's total;
    on a long table that count costs more than the page itself.
    """

    show_full_result_count = False
    list_per_page = 50


class ConditionFilter(admin.SimpleListFilter):
    """A filter by one condition: the rows that meet it ("yes") or those that do not ("no").

    Subclasses give the `condition` (a Q object or a boolean expression) and
    may name the two choices in their own words (`labels`: yes, then no).
    """

    labels = (_("Yes"), _("No"))

    def condition(self):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        yes, no = self.labels
        return [("yes", yes), ("no", no)]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.exclude(self.condition())
        return queryset


def links_with_each(changelist: ChangeList, key: str, remove: list[str]) -> Callable[[object], str]:
    """`changelist.get_query_string({key: value}, remove)`, for many values at the cost of one.

    A filter listing hundreds of records links to the list filtered by each
    one, and Django builds every link by copying and url-encoding all the
    list's parameters again. The links differ only in `value`, so the other
    parameters are encoded once, in the order Django sorts them, and the
    filter's own parameter is put in its place.
    """
    others = changelist.get_query_string({key: None}, remove).removeprefix("?")
    pairs = others.split("&") if others else []
    before = [pair for pair in pairs if unquote_plus(pair.partition("=")[0]) < key]
    after = pairs[len(before) :]
    name = quote_plus(key)

    def link(value) -> str:
        # Record ids are numbers, which url-encode to themselves.
        encoded = str(value) if isinstance(value, int) else quote_plus(str(value))
        return "?" + "&".join([*before, f"{name}={encoded}", *after])

    return link


class RecordListFilter(admin.RelatedFieldListFilter):
    """A filter by a related record, listing hundreds of them as cheaply as it can.

    Its choices are kept in the cache for as long as the registry's content
    generation stands (reading it costs far less than reading and naming
    every record). The links are built
    all at once (see `links_with_each`) and each item is rendered here, as a
    template loop over hundreds of items otherwise takes longer than all the
    rows of the list.
    """

    template = "admin/organizations/record_filter.html"
    CACHE_SECONDS = 10 * 60

    def field_choices(self, field, request, model_admin):
        return cached(
            "admin:filter-choices",
            lambda: super(RecordListFilter, self).field_choices(field, request, model_admin),
            field.related_model._meta.label_lower,
            self.field_path,
            get_language(),
            scope=field.related_model._meta.app_label,
            seconds=self.CACHE_SECONDS,
        )

    def choices(self, changelist):
        if changelist.add_facets:
            yield from super().choices(changelist)
            return
        link = links_with_each(changelist, self.lookup_kwarg, [self.lookup_kwarg_isnull])
        yield _filter_choice(
            selected=self.lookup_val is None and not self.lookup_val_isnull,
            query_string=changelist.get_query_string(
                remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]
            ),
            display=_("All"),
        )
        for pk_val, val in self.lookup_choices:
            yield _filter_choice(
                selected=self.lookup_val is not None and str(pk_val) in self.lookup_val,
                query_string=link(pk_val),
                display=val,
            )
        if self.include_empty_choice:
            yield _filter_choice(
                selected=bool(self.lookup_val_isnull),
                query_string=changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                display=self.empty_value_display,
            )


def _filter_choice(*, selected: bool, query_string: str, display) -> dict:
    # The item as Django's filter template renders it. Its query string is
    # url-encoded already, so escaping it is all it needs; Django's own
    # escaping functions, which also accept lazy text, cost three times as much.
    text = display.__html__() if hasattr(display, "__html__") else html.escape(str(display))
    item = SafeString(
        f"<li{' class="selected"' if selected else ''}>"
        f'<a href="{html.escape(query_string)}">{text}</a></li>'
    )
    return {"selected": selected, "query_string": query_string, "display": display, "item": item}
