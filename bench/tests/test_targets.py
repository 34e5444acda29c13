"""The bench's verdicts: ratios within a run, the median of those ratios, met or missed."""

from bench.report import format_table, format_waits
from bench.targets import TARGETS, check_waits, run_ratios, summarise


def run(single=100.0, raw=200.0, batch=800.0, jobs=100.0, one=90.0, spread=100.0, small=10.0):
    return {
        "raw": {"per_second": raw},
        "single": {"per_second": single},
        "batch": {"per_second": batch},
        "procrastinate": {"per_second": jobs},
        "one_project": {"per_second": one},
        "spread": {"per_second": spread},
        "latency_1k": {"p50_ms": small},
        "latency_1m": {"p50_ms": 11.0},
    }


def test_each_ratio_divides_two_figures_of_the_same_run():
    assert run_ratios(run()) == {
        "single_vs_procrastinate": 1.0,
        "single_vs_raw": 0.5,
        "one_project_vs_spread": 0.9,
        "batch_vs_procrastinate": 8.0,
        "latency_1m_vs_1k": 1.1,
    }


def test_the_median_is_of_the_runs_ratios_not_a_ratio_of_median_figures():
    # Medians of the figures would give 150 / 200 = 0.75; the runs' ratios are 0.5, 0.9, 0.6.
    runs = [run(single=50, raw=100), run(single=270, raw=300), run(single=150, raw=250)]
    summary = summarise(runs)["single_vs_raw"]
    assert summary["runs"] == [0.5, 0.9, 0.6]
    assert summary["median"] == 0.6


def test_a_ratio_on_its_bound_meets_the_target_and_one_past_it_misses():
    on_bound = summarise([run(single=60, raw=100, small=10.0)] * 3)
    assert on_bound["single_vs_raw"]["met"] is True
    assert on_bound["latency_1m_vs_1k"]["met"] is True  # 11 / 10 <= 1.2
    missed = summarise([run(single=59, raw=100, small=9.0)] * 3)
    assert missed["single_vs_raw"]["met"] is False
    assert missed["latency_1m_vs_1k"]["met"] is False  # 11 / 9 = 1.222 > 1.2


def test_every_target_of_the_issue_is_evaluated():
    wordings = {target.name: target.wording for target in TARGETS}
    assert wordings == {
        "single_vs_procrastinate": ">= 1",
        "single_vs_raw": ">= 0.6",
        "one_project_vs_spread": ">= 0.8",
        "batch_vs_procrastinate": ">= 4",
        "latency_1m_vs_1k": "<= 1.2",
    }


def test_the_table_shows_every_runs_ratio_the_median_and_the_verdict():
    runs = [run(single=50, raw=100), run(single=270, raw=300), run(single=150, raw=250)]
    table = format_table(runs, summarise(runs), 1_000_000)
    [line] = [line for line in table.splitlines() if line.startswith("one-task cycles / raw")]
    assert line.split()[-8:] == ["0.500", "0.900", "0.600", "0.600", "target", ">=", "0.6", "met"]
    assert "claim p50, 1,000,000 ready (ms)" in table


def waits(p50=40.0, not_exactly_one=0, idle_per_second=0.0):
    """The waiting claims' results, as bench/waiting_claims.py gives them (the figures read)."""
    return {
        "clients": 50,
        "wait_seconds": 20,
        "gunicorn": {
            "processes": 4,
            "threads": 32,
            "waiters_per_process": 24,
            "clients_per_process": [16, 15, 12, 7],
        },
        "hand_off": {
            "rounds": 30,
            "p50_ms": p50,
            "p90_ms": 66.9,
            "max_ms": 165.4,
            "not_exactly_one": not_exactly_one,
        },
        "all_at_once": {"last_ms": 680.6, "clients_handed_none": 28},
        "all_at_once_held": {"last_ms": 812.0, "clients_handed_none": 0},
        "idle": {
            "seconds": 8.4,
            "statements": round(idle_per_second * 8.4),
            "per_second": idle_per_second,
            "backends": {"idle": 4, "listening": 4},
        },
        "renewal": {"renewals": 50, "per_renewal": 8.0},
        "whole_wait": {"per_second": 18.93},
        "polling": {"per_second": 124.41, "claims_per_second": 49.95},
        "turned_away": 0,
    }


def test_the_waiting_claims_targets_bound_their_own_figures():
    assert {name: verdict["met"] for name, verdict in check_waits(waits()).items()} == {
        "hand_off_p50": True,
        "handed_to_one": True,
        "idle_statements": True,
    }
    on_bounds = check_waits(waits(p50=200.0, idle_per_second=0.49))
    assert on_bounds["hand_off_p50"]["met"] is True
    assert on_bounds["idle_statements"]["met"] is True
    missed = check_waits(waits(p50=200.5, not_exactly_one=1, idle_per_second=0.5))
    assert [verdict["met"] for verdict in missed.values()] == [False, False, False]


def test_the_waiting_claims_table_shows_the_figures_and_each_verdict():
    table = format_waits(waits(), check_waits(waits()))
    assert "clients per process: 16, 15, 12, 7" in table
    assert "rounds handed to exactly one client         30 of 30" in table
    [line] = [line for line in table.splitlines() if line.startswith("hand-off p50, a task")]
    assert line.split()[-4:] == ["target", "<=", "200", "met"]
    [line] = [line for line in table.splitlines() if line.startswith("statements/s, 50 polling")]
    assert line.split()[-3:] == ["124.41", "(50.0", "claims/s)"]
