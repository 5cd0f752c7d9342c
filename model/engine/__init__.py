"""The projection engine: arrays and tables, the calibrated basis, the yearly loop of members,
the cash flows and the fund, the identity checks and the ``Projection`` result.

Imports only ``model.scenario`` (and the shared ``model.errors`` and ``model.units``)."""
