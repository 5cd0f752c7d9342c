"""Names fixed by the scenario format, declared once: the funds, the civil-service retirement
groups and the sexes. Plain Python, so that reading a scenario imports no numpy."""

from __future__ import annotations

#: The two funds, in the order of every table.
FUNDS = ("civil_service", "residents")
#: The key of the figures of both funds together.
COMBINED = "combined"

SEXES = ("male", "female")

#: Civil-service retirement groups and the sex of each (for mortality).
CS_GROUPS = ("male", "female_55", "female_50")
CS_GROUP_SEX = ("male", "female", "female")
