"""Small display helpers of the console: relative times, durations, shortened texts.

Each returns escaped HTML (or plain text) for a list column, an inline or a read-only field.
The exact value stays one hover away: a relative time carries its absolute one in `title`,
a shortened text its whole text.
"""

from datetime import datetime, timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

EMPTY = "—"
# A long word (a code, a worker id, a path) may break anywhere: a list column then shrinks
# to what the page has room for instead of pushing the table past the screen.
WRAP = "overflow-wrap:anywhere"


def duration_text(delta: timedelta | None) -> str:
    """'12 s', '7 min', '3 h 5 min', '2 d 4 h': two units at most, rounded down."""
    if delta is None:
        return EMPTY
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if minutes < 10 and seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def relative_text(dt: datetime, now: datetime | None = None) -> str:
    """'7 min ago' for the past, 'in 3 min' for the future, 'just now' within a second."""
    now = now or timezone.now()
    delta = now - dt
    if abs(delta) < timedelta(seconds=1):
        return "just now"
    if delta > timedelta(0):
        return f"{_coarse(delta)} ago"
    return f"in {_coarse(-delta)}"


def _coarse(delta: timedelta) -> str:
    # One unit is enough in a list; the title holds the exact time.
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def absolute_text(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S %Z")


def relative_time(dt: datetime | None, now: datetime | None = None) -> SafeString | str:
    """`<time datetime="…" title="2026-11-25 10:43:00 UTC">7 min ago</time>`, or '—'."""
    if dt is None:
        return EMPTY
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        dt.isoformat(),
        absolute_text(dt),
        relative_text(dt, now),
    )


def shortened(text: str | None, limit: int = 40) -> SafeString | str:
    """The first `limit` characters on one line, the whole text in the title attribute."""
    if not text:
        return EMPTY
    one_line = " ".join(str(text).split())
    if len(one_line) <= limit:
        return format_html('<span style="{}">{}</span>', WRAP, one_line)
    return format_html('<span style="{}" title="{}">{}…</span>', WRAP, text, one_line[: limit - 1])


def column(field: str, description: str | None = None, *, limit: int | None = None, relative=False):
    """A list_display entry for a field, shortened to `limit` characters (whole in the title)
    or shown as a relative time; sortable by the field.

        list_display = ["id", column("title", limit=60), column("created_at", relative=True)]
    """
    path = field.split("__")

    def show(obj):
        value = obj
        for name in path:
            value = getattr(value, name, None) if value is not None else None
        if relative:
            return relative_time(value)
        if value is None or value == "":
            return EMPTY
        return shortened(str(value), limit or 40)

    show.__name__ = path[-1]  # the column's CSS class: column-<field>
    label = description or path[-1].removesuffix("_at").replace("_", " ")
    return admin.display(description=label, ordering=field)(show)
