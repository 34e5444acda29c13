"""Tiny WSGI apps for the tests of GunicornServer: one that is ready, one that never is."""


def ready(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ready"]


def never_ready(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"still booting"]
