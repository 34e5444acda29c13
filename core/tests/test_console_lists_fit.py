"""Every list of the console fits 1280 px: no horizontal scrolling of the page nor of the
list itself, with rows whose texts are long (names, codes, worker ids, errors, URLs)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import PlatformAccount
from assets.models import Asset
from core.models import ApiClient, IdempotencyRecord, WorkflowRun
from inspirations.models import Inspiration
from projects.models import Project, ProjectType
from tasks.models import Task, TaskAttempt, TaskConfig
from webhooks.models import WebhookEvent
from workerconfigs.models import WorkerConfig

pytestmark = pytest.mark.browser

LONG_WORDS = "A very long title for a short video about the history of cinema, part " * 3
LONG_TOKEN = "video_generation_with_subtitles_music_and_voice_over_for_tiktok_v2"
LONG_ERROR = (
    "Traceback (most recent call last): File /srv/worker/render.py, line 812, in run: "
    "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB " * 3
)
CHANGELISTS = [
    "/admin/inspirations/inspiration/",
    "/admin/projects/project/",
    "/admin/projects/projecttype/",
    "/admin/tasks/task/",
    "/admin/accounts/platformaccount/",
    "/admin/assets/asset/",
    "/admin/workerconfigs/workerconfig/",
    "/admin/tasks/taskconfig/",
    "/admin/core/workflowrun/",
    "/admin/webhooks/webhookevent/",
    "/admin/core/apiclient/",
    "/admin/core/idempotencyrecord/",
]


def a_day_of_long_texts():
    now = timezone.now()
    user = get_user_model().objects.create_user(f"render-worker-{LONG_TOKEN}")
    ApiClient.objects.create(user=user, role="worker")
    ProjectType.objects.create(
        code=LONG_TOKEN[:100], name=LONG_WORDS[:255], category=LONG_TOKEN, description=LONG_WORDS
    )
    for index in range(3):
        inspiration = Inspiration.objects.create(
            title=LONG_WORDS[:255],
            description=LONG_WORDS,
            project_type_code=LONG_TOKEN,
            source=LONG_TOKEN,
            score=0.875,
        )
        project = Project.objects.create(
            name=LONG_WORDS[:255], project_type=LONG_TOKEN, inspiration=inspiration
        )
        task = Task.objects.create(
            project=project,
            task_type=LONG_TOKEN,
            status=Task.Status.PROCESSING,
            attempts=2,
            max_attempts=3,
            worker_id=f"{LONG_TOKEN}-{index}",
            error_message=LONG_ERROR,
            platform="midjourney",
            commit_id=f"{LONG_TOKEN}-{index}",
            started_at=now - timedelta(minutes=40),
            lease_expires_at=now - timedelta(minutes=7),
        )
        TaskAttempt.objects.create(
            task=task, number=1, worker_id=task.worker_id, claimed_at=now - timedelta(hours=1)
        )
        config = WorkerConfig.objects.create(
            config_name=LONG_WORDS[:255],
            config_type=LONG_TOKEN,
            worker_type=LONG_TOKEN,
            description=LONG_WORDS,
        )
        TaskConfig.objects.create(task=task, config=config)
        PlatformAccount.objects.create(
            platform="midjourney", name=f"{LONG_TOKEN}-{index}", daily_limit=1000, used_today=999
        )
        Asset.objects.create(
            name=LONG_WORDS[:255],
            asset_type="video",
            source=LONG_TOKEN,
            storage_path=f"/{LONG_TOKEN}/" * 10,
            original_filename=f"{LONG_TOKEN}.mp4",
            duration_seconds=61.5,
        )
        run = WorkflowRun.objects.create(
            kind="transform",
            target_type="project",
            target_id=project.id,
            url=f"https://n8n.example.com/webhook/{LONG_TOKEN}/{LONG_TOKEN}",
            state="failed",
            http_status=502,
            execution_id=f"{LONG_TOKEN}-{index}",
            error=LONG_ERROR,
            attempts=3,
        )
        WebhookEvent.objects.create(
            endpoint="project_execution",
            target_id=project.id,
            execution_id=f"{LONG_TOKEN}-{index}",
            workflow_run=run,
            payload={},
            result={},
            status_code=409,
        )
        IdempotencyRecord.objects.create(
            user=user,
            key=f"{LONG_TOKEN}-{index}-{LONG_TOKEN}",
            method="POST",
            path=f"/api/tasks/batch/{LONG_TOKEN}",
            request_hash="0" * 64,
            response_status=201,
        )


def test_every_list_fits_1280_pixels(console):
    a_day_of_long_texts()
    overflowing = []
    for path in CHANGELISTS:
        console.open(path)
        page = console.page
        assert page.locator("#result_list tbody tr").count() >= 1, path
        widths = page.evaluate(
            """() => {
                const results = document.querySelector('#changelist .results');
                return {
                    page: document.documentElement.scrollWidth,
                    list: results ? results.scrollWidth - results.clientWidth : 0,
                };
            }"""
        )
        console.shot(path.strip("/").replace("/", "-"))
        if widths["page"] > 1280 or widths["list"] > 0:
            overflowing.append((path, widths))
    assert not overflowing, "\n".join(f"{path}: {widths}" for path, widths in overflowing)
