"""`make bench` judges issue 20's targets from what it measured (benchmarks/run.py)."""
from benchmarks.run import judge_targets


def test_targets_are_judged_from_the_measured_figures():
    results = {
        "city": {"peak_rss_gib": 1.1, "one_corrected_month": {"ratio_to_full_run": 0.4}},
        "national": {"peak_rss_gib": 6.5, "ratio_to_floor": 7.9,
                     "stages": {"intake": {"by_format": {"csv": {"rows_per_s": 400_000}}}}},
        "city_demo": {"seconds": 39.0, "peak_rss_gib": 1.3},
        "arguments": ["--scales", "city,national"],
    }
    targets = judge_targets(results)
    assert targets["national_ratio_to_floor"] == {"target": 8.0, "kind": "max", "measured": 7.9, "met": True}
    assert targets["peak_rss_gib"]["measured"] == 6.5 and targets["peak_rss_gib"]["met"] is False
    assert targets["city_demo_seconds"]["met"] is True
    assert targets["national_csv_intake_rows_per_s"]["met"] is False
    assert targets["city_corrected_month_share"]["met"] is False
    assert targets["national_corrected_month_share"] == {"target": 0.1, "kind": "max", "measured": None,
                                                         "met": None}
