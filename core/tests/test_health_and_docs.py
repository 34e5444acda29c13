from core.testing import ok


def test_healthz_answers_without_a_token(anon):
    assert ok(anon.get("/healthz")) == {"status": "ok"}


def test_readyz_checks_the_database(anon):
    assert ok(anon.get("/readyz/")) == {"status": "ok", "database": "ok"}


def test_schema_is_served_without_a_token(anon):
    response = anon.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Short Video Automation Platform API"
    assert "/projects" in schema["paths"] or "/projects/" in "".join(schema["paths"])


def test_schema_shows_the_envelope(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    create = next(p for path, p in schema["paths"].items() if path.startswith("/api/tasks/claim"))
    body = create["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"code", "msg", "data"}
    assert "401" in create["post"]["responses"]


def test_swagger_and_redoc_pages_use_no_cdn(anon):
    for url in ("/api/docs/", "/api/redoc/"):
        response = anon.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
        assert "/static/drf_spectacular_sidecar/" in page
