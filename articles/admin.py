"""The articles admin: where editors write language versions and claims, and see what blocks them.

Text is never edited in place: saving a language version adds a revision
through `workflow.revision_create`, and a save based on a revision that is no
longer the latest is refused with the editor's text kept and the newer text
shown beside it. Workflow steps go through `articles.workflow`; their refusals
are shown as messages. The review log can be read and never written here.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles import checks, workflow
from articles.evidence import figures
from articles.forms import CompareRevisionsForm, RevisionForm, TransitionForm, TranslationAddForm
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Claim,
    ClaimAnchor,
    Evidence,
    FigureCheck,
    ReviewLog,
    Revision,
    Translation,
)
from articles.suggestions import MentionNotFound, claim_from_mention_create, suggested_links
from articles.text.diff import diff_html
from articles.text.rendering import claim_marks, render_body
from articles.workflow import StaleRevision, SubmissionBlocked, TransitionNotAllowed
from organizations.changelists import ConditionFilter, LongListMixin

Status = Translation.Status


def _report_workflow_error(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, SubmissionBlocked):
        messages.error(request, gettext("This translation cannot go to review yet."))
        for problem in error.problems:
            messages.error(request, problem)
    elif isinstance(error, PermissionDenied):
        messages.error(request, str(error) or gettext("You are not allowed to do that."))
    else:
        messages.error(request, str(error))


class ClaimsUnderReview:
    """An admin whose saves and deletions change what readers see of articles' claims.

    Every write is one transaction around `workflow.claims_change`: an
    article whose claims, evidence, figure checks or bylines it changed goes
    back to review, so readers keep the approved version until a moderator
    approves the change (and whoever made it cannot).
    """

    def claims_articles(self, request: HttpRequest, object_id: str | None) -> set[int]:
        """The articles a write through this page may change."""
        raise NotImplementedError

    def _claims_changed(self, request: HttpRequest, articles: set[int], view, *args, **kwargs):
        if request.method != "POST" or not articles:
            return view(request, *args, **kwargs)
        with (
            transaction.atomic(),
            workflow.claims_change(articles=articles, by=request.user) as moved,
        ):
            response = view(request, *args, **kwargs)
        if moved:
            messages.warning(
                request,
                ngettext(
                    "The claims changed, so %(versions)s went back to draft: readers keep the "
                    "approved claims until it is submitted and a moderator approves it.",
                    "The claims changed, so %(versions)s went back to draft: readers keep the "
                    "approved claims until they are submitted and a moderator approves them.",
                    len(moved),
                )
                % {"versions": ", ".join(str(translation) for translation in moved)},
            )
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        articles = self.claims_articles(request, object_id)
        return self._claims_changed(
            request, articles, super().changeform_view, object_id, form_url, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        articles = self.claims_articles(request, object_id)
        return self._claims_changed(
            request, articles, super().delete_view, object_id, extra_context
        )

    def changelist_view(self, request, extra_context=None):
        articles = set()
        for object_id in request.POST.getlist(ACTION_CHECKBOX_NAME):
            articles |= self.claims_articles(request, object_id)
        return self._claims_changed(request, articles, super().changelist_view, extra_context)


def _ids(*values) -> set[int]:
    return {int(value) for value in values if value is not None and str(value).isdigit()}


# Authors


@admin.register(Author)
class AuthorAdmin(ClaimsUnderReview, admin.ModelAdmin):
    """Authors: a renamed author's bylines reach readers through review, like any claim."""

    list_display = ("name", "affiliation")
    search_fields = ("name", "affiliation")
    prepopulated_fields = {"slug": ("name",)}

    def claims_articles(self, request, object_id):
        return set(
            ArticleAuthor.objects.filter(author_id__in=_ids(object_id)).values_list(
                "article_id", flat=True
            )
        )


# Articles


class ArticleAuthorInline(admin.TabularInline):
    """The byline. Its rows belong to the article, so the article's permissions govern them."""

    model = ArticleAuthor
    autocomplete_fields = ("author",)
    fields = ("author", "position")
    extra = 1

    def _may(self, request, action: str) -> bool:
        return request.user.has_perm(f"articles.{action}_article")

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") or self._may(request, "change")

    def has_add_permission(self, request, obj=None):
        return self._may(request, "add" if obj is None else "change")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "add" if obj is None else "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "change")


class TranslationInline(admin.TabularInline):
    """The article's language versions, as links; they are added and edited on their own pages."""

    model = Translation
    fields = ("language", "is_original", "status", "latest_number", "live_number")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("latest_revision", "live_revision")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("latest revision"))
    def latest_number(self, translation: Translation):
        return translation.latest_revision.number if translation.latest_revision else "—"

    @admin.display(description=_("live revision"))
    def live_number(self, translation: Translation):
        return translation.live_revision.number if translation.live_revision else "—"


class ArticleVersionFilter(admin.SimpleListFilter):
    """Articles with a language version whose `field` has the value chosen."""

    field = ""

    def lookups(self, request, model_admin):
        return Translation._meta.get_field(self.field).choices

    def queryset(self, request, queryset):
        if self.value() in {value for value, _label in self.lookup_choices}:
            return queryset.filter(
                Exists(
                    Translation.objects.filter(article=OuterRef("pk"), **{self.field: self.value()})
                )
            )
        return queryset


class ArticleStatusFilter(ArticleVersionFilter):
    title = _("status of a language version")
    parameter_name = "status"
    field = "status"


class ArticleLanguageFilter(ArticleVersionFilter):
    title = _("language version")
    parameter_name = "language"
    field = "language"


class ArticleOutdatedFilter(ConditionFilter):
    title = _("outdated translations")
    parameter_name = "outdated"
    labels = (_("Has an outdated translation"), _("None outdated"))

    def condition(self):
        return Exists(Translation.objects.outdated().filter(article=OuterRef("pk")))


class ArticleProblemsFilter(ConditionFilter):
    """Articles whose anchors are orphaned or ambiguous, or whose claims lack evidence."""

    title = _("problems")
    parameter_name = "problems"
    labels = (_("Has problems"), _("No problems"))

    def condition(self):
        return Q(pk__in=checks.articles_with_problems())


class ArticleChangeList(ChangeList):
    """Finds the problems of the page's articles in one batch rather than row by row."""

    def get_results(self, request):
        super().get_results(request)
        problems = checks.check_articles(article.pk for article in self.result_list)
        for article in self.result_list:
            article.problems = problems[article.pk]


@admin.register(Article)
class ArticleAdmin(ClaimsUnderReview, LongListMixin, admin.ModelAdmin):
    list_display = ("slug", "original_language", "languages", "has_outdated", "problem_count")
    list_filter = (
        ArticleStatusFilter,
        ArticleLanguageFilter,
        ArticleOutdatedFilter,
        ArticleProblemsFilter,
        "original_language",
    )
    search_fields = ("slug", "source_publication", "translations__latest_revision__title")
    autocomplete_fields = ("topics",)
    inlines = (ArticleAuthorInline, TranslationInline)
    readonly_fields = ("problems_summary",)
    fieldsets = (
        (None, {"fields": ("slug", "original_language", "topics")}),
        (
            _("First publication"),
            {"fields": ("source_publication", "source_url", "originally_published_on")},
        ),
        (_("Claims"), {"fields": ("problems_summary",)}),
    )
    change_form_template = "admin/articles/article/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "translations",
                    queryset=Translation.objects.with_outdated().order_by(
                        "-is_original", "language"
                    ),
                )
            )
        )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def claims_articles(self, request, object_id):
        # The byline is edited on the article's page.
        return _ids(object_id)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets[:2]
        return self.fieldsets

    @admin.display(description=_("languages"))
    def languages(self, article: Article):
        return format_html_join(
            ", ",
            '{}{} <span class="status-label status-{}">{}</span>',
            (
                (
                    translation.language,
                    f" ({gettext('original')})" if translation.is_original else "",
                    translation.status,
                    translation.get_status_display(),
                )
                for translation in article.translations.all()
            ),
        )

    @admin.display(description=_("outdated"), boolean=True)
    def has_outdated(self, article: Article) -> bool:
        return any(translation.is_outdated for translation in article.translations.all())

    @admin.display(description=_("problems"))
    def problem_count(self, article: Article):
        problems = getattr(article, "problems", None)
        if problems is None:
            problems = checks.check_articles([article.pk])[article.pk]
        if not problems:
            return "0"
        url = reverse("admin:articles_article_claims", args=[article.pk])
        return format_html('<a class="problem-count" href="{}">{}</a>', url, len(problems))

    @admin.display(description=_("problems"))
    def problems_summary(self, article: Article):
        if article.pk is None:
            return "—"
        lines = [problem.message for problem in checks.check_articles([article.pk])[article.pk]]
        if not lines:
            return gettext("No problems: every anchor is found and every claim has evidence.")
        return format_html(
            '<ul class="problems">{}</ul>',
            format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/claims/",
                self.admin_site.admin_view(self.claims_view),
                name="articles_article_claims",
            ),
            *super().get_urls(),
        ]

    def claims_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Each language version's latest text with its claims marked, beside the claims table."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        translations = list(
            article.translations.select_related("latest_revision").order_by(
                "-is_original", "language"
            )
        )
        claims = list(
            Claim.objects.working()
            .filter(article=article)
            .order_by("number")
            .prefetch_related(
                "anchors",
                Prefetch(
                    "evidence",
                    queryset=Evidence.objects.with_targets().prefetch_related(
                        "organization__names"
                    ),
                ),
            )
        )
        texts = []
        for translation in translations:
            revision = translation.latest_revision
            # Every language version is on the page: each scopes its claim ids
            # by its language, and note links go to the claim's row in the table.
            rendered = render_body(
                revision.body if revision else "",
                claim_marks(claims, translation.pk),
                id_prefix=f"{translation.language}-",
                evidence_prefix="claim-row-",
            )
            texts.append({"translation": translation, "revision": revision, "html": rendered.html})
        # Where each anchor stands and what is wrong, as every page says it.
        versions = checks.check_versions(translations)
        problems = checks.check_articles([article.pk])[article.pk]
        troubled = {problem.claim for problem in problems}
        rows = []
        for claim in claims:
            cells = []
            for translation in translations:
                state = versions[translation.pk].anchors.get(claim.number, checks.MISSING)
                cells.append(
                    {
                        "translation": translation,
                        "state": state,
                        "label": checks.anchor_state_label(state),
                    }
                )
            rows.append(
                {
                    "claim": claim,
                    "anchors": cells,
                    "evidence": list(claim.evidence.all()),
                    "has_problem": claim.number in troubled,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "article": article,
            "original": article,
            "title": gettext("Claims of %(article)s") % {"article": article},
            "texts": texts,
            "translations": translations,
            "rows": rows,
            "problems": problems,
            "add_claim_url": reverse("admin:articles_claim_add") + f"?article={article.pk}",
        }
        return TemplateResponse(request, "admin/articles/article/claims.html", context)


# Translations


class TranslationOutdatedFilter(ConditionFilter):
    title = _("outdated")
    parameter_name = "outdated"

    def condition(self):
        return Q(is_outdated=True)


@admin.register(Translation)
class TranslationAdmin(LongListMixin, admin.ModelAdmin):
    list_display = (
        "article",
        "language",
        "is_original",
        "status",
        "outdated",
        "unpublished_changes",
        "latest_number",
        "live_number",
        "submitted_by",
    )
    list_filter = ("status", "language", "is_original", TranslationOutdatedFilter)
    search_fields = ("article__slug", "latest_revision__title")
    autocomplete_fields = ("article",)
    actions = ("submit_for_review",)
    change_form_template = "admin/articles/translation/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .for_editing()
            .with_outdated()
            .defer("latest_revision__body", "live_revision__body")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TranslationAddForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("article", "language", "is_original", "title", "standfirst", "body")
        return (
            "article",
            "language",
            "is_original",
            "status",
            "outdated",
            "latest_number",
            "live_number",
            "submitted_by",
            "submitted_at",
            "first_published_at",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.get_fields(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        article = Article.objects.filter(pk=request.GET.get("article") or None).first()
        if article is not None and not article.translations.exists():
            initial.update({"language": article.original_language, "is_original": True})
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            return
        with transaction.atomic():
            obj.save()
            workflow.revision_create(
                translation=obj,
                title=form.cleaned_data["title"],
                standfirst=form.cleaned_data["standfirst"],
                body=form.cleaned_data["body"],
                by=request.user,
            )

    def has_add_permission(self, request):
        # The first revision is written with the version, so adding one needs both rights.
        return super().has_add_permission(request) and request.user.has_perm(
            workflow.WRITE_PERMISSION
        )

    @admin.display(description=_("outdated"), boolean=True)
    def outdated(self, translation: Translation) -> bool:
        return translation.is_outdated

    @admin.display(description=_("unpublished changes"), boolean=True)
    def unpublished_changes(self, translation: Translation) -> bool:
        return translation.has_unpublished_changes

    @admin.display(description=_("latest"), ordering="latest_revision__number")
    def latest_number(self, translation: Translation):
        return translation.latest_revision.number if translation.latest_revision else "—"

    @admin.display(description=_("live"), ordering="live_revision__number")
    def live_number(self, translation: Translation):
        return translation.live_revision.number if translation.live_revision else "—"

    @admin.action(
        description=_("Submit for review"),
        permissions=("submit",),
        location=[ActionLocation.CHANGE_LIST],
    )
    def submit_for_review(self, request, queryset):
        submitted = 0
        for translation in queryset.order_by("pk"):
            try:
                workflow.submit(translation=translation, by=request.user)
            except (TransitionNotAllowed, PermissionDenied) as error:
                self.message_user(
                    request,
                    gettext("%(translation)s: %(error)s")
                    % {"translation": translation, "error": error},
                    messages.ERROR,
                )
            else:
                submitted += 1
        if submitted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d translation submitted for review.",
                    "%(count)d translations submitted for review.",
                    submitted,
                )
                % {"count": submitted},
                messages.SUCCESS,
            )

    def has_submit_permission(self, request) -> bool:
        return request.user.has_perm(workflow.SUBMIT_PERMISSION)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<path:object_id>/edit/", view(self.edit_view), name="articles_translation_edit"),
            path(
                "<path:object_id>/compare/",
                view(self.compare_view),
                name="articles_translation_compare",
            ),
            path(
                "<path:object_id>/suggestions/",
                view(self.suggestions_view),
                name="articles_translation_suggestions",
            ),
            path(
                "<path:object_id>/transition/",
                view(self.transition_view),
                name="articles_translation_transition",
            ),
            *super().get_urls(),
        ]

    def _translation_or_404(self, request: HttpRequest, object_id: str) -> Translation:
        translation = (
            Translation.objects.select_related(
                "article", "latest_revision__created_by", "live_revision"
            )
            .filter(pk=unquote(object_id))
            .first()
            if str(unquote(object_id)).isdigit()
            else None
        )
        if translation is None:
            raise Http404
        if not self.has_view_permission(request, translation):
            raise PermissionDenied
        return translation

    def _context(self, request: HttpRequest, translation: Translation, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": translation,
            "translation": translation,
            "title": title,
            "change_url": reverse("admin:articles_translation_change", args=[translation.pk]),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        translation = self._translation_or_404(request, object_id)
        user = request.user
        allowed = workflow.allowed_actions(translation=translation, by=user)
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "latest": translation.latest_revision,
            "revisions": _with_previous(
                list(translation.revisions.history().defer("body", "source_revision__body"))
            ),
            "review_log": list(translation.review_log.with_actors().order_by("-created_at", "-pk")),
            "may_write": user.has_perm(workflow.WRITE_PERMISSION),
            "may_submit": workflow.Action.SUBMIT in allowed
            and translation.latest_revision is not None,
            "may_withdraw": workflow.Action.WITHDRAW in allowed,
            "may_review": user.has_perm(workflow.REVIEW_PERMISSION),
            "review_url": reverse("review:detail", args=[translation.pk]),
            "changes_requested": ReviewLog.objects.changes_requested_of(translation),
            "problems": workflow.submission_problems(translation=translation)
            if translation.status in workflow.TRANSITIONS[workflow.Action.SUBMIT].sources
            else [],
            "claims_url": reverse("admin:articles_article_claims", args=[translation.article_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def edit_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Write a new revision; a save based on an older revision is refused, nothing lost."""
        translation = self._translation_or_404(request, object_id)
        if not request.user.has_perm(workflow.WRITE_PERMISSION):
            raise PermissionDenied
        conflict = None
        if request.method == "POST":
            form = CorrectableRevisionForm(request.POST, translation=translation)
            if form.is_valid():
                try:
                    revision = _save_revision(translation=translation, form=form, by=request.user)
                except StaleRevision as stale:
                    conflict = _conflict(stale, form)
                    # The editor's text stays; saving again now builds on the newer revision.
                    data = request.POST.copy()
                    data["based_on"] = str(stale.latest_revision.pk)
                    form = CorrectableRevisionForm(data, translation=translation)
                    form.is_valid()
                    form.add_error(None, str(stale))
                except PermissionDenied as error:
                    form.add_error(None, str(error))
                else:
                    self._announce_saved(request, translation, revision)
                    return HttpResponseRedirect(
                        reverse("admin:articles_translation_change", args=[translation.pk])
                    )
        else:
            form = CorrectableRevisionForm(
                initial=CorrectableRevisionForm.initial_for(translation), translation=translation
            )
        context = {
            **self._context(
                request, translation, gettext("Edit %(translation)s") % {"translation": translation}
            ),
            "form": form,
            "conflict": conflict,
            "latest": translation.latest_revision,
            "changes_requested": ReviewLog.objects.changes_requested_of(translation),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/translation/edit.html", context)

    def _announce_saved(self, request, translation: Translation, revision: Revision) -> None:
        message = gettext("Revision %(number)s saved as a draft.") % {"number": revision.number}
        if translation.live_revision_id:
            message += " " + gettext(
                "Readers keep seeing revision %(number)s until a moderator approves the new one."
            ) % {"number": translation.live_revision.number}
        self.message_user(request, message, messages.SUCCESS)

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Any two revisions of a translation, word by word (character by character in Chinese)."""
        translation = self._translation_or_404(request, object_id)
        form = CompareRevisionsForm(
            request.GET or CompareRevisionsForm.initial_for(translation), translation=translation
        )
        diffs = None
        if form.is_valid():
            old, new = form.cleaned_data["old"], form.cleaned_data["new"]
            diffs = {
                "old": old,
                "new": new,
                "title": diff_html(old.title, new.title),
                "standfirst": diff_html(old.standfirst, new.standfirst),
                "body": diff_html(old.body, new.body),
            }
        context = {
            **self._context(
                request,
                translation,
                gettext("Compare revisions of %(translation)s") % {"translation": translation},
            ),
            "form": form,
            "diffs": diffs,
        }
        return TemplateResponse(request, "admin/articles/translation/compare.html", context)

    def suggestions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Registry organizations named in a revision; one button makes each into a claim."""
        translation = self._translation_or_404(request, object_id)
        revisions = translation.revisions.history()
        revision_id = request.POST.get("revision") or request.GET.get("revision")
        revision = (
            revisions.filter(pk=revision_id).first()
            if revision_id and str(revision_id).isdigit()
            else translation.latest_revision
        )
        if revision is None:
            raise Http404
        if request.method == "POST":
            return self._create_claim_from_mention(request, translation, revision)
        context = {
            **self._context(
                request,
                translation,
                gettext("Suggested links in %(translation)s") % {"translation": translation},
            ),
            "revision": revision,
            "revisions": list(revisions),
            "suggestions": suggested_links(translation=translation, revision=revision),
            "may_create": all(
                request.user.has_perm(permission)
                for permission in (
                    "articles.add_claim",
                    "articles.add_claimanchor",
                    "articles.add_evidence",
                )
            ),
        }
        return TemplateResponse(request, "admin/articles/translation/suggestions.html", context)

    def _create_claim_from_mention(
        self, request: HttpRequest, translation: Translation, revision: Revision
    ) -> HttpResponse:
        back = (
            reverse("admin:articles_translation_suggestions", args=[translation.pk])
            + f"?revision={revision.pk}"
        )
        try:
            start, end, organization_id = (
                int(request.POST[name]) for name in ("start", "end", "organization")
            )
        except (KeyError, ValueError):
            messages.error(request, gettext("That suggestion could not be read."))
            return HttpResponseRedirect(back)
        try:
            claim = claim_from_mention_create(
                translation=translation,
                revision=revision,
                start=start,
                end=end,
                organization_id=organization_id,
                by=request.user,
            )
        except (MentionNotFound, PermissionDenied) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("Claim %(number)s added with its anchor and evidence.")
                    % {"number": claim.number},
                    reverse("admin:articles_claim_change", args=[claim.pk]),
                    gettext("Edit the claim"),
                ),
            )
        return HttpResponseRedirect(back)

    def transition_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Submit or withdraw from the translation's page; refusals come back as messages."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        translation = self._translation_or_404(request, object_id)
        change_url = reverse("admin:articles_translation_change", args=[translation.pk])
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Unknown workflow step."))
            return HttpResponseRedirect(change_url)
        step = form.cleaned_data["action"]
        try:
            if step == TransitionForm.SUBMIT:
                workflow.submit(translation=translation, by=request.user)
                messages.success(request, gettext("Submitted for review."))
            else:
                workflow.withdraw(translation=translation, by=request.user)
                messages.success(request, gettext("Withdrawn from review; it is a draft again."))
        except (TransitionNotAllowed, PermissionDenied) as error:
            _report_workflow_error(request, error)
        return HttpResponseRedirect(change_url)


class CorrectableRevisionForm(RevisionForm):
    """A revision with an optional note telling readers what it corrects."""

    correction_note = forms.CharField(
        label=_("Correction note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 100}),
        help_text=_(
            "Only when this revision corrects the published text, for instance because the "
            "registry changed. Readers see it on the article in every language once approved."
        ),
    )

    @classmethod
    def initial_for(cls, translation: Translation) -> dict:
        """The latest text, with its correction note while that note is not yet approved."""
        initial = super().initial_for(translation)
        latest = translation.latest_revision
        if latest is not None and latest.pk != translation.live_revision_id:
            initial["correction_note"] = latest.correction_note
        return initial


def _with_previous(revisions: list[Revision]) -> list[tuple[Revision, Revision | None]]:
    """Revisions newest first, each with the one before it."""
    return [
        (revision, revisions[index + 1] if index + 1 < len(revisions) else None)
        for index, revision in enumerate(revisions)
    ]


def _save_revision(*, translation: Translation, form: RevisionForm, by) -> Revision:
    based_on = form.cleaned_data["based_on"]
    with transaction.atomic():
        if based_on is None:
            # The editor started from an empty version: someone else's first
            # revision since then is just as much a conflict.
            current = Translation.objects.select_for_update().get(pk=translation.pk)
            if current.latest_revision_id is not None:
                raise StaleRevision(
                    latest_revision=Revision.objects.select_related("created_by").get(
                        pk=current.latest_revision_id
                    )
                )
        return workflow.revision_create(
            translation=translation,
            title=form.cleaned_data["title"],
            standfirst=form.cleaned_data["standfirst"],
            body=form.cleaned_data["body"],
            by=by,
            based_on=based_on,
            source_revision=form.cleaned_data.get("source_revision"),
            correction_note=form.cleaned_data.get("correction_note", ""),
        )


def _conflict(stale: StaleRevision, form: RevisionForm) -> dict:
    theirs = stale.latest_revision
    yours = form.cleaned_data
    return {
        "revision": theirs,
        "message": str(stale),
        "title": diff_html(theirs.title, yours["title"]),
        "standfirst": diff_html(theirs.standfirst, yours["standfirst"]),
        "body": diff_html(theirs.body, yours["body"]),
    }


# Revisions and the review log: read-only records


class RecordAdmin(admin.ModelAdmin):
    """Records the workflow writes: shown field by field, never added, changed or deleted here."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Revision)
class RevisionAdmin(RecordAdmin):
    list_display = ("translation", "number", "title", "created_by", "created_at", "source_number")
    list_filter = ("translation__language",)
    search_fields = ("title", "translation__article__slug")
    list_select_related = ("translation__article", "created_by", "source_revision")
    fields = (
        "translation",
        "number",
        "title",
        "standfirst",
        "body",
        "created_by",
        "created_at",
        "based_on",
        "source_revision",
        "correction_note",
        "corrected_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("body", "source_revision__body")

    @admin.display(description=_("translated from"))
    def source_number(self, revision: Revision):
        return revision.source_revision.number if revision.source_revision else "—"


@admin.register(ReviewLog)
class ReviewLogAdmin(RecordAdmin):
    list_display = (
        "created_at",
        "translation",
        "revision_number",
        "action",
        "from_status",
        "to_status",
        "actor",
        "comment",
    )
    list_filter = ("action", "to_status")
    search_fields = ("translation__article__slug", "comment")
    list_select_related = ("translation__article", "revision", "actor")
    fields = list_display
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("revision__body")

    @admin.display(description=_("revision"))
    def revision_number(self, entry: ReviewLog):
        return entry.revision.number


# Claims


class ClaimAnchorInline(admin.TabularInline):
    model = ClaimAnchor
    fields = ("translation", "quote", "prefix", "suffix", "state")
    readonly_fields = ("state",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("translation__latest_revision")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("translation")
        if field is not None:
            article_id = obj.article_id if obj is not None else request.GET.get("article")
            translations = Translation.objects.select_related("article")
            if article_id:
                translations = translations.filter(article_id=article_id)
            field.queryset = translations
        return formset

    @admin.display(description=_("state in the latest text"))
    def state(self, anchor: ClaimAnchor):
        if anchor.pk is None:
            return "—"
        revision = anchor.translation.latest_revision
        state = checks.anchor_resolution(revision.body if revision else "", anchor).state
        return format_html(
            '<span class="anchor-state anchor-{}">{}</span>',
            state,
            checks.anchor_state_label(state),
        )


class FigureCheckInline(admin.StackedInline):
    """How a figure claim's number is measured in the registry, and whether it holds today."""

    model = FigureCheck
    fields = (
        ("stated_value", "measure", "result"),
        ("instrument", "event_kind", "un_related"),
        ("date_from", "date_to"),
        "organization",
        ("domain", "status", "on_date"),
    )
    readonly_fields = ("result",)
    autocomplete_fields = ("instrument", "organization", "domain")
    extra = 0
    max_num = 1

    @admin.display(description=_("registry today"))
    def result(self, check: FigureCheck) -> str:
        if check.pk is None:
            return "—"
        figures.attach_registry_values([check])
        return format_html(
            '<span class="figure-check figure-{}">{}</span>',
            "holds" if check.holds else "differs",
            figures.verdict_label(check),
        )


class EvidenceInline(admin.StackedInline):
    model = Evidence
    fields = (("organization", "event", "instrument"), "relation", "note")
    autocomplete_fields = ("organization", "event", "instrument")
    extra = 1


class ClaimEvidenceFilter(admin.SimpleListFilter):
    title = _("evidence")
    parameter_name = "evidence"

    def lookups(self, request, model_admin):
        return [("none", _("Without evidence")), ("some", _("With evidence"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(evidence_count=0)
        if self.value() == "some":
            return queryset.filter(evidence_count__gt=0)
        return queryset


@admin.register(Claim)
class ClaimAdmin(ClaimsUnderReview, admin.ModelAdmin):
    """The working copy of claims; approved claim sets are history, not edited here."""

    list_display = ("number", "statement", "article", "kind", "verdict", "evidence_count")
    list_display_links = ("number", "statement")
    list_filter = ("verdict", "kind", ClaimEvidenceFilter)
    search_fields = ("statement", "article__slug")
    list_select_related = ("article",)
    autocomplete_fields = ("article",)
    fields = ("article", "number", "statement", "kind", "verdict", "note")
    inlines = (ClaimAnchorInline, EvidenceInline, FigureCheckInline)
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).working().annotate(evidence_count=Count("evidence"))

    def claims_articles(self, request, object_id):
        articles = _ids(request.POST.get("article"))
        articles |= set(
            Claim.objects.filter(pk__in=_ids(object_id)).values_list("article_id", flat=True)
        )
        return articles

    @admin.display(description=_("evidence"), ordering="evidence_count")
    def evidence_count(self, claim: Claim) -> int:
        return claim.evidence_count

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        article_id = request.GET.get("article")
        if article_id and str(article_id).isdigit():
            highest = (
                Claim.objects.working().filter(article_id=article_id).order_by("-number").first()
            )
            initial.setdefault("number", (highest.number if highest else 0) + 1)
        return initial
