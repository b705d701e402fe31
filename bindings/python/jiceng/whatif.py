"""Policy what-if replay (政策推演): a journal's recorded commands replayed under its own
policy and under another, compared (docs/whatif.md).

    >>> import jiceng
    >>> r = jiceng.whatif("journal.sqlite", "docs/examples/whatif/property-resolve-3wd.json")
    >>> r["diff"]["deadlines_missed"]["delta"]   # petitions that missed a deadline, variant − baseline
"""

import os

from . import _capi as C
from ._core import enc, take_json


def whatif(journal, policy, date_from=None, date_to=None):
    """Replays ``journal`` (a path) under its recorded policy and under ``policy`` (a
    built-in set name or a policy set file) and returns the comparison, the dict of
    ``whatif.json``: ``{"baseline": ..., "variant": ..., "diff": ...}``. ``date_from`` and
    ``date_to`` (``"YYYY-MM-DD"``, inclusive) bound the days replayed and compared.
    Raises ``jiceng.NotFound`` (missing journal, unknown policy), ``jiceng.InvalidArgument``
    (a bad date or policy file), ``jiceng.DataLoss`` (a tampered journal)."""
    return take_json(C.jc_whatif_run, enc(os.fspath(journal), "journal"), enc(os.fspath(policy), "policy"),
                     enc(date_from, "date_from"), enc(date_to, "date_to"))
