"""Demo project types: what `manage.py load_demo` installs, and what the tests build on."""

from django.db import transaction

from projects.models import ProjectType


def _step(key, task_type, depends_on=(), platform=None, **task_input):
    return {
        "key": key,
        "task_type": task_type,
        "depends_on": list(depends_on),
        "task_input": task_input,
        "priority": 0,
        "max_attempts": 3,
        "platform": platform,
    }


DEMO_PROJECT_TYPES = [
    {
        "code": "video_generation",
        "name": "Short video",
        "description": "Script, storyboard images, voice-over, clips, compose, publish.",
        "category": "video",
        "sort_order": 10,
        "default_parameters": {"duration_seconds": 30, "aspect_ratio": "9:16", "language": "zh"},
        "task_template": [
            _step("script", "script_generation"),
            _step("images", "image_generation", ["script"], platform="midjourney"),
            _step("voice", "audio_generation", ["script"]),
            _step("video", "video_generation", ["images"], platform="dreamina"),
            _step("compose", "video_compose", ["video", "voice"]),
            _step("publish", "publish", ["compose"]),
        ],
    },
    {
        "code": "tech_video",
        "name": "Tech explainer",
        "description": "A short explainer on a technology topic: script, voice, clips, compose.",
        "category": "video",
        "sort_order": 20,
        "default_parameters": {"duration_seconds": 60, "aspect_ratio": "9:16"},
        "task_template": [
            _step("script", "script_generation"),
            _step("voice", "audio_generation", ["script"]),
            _step("video", "video_generation", ["script"], platform="runway"),
            _step("compose", "video_compose", ["video", "voice"]),
        ],
    },
    {
        "code": "image_post",
        "name": "Image post",
        "description": "A caption and one generated image.",
        "category": "image",
        "sort_order": 30,
        "default_parameters": {"style": "modern"},
        "task_template": [
            _step("caption", "script_generation"),
            _step("image", "image_generation", ["caption"], platform="midjourney"),
        ],
    },
]


@transaction.atomic
def load_demo_project_types() -> list[ProjectType]:
    """Create or refresh the demo types (idempotent: safe to run on every `make run`)."""
    return [
        ProjectType.objects.update_or_create(code=entry["code"], defaults=entry)[0]
        for entry in DEMO_PROJECT_TYPES
    ]
