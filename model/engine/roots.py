"""A root of a function of one variable in a bracket: Brent's method.

Calibration solves two one-dimensional equations (a salary level under the contribution floor
and cap; the pension level of the old method). ``scipy.optimize`` costs about 0.4 s to import,
more than the rest of a county's calibration, so the method is written out here (R. P. Brent,
*Algorithms for Minimization without Derivatives*, 1973, ch. 4: inverse quadratic
interpolation or the secant step where it stays inside the bracket and shrinks it fast enough,
bisection otherwise).
"""

from __future__ import annotations

from collections.abc import Callable

#: The most steps before giving up (bisection alone halves a bracket of 1e10 to 1e-20 in 100).
MAX_STEPS = 200


def brent_root(
    f: Callable[[float], float],
    lo: float,
    hi: float,
    xtol: float = 1e-12,
    rtol: float = 4 * 2.220446049250313e-16,
) -> float:
    """A root of ``f`` in ``[lo, hi]``, where ``f(lo)`` and ``f(hi)`` differ in sign, to within
    ``xtol + rtol·|x|``.

    >>> round(brent_root(lambda x: x * x - 2.0, 0.0, 2.0), 12)
    1.414213562373
    >>> brent_root(lambda x: x - 3.0, 3.0, 5.0)
    3.0
    """
    a, b = float(lo), float(hi)
    fa, fb = f(a), f(b)
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    if (fa > 0) == (fb > 0):
        raise ValueError(f"f({a}) and f({b}) have the same sign: no bracketed root")
    c, fc = a, fa
    d = e = b - a
    for _ in range(MAX_STEPS):
        if (fb > 0) == (fc > 0):
            # keep the root between b and c
            c, fc = a, fa
            d = e = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol = 0.5 * (xtol + rtol * abs(b))
        m = 0.5 * (c - b)
        if abs(m) <= tol or fb == 0.0:
            return b
        if abs(e) >= tol and abs(fa) > abs(fb):
            s = fb / fa
            if a == c:  # secant
                p, q = 2.0 * m * s, 1.0 - s
            else:  # inverse quadratic interpolation
                qa, r = fa / fc, fb / fc
                p = s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0))
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if 2.0 * p < min(3.0 * m * q - abs(tol * q), abs(e * q)):
                e, d = d, p / q  # the interpolation is accepted
            else:
                d = e = m  # bisection
        else:
            d = e = m
        a, fa = b, fb
        b += d if abs(d) > tol else (tol if m > 0 else -tol)
        fb = f(b)
    raise ValueError(f"no root found to the tolerance in {MAX_STEPS} steps")


__all__ = ["brent_root"]
