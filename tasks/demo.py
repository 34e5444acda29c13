"""The demo day's workers (`manage.py load_demo`): claims and reports through the task
services, as workers make them, then the timestamps moved back to when they would have
happened that day (plain updates of timestamp columns, nothing else).

A project is worked on alone, from its first ready task to its last: its tasks are the only
ready ones of their types while it is (tasks held or crashed stay processing; failed ones
wait no more), so each claim takes exactly the task the plan names.
"""

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from core.actors import Actor
from projects.models import Project
from tasks.models import Task
from tasks.services import TaskSpec, task_update, tasks_claim, tasks_create

Status = Task.Status
LIVE_WORKERS = ("render-01", "render-02", "gpu-03")
# The worker that crashed: its leases ran out and it holds nothing live.
CRASHED_WORKER = "render-04"
# Long renders: the leases held at the end of load_demo stay live for an hour.
LIVE_LEASE_SECONDS = 3600
CRASHED_LEASE_SECONDS = 900
DEMO_ACTOR = Actor.system("load_demo")

# Minutes each kind of step takes, for the day's clock.
STEP_MINUTES = {
    "script_generation": 2,
    "image_generation": 5,
    "audio_generation": 3,
    "video_generation": 11,
    "video_compose": 4,
    "publish": 1,
    "subtitle_generation": 2,
    "thumbnail_generation": 2,
    "caption_translation": 1,
    "quality_check": 1,
}
# Steps a front end adds to a short video after the template's graph: (type, after type).
FINISHING_STEPS = [
    ("caption_translation", "script_generation"),
    ("thumbnail_generation", "image_generation"),
    ("subtitle_generation", "audio_generation"),
    ("quality_check", "video_compose"),
]
OUTPUTS = {
    "script_generation": lambda p: {"script": f"{p.name}: hook, three beats, call to action."},
    "image_generation": lambda p: {
        "images": [f"s3://shortsgen-media/projects/{p.id}/frame_{i:02d}.png" for i in (1, 2, 3)]
    },
    "audio_generation": lambda p: {
        "audio": f"s3://shortsgen-media/projects/{p.id}/voice.mp3",
        "voice": "zh-CN-XiaoxiaoNeural",
    },
    "video_generation": lambda p: {
        "clips": [f"s3://shortsgen-media/projects/{p.id}/clip_{i:02d}.mp4" for i in (1, 2, 3)]
    },
    "video_compose": lambda p: {"video": f"s3://shortsgen-media/projects/{p.id}/final.mp4"},
    "publish": lambda p: {"url": f"https://www.youtube.com/shorts/demo{p.id:05d}"},
    "subtitle_generation": lambda p: {"subtitles": f"s3://shortsgen-media/projects/{p.id}/zh.srt"},
    "thumbnail_generation": lambda p: {
        "thumbnail": f"s3://shortsgen-media/projects/{p.id}/thumb.jpg"
    },
    "caption_translation": lambda p: {"captions": {"en": p.name, "ja": p.name}},
    "quality_check": lambda p: {"passed": True, "loudness_lufs": -14.2},
}


@dataclass
class Plan:
    """What happens to a project's tasks, by task type; anything not named completes."""

    # Every attempt fails with this error: the task fails for good after max_attempts.
    fail: dict[str, str] = field(default_factory=dict)
    # The first attempt fails with this error; the retry completes.
    flaky: dict[str, str] = field(default_factory=dict)
    # Claimed by this live worker and still running (minutes since the claim).
    hold: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Claimed by the crashed worker, whose lease ran out this many minutes ago.
    crash: dict[str, int] = field(default_factory=dict)


@dataclass
class _Timeline:
    clock: datetime
    started: dict[int, datetime] = field(default_factory=dict)
    finished: dict[int, datetime] = field(default_factory=dict)

    def advance(self, task_type: str) -> datetime:
        self.clock += timedelta(minutes=STEP_MINUTES.get(task_type, 2))
        return self.clock


def add_finishing_steps(project: Project) -> list[Task]:
    """Subtitles, thumbnail, translated captions and a quality check, each after its step."""
    by_type = dict(Task.objects.filter(project=project).values_list("task_type", "id"))
    specs = [
        TaskSpec(
            project_id=project.id,
            task_type=task_type,
            dependencies=[by_type[after]],
            max_attempts=2,
        )
        for task_type, after in FINISHING_STEPS
        if after in by_type
    ]
    return tasks_create(specs, actor=DEMO_ACTOR)


def work_project(project: Project, plan: Plan, *, start: datetime) -> None:
    """Run the project's tasks through claims and reports as `plan` says, from `start`."""
    timeline = _Timeline(clock=start)
    workers = itertools.cycle(LIVE_WORKERS)
    now = timezone.now()
    while ready := list(Task.objects.filter(project=project, status=Status.PENDING)):
        for task in ready:
            # A retry waits out its backoff; the day's clock has long passed it.
            Task.objects.filter(id=task.id).update(available_at=now)
            _work_task(project, task, plan, timeline, next(workers))
    _backdate(project, plan, start, timeline)


def _work_task(project, task, plan: Plan, timeline: _Timeline, worker: str) -> None:
    task_type = task.task_type
    if task_type in plan.hold:
        worker = plan.hold[task_type][0]
    elif task_type in plan.crash:
        worker = CRASHED_WORKER
    lease = CRASHED_LEASE_SECONDS if task_type in plan.crash else LIVE_LEASE_SECONDS
    claimed = tasks_claim(
        actor=DEMO_ACTOR, task_types=[task_type], worker_id=worker, lease_seconds=lease
    )
    if [t.id for t in claimed] != [task.id]:
        raise RuntimeError(f"demo: claiming {task} got {claimed} (is the quota too small?)")
    timeline.started[task.id] = timeline.clock
    if task_type in plan.hold or task_type in plan.crash:
        return
    timeline.finished[task.id] = timeline.advance(task_type)
    error = plan.fail.get(task_type)
    if error is None and task_type in plan.flaky and task.attempts == 0:
        error = plan.flaky[task_type]
    if error is not None:
        task_update(task_id=task.id, actor=DEMO_ACTOR, status=Status.FAILED, error_message=error)
    else:
        output = OUTPUTS.get(task_type, lambda p: {"ok": True})(project)
        task_update(task_id=task.id, actor=DEMO_ACTOR, status=Status.COMPLETED, task_output=output)


def _backdate(project: Project, plan: Plan, start: datetime, timeline: _Timeline) -> None:
    now = timezone.now()
    last_event = max(timeline.finished.values(), default=start)
    for task in Task.objects.filter(project=project):
        stamps = {"created_at": start, "updated_at": timeline.finished.get(task.id, start)}
        if task.status == Status.PENDING:
            stamps["available_at"] = stamps["updated_at"] = last_event
        if task.id in timeline.started:
            stamps["started_at"] = timeline.started[task.id]
        if task.status == Status.COMPLETED:
            stamps["completed_at"] = timeline.finished[task.id]
        if task.task_type in plan.hold:
            held_for = timedelta(minutes=plan.hold[task.task_type][1])
            # Claimed a while ago; its last heartbeat a minute ago.
            stamps["started_at"] = now - held_for
            stamps["updated_at"] = now - min(held_for, timedelta(minutes=1))
        if task.task_type in plan.crash:
            expired_at = now - timedelta(minutes=plan.crash[task.task_type])
            stamps["lease_expires_at"] = expired_at
            stamps["started_at"] = stamps["updated_at"] = expired_at - timedelta(
                seconds=CRASHED_LEASE_SECONDS
            )
        Task.objects.filter(id=task.id).update(**stamps)
    latest = max(
        [last_event, *Task.objects.filter(project=project).values_list("updated_at", flat=True)]
    )
    Project.objects.filter(id=project.id).update(
        created_at=start - timedelta(minutes=1), updated_at=latest
    )
