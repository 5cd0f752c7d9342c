"""The civil-service workforce: who is hired, at what ages, and by which headcount rule."""

from __future__ import annotations

import numpy as np

from model.engine.basis.arrays import row
from model.engine.basis.years import Years
from model.engine.tables import age_weights

HEADCOUNT_RULES = ("constant", "growth", "replacement", "path")


def civil_service_headcount(pol, a, y: Years) -> dict[str, np.ndarray]:
    """New hires' profile by group and age (G, A), summing to 1, and the headcount rule's arrays:
    its code, growth, replacement ratio, stated path and frozen years."""
    entry = age_weights(a.entry_age_profile)
    hc = pol.headcount
    frozen = np.zeros(y.T)
    if hc.freeze is not None:
        frozen = (
            (y.years >= hc.freeze.start_year) & (y.years < hc.freeze.start_year + hc.freeze.years)
        ).astype(float)
    frozen[0] = 0.0
    return {
        "entrant_profile": (np.array(a.entrant_groups.as_tuple())[:, None] * entry[None, :])[None],
        "headcount_rule": np.array([HEADCOUNT_RULES.index(hc.rule)]),
        "headcount_growth": row(y.optional(hc.growth_rate, 0.0)),
        "replacement_ratio": row(y.optional(hc.replacement_ratio, 1.0)),
        "headcount_path": row(y.optional(hc.path, 0.0)),
        "hiring_frozen": row(frozen),
    }
