"""The printed tables of `make bench`: each figure and ratio per run, with the median; the
waiting claims' figures (one measurement) with their targets."""

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


def _backends(seen: dict[str, int]) -> str:
    return ", ".join(f"{count} {state}" for state, count in seen.items()) or "none"


def format_waits(results: dict, verdicts: dict[str, dict]) -> str:
    """The waiting claims' figures, then each target with its verdict."""
    server, hand_off = results["gunicorn"], results["hand_off"]
    at_once, held = results["all_at_once"], results["all_at_once_held"]
    idle, renewal, polling = results["idle"], results["renewal"], results["polling"]
    clients = results["clients"]
    spread = ", ".join(str(count) for count in server["clients_per_process"])
    figures = [
        (
            "hand-off p50 / p90 / max (ms)",
            f"{hand_off['p50_ms']:.1f} / {hand_off['p90_ms']:.1f} / {hand_off['max_ms']:.1f}",
        ),
        (
            "rounds handed to exactly one client",
            f"{hand_off['rounds'] - hand_off['not_exactly_one']} of {hand_off['rounds']}",
        ),
        (
            f"{clients} tasks at once: last handed (ms)",
            f"{at_once['last_ms']:.0f}; {held['last_ms']:.0f} if no client asks again until"
            " all have one",
        ),
        (
            f"{clients} tasks at once: waiting claims left out",
            f"{at_once['clients_handed_none']} (other clients' next claims took their tasks)",
        ),
        (
            f"statements/s, {clients} waiting, nothing changing",
            f"{idle['per_second']:.2f} ({idle['statements']} in {idle['seconds']:.1f} s;"
            f" backends: {_backends(idle['backends'])})",
        ),
        (
            "statements per wait's end (answer + next)",
            f"{renewal['per_renewal']:.1f} ({renewal['renewals']} ends)",
        ),
        (
            f"statements/s, {clients} waiting, one whole wait",
            f"{results['whole_wait']['per_second']:.2f}",
        ),
        (
            f"statements/s, {clients} polling once a second",
            f"{polling['per_second']:.2f} ({polling['claims_per_second']:.1f} claims/s)",
        ),
    ]
    header = [
        f"waiting claims (measured once): {clients} clients, wait_seconds"
        f" {results['wait_seconds']}",
        f"gunicorn {server['processes']} processes x {server['threads']} threads, at most"
        f" {server['waiters_per_process']} waiting in each; clients per process: {spread}",
    ]
    rule = "-" * max(len(line) for line in header)
    lines = [*header, rule]
    lines += [f"{label:<{LABEL_WIDTH}}{value}" for label, value in figures]
    if results["turned_away"]:
        lines.append(f"  ({results['turned_away']} claims turned away with Retry-After)")
    lines.append(rule)
    for verdict in verdicts.values():
        met = "met" if verdict["met"] else "MISSED"
        cells = f"{verdict['label']:<{LABEL_WIDTH}}{verdict['value']:>{COLUMN_WIDTH}g}"
        lines.append(f"{cells}  target {verdict['target']:<7} {met}")
    return "\n".join(lines)
