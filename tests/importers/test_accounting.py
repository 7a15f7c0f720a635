"""Every input row is counted or logged with a reason, on generated exports with bad rows."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssi_analysis import load_activity

OWNER, OWNER_URL = "Robin Example", "https://www.linkedin.com/in/robin-example"
GOOD = st.sampled_from(["2025-03-01 10:00:00", "2025-03-02 23:59:59", "2025-04-10 08:30:00"])
BAD = st.sampled_from(["", "not a date", "2025-02-30 10:00:00", "13/45/2025"])
WHEN = st.one_of(GOOD.map(lambda d: ("good", d)), BAD.map(lambda d: ("bad", d)))


def _csv(header: list[str], rows: list[list[str]], preamble: str = "") -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    return preamble + buf.getvalue()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shares=st.lists(st.tuples(WHEN, st.booleans()), max_size=6),
       comments=st.lists(WHEN, max_size=6), reactions=st.lists(WHEN, max_size=6),
       connections=st.lists(WHEN, max_size=5),
       invitations=st.lists(st.tuples(WHEN, st.sampled_from(["OUTGOING", "INCOMING", "??"])),
                            max_size=6),
       messages=st.lists(st.tuples(WHEN, st.booleans(), st.booleans()), max_size=6))
def test_rows_read_equal_rows_counted_plus_rows_logged(tmp_path_factory, shares, comments,
                                                       reactions, connections, invitations,
                                                       messages):
    folder = tmp_path_factory.mktemp("x") / "Complete_LinkedInDataExport_05-01-2025"
    folder.mkdir()
    files = {
        "Shares.csv": _csv(["Date", "ShareLink", "ShareCommentary"],
                           [[d, "https://x/s", "text" if t else ""] for (_, d), t in shares]),
        "Comments.csv": _csv(["Date", "Link", "Message"],
                             [[d, "https://x/c", "a comment"] for _, d in comments]),
        "Reactions.csv": _csv(["Date", "Type", "Link"], [[d, "LIKE", "https://x/r"]
                                                         for _, d in reactions]),
        "Connections.csv": _csv(["First Name", "Last Name", "Connected On"],
                                [["A", "B", d[:10] if d else d] for _, d in connections],
                                preamble="Notes:\n\"some text\"\n\n"),
        "Invitations.csv": _csv(["From", "To", "Sent At", "Direction"],
                                [["a", "b", d, k] for (_, d), k in invitations]),
        "messages.csv": _csv(["CONVERSATION ID", "FROM", "SENDER PROFILE URL", "DATE",
                              "IS MESSAGE DRAFT"],
                             [[f"c{i}", OWNER if mine else "Other Person",
                               OWNER_URL if mine else f"https://www.linkedin.com/in/p{i}",
                               d, "Yes" if draft else "No"]
                              for i, ((_, d), mine, draft) in enumerate(messages)]),
        "Profile.csv": _csv(["First Name", "Last Name"], [["Robin", "Example"]]),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    act = load_activity(folder)
    log = act.ingest_log
    written = {"Shares.csv": len(shares), "Comments.csv": len(comments),
               "Reactions.csv": len(reactions), "Connections.csv": len(connections),
               "Invitations.csv": len(invitations), "messages.csv": len(messages)}
    for name, n in written.items():
        g = log[log["file"].str.endswith("/" + name)]
        read = int(g.loc[g["rule"] == "rows_read", "rows"].sum())
        used = int(g.loc[g["rule"] == "rows_used", "rows"].sum())
        skipped = int(g.loc[~g["rule"].isin(["rows_read", "rows_used"]), "rows"].sum())
        assert read == n, (name, g.to_dict("records"))
        assert read == used + skipped, (name, g.to_dict("records"))
    totals = act.counts.groupby("activity", observed=True)["count"].sum()

    def expect(name, good):
        assert int(totals.get(name, 0)) == good, name

    expect("posts", sum(w == "good" and t for (w, _), t in shares))
    expect("reposts", sum(w == "good" and not t for (w, _), t in shares))
    expect("comments", sum(w == "good" for w, _ in comments))
    expect("reactions", sum(w == "good" for w, _ in reactions))
    expect("connections", sum(w == "good" for w, _ in connections))
    expect("invitations_sent", sum(w == "good" and k == "OUTGOING" for (w, _), k in invitations))
    expect("messages_sent", sum(w == "good" and m and not dr for (w, _), m, dr in messages))
    # coverage only from rows that parsed: a file whose rows all failed is not tracked
    covered = set(act.coverage["activity"])
    parsed_any = any(w == "good" for w, _ in comments)
    if comments and not parsed_any and (act.counts["count"].sum() > 0):
        assert "comments" not in covered
    if parsed_any:
        assert "comments" in covered
    assert isinstance(act.counts, pd.DataFrame)
