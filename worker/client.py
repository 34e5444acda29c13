"""The HTTP side of the worker protocol (requests), one method per endpoint."""

import requests


class WorkerError(Exception):
    """The server refused a request (envelope code ≠ 0); `code` and `msg` say why."""

    def __init__(self, code: int, msg: str):
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg


class ShortsGenClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        self.timeout = timeout
        # Seconds the server asked the last empty claim to pause (Retry-After: it had too
        # many claims waiting to let this one wait), else None.
        self.claim_retry_after: float | None = None

    def _call(self, method: str, path: str, body: dict | None = None, *, waits: float = 0):
        response = self.session.request(
            method, f"{self.base_url}{path}", json=body, timeout=self.timeout + waits
        )
        envelope = response.json()
        if envelope["code"] == 1 and path == "/api/tasks/claim":
            retry_after = response.headers.get("Retry-After")
            self.claim_retry_after = float(retry_after) if retry_after else None
            return None  # nothing to claim
        if envelope["code"] != 0:
            raise WorkerError(envelope["code"], envelope["msg"])
        return envelope["data"]

    def claim(
        self,
        task_types: list[str],
        *,
        worker_id: str,
        max_tasks: int = 1,
        lease_seconds: int | None = None,
        platforms: list[str] | None = None,
        wait_seconds: int = 0,
    ) -> list[dict]:
        """Up to max_tasks ready tasks; with wait_seconds, the server holds the request until
        one is ready or the time is up (an empty list)."""
        body = {"task_types": task_types, "worker_id": worker_id, "max_tasks": max_tasks}
        if lease_seconds:
            body["lease_seconds"] = lease_seconds
        if platforms:
            body["platforms"] = platforms
        if wait_seconds:
            body["wait_seconds"] = wait_seconds
        self.claim_retry_after = None
        return self._call("POST", "/api/tasks/claim", body, waits=wait_seconds) or []

    # The lease is the token's client's: every call on a claimed task names it by the claim's
    # lease_token (worker_id is only a label, given at the claim).

    def heartbeat(self, task: dict, *, lease_seconds: int | None = None) -> dict:
        body = {"lease_token": task["lease_token"]}
        if lease_seconds:
            body["lease_seconds"] = lease_seconds
        return self._call("POST", f"/api/tasks/{task['id']}/heartbeat", body)

    def release(self, task: dict) -> dict:
        body = {"lease_token": task["lease_token"]}
        return self._call("POST", f"/api/tasks/{task['id']}/release", body)

    def report(self, task: dict, *, status: str, task_output=None, error_message=None) -> dict:
        body = {
            "status": status,
            "task_output": task_output,
            "error_message": error_message,
            "lease_token": task["lease_token"],
        }
        return self._call("PATCH", f"/api/tasks/{task['id']}", body)

    def report_batch(self, tasks: list[dict], *, status: str, task_output=None) -> list[dict]:
        """One round trip for many tasks of one claim (same lease token, same output)."""
        body = {
            "task_ids": [t["id"] for t in tasks],
            "status": status,
            "task_output": task_output,
            "lease_token": tasks[0]["lease_token"],
        }
        return self._call("PATCH", "/api/tasks/batch-update", body)
