"""The issue's targets as ratios of two figures of the same run, and their median over runs.

Each ratio is computed within one run (same server, same database, same moment's load), then
the median of those ratios is taken: a ratio of medians would pair figures of different runs.

The waiting claims' targets (issue 13) are bounds on figures of their own phase, measured
once per bench: no other figure measures the same thing, so there is nothing to divide by.
"""

import operator
import statistics
from dataclasses import dataclass

OPERATORS = {">=": operator.ge, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    numerator: tuple[str, str]  # (measure, figure)
    denominator: tuple[str, str]
    operator: str  # ">=" or "<="
    bound: float

    def ratio(self, results: dict) -> float:
        measure, figure = self.numerator
        over, over_figure = self.denominator
        return round(results[measure][figure] / results[over][over_figure], 3)

    def is_met(self, value: float) -> bool:
        return OPERATORS[self.operator](value, self.bound)

    @property
    def wording(self) -> str:
        return f"{self.operator} {self.bound:g}"


@dataclass(frozen=True)
class Limit:
    """A bound on one figure of the waiting claims' phase."""

    name: str
    label: str
    figure: tuple[str, str]  # (section, figure) of the phase's results
    operator: str
    bound: float

    def value(self, results: dict) -> float:
        section, figure = self.figure
        return results[section][figure]

    def is_met(self, value: float) -> bool:
        return OPERATORS[self.operator](value, self.bound)

    @property
    def wording(self) -> str:
        return f"{self.operator} {self.bound:g}"


TARGETS = (
    Target(
        "single_vs_procrastinate",
        "one-task cycles / Procrastinate jobs",
        ("single", "per_second"),
        ("procrastinate", "per_second"),
        ">=",
        1.0,
    ),
    Target(
        "single_vs_raw",
        "one-task cycles / raw-SQL view",
        ("single", "per_second"),
        ("raw", "per_second"),
        ">=",
        0.6,
    ),
    Target(
        "one_project_vs_spread",
        "one project / spread in projects of 50",
        ("one_project", "per_second"),
        ("spread", "per_second"),
        ">=",
        0.8,
    ),
    Target(
        "batch_vs_procrastinate",
        "batched cycles / Procrastinate jobs",
        ("batch", "per_second"),
        ("procrastinate", "per_second"),
        ">=",
        4.0,
    ),
    Target(
        "latency_1m_vs_1k",
        "claim p50, large queue / 1k queue",
        ("latency_1m", "p50_ms"),
        ("latency_1k", "p50_ms"),
        "<=",
        1.2,
    ),
)


# "A task created while 50 workers wait is handed to exactly one of them within 200 ms (p50),
# and 50 idle waiting workers cause no claim queries while nothing changes." Idle, the server
# should count nothing at all; the bound leaves room for a stray transaction of the server's
# own (autovacuum) in the window, and is under a two-hundredth of what 50 workers polling
# cost (≈ 114 transactions/s here, docs/performance.md).
WAIT_LIMITS = (
    Limit(
        "hand_off_p50",
        "hand-off p50, a task to 50 waiting (ms)",
        ("hand_off", "p50_ms"),
        "<=",
        200,
    ),
    Limit(
        "handed_to_one",
        "rounds not handed to exactly one client",
        ("hand_off", "not_exactly_one"),
        "<=",
        0,
    ),
    Limit(
        "idle_statements",
        "statements/s, 50 waiting, nothing changing",
        ("idle", "per_second"),
        "<",
        0.5,
    ),
)


def run_ratios(results: dict) -> dict[str, float]:
    """Every target's ratio within one run's results."""
    return {target.name: target.ratio(results) for target in TARGETS}


def summarise(runs: list[dict]) -> dict[str, dict]:
    """Per target: each run's ratio, their median, the target and whether the median meets it."""
    per_run = [run_ratios(results) for results in runs]
    summary = {}
    for target in TARGETS:
        values = [ratios[target.name] for ratios in per_run]
        median = round(statistics.median(values), 3)
        summary[target.name] = {
            "label": target.label,
            "runs": values,
            "median": median,
            "target": target.wording,
            "met": target.is_met(median),
        }
    return summary


def check_waits(results: dict) -> dict[str, dict]:
    """Per limit of the waiting claims' phase: its figure, the target and whether it is met."""
    return {
        limit.name: {
            "label": limit.label,
            "value": (value := limit.value(results)),
            "target": limit.wording,
            "met": limit.is_met(value),
        }
        for limit in WAIT_LIMITS
    }
