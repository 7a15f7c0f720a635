"""Table types shared by the stages.

Step one of the architecture move keeps side data in ``DataFrame.attrs`` (as before);
:class:`Records` makes those attrs cheap to carry.
"""

from __future__ import annotations


class Records(list):
    """Records kept in ``DataFrame.attrs`` (coverage, ingest notes, hourly counts).

    pandas deep-copies ``attrs`` on almost every operation on a frame; a 10,000-member
    team has 70,000 coverage records, so each column access would copy them. The records
    are never changed after loading, so a "deep copy" shares them. Replace the whole
    entry rather than editing it in place.
    """

    def __deepcopy__(self, memo: dict) -> Records:
        return self
