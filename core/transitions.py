from collections.abc import Mapping

from core.exceptions import ApplicationError


def check_transition(transitions: Mapping[str, frozenset[str]], current: str, target: str) -> None:
    """Refuse a status change the model does not allow; setting the same status is a no-op."""
    if current == target:
        return
    if target not in transitions.get(current, frozenset()):
        raise ApplicationError(
            f"Invalid status transition from {current} to {target}", field="status"
        )


def is_allowed(transitions: Mapping[str, frozenset[str]], current: str, target: str) -> bool:
    return current == target or target in transitions.get(current, frozenset())
