"""A small factory with a row of every model the console shows, for tests that walk it all.

`console_factory()` returns the rows it made and the secrets it holds (credential values and
API tokens), so that tests can look for those secrets where they must never be.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import services as account_services
from assets import services as asset_services
from core.models import IdempotencyRecord, WorkflowRun
from core.services import api_client_create
from core.testing_console import SCHEMA
from inspirations import services as inspiration_services
from projects import services as project_services
from tasks.models import Task
from tasks.task_configs import task_configs_assign
from webhooks.models import WebhookEvent
from workerconfigs import services as config_services

# Long enough to be fingerprinted (its last 4 characters shown), and a short one masked whole.
LONG_SECRET = "sk-live-0123456789abcdef-SECRET"
SHORT_SECRET = "pw-123"


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
    task_configs_assign(task_id=task.id, config_ids=[config.id])
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
