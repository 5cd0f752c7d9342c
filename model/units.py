"""Units and the single place where they are converted.

Money is in 万元 (10,000 yuan) unless a name says otherwise: ``_yuan`` is yuan, ``_monthly_yuan``
is yuan per person per month, ``_persons`` is heads. Rates are fractions (0.16, not 16).
"""

from __future__ import annotations

YUAN_PER_WAN = 10_000.0
MONTHS_PER_YEAR = 12

#: Units a scenario value may carry. ``/1`` is a plain fraction or ratio; ``%`` is a percentage as
#: a report states it (95.5 for 95.5 %).
UNITS = ("万元", "元", "元/月", "元/年", "人", "/1", "%", "岁", "月", "年")


def yuan_to_wan(amount_yuan: float) -> float:
    """Convert yuan to 万元.

    >>> yuan_to_wan(123_456_700)
    12345.67
    """
    return amount_yuan / YUAN_PER_WAN


def monthly_yuan_to_annual_wan(amount_monthly_yuan, persons):
    """Annual total in 万元 of a monthly per-head amount in yuan paid to ``persons`` heads.

    >>> round(monthly_yuan_to_annual_wan(190.0, 10_000), 2)
    2280.0
    """
    return amount_monthly_yuan * MONTHS_PER_YEAR * persons / YUAN_PER_WAN


def readable(x: float, decimals: int = 2) -> str:
    """A number for a message: thousands separators and ``decimals`` places in the usual range,
    significant digits where fixed places would show nothing or hundreds of digits.

    >>> readable(12345.67), readable(4.167e-06, 0), readable(1e300)
    ('12,345.67', '4.17e-06', '1e+300')
    """
    if x != 0 and not 10.0 ** -decimals <= abs(x) < 1e15:
        return f"{x:.3g}"
    return f"{x:,.{decimals}f}"


#: Digits of the decimal arithmetic that rounds stated figures: any float keeps its decimals
#: (the default context has 28, too few for a large figure at 9 decimals).
DECIMAL_DIGITS = 400


def quantize(x: float, decimals: int, rounding: str):
    """``x`` as a Decimal rounded to ``decimals`` places the way ``rounding`` says (a
    ``decimal`` rounding mode); infinities and NaN are returned unrounded.

    >>> from decimal import ROUND_HALF_UP
    >>> str(quantize(2.675, 2, ROUND_HALF_UP)), str(quantize(1e300, 2, ROUND_HALF_UP))[-6:]
    ('2.68', '000.00')
    """
    from decimal import Decimal, localcontext

    value = Decimal(repr(float(x)))
    if not value.is_finite():
        return value
    with localcontext() as ctx:
        ctx.prec = DECIMAL_DIGITS
        return value.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)


def decimals_of(x: float) -> int:
    """Decimals of ``x`` as written: 12345.6 → 1, 12.34 → 2, 1234.567 → 3, 1234.0 → 0.

    >>> decimals_of(12345.6), decimals_of(1234.567), decimals_of(1234.0)
    (1, 3, 0)
    """
    from decimal import Decimal

    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def plain_number(x: float, decimals: int = 6) -> str:
    """``x`` with at most ``decimals`` decimals, trailing zeros dropped, no separators.

    >>> plain_number(12345.67), plain_number(1234.0), plain_number(-0.0001, 2)
    ('12345.67', '1234', '0')
    """
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed_number(x: float, decimals: int) -> str:
    """:func:`plain_number` with a sign (none for 0).

    >>> signed_number(2.5, 2), signed_number(-2.5, 2), signed_number(0.0, 2)
    ('+2.5', '-2.5', '0')
    """
    text = plain_number(x, decimals)
    return text if text.startswith("-") or text == "0" else "+" + text
