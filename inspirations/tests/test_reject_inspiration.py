import pytest

from core.testing import error, ok
from inspirations.testing import INSPIRATION_KEYS
from projects.models import Project


def test_contract_body_rejects_with_notes(api, make_inspiration):
    inspiration = make_inspiration()
    body = {"review_notes": "太普通了"}
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/reject", body, format="json"))
    assert set(data) == INSPIRATION_KEYS
    assert data["status"] == "rejected"
    assert data["review_notes"] == "太普通了"
    assert not Project.objects.exists()


def test_body_is_optional(api, make_inspiration):
    inspiration = make_inspiration(review_notes="kept")
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/reject/"))
    assert (data["status"], data["review_notes"]) == ("rejected", "kept")


def test_rejecting_again_is_a_no_op_that_may_add_notes(api, make_inspiration):
    inspiration = make_inspiration(status="rejected")
    body = {"review_notes": "still no"}
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/reject", body, format="json"))
    assert (data["status"], data["review_notes"]) == ("rejected", "still no")


@pytest.mark.parametrize("status", ["approved", "generating", "failed"])
def test_only_a_draft_can_be_rejected(api, make_inspiration, status):
    inspiration = make_inspiration(status=status)
    body = {"review_notes": "no"}
    response = api.post(f"/api/inspirations/{inspiration.id}/reject", body, format="json")
    assert error(response, 400) == f"Invalid status transition from {status} to rejected"
    inspiration.refresh_from_db()
    assert (inspiration.status, inspiration.review_notes) == (status, None)


def test_bad_notes_are_refused(api, make_inspiration):
    inspiration = make_inspiration()
    body = {"review_notes": {"text": "no"}}
    response = api.post(f"/api/inspirations/{inspiration.id}/reject", body, format="json")
    assert error(response, 400) == "review_notes: Not a valid string."
    inspiration.refresh_from_db()
    assert (inspiration.status, inspiration.review_notes) == ("draft", None)


def test_unknown_id_is_404(api):
    assert error(api.post("/api/inspirations/8081/reject"), 404) == "Inspiration not found"
