import pytest

from core.testing import error, ok
from inspirations.models import Inspiration


@pytest.fixture
def strict_type(demo_types):
    project_type = demo_types["image_post"]
    project_type.parameter_schema = {
        "type": "object",
        "properties": {"style": {"enum": ["modern", "retro"]}},
    }
    project_type.save()
    return project_type


def test_create_refuses_parameters_against_the_type_schema(api, strict_type):
    body = {"title": "t", "project_type_code": "image_post", "parameters": {"style": "baroque"}}
    message = error(api.post("/api/inspirations", body, format="json"), 400)
    assert message == "parameters.style: 'baroque' is not one of ['modern', 'retro']"
    assert not Inspiration.objects.exists()


def test_update_and_regenerate_check_them_too(api, strict_type):
    body = {"title": "t", "project_type_code": "image_post", "parameters": {"style": "retro"}}
    inspiration = ok(api.post("/api/inspirations", body, format="json"), 201)
    url = f"/api/inspirations/{inspiration['id']}"
    bad = {"parameters": {"style": "baroque"}}
    assert error(api.put(url, bad, format="json"), 400).startswith("parameters.style:")
    overrides = {"parameter_overrides": {"style": 3}}
    message = error(api.post(f"{url}/regenerate", overrides, format="json"), 400)
    assert message.startswith("parameters.style: 3 is not one of")
    stored = Inspiration.objects.get(id=inspiration["id"])
    assert (stored.status, stored.parameters) == ("draft", {"style": "retro"})


def test_an_unknown_type_checks_nothing(api):
    body = {"title": "t", "project_type_code": "video_gen", "parameters": {"style": 1}}
    assert ok(api.post("/api/inspirations", body, format="json"), 201)["parameters"] == {"style": 1}
