"""Buttons on a record's page in the console, each one action of the record's services.

A model admin lists its `record_actions`; each shows as a button on the change page while it
applies to the record (its `refusal` says why not otherwise), opens a page of its own at
`<id>/actions/<name>/` (its form, or a confirmation) and, on POST, calls its handler, which
calls the same service as the API and says what happened in an `Outcome`. The list actions
of the same admins go through `apply_to_rows`: one outcome per row, and the rows skipped
named with the reason.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.exceptions import ApplicationError
from core.models import WorkflowRun

RECORD_ACTIONS_TEMPLATE = "admin/shortsgen/change_form_with_actions.html"
RECORD_ACTION_PAGE_TEMPLATE = "admin/shortsgen/record_action.html"


@dataclass(frozen=True)
class Outcome:
    """What an action did to one record, in words (HTML, built with format_html)."""

    message: SafeString
    level: int = messages.SUCCESS


@dataclass(frozen=True)
class RecordAction:
    """One button. `handler` names a method of the admin, called as
    `handler(request, obj, data) -> Outcome` (`data`: the form's cleaned data, or {}).
    `refusal(obj)` is None when the action applies to the record now, else why not
    ("is completed"). Without a form, the button opens a confirmation page saying
    `confirmation`."""

    name: str
    label: str
    handler: str
    refusal: Callable[[object], str | None]
    form: type[forms.Form] | None = None
    confirmation: str = ""


def admin_link(obj, text: str | None = None) -> SafeString:
    """A link to the record's page in the console (its `#id` by default)."""
    return format_html('<a href="{}">{}</a>', admin_link_url(obj), text or f"#{obj.pk}")


def named(obj) -> str:
    """ "task #53": the model's name and the record's id, as messages name a record."""
    return f"{obj._meta.verbose_name} #{obj.pk}"


def workflow_outcome(done: SafeString, run: WorkflowRun | None, what: str) -> Outcome:
    """`done`, followed by how the trigger of `what` ("n8n transform workflow") went.

    The run was sent when the service's transaction committed, so its state is known here:
    succeeded, failed (a warning, never a green success: n8n did not hear of it), or still
    pending (sent by a later transaction, e.g. when the caller's is still open).
    """
    if run is None:
        return Outcome(format_html("{}.", done))
    run.refresh_from_db()
    link = admin_link(run, f"workflow run #{run.pk}")
    if run.state == WorkflowRun.State.FAILED:
        return Outcome(
            format_html("{}; but {} — retry {} when it is back.", done, what_went_wrong(run), link),
            messages.WARNING,
        )
    started = "started" if run.state == WorkflowRun.State.SUCCEEDED else "queued"
    return Outcome(format_html("{}; {} {} ({}).", done, what, started, link))


def what_went_wrong(run: WorkflowRun) -> str:
    """Why a failed run failed: "n8n was not reached (the connection failed)", or what n8n
    (or a proxy before it) answered."""
    error = (run.error or "no answer").rstrip(".")
    if run.http_status is not None:
        return f"n8n did not take it ({error})"
    return f"n8n was not reached ({error.removeprefix('n8n could not be reached: ')})"


class RecordActionsAdmin:
    """A ModelAdmin mixin: `record_actions` as buttons on the change page, with their URLs."""

    record_actions: list[RecordAction] = []

    def _record_action(self, name: str) -> RecordAction:
        for action in self.record_actions:
            if action.name == name:
                return action
        raise Http404(f"No action {name!r} on {self.opts.verbose_name_plural}.")

    def has_record_action_permission(self, request) -> bool:
        # The model's change permission, not has_change_permission(obj): records that are
        # read-only on their page (deleted, or tasks) still have their actions.
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "<path:object_id>/actions/<str:name>/",
                self.admin_site.admin_view(self.record_action_view),
                name="{}_{}_record_action".format(*info),
            )
        ]
        # First: the admin's catch-all "<path:object_id>/" would take these URLs otherwise.
        return own + super().get_urls()

    def record_action_url(self, obj, action: RecordAction) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_record_action".format(*info),
            kwargs={"object_id": quote(obj.pk), "name": action.name},
            current_app=self.admin_site.name,
        )

    def buttons_for(self, request, obj) -> list[dict]:
        if obj is None or not self.has_record_action_permission(request):
            return []
        return [
            {"label": action.label, "url": self.record_action_url(obj, action)}
            for action in self.record_actions
            if action.refusal(obj) is None
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if add or not self.record_actions:
            return response
        # Wrap whichever template this admin would use (its own change_form_template or a
        # model-specific one): the buttons go on top of it, whatever it draws.
        names = response.template_name
        names = [names] if isinstance(names, str) else list(names)
        # An admin naming this very template would otherwise extend itself forever.
        names = [name for name in names if name != RECORD_ACTIONS_TEMPLATE] or [
            "admin/change_form.html"
        ]
        response.context_data["record_actions_base"] = select_template(names)
        response.context_data["record_action_buttons"] = self.buttons_for(request, obj)
        response.template_name = RECORD_ACTIONS_TEMPLATE
        return response

    def record_action_view(self, request, object_id, name):
        action = self._record_action(name)
        if not self.has_record_action_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        back = HttpResponseRedirect(admin_link_url(obj))
        refusal = action.refusal(obj)
        if refusal is not None:
            self.message_user(
                request, f"Nothing was done: {named(obj)} {refusal}.", messages.WARNING
            )
            return back
        form = None
        if action.form is not None:
            form = action.form(request.POST if request.method == "POST" else None)
        if request.method == "POST" and (form is None or form.is_valid()):
            data = form.cleaned_data if form is not None else {}
            try:
                outcome = getattr(self, action.handler)(request, obj, data)
            except ApplicationError as exc:
                if form is None:
                    self.message_user(
                        request, f"Nothing was done: {named(obj)}: {exc.message}", messages.ERROR
                    )
                    return back
                # Shown on the form again, with what was typed.
                form.add_error(None, exc.message)
            else:
                self.message_user(request, outcome.message, outcome.level)
                return back
        return self._render_record_action(request, obj, action, form)

    def _render_record_action(self, request, obj, action: RecordAction, form):
        context = {
            **self.admin_site.each_context(request),
            "title": f"{action.label}: {named(obj)}",
            "subtitle": str(obj),
            "opts": self.opts,
            "object": obj,
            "action": action,
            # The confirmation may name the record's fields: "{obj.daily_limit}".
            "confirmation": action.confirmation.format(obj=obj),
            "form": form,
            "change_url": admin_link_url(obj),
            "media": self.media + (form.media if form is not None else forms.Media()),
        }
        return TemplateResponse(request, RECORD_ACTION_PAGE_TEMPLATE, context)

    def apply_to_rows(self, request, rows: Iterable, action_name: str) -> None:
        """A list action: the record action on each row it applies to, and the others named
        with the reason they were skipped."""
        action = self._record_action(action_name)
        skipped = []
        for row in rows:
            refusal = action.refusal(row)
            if refusal is not None:
                skipped.append(f"#{row.pk} {refusal}")
                continue
            try:
                outcome = getattr(self, action.handler)(request, row, {})
            except ApplicationError as exc:
                skipped.append(f"#{row.pk}: {exc.message}")
            else:
                self.message_user(request, outcome.message, outcome.level)
        if skipped:
            self.message_user(
                request,
                format_html(
                    "Skipped by “{}”: {}.",
                    action.label,
                    format_html_join("; ", "{}", ((reason,) for reason in skipped)),
                ),
                messages.WARNING,
            )


def admin_link_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
