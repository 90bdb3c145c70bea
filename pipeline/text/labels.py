"""How a regulation's status, and a Pasal version's kind, are named in Indonesian and English
(one table each for all outputs).

The search results of the CLI and the app, the evidence shown to the model, the exports and the
audit record all name a status from :data:`STATUS_LABELS`, so a status reads the same wherever
an analyst meets it.
"""

from __future__ import annotations

__all__ = ["NOT_IN_FORCE", "STATUSES", "STATUS_LABELS", "VERSION_LABELS", "status_label"]

#: the statuses a regulation can have, from in force to revoked
STATUSES = ("in_force", "amended", "partially_revoked", "revoked")

#: statuses worth a note next to a regulation, a hit or a reference
NOT_IN_FORCE = ("revoked", "partially_revoked", "amended")

STATUS_LABELS: dict[str, dict[str, str]] = {
    "id": {
        "in_force": "berlaku",
        "amended": "diubah",
        "partially_revoked": "dicabut sebagian",
        "revoked": "dicabut",
    },
    "en": {
        "in_force": "in force",
        "amended": "amended",
        "partially_revoked": "partially revoked",
        "revoked": "revoked",
    },
}

#: what produced a version of a Pasal (``pipeline.legal.consolidate``), for `pilar pasal` and
#: the app's timeline
VERSION_LABELS: dict[str, dict[str, str]] = {
    "id": {
        "original": "rumusan asli",
        "amended": "diubah",
        "inserted": "disisipkan",
        "deleted": "dihapus",
        "revoked": "dicabut",
        "partly_revoked": "dicabut sebagian",
        "not_yet": "belum berlaku",
    },
    "en": {
        "original": "original wording",
        "amended": "amended",
        "inserted": "inserted",
        "deleted": "deleted",
        "revoked": "revoked",
        "partly_revoked": "partly revoked",
        "not_yet": "not yet in force",
    },
}


def status_label(status: str, lang: str = "id") -> str | None:
    """The label of ``status`` in ``lang`` (``'id'`` or ``'en'``); ``None`` for no status."""
    return STATUS_LABELS.get(lang, STATUS_LABELS["en"]).get(status)
