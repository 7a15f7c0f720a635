"""The what-if planner with sliders, for analysts in JupyterLab (ipywidgets, optional).

Reports stay static; this is for trying plans by hand in ``notebooks/explore_plans.ipynb``.
Without ipywidgets (``pip install 'ssi-analysis[explore]'``) the same projection is shown
once, for the member's typical week and the suggested targets.
"""

from __future__ import annotations

from .. import planner, plots
from ..display import Chart, Table, Text, View
from ..schema import ACTIVITY_LABELS, NOT_MODELLED
from .member import MemberReport, fading, plans


def _levels_alt(levels: dict) -> str:
    return ", ".join(f"{v:.0f} {ACTIVITY_LABELS.get(a, a)}" for a, v in levels.items())


def projection_view(r: MemberReport, levels: dict[str, float], *, weeks: int = 12) -> View:
    """Show the projection for one plan: the chart and the end-of-horizon numbers."""
    proj = planner.project(r.snapshots, r.effects, levels, r.baseline, weeks=weeks,
                           fades=fading(r))
    if proj.empty:
        return View().add(Text(planner.drift_sentence(None), kind="note"))
    end = proj[proj["week"] == weeks].round({"expected": 1, "low": 1, "high": 1})
    return View().add(
        Chart(plots.projection_figure(proj), alt=f"Projected SSI and pillars over {weeks} "
              f"weeks for: {_levels_alt(levels) or 'your typical week'}."),
        Table(end[["pillar", "expected", "low", "high"]], caption=f"In {weeks} weeks"))


def plan_explorer(r: MemberReport, *, weeks: int = 12):
    """Return sliders (one per activity) that redraw the projection.

    Without ipywidgets, a static view of the suggested targets' projection.
    """
    try:
        import ipywidgets as widgets
        from IPython.display import display
    except ImportError:
        suggested = plans(r).get("Suggested targets", {})
        return View().add(Text("Sliders need ipywidgets (pip install 'ssi-analysis[explore]'); "
                               "below: the suggested targets.", kind="note"),
                          projection_view(r, suggested, weeks=weeks))
    acts = [a for a in r.baseline if a not in NOT_MODELLED]
    sliders = {a: widgets.IntSlider(value=round(r.baseline[a]), min=0,
                                    max=max(10, 3 * round(r.baseline[a]) + 5),
                                    description=ACTIVITY_LABELS.get(a, a)[:18],
                                    continuous_update=False) for a in acts}
    horizon = widgets.IntSlider(value=weeks, min=4, max=52, description="weeks",
                                continuous_update=False)
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            display(projection_view(r, {a: s.value for a, s in sliders.items()},
                                    weeks=horizon.value))

    for s in [*sliders.values(), horizon]:
        s.observe(redraw, names="value")
    redraw()
    return widgets.VBox([*sliders.values(), horizon, out])
