import pytest

from core.testing import error, ok
from inspirations.models import Inspiration
from inspirations.testing import INSPIRATION_KEYS
from projects.models import Project

# The contract's approve body (section 4.6 and the usage example), its full-width comma kept.
EXAMPLE_APPROVAL = {"review_notes": "创意不错，可以制作", "score": 4.5}  # noqa: RUF001


def test_contract_body_approves_and_creates_the_project(api, demo_types, make_inspiration):
    inspiration = make_inspiration(
        title="AI短视频创意", project_type_code="tech_video", parameters={"topic": "AI"}
    )
    data = ok(
        api.post(f"/api/inspirations/{inspiration.id}/approve", EXAMPLE_APPROVAL, format="json")
    )
    assert set(data) == INSPIRATION_KEYS | {"project_id"}
    assert data["status"] == "approved"
    assert data["review_notes"] == EXAMPLE_APPROVAL["review_notes"]
    assert data["score"] == 4.5
    project = Project.objects.get(id=data["project_id"])
    assert project.name == "AI短视频创意"
    assert project.project_type == "tech_video"
    assert project.inspiration_id == inspiration.id
    # The type's defaults, overridden by the inspiration's parameters.
    assert project.initial_parameters == {
        **demo_types["tech_video"].default_parameters,
        "topic": "AI",
    }
    assert project.total_tasks == len(demo_types["tech_video"].task_template) == 4


def test_the_new_project_is_readable_through_the_api(api, demo_types, make_inspiration):
    inspiration = make_inspiration(project_type_code="video_generation")
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/approve/"))
    project = ok(api.get(f"/projects/{data['project_id']}"))
    assert project["inspiration_id"] == inspiration.id
    assert project["status"] == "pending"
    assert len(project["tasks"]) == 6


def test_unknown_project_type_gives_a_project_without_tasks(api, make_inspiration):
    inspiration = make_inspiration(project_type_code="video_gen")
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/approve"))
    project = Project.objects.get(id=data["project_id"])
    assert project.project_type == "video_gen"
    assert project.total_tasks == 0


def test_body_is_optional_and_keeps_earlier_review(api, make_inspiration):
    inspiration = make_inspiration(project_type_code="x", score=3, review_notes="earlier")
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/approve"))
    assert (data["score"], data["review_notes"]) == (3, "earlier")


def test_null_values_are_the_same_as_leaving_them_out(api, make_inspiration):
    inspiration = make_inspiration(project_type_code="x", score=3, review_notes="earlier")
    body = {"score": None, "review_notes": None}
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/approve", body, format="json"))
    assert (data["score"], data["review_notes"]) == (3, "earlier")


def test_without_project_type_it_is_refused_and_nothing_changes(api, make_inspiration):
    inspiration = make_inspiration(project_type_code=None)
    response = api.post(
        f"/api/inspirations/{inspiration.id}/approve", EXAMPLE_APPROVAL, format="json"
    )
    assert error(response, 400) == (
        "project_type_code: An inspiration needs a project type to be approved."
    )
    inspiration.refresh_from_db()
    assert (inspiration.status, inspiration.score, inspiration.review_notes) == (
        "draft",
        None,
        None,
    )
    assert not Project.objects.exists()


@pytest.mark.parametrize("status", ["generating", "rejected", "failed"])
def test_only_a_draft_can_be_approved(api, make_inspiration, status):
    inspiration = make_inspiration(status=status, project_type_code="x")
    assert error(api.post(f"/api/inspirations/{inspiration.id}/approve"), 400) == (
        f"Invalid status transition from {status} to approved"
    )
    assert not Project.objects.exists()


def test_approving_twice_is_refused_and_makes_one_project(api, make_inspiration):
    inspiration = make_inspiration(project_type_code="x")
    ok(api.post(f"/api/inspirations/{inspiration.id}/approve"))
    assert error(api.post(f"/api/inspirations/{inspiration.id}/approve"), 400) == (
        "Inspiration is already approved"
    )
    assert Project.objects.filter(inspiration=inspiration).count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"score": 6}, "score: Ensure this value is less than or equal to 5."),
        ({"score": -1}, "score: Ensure this value is greater than or equal to 0."),
        ({"score": "4.5 stars"}, "score: A valid number is required."),
        ({"review_notes": ["ok"]}, "review_notes: Not a valid string."),
    ],
)
def test_bad_review_is_refused_and_nothing_changes(api, make_inspiration, body, message):
    inspiration = make_inspiration(project_type_code="x")
    response = api.post(f"/api/inspirations/{inspiration.id}/approve", body, format="json")
    assert error(response, 400) == message
    assert Inspiration.objects.get(id=inspiration.id).status == "draft"
    assert not Project.objects.exists()


def test_unknown_id_is_404(api):
    assert error(api.post("/api/inspirations/8080/approve"), 404) == "Inspiration not found"
