from core.testing import error, make_token, ok


def test_no_token_is_a_401_envelope(anon):
    response = anon.get("/projects")
    assert error(response, 401) == "Authentication credentials were not provided."
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_token_is_a_401_envelope(anon):
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert error(anon.get("/api/tasks"), 401) == "Invalid token."


def test_token_keyword_is_accepted(anon):
    anon.credentials(HTTP_AUTHORIZATION=f"Token {make_token()}")
    assert ok(anon.get("/api/tasks")) == []


def test_bearer_keyword_is_accepted(anon):
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token()}")
    assert ok(anon.get("/api/tasks")) == []


def test_other_schemes_are_refused(anon):
    anon.credentials(HTTP_AUTHORIZATION=f"Basic {make_token()}")
    assert error(anon.get("/api/tasks"), 401)


def test_every_write_needs_a_token(anon):
    response = anon.post("/projects", {"name": "x", "project_type": "y"}, format="json")
    assert error(response, 401)
    from projects.models import Project

    assert not Project.all_objects.exists()
