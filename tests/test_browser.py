"""The HTML reports in headless Chromium (Debian's `chromium`): rendered offline, no console
errors, no request leaving the file, and user text never executed as HTML."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ssi_analysis.pipeline import ingest
from ssi_analysis.report import run_reports

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Chromium for the browser tests: apt-get install chromium")
    pytestmark = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")


def _chromium(page: Path, tmp: Path) -> tuple[str, str, str]:
    """Load ``page`` with networking off; return (DOM, stderr log, net log)."""
    netlog = tmp / "netlog.json"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-extensions", f"--user-data-dir={tmp / 'profile'}",
           "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter",
           "--disable-domain-reliability", "--no-pings", "--disable-client-side-phishing-detection",
           "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
           f"--log-net-log={netlog}", "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=3000", "--dump-dom", page.as_uri()]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout, r.stderr, netlog.read_text() if netlog.exists() else ""


def _requested_urls(netlog: str) -> set[str]:
    """URLs the page asked for (Chromium's own background requests have no page origin)."""
    log = json.loads(netlog)
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = set()
    for e in log["events"]:
        p = e.get("params") or {}
        if e.get("type") == start_job and p.get("url") and p.get("initiator") != "not an origin":
            urls.add(p["url"])
    return urls


def test_the_request_detector_sees_a_page_request(tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><img src="http://example.com/x.png">hi</body></html>')
    _, _, netlog = _chromium(page, tmp_path)
    assert "http://example.com/x.png" in _requested_urls(netlog)


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_processed):
    out = tmp_path_factory.mktemp("site")
    raw = out / "raw"
    shutil.copytree(FIXTURES / "tiny", raw)
    (raw / "notes.csv").write_text(
        'date,note\n2026-03-10,"<script>document.title=\'pwned\'</script>"\n'
        '2026-03-17,"<img src=x onerror=""document.title=\'pwned2\'"">"\n')
    ingest([raw], out / "tiny-processed")
    ingest([FIXTURES.parent.parent / "data" / "raw" / "sample" / "team"], out / "team-processed")
    cfg = out / "reports.yml"
    cfg.write_text(f"""reports:
  - name: member
    notebook: notebooks/member_report.ipynb
    parameters: {{processed_dir: {sample_processed}, tz: Europe/Berlin}}
  - name: team
    notebook: notebooks/team_report.ipynb
    parameters: {{processed_dir: {out / 'team-processed'}, pseudonym_salt: browser-test}}
  - name: xss
    notebook: notebooks/member_report.ipynb
    title: "<b>bold</b> title"
    parameters: {{processed_dir: {out / 'tiny-processed'}, tz: UTC}}
""")
    statuses = run_reports(cfg, out / "reports", progress=False)
    assert [s.status for s in statuses] == ["ok"] * 3, [s.message for s in statuses]
    return out / "reports"


@pytest.mark.parametrize("name", ["member", "xss", "index"])
def test_renders_offline_without_errors_or_requests(site, name, tmp_path):
    dom, log, netlog = _chromium(site / f"{name}.html", tmp_path)
    assert "<body" in dom and len(dom) > 500
    assert "Uncaught" not in log and "CONSOLE" not in log.upper().replace("CONSOLE_", "")
    external = {u for u in _requested_urls(netlog) if not u.startswith(("file:", "data:"))}
    assert not external, external


def test_user_text_is_escaped_and_never_runs(site, tmp_path):
    dom, _, _ = _chromium(site / "xss.html", tmp_path)
    assert "pwned" not in dom.split("<title>")[1].split("</title>")[0]
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom
    assert "<img src=\"x\"" not in dom and "&lt;img src=x" in dom
    assert "&lt;b&gt;bold&lt;/b&gt; title" in (site / "index.html").read_text()


_MEASURE = """<script>
window.addEventListener('load', function () {
  var imgs = Array.from(document.images).map(function (i) {
    return [i.clientWidth, i.naturalWidth, i.getBoundingClientRect().right]; });
  var wide = Array.from(document.querySelectorAll('table')).filter(function (t) {
    return t.getBoundingClientRect().width > window.innerWidth; }).map(function (t) {
    return t.parentElement.className; });
  parent.postMessage(JSON.stringify({
    viewport: window.innerWidth, scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth, imgs: imgs, wide: wide}), '*');
});
</script>"""

#: A phone: the page in a 400 px wide frame (headless Chromium's windows are 500 px at least).
_PHONE = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="{src}" style="width:400px;height:900px;border:0"></iframe>
<script>window.addEventListener('message', function (e) {{
  document.body.setAttribute('data-measure', e.data); }});</script></body></html>"""

#: The smallest font the figures use (points) and the least it may be on a phone (pixels).
SMALLEST_FONT_PT, LEAST_PHONE_PX = 10.0, 9.0


@pytest.mark.parametrize("name", ["member", "team", "index"])
def test_phone_width_never_scrolls_sideways_and_chart_text_stays_legible(site, name, tmp_path):
    page = (site / f"{name}.html").read_text(encoding="utf-8")
    probe = tmp_path / f"{name}.html"
    probe.write_text(page.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    phone = tmp_path / "phone.html"
    phone.write_text(_PHONE.format(src=probe.name), encoding="utf-8")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--allow-file-access-from-files", f"--user-data-dir={tmp_path / 'profile'}",
           "--window-size=800,1000", "--virtual-time-budget=5000", "--dump-dom",
           phone.as_uri()]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    import html as _html
    import re

    m = re.search(r'data-measure="([^"]+)"', r.stdout)
    assert m, "the measuring script did not run"
    got = json.loads(_html.unescape(m.group(1)))
    assert got["viewport"] == 400
    assert got["scroll"] <= got["viewport"] and got["body"] <= got["viewport"], got
    assert got["imgs"] or name == "index"
    for client, natural, right in got["imgs"]:
        assert right <= got["viewport"] + 0.5
        if natural:
            px = SMALLEST_FONT_PT * 100 / 72 * min(1.0, client / natural)
            assert px >= LEAST_PHONE_PX, (client, natural, px)
    # a table wider than the phone sits in its own scrolling box
    assert all(w in ("ssi-scroll", "wrap") for w in got["wide"]), got["wide"]
