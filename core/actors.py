from dataclasses import dataclass

from core.permissions import request_role
from core.roles import Role

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who asks for a change, as the services see it: its role, a name to show, its user.

    API views pass the request's actor, the admin an operator, webhooks n8n, commands the
    system. Services decide with it what the caller may do (e.g. report on a leased task).
    """

    role: str
    name: str
    user_id: int | None = None

    @classmethod
    def from_request(cls, request) -> "Actor":
        user = request.user
        return cls(
            role=request_role(request) or "",
            name=str(getattr(user, "username", "") or ""),
            user_id=getattr(user, "pk", None),
        )

    @classmethod
    def operator(cls, user) -> "Actor":
        """A person acting from the console."""
        return cls(role=Role.OPERATOR, name=user.get_username(), user_id=user.pk)

    @classmethod
    def n8n(cls) -> "Actor":
        return cls(role=Role.N8N, name="n8n")

    @classmethod
    def system(cls, name: str) -> "Actor":
        """A management command or another trusted process of ShortsGen itself."""
        return cls(role=SYSTEM, name=name)

    @property
    def overrides_leases(self) -> bool:
        """Operators and ShortsGen itself may act on a task whoever holds its lease."""
        return self.role in (Role.OPERATOR, SYSTEM)
