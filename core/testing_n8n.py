"""A real HTTP server on loopback standing in for n8n in tests (outbound calls are not mocked)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeN8n:
    """Records every POST it receives and answers with `status`, `headers` and `body`, after
    `delay` seconds.

    `statuses`, when not empty, gives the status of the next requests first (404 then 200: a
    webhook registered a moment later). `stop()` closes the port (n8n down: connection
    refused); `start()` opens the same port again (n8n back).
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.statuses: list[int] = []
        self.body = {"message": "Workflow was started"}
        self.headers: dict[str, str] = {}
        self.delay = 0.0
        self._server = None
        self.port = None
        self.start()

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                fake.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": raw,
                        "json": json.loads(raw),
                    }
                )
                status = fake.statuses.pop(0) if fake.statuses else fake.status
                payload = json.dumps(fake.body).encode()
                time.sleep(fake.delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    for name, value in fake.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port or 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def url(self, path: str = "/webhook/test") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


# ShortsGen's public URL in tests that point the workflows at a FakeN8n (the `n8n` fixture).
PUBLIC_URL = "https://shortsgen.example.com"


def point_workflows_at(settings, server: FakeN8n, public_url: str) -> None:
    """The test settings for triggers sent to `server`: short timeouts, no backoff."""
    settings.SHORTSGEN_PUBLIC_URL = public_url
    settings.N8N_RETRIES = 1
    settings.N8N_RETRY_BACKOFF_MS = 0
    settings.N8N_CONNECT_TIMEOUT = 2
    settings.N8N_READ_TIMEOUT = 5
    settings.N8N_INSPIRATION_WORKFLOW_URL = server.url("/webhook/inspiration")
    settings.N8N_TRANSFORM_WORKFLOW_URL = server.url("/webhook/transform")
    settings.N8N_EXECUTION_WORKFLOW_URL = server.url("/webhook/execution")
    settings.N8N_ALLOWED_HOSTS = [f"127.0.0.1:{server.port}"]
