"""Everything a person reads: the label registry, text tables, CSV, JSON and workbooks, charts,
the Chinese draft, and the one atomic writer of a run's files. Computes nothing.

Imports ``model.scenario``, ``model.engine`` and ``model.analysis``; nothing imports it but
``cli``."""
