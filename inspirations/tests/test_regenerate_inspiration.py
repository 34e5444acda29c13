import pytest

from core.testing import error, ok
from inspirations.models import Inspiration
from inspirations.testing import INSPIRATION_KEYS


def test_contract_body_merges_overrides_and_sets_generating(api, make_inspiration):
    inspiration = make_inspiration(parameters={"style": "modern", "duration_seconds": 30})
    body = {"parameter_overrides": {"style": "retro", "voice": "female"}}
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/regenerate", body, format="json"))
    assert set(data) == INSPIRATION_KEYS
    assert data["status"] == "generating"
    assert data["parameters"] == {"style": "retro", "duration_seconds": 30, "voice": "female"}


def test_body_is_optional(api, make_inspiration):
    inspiration = make_inspiration(parameters={"a": 1})
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/regenerate/"))
    assert (data["status"], data["parameters"]) == ("generating", {"a": 1})


def test_null_overrides_change_nothing(api, make_inspiration):
    inspiration = make_inspiration(parameters={"a": 1})
    body = {"parameter_overrides": None}
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/regenerate", body, format="json"))
    assert data["parameters"] == {"a": 1}


@pytest.mark.parametrize("status", ["draft", "rejected", "failed", "generating"])
def test_regenerates_from_every_status_but_approved(api, make_inspiration, status):
    inspiration = make_inspiration(status=status)
    assert ok(api.post(f"/api/inspirations/{inspiration.id}/regenerate"))["status"] == "generating"


def test_clears_the_previous_error(api, make_inspiration):
    inspiration = make_inspiration(status="failed")
    Inspiration.objects.filter(id=inspiration.id).update(error_message="n8n timed out")
    data = ok(api.post(f"/api/inspirations/{inspiration.id}/regenerate"))
    assert data["error_message"] is None


def test_an_approved_inspiration_cannot_be_regenerated(api, make_inspiration):
    inspiration = make_inspiration(status="approved", parameters={"a": 1})
    body = {"parameter_overrides": {"a": 2}}
    response = api.post(f"/api/inspirations/{inspiration.id}/regenerate", body, format="json")
    assert error(response, 400) == "Invalid status transition from approved to generating"
    inspiration.refresh_from_db()
    assert inspiration.parameters == {"a": 1}


@pytest.mark.parametrize("overrides", [["a"], "a=1", 3])
def test_overrides_must_be_an_object(api, make_inspiration, overrides):
    inspiration = make_inspiration(parameters={"a": 1})
    body = {"parameter_overrides": overrides}
    response = api.post(f"/api/inspirations/{inspiration.id}/regenerate", body, format="json")
    assert error(response, 400) == "parameter_overrides: Must be a JSON object."
    inspiration.refresh_from_db()
    assert (inspiration.status, inspiration.parameters) == ("draft", {"a": 1})


def test_unknown_id_is_404(api):
    assert error(api.post("/api/inspirations/8082/regenerate"), 404) == "Inspiration not found"
