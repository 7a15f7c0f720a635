"""Reused memory in the large stages: freed blocks are reused inside, given back after."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from ssi_analysis import memory

MB = 1024 * 1024

pytestmark = pytest.mark.skipif(memory._glibc() is None, reason="glibc only (elsewhere a no-op)")


def faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def second_allocation_faults(size: int = 64 * MB) -> int:
    """Page faults of allocating (and zero-filling) ``size`` bytes after freeing as much."""
    first = bytearray(size)          # zero-filled: every page touched
    del first
    before = faults()
    second = bytearray(size)
    n = faults() - before
    del second
    return n


def test_inside_a_stage_freed_blocks_are_reused_outside_they_are_not():
    pages = 64 * MB // 4096
    outside = second_allocation_faults()
    with memory.reused_memory():
        inside = second_allocation_faults()
    assert outside > pages // 2          # glibc maps large blocks afresh each time
    assert inside < pages // 20          # inside a stage the freed block is reused


def test_the_memory_is_given_back_when_the_stage_ends():
    start = rss_mb()
    with memory.reused_memory():
        block = bytearray(300 * MB)
        del block
        held = rss_mb()
    after = rss_mb()
    assert held > start + 250            # kept for reuse while the stage runs
    assert after < start + 50            # given back at the end


def test_nested_stages_act_as_one_and_give_back_between_steps():
    with memory.reused_memory():
        with memory.reused_memory():     # a stage calling another
            pass
        assert second_allocation_faults() < 64 * MB // 4096 // 20   # still reusing
        start = rss_mb()
        block = bytearray(200 * MB)
        del block
        assert rss_mb() > start + 100       # kept (less what the heap already held)
        memory.give_back()
        assert rss_mb() < start + 50
    assert second_allocation_faults() > 64 * MB // 4096 // 2        # defaults restored


def test_a_failing_stage_restores_the_defaults():
    @memory.reuses_memory
    def stage():
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        stage()
    assert memory._depth == 0
    assert second_allocation_faults() > 64 * MB // 4096 // 2


def test_the_team_model_allocates_about_one_panel_not_copies_of_it():
    """estimate_effects on a caller's panel: its allocations at their peak stay near the
    panel's own size. It used to keep a copy of all usable rows alive through the four
    pillar fits, and each pillar's rows twice: 1.42 panels here and 2.4 at 10,000 members
    before, 0.97 and 1.06 now. (Small panels are dominated by fixed costs, hence 2,000.)"""
    import tracemalloc

    from ssi_analysis import estimate_effects
    from ssi_analysis.features import align
    from ssi_analysis.synth import make_linear_panel

    data = make_linear_panel(n_members=2000, n_weeks=104, effects={("posts", "insights"): 0.2},
                             activities=("posts", "comments", "reactions", "reposts"), seed=5)
    panel = align(data.snapshots, data.activity, max_lag=1)
    size = panel.memory_usage(deep=True).sum()
    tracemalloc.start()
    try:
        eff = estimate_effects(data.snapshots, data.activity, panel=panel)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert eff.query("pillar == 'insights' and activity == 'posts'")["verdict"].item() \
        == "likely positive"
    assert peak < 1.2 * size, (peak / size)
