"""A small factory with a row of every model the console shows, for tests that walk it all.

`console_factory()` returns the rows it made and the secrets it holds (credential values and
API tokens), so that tests can look for those secrets where they must never be.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import escape

from accounts import services as account_services
from assets import services as asset_services
from core.models import IdempotencyRecord, WorkflowRun
from core.services import api_client_create
from inspirations import services as inspiration_services
from projects import services as project_services
from tasks.models import Task
from webhooks.models import WebhookEvent
from workerconfigs import services as config_services

# Long enough to be fingerprinted (its last 4 characters shown), and a short one masked whole.
LONG_SECRET = "sk-live-0123456789abcdef-SECRET"
SHORT_SECRET = "pw-123"
SCHEMA = {
    "type": "object",
    "properties": {"fps": {"type": "integer", "minimum": 1, "maximum": 120}},
}


@dataclass
class ConsoleFactory:
    rows: dict = field(default_factory=dict)
    credential_values: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)


def console_factory() -> ConsoleFactory:
    made = ConsoleFactory()
    project_type = project_services.project_type_create(
        code="reel",
        name="Reel",
        default_parameters={"fps": 30},
        parameter_schema=SCHEMA,
        task_template=[
            {"key": "script", "task_type": "script_generation"},
            {"key": "video", "task_type": "video_generation", "depends_on": ["script"]},
        ],
    )
    account = account_services.account_create(
        platform="dreamina",
        name="dreamina_main",
        credentials={"api_key": LONG_SECRET, "password": SHORT_SECRET},
    )
    made.credential_values += [LONG_SECRET, SHORT_SECRET]
    inspiration = inspiration_services.inspiration_create(
        title="Cats in space", project_type_code="reel", source="user_input", parameters={}
    )
    project = project_services.project_create(name="Cats, the video", project_type="reel")
    task = Task.objects.filter(project=project).order_by("id").first()
    Task.objects.filter(pk=task.pk).update(platform_account=account)
    config = config_services.worker_config_create(
        config_name="render", config_type="render", worker_type="video", config_data={"q": 1}
    )
    config_services.task_configs_assign(task_id=task.id, config_ids=[config.id])
    asset, _ = asset_services.asset_create(name="intro.mp4", asset_type="video", file_hash="a" * 64)
    run = WorkflowRun.objects.create(
        kind=WorkflowRun.Kind.TRANSFORM,
        target_type="inspiration",
        target_id=inspiration.id,
        url="http://n8n.test/webhook/transform",
        state=WorkflowRun.State.FAILED,
        error="n8n was not reached",
    )
    WebhookEvent.objects.create(
        endpoint=WebhookEvent.Endpoint.values[0],
        target_id=project.id,
        execution_id="n8n-1",
        payload={"status": "completed"},
        result={"ok": True},
    )
    for role in ("client", "worker", "n8n"):
        client, token = api_client_create(name=f"{role}-bot", role=role)
        made.tokens.append(token)
    person = get_user_model().objects.create_user("someone", password="a-long-password-1")
    IdempotencyRecord.objects.create(
        user=person,
        key="key-1",
        method="POST",
        path="/api/projects",
        request_hash="0" * 64,
        response_status=201,
        response_body="{}",
        created_at=timezone.now(),
    )
    made.rows.update(
        project_type=project_type,
        account=account,
        inspiration=inspiration,
        project=project,
        task=task,
        config=config,
        asset=asset,
        run=run,
        client=client,
        person=person,
    )
    return made


class FormFields(HTMLParser):
    """What a browser would send from a page's admin form: its inputs, text areas and
    selects with their current values (checkboxes only when checked)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.data.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.data.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.data.append((self._select, self._select_first))
            self._select = None


def form_data(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def errors_beside(response, name: str) -> list[str]:
    """The errors the admin shows beside field `name` (None: above the form)."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return list(form.errors.get(name or "__all__", []))


def shows_typed(response, typed: str) -> bool:
    return escape(typed) in response.content.decode()
