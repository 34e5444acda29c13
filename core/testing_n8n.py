"""A real HTTP server on loopback standing in for n8n in tests (outbound calls are not mocked)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeN8n:
    """Records every POST it receives and answers with `status`, `headers` and `body`, after
    `delay` seconds.

    `stop()` closes the port (n8n down: connection refused); `start()` opens the same port
    again (n8n back).
    """

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
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
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(raw)}
                )
                payload = json.dumps(fake.body).encode()
                time.sleep(fake.delay)
                try:
                    self.send_response(fake.status)
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
