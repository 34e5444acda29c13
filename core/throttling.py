"""Throttles: failed authentication per address, and requests per client at its role's rate.

Rates come from settings.SHORTSGEN_THROTTLE_RATES ("100/min"; None: no limit), read at each
request. Counts live in Django's cache: the default local-memory cache counts per process,
so N gunicorn workers allow up to N times the rate (see docs/roles.md).
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.permissions import request_role


class FailedAuthenticationThrottle(SimpleRateThrottle):
    """Counts only failures: an address that keeps sending bad credentials is refused (429)
    for a while, even with a good token, so guessing tokens is not worth it."""

    scope = "failed_auth"

    def get_rate(self):
        return settings.SHORTSGEN_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def seconds_blocked(self, request) -> float | None:
        """How long this address must wait before trying again, or None."""
        if self.rate is None:
            return None
        self._load(request)
        if len(self.history) >= self.num_requests:
            return self.wait()
        return None

    def record_failure(self, request) -> None:
        if self.rate is None:
            return
        self._load(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class RoleRateThrottle(SimpleRateThrottle):
    """Requests per API client (or person), at the rate settings give its role."""

    scope = "role"

    def get_rate(self):
        return None  # chosen per request, by role

    def allow_request(self, request, view):
        role = request_role(request)
        self.rate = settings.SHORTSGEN_THROTTLE_RATES.get(role) if role else None
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        user_id = getattr(request.user, "pk", None)
        ident = user_id if user_id is not None else self.get_ident(request)
        return self.cache_format % {"scope": f"role_{request_role(request)}", "ident": ident}
