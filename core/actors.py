from dataclasses import dataclass

from core.permissions import request_role
from core.roles import Role

SYSTEM = "system"

# What the audit trail calls each kind of actor (core.models.AuditEntry.ActorKind).
OPERATOR_KIND = "operator"
API_CLIENT_KIND = "api_client"
N8N_KIND = "n8n"
COMMAND_KIND = "command"
SYSTEM_KIND = "system"


@dataclass(frozen=True)
class Actor:
    """Who asks for a change, as the services see it: its role, a name to show, its user.

    API views pass the request's actor, the admin an operator, webhooks n8n, commands the
    system. Services decide with it what the caller may do (e.g. report on a leased task);
    the audit trail records it (`kind`, and n8n's `execution_id`), see core.audit.
    """

    role: str
    name: str
    user_id: int | None = None
    kind: str = SYSTEM_KIND
    execution_id: str = ""

    @classmethod
    def from_request(cls, request) -> "Actor":
        user = request.user
        # A token's client carries its role (core.authentication); a person signed in does
        # not. Told apart without a query: the audit asks on every change.
        kind = API_CLIENT_KIND if hasattr(user, "api_role") else OPERATOR_KIND
        return cls(
            role=request_role(request) or "",
            name=str(getattr(user, "username", "") or ""),
            user_id=getattr(user, "pk", None),
            kind=kind,
        )

    @classmethod
    def operator(cls, user) -> "Actor":
        """A person acting from the console."""
        return cls(
            role=Role.OPERATOR, name=user.get_username(), user_id=user.pk, kind=OPERATOR_KIND
        )

    @classmethod
    def n8n(cls, *, execution_id: str | None = None, name: str = "n8n") -> "Actor":
        return cls(role=Role.N8N, name=name, kind=N8N_KIND, execution_id=execution_id or "")

    @classmethod
    def system(cls, name: str) -> "Actor":
        """A trusted process of ShortsGen itself."""
        return cls(role=SYSTEM, name=name, kind=SYSTEM_KIND)

    @classmethod
    def command(cls, name: str) -> "Actor":
        """A management command (its name, as typed after manage.py)."""
        return cls(role=SYSTEM, name=name, kind=COMMAND_KIND)

    @property
    def overrides_leases(self) -> bool:
        """Operators and ShortsGen itself may act on a task whoever holds its lease."""
        return self.role in (Role.OPERATOR, SYSTEM)
