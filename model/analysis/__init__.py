"""Questions asked of the engine: comparisons, sensitivities, budgets, evaluation of an outturn,
rebasing, the back-test, the consistency of stated figures, the fitted drivers and the Monte
Carlo, and the actuarial valuation. Each returns data; nothing here formats text for people.

Imports only ``model.scenario`` and ``model.engine`` (and the shared modules)."""
