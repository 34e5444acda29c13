import itertools

import pytest

from core.testing import error, ok
from inspirations.models import Inspiration
from inspirations.testing import ALL_STATUSES, INSPIRATION_KEYS

# The contract's update body (section 4.4), with values.
EXAMPLE_UPDATE = {
    "title": "新标题",
    "description": "新描述",
    "project_type_code": "tech_video",
    "source": "n8n",
    "parameters": {"style": "retro", "duration_seconds": 15},
    "status": "generating",
    "score": 4.5,
    "score_details": {"originality": 5, "feasibility": 4},
    "review_notes": "好",
}


def test_contract_body_changes_every_field(api, make_inspiration):
    inspiration = make_inspiration(title="old", parameters={"style": "modern"})
    data = ok(api.put(f"/api/inspirations/{inspiration.id}", EXAMPLE_UPDATE, format="json"))
    assert set(data) == INSPIRATION_KEYS
    assert {key: data[key] for key in EXAMPLE_UPDATE} == EXAMPLE_UPDATE
    inspiration.refresh_from_db()
    assert inspiration.status == Inspiration.Status.GENERATING
    assert inspiration.score_details == {"originality": 5, "feasibility": 4}


def test_only_sent_fields_change(api, make_inspiration):
    inspiration = make_inspiration(title="keep", description="keep too", parameters={"a": 1})
    data = ok(api.put(f"/api/inspirations/{inspiration.id}/", {"score": 3}, format="json"))
    assert data["score"] == 3
    assert (data["title"], data["description"], data["parameters"]) == (
        "keep",
        "keep too",
        {"a": 1},
    )
    assert data["status"] == "draft"


def test_parameters_are_replaced_whole(api, make_inspiration):
    inspiration = make_inspiration(parameters={"a": 1, "b": 2})
    body = {"parameters": {"b": 3}}
    assert ok(api.put(f"/api/inspirations/{inspiration.id}", body, format="json"))[
        "parameters"
    ] == {"b": 3}


def test_nullable_fields_can_be_cleared(api, make_inspiration):
    inspiration = make_inspiration(description="d", score=2, review_notes="r")
    body = {"description": None, "score": None, "review_notes": None, "score_details": None}
    data = ok(api.put(f"/api/inspirations/{inspiration.id}", body, format="json"))
    assert (data["description"], data["score"], data["review_notes"]) == (None, None, None)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(ALL_STATUSES, repeat=2)))
def test_status_follows_the_transitions(api, make_inspiration, current, target):
    inspiration = make_inspiration(status=current)
    response = api.put(f"/api/inspirations/{inspiration.id}", {"status": target}, format="json")
    allowed = current == target or target in Inspiration.TRANSITIONS[current]
    if allowed:
        assert ok(response)["status"] == target
    else:
        assert error(response, 400) == f"Invalid status transition from {current} to {target}"
        inspiration.refresh_from_db()
        assert inspiration.status == current


def test_a_refused_transition_changes_no_other_field(api, make_inspiration):
    inspiration = make_inspiration(status="approved", title="final")
    body = {"status": "draft", "title": "sneaky"}
    assert error(api.put(f"/api/inspirations/{inspiration.id}", body, format="json"), 400) == (
        "Invalid status transition from approved to draft"
    )
    inspiration.refresh_from_db()
    assert inspiration.title == "final"


def test_setting_approved_by_put_creates_no_project(api, make_inspiration):
    inspiration = make_inspiration(project_type_code="video_generation")
    ok(api.put(f"/api/inspirations/{inspiration.id}", {"status": "approved"}, format="json"))
    assert not inspiration.projects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"score": 5.01}, "score: Ensure this value is less than or equal to 5."),
        ({"score": -0.5}, "score: Ensure this value is greater than or equal to 0."),
        ({"score": "great"}, "score: A valid number is required."),
        (
            {"status": "published"},
            'status: "published" is not a valid choice. '
            "Valid choices: draft, generating, approved, rejected, failed.",
        ),
        ({"parameters": [1]}, "parameters: Must be a JSON object."),
        ({"score_details": "high"}, "score_details: Must be a JSON object."),
        ({"title": ""}, "title: This field may not be blank."),
        ({"title": "fine", "score": 9}, "score: Ensure this value is less than or equal to 5."),
    ],
)
def test_bad_input_is_refused_by_name_and_nothing_changes(api, make_inspiration, body, message):
    inspiration = make_inspiration(title="same", score=1)
    before = Inspiration.objects.values().get(id=inspiration.id)
    response = api.put(f"/api/inspirations/{inspiration.id}", body, format="json")
    assert error(response, 400) == message
    assert Inspiration.objects.values().get(id=inspiration.id) == before


def test_score_bounds_are_accepted(api, make_inspiration):
    inspiration = make_inspiration()
    for score in (0, 5, 2.5):
        body = {"score": score}
        assert (
            ok(api.put(f"/api/inspirations/{inspiration.id}", body, format="json"))["score"]
            == score
        )


def test_unknown_id_is_404(api):
    response = api.put("/api/inspirations/5150", {"title": "x"}, format="json")
    assert error(response, 404) == "Inspiration not found"
