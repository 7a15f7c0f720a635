"""Execute report notebooks with Papermill and export self-contained HTML.

- :mod:`~ssi_analysis.report.config`: ``reports.yml``, checked before any kernel starts.
- :mod:`~ssi_analysis.report.execute`: one notebook run by Papermill, atomically.
- :mod:`~ssi_analysis.report.export`: the HTML page (no code, images embedded).
- :mod:`~ssi_analysis.report.index`: ``index.html``.
- :mod:`~ssi_analysis.report.runner`: every report, in parallel, unchanged ones skipped.

The HTML has no code, no prompts, no parameters or injected-parameters cell, no stderr
output and no script fetched from the network; images are embedded. Everything is
written atomically, so an interrupted run leaves the previous reports intact.
"""

from __future__ import annotations

from .config import ReportSpec, default_config, expand_members, load_config, notebook_parameters
from .execute import ReportFailed, execute
from .export import TEMPLATE_DIR, to_html
from .index import write_index
from .runner import ReportStatus, fingerprint, run_reports

__all__ = ["default_config", "TEMPLATE_DIR", "ReportFailed", "ReportSpec", "ReportStatus",
           "execute", "expand_members", "fingerprint", "load_config", "notebook_parameters",
           "run_reports", "to_html", "write_index"]
