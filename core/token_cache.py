"""A short-lived, per-process cache of API token lookups, so a hot request costs no auth query.

Keyed by the token's digest (never the token itself); an entry holds what a request needs
of the token's client (user id, name, role) and of the token row. It lives for
`SHORTSGEN_TOKEN_CACHE_SECONDS` (0: no cache). Revocation, rotation and role changes clear
the entries of the client in the process that made them, at once; other processes keep
serving a revoked token until their entry expires, at most that many seconds (docs/roles.md).
"""

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property
from knox.models import AuthToken

# Past this many entries the oldest go: a flood of tokens cannot grow a process without end.
MAX_ENTRIES = 4096


@dataclass(frozen=True)
class CachedToken:
    """What a request needs of a token found before: its client and its token row's fields."""

    user_id: int
    username: str
    api_role: str
    token_key: str
    created: datetime
    expiry: datetime | None

    def auth_token(self, digest: str) -> AuthToken:
        """The token row as the database gave it (`request.auth`), built without a query."""
        names = ["digest", "token_key", "user_id", "created", "expiry"]
        values = [digest, self.token_key, self.user_id, self.created, self.expiry]
        return AuthToken.from_db(None, names, values)


class TokenUser:
    """`request.user` of a cached token: id, name and role without a query.

    Whatever else is asked of it (permissions, groups, ...) loads the user row once, so code
    that needs the full user still works.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True  # only active users' tokens are cached

    def __init__(self, cached: CachedToken):
        self.pk = self.id = cached.user_id
        self.username = cached.username
        self.api_role = cached.api_role

    def get_username(self) -> str:
        return self.username

    def __str__(self):
        return self.username

    @cached_property
    def user(self):
        return get_user_model().objects.get(pk=self.pk)

    def __getattr__(self, name):
        # Only reached for what the cache does not hold (never dunders: copy and pickle probe).
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.user, name)


_entries: dict[str, tuple[float, CachedToken]] = {}
_lock = threading.Lock()


def ttl_seconds() -> float:
    return settings.SHORTSGEN_TOKEN_CACHE_SECONDS


def get(digest: str) -> CachedToken | None:
    """The cached lookup of this digest, unless its time (or the token's expiry) has passed."""
    if ttl_seconds() <= 0:
        return None
    with _lock:
        entry = _entries.get(digest)
    if entry is None:
        return None
    expires_at, cached = entry
    if time.monotonic() >= expires_at or (cached.expiry and cached.expiry <= timezone.now()):
        with _lock:
            _entries.pop(digest, None)
        return None
    return cached


def put(digest: str, cached: CachedToken) -> None:
    ttl = ttl_seconds()
    if ttl <= 0:
        return
    with _lock:
        _entries.pop(digest, None)  # re-inserted last: the oldest entries stay first
        _entries[digest] = (time.monotonic() + ttl, cached)
        while len(_entries) > MAX_ENTRIES:
            del _entries[next(iter(_entries))]


def forget_user(user_id: int) -> None:
    """Drop this client's entries now and again once the transaction commits.

    Now, so the process that revokes refuses the old token at once; after the commit too,
    because a request of this process may have cached the token again in between (it still
    read the row the uncommitted delete had not removed yet).
    """
    _forget(user_id)
    transaction.on_commit(lambda: _forget(user_id))


def _forget(user_id: int) -> None:
    with _lock:
        for digest in [d for d, (_, c) in _entries.items() if c.user_id == user_id]:
            del _entries[digest]


def clear() -> None:
    with _lock:
        _entries.clear()
