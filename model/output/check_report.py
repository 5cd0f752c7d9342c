"""The report of ``yanglao check`` for people: the disagreements among stated figures, the
agreements that need a word, and the counts."""

from __future__ import annotations

from collections.abc import Sequence

from model.analysis.consistency import Finding
from model.output.finding_words import computed_from_text, finding_note, identity_text
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
    noted = [(f, note) for f in findings if f.agrees and (note := finding_note(f))]
    out: list[str] = []
    if disagreements:
        out.append(f"Disagreements ({len(disagreements)}):")
        for f in disagreements:
            decimals = decimals_of(f.stated) + 2
            note = finding_note(f)
            line = (
                f"  [{f.fund}] {identity_text(f)}: stated {plain_number(f.stated, decimals)}, "
                f"computed {plain_number(f.computed, decimals)} (difference "
                f"{signed_number(f.difference, decimals)})"
            )
            out.append(line + (f"; {note}" if note else ""))
            out.append(f"      stated in {f.where_stated}; computed from {computed_from_text(f)}")
        out.append("")
    if noted:
        out.append(f"Agreements with a note ({len(noted)}):")
        for f, note in noted:
            decimals = decimals_of(f.stated) + 2
            out.append(
                f"  [{f.fund}] {identity_text(f)}: stated {plain_number(f.stated, decimals)}, "
                f"computed {plain_number(f.computed, decimals)}; {note}"
            )
        out.append("")
    agree = len(findings) - len(disagreements)
    out.append(f"{len(findings)} checks: {agree} agree, {len(disagreements)} disagree")
    return "\n".join(out)


def format_estimated(estimated: Sequence[dict]) -> str:
    """The lines estimated rather than stated (:func:`model.output.report.estimated_lines`):
    not the report's figures, so not checked; empty when there are none."""
    if not estimated:
        return ""
    lines = ["Estimated, not stated (not checked):"]
    lines += [
        f"  {e['fund']}.{e['line']} = {e['value']:,.2f} {e['unit']}  [estimated]" for e in estimated
    ]
    return "\n".join(lines)
