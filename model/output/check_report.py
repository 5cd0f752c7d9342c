"""The report of ``yanglao check`` for people: the disagreements among stated figures, the
agreements that need a word, and the counts."""

from __future__ import annotations

from collections.abc import Sequence

from model.analysis.consistency import Finding
from model.units import decimals_of, plain_number, signed_number


def format_findings(findings: Sequence[Finding]) -> str:
    """A plain-text report: the disagreements, agreements that need a word, then the counts.

    Parameters
    ----------
    findings : Sequence[Finding]
        As returned by :func:`check_base_year`.

    Returns
    -------
    str
        Each disagreement on two lines (the identity with both numbers and the difference; then
        where the stated figure and the figures it was recomputed from were stated), then each
        agreement that carries a note (by truncation, within rounding) on one line, and last a
        line ``"N checks: K agree, M disagree"``.
    """
    disagreements = [f for f in findings if not f.agrees]
    noted = [f for f in findings if f.agrees and f.note]
    out: list[str] = []
    if disagreements:
        out.append(f"Disagreements ({len(disagreements)}):")
        for f in disagreements:
            decimals = decimals_of(f.stated) + 2
            line = (f"  [{f.fund}] {f.name}: stated {plain_number(f.stated, decimals)}, computed "
                    f"{plain_number(f.computed, decimals)} (difference "
                    f"{signed_number(f.difference, decimals)})")
            out.append(line + (f"; {f.note}" if f.note else ""))
            out.append(f"      stated in {f.where_stated}; computed from {f.computed_from}")
        out.append("")
    if noted:
        out.append(f"Agreements with a note ({len(noted)}):")
        for f in noted:
            decimals = decimals_of(f.stated) + 2
            out.append(f"  [{f.fund}] {f.name}: stated {plain_number(f.stated, decimals)}, computed "
                       f"{plain_number(f.computed, decimals)}; {f.note}")
        out.append("")
    agree = len(findings) - len(disagreements)
    out.append(f"{len(findings)} checks: {agree} agree, {len(disagreements)} disagree")
    return "\n".join(out)
