"""The demo data of `manage.py load_demo`: a draft inspiration, and a day of the factory.

The day (`load_demo_day`) is what an operator finds in the morning: ideas in every state
(drafts awaiting review among them), projects done, failed, in progress and queued, three
workers holding live leases and a fourth that crashed with two, an exhausted and an
inactive account, and n8n down: approvals and a regeneration whose workflow runs failed,
and a run stuck pending. Every row and status comes from the services; only timestamps are
then moved back to when things happened.

The day is added once, to a factory without projects: a database that has projects is
someone's work, and the demo never claims or reports on tasks it did not make.
"""

from datetime import timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from assets.models import Asset
from assets.services import asset_create
from core.models import WorkflowRun
from core.n8n import workflow_run_send
from inspirations import services
from inspirations.models import Inspiration
from projects.models import Project
from projects.services import project_create, project_regenerate, project_update
from tasks.demo import LIVE_WORKERS, Plan, add_finishing_steps, work_project
from tasks.models import Task

DEMO_SOURCE = "demo"
DEMO_INSPIRATION = {
    "title": "A day on a tea farm in 30 seconds",
    "description": "From picking at dawn to the first cup: six shots, calm voice-over.",
    "project_type_code": "video_generation",
    "source": DEMO_SOURCE,
    "parameters": {"style": "documentary", "duration_seconds": 30, "aspect_ratio": "9:16"},
}

# n8n is down in the demo: its address is a closed port on this machine, so every trigger
# fails as it would with n8n stopped (the real client, connection refused, no retry wait).
DEMO_N8N = "http://127.0.0.1:9/webhook"
N8N_DOWN = {
    "N8N_ALLOWED_HOSTS": ["127.0.0.1:9"],
    "N8N_RETRIES": 0,
    # The environment's own workflows are never triggered by the demo.
    "N8N_INSPIRATION_WORKFLOW_URL": "",
    "N8N_TRANSFORM_WORKFLOW_URL": "",
    "N8N_EXECUTION_WORKFLOW_URL": "",
}
N8N_CONFIGURED = {
    "N8N_INSPIRATION_WORKFLOW_URL": f"{DEMO_N8N}/shortsgen-inspiration",
    "N8N_TRANSFORM_WORKFLOW_URL": f"{DEMO_N8N}/shortsgen-transform",
    "N8N_EXECUTION_WORKFLOW_URL": f"{DEMO_N8N}/shortsgen-execution",
}
# The day's stuck run: pending since the regeneration was asked for.
STUCK_RUN_MINUTES = 25
N8N_DOWN_SINCE_MINUTES = 95

VIDEO, TECH, IMAGE = "video_generation", "tech_video", "image_post"
VERTICAL = {"aspect_ratio": "9:16"}

# (title, type, source, hours ago, fate, plan): fate is what the reviewers did; approved
# ideas become projects, worked on by `plan` (None: the project waits in the queue).
DAY = [
    ("Five street foods of Chengdu", VIDEO, "trend_scout", 23, "approve", Plan()),
    ("How a bullet train stays on time", TECH, "trend_scout", 22, "approve", Plan()),
    ("Sunrise over the Li River", IMAGE, "content_calendar", 21, "approve", Plan()),
    (
        "Three myths about green tea",
        VIDEO,
        "trend_scout",
        20,
        "approve",
        Plan(
            flaky={
                "audio_generation": "TTS service timed out after 60 s (voice zh-CN-XiaoxiaoNeural)."
            }
        ),
    ),
    ("Why cats knock things off tables", VIDEO, "user_input", 19, "approve", Plan()),
    ("Inside a lithium battery", TECH, "trend_scout", 18, "approve", Plan()),
    (
        "Night market in Taipei",
        VIDEO,
        "content_calendar",
        17,
        "approve",
        Plan(
            fail={
                "video_generation": "Dreamina API error 429: daily generation limit reached for "
                "this workspace (request id 7f3c2a91)."
            }
        ),
    ),
    (
        "The making of a porcelain bowl",
        VIDEO,
        "user_input",
        14,
        "approve",
        Plan(
            fail={
                "video_compose": "ffmpeg exited with status 1: Invalid data found when "
                "processing input 'clip_03.mp4'."
            }
        ),
    ),
    (
        "Ten seconds of rain in Hangzhou",
        IMAGE,
        "trend_scout",
        11,
        "approve",
        Plan(
            fail={
                "script_generation": "OpenAI API error 503: The server is overloaded or not "
                "ready yet."
            }
        ),
    ),
    (
        "What a 5G antenna does",
        TECH,
        "trend_scout",
        6,
        "approve",
        Plan(
            fail={
                "video_compose": "Worker ran out of disk space writing /tmp/render/final.mp4 "
                "(No space left on device)."
            }
        ),
    ),
    (
        "Dumplings, folded twelve ways",
        VIDEO,
        "content_calendar",
        3,
        "approve",
        Plan(hold={"video_generation": (LIVE_WORKERS[0], 18)}),
    ),
    (
        "Pandas at breakfast",
        VIDEO,
        "trend_scout",
        2,
        "approve",
        Plan(
            hold={
                "image_generation": (LIVE_WORKERS[1], 4),
                "audio_generation": (LIVE_WORKERS[2], 2),
            }
        ),
    ),
    (
        "A robot that folds laundry",
        TECH,
        "user_input",
        2,
        "approve",
        Plan(hold={"video_compose": (LIVE_WORKERS[2], 6)}),
    ),
    ("Morning tai chi in the park", VIDEO, "trend_scout", 1, "approve_n8n_down", None),
    ("How chopsticks are made", VIDEO, "content_calendar", 1, "approve_n8n_down", None),
    ("Lanterns of Pingyao", VIDEO, "trend_scout", 9, "reject", None),
    ("Unboxing a mystery phone", TECH, "user_input", 8, "reject", None),
    ("Origami cranes for beginners", IMAGE, "trend_scout", 1, "regenerate_n8n_down", None),
    ("A week of weather in one minute", VIDEO, "trend_scout", 12, "generation_failed", None),
    ("Mooncakes from scratch", VIDEO, "content_calendar", 4, "draft", None),
    ("The quietest room in the world", TECH, "trend_scout", 3, "draft", None),
    ("Kites over Weifang", IMAGE, "trend_scout", 2, "draft", None),
    ("A day with a bamboo weaver", VIDEO, "user_input", 1, "draft", None),
]
# Projects a front end created directly (no inspiration): (name, type, hours ago, plan).
DIRECT_PROJECTS = [
    (
        "Spring campaign teaser",
        VIDEO,
        30,
        Plan(
            fail={
                "image_generation": "Midjourney job 8c1e52 was stopped by moderation: "
                "banned prompt word."
            }
        ),
    ),
    ("Product shot: ceramic kettle", VIDEO, 4, Plan(crash={"video_generation": 7})),
    # After the kettle: once its lease has run out, a claim of a script would take it over.
    ("Weekly tech digest #42", TECH, 5, Plan(crash={"script_generation": 19})),
    ("Weekly tech digest #43", TECH, 0.6, None),
]
# The completed project whose regeneration never reached n8n (its run is stuck pending).
REGENERATED = "Why cats knock things off tables"
REJECT_NOTES = "Covered last week; nothing new to show."
GENERATION_ERROR = "The workflow reported: OpenAI API error 429: rate limit exceeded."


@transaction.atomic
def load_demo_inspiration() -> Inspiration:
    """Create the demo draft once; later runs leave it (and its review) as it is."""
    existing = Inspiration.objects.filter(
        source=DEMO_SOURCE, title=DEMO_INSPIRATION["title"]
    ).first()
    return existing or services.inspiration_create(**DEMO_INSPIRATION)


def load_demo_day() -> bool:
    """Add the demo day to a factory without projects; False (nothing done) otherwise."""
    if Project.all_objects.exists():
        return False
    now = timezone.now()
    runs_before = WorkflowRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with override_settings(**N8N_DOWN):
        # One transaction: the day is all there or not at all. Its n8n triggers are sent when
        # it commits, still with n8n down...
        with transaction.atomic():
            _build_day(now)
        # ...or here, when a caller's transaction holds the commit back (tests).
        unsent = WorkflowRun.objects.filter(
            id__gt=runs_before, state=WorkflowRun.State.PENDING, last_attempt_at=None
        )
        for run_id in unsent.values_list("id", flat=True):
            workflow_run_send(run_id=run_id)
    _backdate_failed_runs(now, runs_before)
    return True


def _build_day(now) -> None:
    for title, code, source, hours, fate, plan in DAY:
        start = now - timedelta(hours=hours)
        inspiration = services.inspiration_create(
            title=title, project_type_code=code, source=source, parameters=dict(VERTICAL)
        )
        project = _review(inspiration, fate)
        if project is not None and code == VIDEO:
            add_finishing_steps(project)
        if project is not None and plan is not None:
            work_project(project, plan, start=start + timedelta(minutes=20))
        _backdate(Inspiration, inspiration.id, start, start + timedelta(minutes=15))
        if project is not None:
            _keep_output(project)
    for name, code, hours, plan in DIRECT_PROJECTS:
        start = now - timedelta(hours=hours)
        project = project_create(name=name, project_type=code, initial_parameters=VERTICAL)
        if code == VIDEO:
            add_finishing_steps(project)
        if plan is None:
            _backdate_queued(project, start)
        else:
            work_project(project, plan, start=start)
    _regenerate_without_n8n(now)


def _review(inspiration: Inspiration, fate: str) -> Project | None:
    if fate == "approve":
        return services.inspiration_approve(
            inspiration=inspiration, review_notes="Good hook, go.", score=4.5
        )[1]
    if fate == "approve_n8n_down":
        with override_settings(**N8N_CONFIGURED):
            services.inspiration_approve(
                inspiration=inspiration, review_notes="Strong visual idea.", score=4.0
            )
    elif fate == "reject":
        services.inspiration_reject(inspiration=inspiration, review_notes=REJECT_NOTES)
    elif fate == "regenerate_n8n_down":
        with override_settings(**N8N_CONFIGURED):
            services.inspiration_regenerate(
                inspiration=inspiration, parameter_overrides={"style": "paper craft"}
            )
    elif fate == "generation_failed":
        services.inspiration_regenerate(inspiration=inspiration)
        services.inspiration_update(
            inspiration=inspiration,
            status=Inspiration.Status.FAILED,
            error_message=GENERATION_ERROR,
        )
    return None


def _keep_output(project: Project) -> None:
    """The finished video of a completed project, catalogued as an asset."""
    project.refresh_from_db()
    if project.status != Project.Status.COMPLETED:
        return
    asset, _ = asset_create(
        name=f"{project.name} (final cut)",
        asset_type=Asset.AssetType.VIDEO,
        storage_path=f"s3://shortsgen-media/projects/{project.id}/final.mp4",
        duration_seconds=30,
        source="video_compose",
        status=Asset.Status.ACTIVE,
        file_hash=f"{project.id:064x}",
        original_filename="final.mp4",
    )
    project_update(project=project, output_asset=asset)


def _regenerate_without_n8n(now) -> None:
    """A completed project asked to run again; n8n never got the trigger (stuck pending)."""
    project = Project.objects.get(name=REGENERATED)
    with override_settings(**N8N_CONFIGURED):
        run_id = project_regenerate(project=project).workflow_run.id
    asked_at = now - timedelta(minutes=STUCK_RUN_MINUTES)
    # Stamped as being sent, the run is left alone when the day commits: the process that
    # was sending it died, and it stays pending.
    WorkflowRun.objects.filter(id=run_id).update(
        created_at=asked_at, updated_at=asked_at, last_attempt_at=asked_at
    )
    _backdate_queued(project, asked_at, keep_created=True)


def _backdate_queued(project: Project, since, *, keep_created: bool = False) -> None:
    """A project (re)queued at `since`, nothing claimed yet."""
    tasks = Task.objects.filter(project=project)
    if keep_created:
        tasks.update(available_at=since, updated_at=since)
    else:
        tasks.update(created_at=since, available_at=since, updated_at=since)
    stamps = {"updated_at": since} if keep_created else {"created_at": since, "updated_at": since}
    Project.objects.filter(id=project.id).update(**stamps)


def _backdate(model, row_id: int, created_at, updated_at) -> None:
    model.objects.filter(id=row_id).update(created_at=created_at, updated_at=updated_at)


def _backdate_failed_runs(now, runs_before: int) -> None:
    """The day's runs were sent as it committed: n8n went down earlier than that."""
    down_since = now - timedelta(minutes=N8N_DOWN_SINCE_MINUTES)
    failed = WorkflowRun.objects.filter(state=WorkflowRun.State.FAILED, id__gt=runs_before)
    for offset, run in enumerate(failed.order_by("id")):
        at = down_since + timedelta(minutes=7 * offset)
        WorkflowRun.objects.filter(id=run.id).update(
            created_at=at, updated_at=at, last_attempt_at=at
        )
