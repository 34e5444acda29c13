"""The bench's verdicts: ratios within a run, the median of those ratios, met or missed."""

from bench.report import format_table
from bench.targets import TARGETS, run_ratios, summarise


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
