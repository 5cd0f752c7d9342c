"""Brent's method of model/engine/roots.py against scipy's brentq, which it replaces in
calibration: the same roots to the requested tolerance on smooth, kinked and flat functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from model.engine.roots import brent_root

CASES = [
    (lambda x: x**3 - 2 * x - 5, 2.0, 3.0),
    (lambda x: math.exp(x) - 10.0, 0.0, 5.0),
    (lambda x: math.cos(x) - x, 0.0, 1.0),
    # kinked like a contribution base between a floor and a cap
    (lambda x: min(max(3000.0 * x, 2000.0), 9000.0) * 1.1 - 5000.0, 1e-3, 10.0),
    (lambda x: (x - 1.0) ** 3 + 0.5 * (x - 1.0), 0.0, 3.0),
    (lambda x: math.atan(1e6 * (x - 0.3)), -1.0, 1.0),
]


@pytest.mark.parametrize("f, lo, hi", CASES)
@pytest.mark.parametrize("xtol, rtol", [(1e-12, 1e-14), (1e-9, 1e-14), (2e-12, 8.9e-16)])
def test_the_root_is_scipys_to_the_tolerance(f, lo, hi, xtol, rtol):
    ours = brent_root(f, lo, hi, xtol=xtol, rtol=rtol)
    theirs = brentq(f, lo, hi, xtol=xtol, rtol=rtol)
    assert abs(ours - theirs) <= 2 * (xtol + rtol * abs(theirs))
    assert lo <= ours <= hi


def test_many_random_cubics():
    rng = np.random.default_rng(3)
    for _ in range(200):
        r, s = rng.uniform(0.1, 100.0), rng.uniform(0.01, 5.0)

        def f(x, r=r, s=s):
            return s * (x - r) + 0.01 * (x - r) ** 3

        got = brent_root(f, 0.0, 200.0, xtol=1e-12, rtol=1e-14)
        assert got == pytest.approx(r, rel=1e-12, abs=1e-11)


def test_a_flat_root_is_still_bracketed_to_the_tolerance():
    # scipy's brentq gives up here after 100 iterations; the bracket keeps the root
    assert brent_root(lambda x: (x - 1.0) ** 5, 0.0, 3.0, xtol=1e-12) == pytest.approx(
        1.0, abs=1e-11
    )


def test_an_endpoint_root_and_a_missing_bracket():
    assert brent_root(lambda x: x - 3.0, 3.0, 5.0) == 3.0
    assert brent_root(lambda x: x - 5.0, 3.0, 5.0) == 5.0
    with pytest.raises(ValueError, match="same sign"):
        brent_root(lambda x: x * x + 1.0, -1.0, 1.0)
