"""Pseudonyms for team members, keyed by a salt that belongs to the project.

The salt is generated the first time it is needed (``secrets``, 128 bits) and kept in
``.ssi-analysis/pseudonym-salt`` at the project root, which git ignores. It is never a
public default: anyone holding the seat list and a public salt could recompute who is who.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from .paths import project_root

SALT_FILE = Path(".ssi-analysis") / "pseudonym-salt"
PREFIX = "Member "


def project_salt(root: str | os.PathLike[str] | None = None) -> str:
    """Return the project's pseudonym salt, creating it on first use.

    Parameters
    ----------
    root : str or os.PathLike, optional
        Project root (default: the kit's project root).

    Returns
    -------
    str
        32 hex digits.
    """
    path = Path(root or project_root()) / SALT_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(16)
    try:                                   # exclusive create: two runs never disagree
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(salt + "\n")
    return salt


def pseudonym(member_id: str, salt: str) -> str:
    """``"Member 3F9A2C"``: a keyed hash of the member id (stable for one salt).

    Examples
    --------
    >>> pseudonym("12345", "k")
    'Member 3F5429'
    """
    digest = hmac.new(salt.encode(), str(member_id).encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:6].upper()


def is_pseudonym(text: str) -> bool:
    """Tell whether ``text`` has the form of a pseudonym."""
    rest = str(text).removeprefix(PREFIX)
    return str(text).startswith(PREFIX) and len(rest) == 6 and all(
        c in "0123456789ABCDEF" for c in rest)
