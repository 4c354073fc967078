"""Refresh budgets in the config file, per profile."""

from __future__ import annotations

from tests.test_config import profiles_for, write


def test_budgets_are_set_per_profile_and_bad_ones_are_named(tmp_path):
    text = """\
[profiles.work]
[profiles.work.budgets]
list_mb_per_min = 2.5
list_requests_per_min = 30
run_output_mb_per_s = 0
lots = 3
[profiles.play]
"""
    profiles = profiles_for(write(tmp_path, text))
    budgets = profiles.resolve("work").intervals.budgets
    assert (budgets.list_mb_per_min, budgets.list_requests_per_min) == (2.5, 30.0)
    assert budgets.run_output_mb_per_s == 1.0  # refused (not above 0): the default stays
    problems = profiles.config.problems
    assert any("profiles.work.budgets.run_output_mb_per_s" in p and "above 0" in p for p in problems)
    assert any("profiles.work.budgets.lots" in p and "unknown budget" in p for p in problems)
    assert profiles.resolve("play").intervals.budgets.list_requests_per_min == 60.0  # another profile: defaults
