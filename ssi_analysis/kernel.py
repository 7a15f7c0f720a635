"""The kernel that runs report notebooks: IPython's kernel, with fewer garbage collections.

``ssi-analysis report`` starts its kernels as ``python -m ssi_analysis.kernel`` instead of
``python -m ipykernel_launcher``. The one difference is Python's cyclic garbage collector:
by default it looks through the newest objects every 700 net allocations, and through
everything (the hundreds of thousands of objects that pandas, SciPy, statsmodels and
Matplotlib leave after import) every so often. A report makes millions of short-lived
objects (each chart is thousands of Matplotlib artists); at the default thresholds the
collector took about a tenth of a member report's own time. With the thresholds below it
runs about thirty times less often, costing a few megabytes of garbage held a little
longer.

Nothing else changes: the same code runs, and reports are byte-identical (tests compare
runs in kernels started either way). This module imports nothing from the kit, so a kernel
starts as fast as IPython's own.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

GC_THRESHOLDS = (20_000, 50, 100)
"""``gc.set_threshold`` in report kernels (Python's defaults: 700, 10, 10)."""


def main() -> None:
    """Set the collector's thresholds, then run IPython's kernel (``ipykernel_launcher``)."""
    gc.set_threshold(*GC_THRESHOLDS)
    # as ipykernel_launcher: no working folder on sys.path while the kernel's modules load
    # (IPython puts it back when the kernel starts)
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
