from datetime import UTC, datetime, timedelta

from core.admin_display import duration_text, relative_text, relative_time, shortened

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_relative_text_says_how_long_ago_or_how_soon():
    assert relative_text(NOW - timedelta(minutes=7, seconds=20), NOW) == "7 min ago"
    assert relative_text(NOW + timedelta(minutes=3), NOW) == "in 3 min"
    assert relative_text(NOW - timedelta(seconds=40), NOW) == "40 s ago"
    assert relative_text(NOW - timedelta(hours=5), NOW) == "5 h ago"
    assert relative_text(NOW - timedelta(days=3, hours=2), NOW) == "3 d ago"
    assert relative_text(NOW, NOW) == "just now"


def test_relative_time_keeps_the_absolute_time_in_its_title():
    html = relative_time(NOW - timedelta(minutes=7), NOW)
    assert html == (
        '<time datetime="2026-11-25T11:53:00+00:00" title="2026-11-25 11:53:00 UTC">'
        "7 min ago</time>"
    )
    assert relative_time(None) == "—"


def test_durations_show_two_units_at_most():
    assert duration_text(timedelta(seconds=12)) == "12 s"
    assert duration_text(timedelta(minutes=3, seconds=20)) == "3 min 20 s"
    assert duration_text(timedelta(minutes=42, seconds=20)) == "42 min"
    assert duration_text(timedelta(hours=3, minutes=5)) == "3 h 5 min"
    assert duration_text(timedelta(days=2, hours=4)) == "2 d 4 h"
    assert duration_text(None) == "—"


def test_a_long_text_is_shortened_with_the_whole_of_it_in_the_title():
    text = "Traceback <b>boom</b>\n" + "x" * 100
    html = shortened(text, 25)
    assert html.startswith(
        '<span style="overflow-wrap:anywhere" title="Traceback &lt;b&gt;boom&lt;/b&gt;\nxxx'
    )
    assert html.endswith(">Traceback &lt;b&gt;boom&lt;/b&gt; xx…</span>")
    assert shortened("short", 20) == '<span style="overflow-wrap:anywhere">short</span>'
    assert shortened(None) == "—"
