"""Names shared by every stage: pillars, activities and the canonical table columns.

Everything that spells a column name or a pillar lives here, so that the rest of the
kit (and the notebooks) never retype a string.
"""

from __future__ import annotations

PILLARS: tuple[str, ...] = ("brand", "people", "insights", "relationships")
"""Canonical pillar names, in the order used everywhere."""

PILLAR_LABELS: dict[str, str] = {
    "brand": "Establish your professional brand",
    "people": "Find the right people",
    "insights": "Engage with insights",
    "relationships": "Build relationships",
}
"""Display names, as LinkedIn's SSI page shows them."""

LINKEDIN_PILLARS: dict[str, str] = {
    "PROFESSIONAL_BRAND": "brand",
    "FIND_RIGHT_PEOPLE": "people",
    "INSIGHT_ENGAGEMENT": "insights",
    "STRONG_RELATIONSHIP": "relationships",
}
"""LinkedIn's internal pillar enum (``salesApiSsi``) mapped to canonical names."""

PILLAR_MAX = 25.0
SSI_MAX = 100.0

ACTIVITIES: tuple[str, ...] = (
    "posts",
    "reposts",
    "comments",
    "reactions",
    "votes",
    "connections",
    "invitations_sent",
    "messages_sent",
    "searches",
    "profile_views",
    "leads_saved",
    "accounts_saved",
    "inmails_sent",
    "days_active",
    "invitations_received",
    "media_uploads",
)
"""Canonical activity names (Sales Navigator adds searches … days_active).

``invitations_received`` (from Invitations.csv, INCOMING) and ``media_uploads``
(Rich_Media.csv; such posts are usually in Shares too) are counted and shown but left out
of the effects model by default, see :data:`NOT_MODELLED`."""

NOT_MODELLED: tuple[str, ...] = ("invitations_received", "media_uploads")
"""Activities the effects model leaves out unless asked: not the member's own choice
(invitations received) or a duplicate view of another activity (media uploads)."""

ACTIVITY_LABELS: dict[str, str] = {
    "posts": "posts",
    "reposts": "reposts",
    "comments": "comments",
    "reactions": "reactions",
    "votes": "poll votes",
    "connections": "new connections",
    "invitations_sent": "invitations sent",
    "messages_sent": "messages sent",
    "searches": "searches",
    "profile_views": "profile views",
    "leads_saved": "leads saved",
    "accounts_saved": "accounts saved",
    "inmails_sent": "InMails sent",
    "days_active": "days active",
    "invitations_received": "invitations received",
    "media_uploads": "photo/video uploads",
}

ACTIVITY_SINGULAR: dict[str, str] = {
    "posts": "post", "reposts": "repost", "comments": "comment", "reactions": "reaction",
    "votes": "poll vote", "connections": "new connection", "invitations_sent": "invitation sent",
    "messages_sent": "message sent", "searches": "search", "profile_views": "profile view",
    "leads_saved": "lead saved", "accounts_saved": "account saved", "inmails_sent": "InMail sent",
    "days_active": "day active", "invitations_received": "invitation received",
    "media_uploads": "photo/video upload",
}
"""One action of each activity, for sentences ("each additional post")."""

SNAPSHOT_COLUMNS: tuple[str, ...] = (
    "member_id",
    "date",
    "captured_at",
    "ssi",
    *PILLARS,
    "industry_rank",
    "network_rank",
    "industry_ssi",
    "network_ssi",
    "industry",
    "source",
    "team_rank",
    "team_ssi",
    "industry_size",
    "network_size",
    *(f"industry_{p}" for p in PILLARS),
    *(f"network_{p}" for p in PILLARS),
)
"""Columns of the canonical snapshot table, in order. A table has the core columns
(:data:`SNAPSHOT_CORE`) and, of the others (:data:`SNAPSHOT_EXTRAS`: capture time, ranks,
peer averages, industry, the TEAM group of Sales Navigator, group sizes and the peer groups'
pillar averages), only those some source has."""

SNAPSHOT_CORE: tuple[str, ...] = ("member_id", "date", "ssi", *PILLARS, "source")
"""The snapshot columns present in every snapshot table."""

SNAPSHOT_EXTRAS: tuple[str, ...] = tuple(c for c in SNAPSHOT_COLUMNS if c not in SNAPSHOT_CORE)
"""Optional columns, present only when a source has them: at 10 million rows each
all-missing column would cost 77 MB (a sixth of a canonical table)."""


def snapshot_columns(columns) -> list[str]:
    """Return the canonical column order for a frame: the core and the extras it has.

    Parameters
    ----------
    columns : iterable of str
        The frame's columns.

    Returns
    -------
    list of str
        In :data:`SNAPSHOT_COLUMNS` order.
    """
    have = set(columns)
    return [c for c in SNAPSHOT_COLUMNS if c in SNAPSHOT_CORE or c in have]


SNAPSHOT_NUMERIC: tuple[str, ...] = ("ssi", *PILLARS, "industry_rank", "network_rank",
                                     "industry_ssi", "network_ssi")
"""Numeric columns of the snapshot table (the peer details' numbers aside)."""

ACTIVITY_COLUMNS: tuple[str, ...] = ("member_id", "date", "activity", "count")
"""Columns of the canonical (long) activity table."""

COVERAGE_COLUMNS: tuple[str, ...] = ("member_id", "activity", "start", "end", "source",
                                     "granularity")
"""Columns of the activity coverage table: which dates a source tracks, per activity.
``granularity`` is ``"day"`` (events have dates) or ``"period"`` (one count per reporting
period, dated at its end: only windows made of whole periods are covered)."""

INGEST_LOG_COLUMNS: tuple[str, ...] = ("file", "row", "rule", "rows", "detail")
"""Columns of the ingest log: what the importers read, skipped or inferred, per file.
``row`` is the line an entry points at (0: the whole file); ``rows`` is how many input
rows the entry accounts for. Per file, the ``rows_read`` entry equals the ``rows_used``
entry plus every entry that skipped rows (``rows`` > 0)."""

ROW_ACCOUNTING_RULES: tuple[str, ...] = ("rows_read", "rows_used")
"""Ingest log rules that count a file's rows rather than skip them."""

LOG_COLUMNS: tuple[str, ...] = ("member_id", "date", "rule", "action", "detail", "source")
"""Columns of the cleaning log."""

BANDS: tuple[tuple[float, float, str], ...] = (
    (0, 30, "below average"),
    (30, 50, "ordinary"),
    (50, 70, "above average"),
    (70, 100.001, "solid"),
)
"""SSI bands as (low, high, label); a score belongs to the band with low < score <= high."""


def ssi_band(score: float) -> str:
    """Return the band label of an SSI score.

    Parameters
    ----------
    score : float
        SSI on the 0–100 scale (the displayed, rounded score is used for the band).

    Returns
    -------
    str
        ``"below average"`` (0–30), ``"ordinary"`` (31–50), ``"above average"``
        (51–70) or ``"solid"`` (71+).

    Examples
    --------
    >>> ssi_band(52.6)
    'above average'
    """
    shown = round(float(score))
    for low, high, label in BANDS:
        if shown <= high and (shown > low or low == 0):
            return label
    return "solid"
