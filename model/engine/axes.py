"""Axes of the member arrays, declared once.

Member arrays have shape ``(B, G, A)``:

* ``B`` — scenarios or simulation paths stacked on a leading axis (1 for a single run);
* ``G`` — groups: for the civil-service fund the retirement groups of :data:`CS_GROUPS` (men;
  women retiring at 55, cadres and professional staff; women retiring at 50, workers); for the
  county population and the residents' fund the two sexes of :data:`SEXES`;
* ``A`` — completed age 0 … 100 in single years, :data:`AGES`; the top age is open (100+).

Yearly results stack these to ``(B, T, …)`` with ``T`` projection years, the base year first.
"""

from __future__ import annotations

import numpy as np

from model.scenario.arrays import FloatArray, IntArray
from model.scenario.names import CS_GROUP_SEX, CS_GROUPS, SEXES

__all__ = ["AGES", "CS_GROUPS", "CS_GROUP_SEX", "FloatArray", "IntArray", "MAX_AGE", "MIN_AGE",
           "N_AGES", "SEXES"]

MIN_AGE = 0
MAX_AGE = 100  # open-ended top age: 100 and over
AGES: IntArray = np.arange(MIN_AGE, MAX_AGE + 1)
N_AGES = AGES.size
