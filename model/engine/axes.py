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
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MIN_AGE = 0
MAX_AGE = 100  # open-ended top age: 100 and over
AGES: IntArray = np.arange(MIN_AGE, MAX_AGE + 1)
N_AGES = AGES.size

SEXES = ("male", "female")
SEX_LABELS = {"male": {"zh": "男", "en": "male"}, "female": {"zh": "女", "en": "female"}}

#: Civil-service retirement groups and the sex of each (for mortality).
CS_GROUPS = ("male", "female_55", "female_50")
CS_GROUP_SEX = ("male", "female", "female")
CS_GROUP_LABELS = {
    "male": {"zh": "男性", "en": "men"},
    "female_55": {"zh": "女性(干部, 原55岁退休)", "en": "women retiring at 55 (cadres)"},
    "female_50": {"zh": "女性(工人, 原50岁退休)", "en": "women retiring at 50 (workers)"},
}

FUNDS = ("civil_service", "residents")
FUND_LABELS = {
    "civil_service": {"zh": "机关事业单位基本养老保险基金", "en": "civil-service fund"},
    "residents": {"zh": "城乡居民基本养老保险基金", "en": "urban-rural residents' fund"},
}
