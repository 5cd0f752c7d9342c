"""Array types, declared once: the first stage that makes arrays (year schedules) names them.

numpy is imported when a type is first asked for at run time (the engine's modules), never by
importing this module: validating a scenario needs no numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    IntArray = npt.NDArray[np.int64]


def __getattr__(name: str) -> Any:
    if name in ("FloatArray", "IntArray"):
        import numpy as np
        import numpy.typing as npt

        types = {"FloatArray": npt.NDArray[np.float64], "IntArray": npt.NDArray[np.int64]}
        globals().update(types)
        return types[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
