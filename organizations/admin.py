"""The registry's admin: where editors keep the records and moderators verify them.

Every admin change is recorded by django-reversion with its author, so each
record has a history page and deleted records can be recovered. Deleting
registry records and recovering deleted ones is a moderator's act; so is
verifying a membership event.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from freshness.keys import cached
from organizations.changelists import (
    ConditionFilter,
    EstimatedCountPaginator,
    LongListMixin,
    RecordListFilter,
    RegistryChangeList,
)
from organizations.forms import EventVerificationForm, SourceForm
from organizations.models import (
    Domain,
    Instrument,
    MembershipEvent,
    Organization,
    OrganizationName,
    Source,
)
from organizations.services import (
    EVENT_FACTS,
    VERIFICATION_FIELDS,
    membership_event_verifications_withdraw,
    membership_events_verify,
    registry_change,
    verification_withdraw_if_facts_changed,
    verification_withdraw_if_source_dropped,
)
from organizations.status import Status

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Newsroom and registry")

# An organization's names and aliases belong to it: its history records them
# and recovering a deleted organization brings them back. Its events are not
# followed, because reverting an organization must never rewrite events.
reversion.register(Organization, follow=("names",))
reversion.register(OrganizationName)
reversion.register(Domain)
reversion.register(Instrument)
reversion.register(Source)
# Verification is left out of the recorded versions so that reverting an
# event or recovering a deleted one never restores a verification: the event
# comes back unverified and a moderator verifies it again.
reversion.register(MembershipEvent, exclude=VERIFICATION_FIELDS)


def search_words(search_term: str) -> Iterator[str]:
    """The words of an admin search, quoted phrases kept whole, as Django splits them."""
    for word in smart_split(search_term):
        if word[0] in {'"', "'"} and word[0] == word[-1] and len(word) > 1:
            word = unescape_string_literal(word)
        if word:
            yield word


def known_as(word: str, *, organization: str = "pk") -> Exists:
    """True for rows whose organization has a name or acronym containing `word`, in any language.

    A subquery rather than a join, so that an organization with many matching
    aliases still appears once.
    """
    return Exists(
        OrganizationName.objects.filter(
            Q(name__icontains=word) | Q(acronym__icontains=word),
            organization=OuterRef(organization),
        )
    )


def protection_reasons(records) -> list[str]:
    """Why `records` cannot be deleted, as the records protecting them say it.

    A record pointing at them with a protecting foreign key may explain
    itself through a `protection_reason` property (the newsroom's evidence
    names the claim that cites the record); the others are listed by Django.
    """
    records = list(records)
    if not records:
        return []
    collector = NestedObjects(using=router.db_for_write(type(records[0])))
    collector.collect(records)
    reasons = {
        reason for obj in collector.protected if (reason := getattr(obj, "protection_reason", ""))
    }
    return sorted(reasons)


def _describe(events: list[MembershipEvent]) -> str:
    return ", ".join(event.key for event in events)


class RegistryAdmin(LongListMixin, VersionAdmin):
    """A registry model's admin: history for everyone, recovery for those who may delete."""

    # Django's own list template, which the project's override extends with
    # a recovery link shown only to those who may recover.
    change_list_template = None

    def get_changelist(self, request, **kwargs):
        return RegistryChangeList

    def has_recover_permission(self, request: HttpRequest) -> bool:
        # Recovering undoes a deletion, so it needs the right to delete too.
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and self.has_delete_permission(request)
        )

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        with registry_change():
            return super().recover_view(request, version_id, extra_context)

    # Every write the admin makes is one announced registry change, with what
    # its inlines, reverts and recoveries write (see organizations.services).

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with registry_change():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with registry_change():
            return super().delete_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        with registry_change():
            return super().revision_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"has_recover_permission": self.has_recover_permission(request)} | (
            extra_context or {}
        )
        if request.method != "POST" or "delete_selected" in request.POST.getlist("action"):
            # Reading the list changes nothing, so it needs neither the
            # revision VersionAdmin opens around the list nor the transaction
            # that holds it. Reversion saves a revision when its outermost
            # block ends and drops rows that no longer exist by then, so a
            # bulk deletion runs outside the list's block for its snapshot
            # (see delete_queryset) to be kept.
            extra_context["has_change_permission"] = self.has_change_permission(request)
            with registry_change():
                return admin.ModelAdmin.changelist_view(self, request, extra_context)
        with registry_change():
            return super().changelist_view(request, extra_context)

    def action_checkbox(self, obj):
        # Django renders this checkbox through the form template engine, a
        # template for each row; the same markup is built here directly, in
        # a fraction of the time.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def _record_deletion(self, request: HttpRequest, objects) -> None:
        # A revision taken just before deletion makes any deleted record
        # recoverable as it was, even one never edited in the admin.
        with self.create_revision(request):
            for obj in objects:
                reversion.add_to_revision(obj)
            reversion.set_comment(gettext("Deleted."))

    def delete_model(self, request, obj):
        self._record_deletion(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._record_deletion(request, queryset)
        super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [*protection_reasons(objs), *protected]
        return deleted, counts, perms_needed, protected


class USStatusFilter(admin.SimpleListFilter):
    """Organizations by the United States' membership status today."""

    title = _("US status today")
    parameter_name = "us_status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() not in Status.values:
            return queryset
        if "status" in queryset.query.annotations:
            return queryset.filter(status=self.value())
        return queryset.with_status_filter(self.value())


class VerifiedFilter(ConditionFilter):
    """Events shown as verified: verified against a source they cite."""

    title = _("verified")
    parameter_name = "verified"

    def condition(self):
        return Q(pk__in=MembershipEvent.objects.verified().values("pk"))


class CountryFilter(admin.SimpleListFilter):
    """The countries events are recorded for, as Django's own filter lists them.

    Listing them reads every event, so the list is kept in the cache for as
    long as the registry's content generation stands.
    """

    title = _("country")
    parameter_name = "country__exact"

    def lookups(self, request, model_admin):
        countries = cached(
            "admin:membership-event-countries",
            lambda: list(
                MembershipEvent.objects.order_by("country")
                .values_list("country", flat=True)
                .distinct()
            ),
            scope=MembershipEvent._meta.app_label,
        )
        return [(country, country) for country in countries]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(country=self.value())
        return queryset


class OrganizationNameInline(admin.TabularInline):
    model = OrganizationName
    fields = ("language", "name", "acronym", "is_preferred")
    extra = 1


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    # Beside each event's key, the facts a moderator verifies but the organization,
    # which is the page's own.
    fields = ("key", *(fact for fact in EVENT_FACTS if fact != "organization"), "verified")
    readonly_fields = ("verified",)
    autocomplete_fields = ("instrument",)
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        events = super().get_queryset(request)
        return events.select_related("instrument").prefetch_related("sources")

    @admin.display(description=_("verified"), boolean=True)
    def verified(self, event: MembershipEvent) -> bool:
        return event.is_verified


class OrganizationChangeList(RegistryChangeList):
    """The organization list, reading its rows' parents in a query of their own.

    Joined in, they would have PostgreSQL join every organization to its
    parent before sorting them all by name for one page (no index serves
    that order): three times the work of sorting alone.
    """

    def apply_select_related(self, queryset):
        return queryset.prefetch_related("parent")


@admin.register(Organization)
class OrganizationAdmin(RegistryAdmin):
    list_display = (
        "name",
        "acronym",
        "kind",
        "relation",
        "un_related",
        "us_status",
        "parent",
        "updated_at",
    )
    list_filter = ("kind", "relation", "un_related", "domains", USStatusFilter)
    paginator = EstimatedCountPaginator
    # Counting the organizations of each status would derive the status of
    # every organization on each visit.
    show_facets = admin.ShowFacets.NEVER
    search_fields = ("name", "acronym")
    search_help_text = _("Name or acronym, in any language.")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent", "sources")
    filter_horizontal = ("domains",)
    inlines = (OrganizationNameInline, MembershipEventInline)
    fieldsets = (
        (None, {"fields": ("name", "acronym", "slug", "kind", "relation", "un_related", "parent")}),
        (
            _("Details"),
            {
                "fields": (
                    "domains",
                    "founded",
                    "headquarters",
                    "website",
                    "wikidata_id",
                    "description",
                )
            },
        ),
        (_("Evidence"), {"fields": ("sources",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    def get_changelist(self, request, **kwargs):
        return OrganizationChangeList

    def get_search_results(self, request, queryset, search_term):
        # Every word must match the canonical name or acronym, or any name or
        # acronym in any language, so 世界卫生组织 finds WHO.
        for word in search_words(search_term):
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(acronym__icontains=word) | known_as(word)
            )
        return queryset, False

    @admin.display(description=_("US status today"), ordering="status")
    def us_status(self, organization: Organization) -> str:
        # The label as text, not lazily translated: the admin compares a
        # cell's value with five empty values, and a lazy label would be
        # translated again for each comparison.
        return str(Status(organization.status).label)

    def save_formset(self, request, form, formset, change):
        if formset.model is MembershipEvent:
            withdrawn = [
                form.instance
                for form in formset.forms
                if verification_withdraw_if_facts_changed(
                    event=form.instance, changed=form.changed_data
                )
            ]
            formset.save()
            if withdrawn:
                _warn_withdrawn(request, withdrawn)
            return
        super().save_formset(request, form, formset, change)


def _warn_withdrawn(request: HttpRequest, events: list[MembershipEvent]) -> None:
    messages.warning(
        request,
        ngettext(
            "The verification of %(events)s was withdrawn because its facts changed; "
            "a moderator must verify it again.",
            "The verifications of %(events)s were withdrawn because their facts changed; "
            "a moderator must verify them again.",
            len(events),
        )
        % {"events": _describe(events)},
    )


def _verification_action(description: str) -> Callable:
    """An action on events from their list or an event's page, for moderators who verify.

    Django offers it only to them (`permissions`); it checks again when run,
    so that no other way of calling it skips the permission.
    """

    def decorate(action: Callable) -> Callable:
        @functools.wraps(action)
        def checked(model_admin, request, queryset):
            if not model_admin.has_verify_permission(request):
                raise PermissionDenied
            return action(model_admin, request, queryset)

        return admin.action(
            description=description,
            permissions=["verify"],
            location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
        )(checked)

    return decorate


@admin.register(MembershipEvent)
class MembershipEventAdmin(RegistryAdmin):
    list_display = (
        "organization",
        "kind",
        "announced_on",
        "effective_on",
        "instrument",
        "primary_source",
        "verified",
    )
    list_filter = (
        "kind",
        CountryFilter,
        ("instrument", RecordListFilter),
        VerifiedFilter,
        "organization__un_related",
    )
    list_select_related = ("organization", "instrument")
    # Facet counts would count the whole table once for each instrument.
    show_facets = admin.ShowFacets.NEVER
    # Newest first on an indexed column: the page is read from the index
    # rather than by joining and sorting every event by organization name.
    # No date hierarchy, as its year links scan the whole table on each visit;
    # the announced-on column sorts, and the public event list filters by date.
    ordering = ("-announced_on", "-pk")
    paginator = EstimatedCountPaginator
    search_fields = ("key", "summary", "organization__name", "organization__acronym")
    search_help_text = _("Key, summary, or the organization's name or acronym in any language.")
    autocomplete_fields = ("organization", "instrument", "sources")
    readonly_fields = VERIFICATION_FIELDS
    actions = ("verify", "withdraw_verification")
    fieldsets = (
        (None, {"fields": ("organization", "country", "kind", "key")}),
        (_("Dates"), {"fields": ("announced_on", "effective_on", "date_precision")}),
        (_("Evidence"), {"fields": ("instrument", "summary", "sources")}),
        (_("Verification"), {"fields": VERIFICATION_FIELDS}),
    )

    def get_queryset(self, request):
        # What `MembershipEventQuerySet.verified` and `with_primary_source` mean,
        # asked of each listed row (its sources looked up by the event's index)
        # rather than as sets of every such event that PostgreSQL would build
        # on each visit.
        return super().get_queryset(request).with_source_quality()

    def get_search_results(self, request, queryset, search_term):
        for word in search_words(search_term):
            queryset = queryset.filter(
                Q(key__icontains=word)
                | Q(summary__icontains=word)
                | Q(organization__name__icontains=word)
                | Q(organization__acronym__icontains=word)
                | known_as(word, organization="organization")
            )
        return queryset, False

    @admin.display(description=_("verified"), boolean=True, ordering="verification_holds")
    def verified(self, event: MembershipEvent) -> bool:
        return event.verification_holds

    @admin.display(description=_("primary source"), boolean=True, ordering="cites_primary")
    def primary_source(self, event: MembershipEvent) -> bool:
        return event.cites_primary

    def has_verify_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("organizations.verify_membershipevent")

    def save_model(self, request, obj, form, change):
        withdrawn = verification_withdraw_if_facts_changed(event=obj, changed=form.changed_data)
        super().save_model(request, obj, form, change)
        if withdrawn:
            _warn_withdrawn(request, [obj])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if verification_withdraw_if_source_dropped(event=form.instance):
            messages.warning(
                request,
                gettext(
                    "The verification of %(event)s was withdrawn because the event no longer "
                    "cites the source it was verified against; a moderator must verify it again."
                )
                % {"event": form.instance.key},
            )

    @_verification_action(_("Verify selected events"))
    def verify(self, request, queryset):
        """Ask, on a page of its own, which source confirms each event; then verify them."""
        events = list(
            queryset.select_related("organization")
            .prefetch_related("sources")
            .order_by("organization__name", "pk")
        )
        sourced = [event for event in events if event.sources.all()]
        unsourced = [event for event in events if not event.sources.all()]
        if unsourced:
            self.message_user(
                request,
                ngettext(
                    "Not verified, because it cites no source: %(events)s.",
                    "Not verified, because they cite no source: %(events)s.",
                    len(unsourced),
                )
                % {"events": _describe(unsourced)},
                messages.WARNING,
            )
        if not sourced:
            return None
        form = EventVerificationForm(
            request.POST if "post" in request.POST else None, events=sourced
        )
        if form.is_valid():
            try:
                verified = membership_events_verify(choices=form.choices(), by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            for event, source in form.choices():
                self.log_change(
                    request, event, gettext("Verified against %(url)s.") % {"url": source.url}
                )
            self.message_user(
                request,
                ngettext("%(count)d event verified.", "%(count)d events verified.", len(verified))
                % {"count": len(verified)},
                messages.SUCCESS,
            )
            return None
        on_change_form = f"{ActionLocation.CHANGE_FORM.value}-action" in request.POST
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Which source confirms each event?"),
            "opts": self.opts,
            "form": form,
            "action_field": f"{ActionLocation.CHANGE_FORM.value}-action"
            if on_change_form
            else "action",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/organizations/membershipevent/verify_events.html", context
        )

    @_verification_action(_("Withdraw verification"))
    def withdraw_verification(self, request, queryset):
        withdrawn = membership_event_verifications_withdraw(events=queryset)
        for event in withdrawn:
            self.log_change(request, event, gettext("Verification withdrawn."))
        self.message_user(
            request,
            ngettext(
                "Verification withdrawn from %(count)d event.",
                "Verification withdrawn from %(count)d events.",
                len(withdrawn),
            )
            % {"count": len(withdrawn)},
            messages.SUCCESS,
        )


@admin.register(Instrument)
class InstrumentAdmin(RegistryAdmin):
    list_display = ("title", "kind", "number", "signed_on", "citation", "event_count")
    list_filter = ("kind",)
    search_fields = ("slug", "number", "title", "citation")
    date_hierarchy = "signed_on"

    def get_queryset(self, request):
        # Each listed instrument counts its own events from their index,
        # rather than every event being grouped by instrument on each visit.
        events = (
            MembershipEvent.objects.filter(instrument=OuterRef("pk"))
            .order_by()
            .values("instrument")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return super().get_queryset(request).annotate(event_count=Coalesce(Subquery(events), 0))

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, instrument: Instrument) -> int:
        return instrument.event_count


@admin.register(Source)
class SourceAdmin(RegistryAdmin):
    form = SourceForm
    list_display = ("title", "kind", "publisher", "published_on", "accessed_on", "archived")
    list_filter = ("kind",)
    search_fields = ("url", "title", "publisher", "note")
    date_hierarchy = "published_on"
    fieldsets = (
        (None, {"fields": ("url", "title", "kind", "publisher", "published_on")}),
        (_("Reading"), {"fields": ("accessed_on", "archive_url", "note")}),
    )

    @admin.display(description=_("archived copy"), boolean=True, ordering="archive_url")
    def archived(self, source: Source) -> bool:
        return bool(source.archive_url)


@admin.register(Domain)
class DomainAdmin(RegistryAdmin):
    list_display = ("name", "slug", "organization_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(organization_count=Count("organizations"))

    @admin.display(description=_("organizations"), ordering="organization_count")
    def organization_count(self, domain: Domain) -> int:
        return domain.organization_count


@admin.register(OrganizationName)
class OrganizationNameAdmin(RegistryAdmin):
    list_display = ("organization", "language", "name", "acronym", "is_preferred")
    list_display_links = ("name",)
    list_filter = ("language", "is_preferred")
    list_select_related = ("organization",)
    search_fields = ("name", "acronym", "organization__name", "organization__acronym")
    autocomplete_fields = ("organization",)
