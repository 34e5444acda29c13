"""The printed table of `make bench`: each figure and ratio per run, with the median."""

import statistics

MEASURES = (
    ("raw", "per_second", "raw-SQL view, claim+complete (tasks/s)"),
    ("single", "per_second", "ShortsGen one at a time (tasks/s)"),
    ("batch", "per_second", "ShortsGen max_tasks 20 + batch-update (/s)"),
    ("procrastinate", "per_second", "Procrastinate no-op jobs (jobs/s)"),
    ("one_project", "per_second", "one at a time, one project (tasks/s)"),
    ("spread", "per_second", "one at a time, projects of 50 (tasks/s)"),
    ("latency_1k", "p50_ms", "claim p50, 1k ready (ms)"),
    ("latency_1m", "p50_ms", "claim p50, large queue ready (ms)"),
)
LABEL_WIDTH = 44
COLUMN_WIDTH = 10


def _row(label: str, values: list[float], median: float, digits: int) -> str:
    cells = "".join(f"{value:>{COLUMN_WIDTH},.{digits}f}" for value in values)
    return f"{label:<{LABEL_WIDTH}}{cells}{median:>{COLUMN_WIDTH},.{digits}f}"


def format_table(runs: list[dict], summary: dict[str, dict], large_queue_rows: int) -> str:
    header_cells = "".join(f"{f'run {n}':>{COLUMN_WIDTH}}" for n in range(1, len(runs) + 1))
    header = f"{'measure':<{LABEL_WIDTH}}{header_cells}{'median':>{COLUMN_WIDTH}}"
    rule = "-" * len(header)
    lines = [header, rule]
    for measure, figure, label in MEASURES:
        values = [results[measure][figure] for results in runs]
        label = label.replace("large queue", f"{large_queue_rows:,}")
        digits = 2 if figure == "p50_ms" else 1
        lines.append(_row(label, values, statistics.median(values), digits))
        if any(results[measure].get("ran_dry") for results in runs):
            lines.append(f"  ({measure}: the queue ran dry in a run; its figure is a floor)")
    lines.append(rule)
    lines.append(f"{'ratio (within each run), median of the runs':<{LABEL_WIDTH}}")
    for ratio in summary.values():
        verdict = "met" if ratio["met"] else "MISSED"
        row = _row(ratio["label"], ratio["runs"], ratio["median"], 3)
        lines.append(f"{row}  target {ratio['target']:<7} {verdict}")
    return "\n".join(lines)
