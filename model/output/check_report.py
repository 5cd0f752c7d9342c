"""The report of ``yanglao check`` for people, in Chinese (the default) or English: the
disagreements among stated figures, the agreements that need a word, and the counts; every line
at most 120 columns wide (a long source sentence goes on onto indented continuation lines)."""

from __future__ import annotations

from collections.abc import Sequence

from model.analysis.consistency import Finding
from model.output.finding_words import computed_from_text, finding_note, identity_text
from model.output.labels import FUND_SHORT, figure_name
from model.output.text import MAX_WIDTH, wrapped
from model.units import decimals_of, plain_number, signed_number

#: The report's words: Chinese and English.
WORDS = {
    "zh": {
        "disagreements": "不一致（{n}项）：",
        "noted": "一致但需说明（{n}项）：",
        "numbers": "报告数 {stated}，计算数 {computed}，差额 {difference}",
        "agreeing": "报告数 {stated}，计算数 {computed}",
        "stated_in": "报告数出处：",
        "computed_from": "计算依据：",
        "note": "说明：",
        "counts": "共{total}项检查：{agree}项一致，{disagree}项不一致",
        "estimated": "估算数（报告未列，按规则估算，不作检查）：",
        "estimated_mark": "[估算]",
    },
    "en": {
        "disagreements": "Disagreements ({n}):",
        "noted": "Agreements with a note ({n}):",
        "numbers": "stated {stated}, computed {computed} (difference {difference})",
        "agreeing": "stated {stated}, computed {computed}",
        "stated_in": "stated in ",
        "computed_from": "computed from ",
        "note": "note: ",
        "counts": "{total} checks: {agree} agree, {disagree} disagree",
        "estimated": "Estimated, not stated (not checked):",
        "estimated_mark": "[estimated]",
    },
}


def _tag(fund: str, lang: str) -> str:
    return f"[{FUND_SHORT[fund][lang]}]"


def format_findings(findings: Sequence[Finding], lang: str = "zh", width: int = MAX_WIDTH) -> str:
    """A plain-text report: the disagreements, agreements that need a word, then the counts.

    Parameters
    ----------
    findings : Sequence[Finding]
        As returned by :func:`check_base_year`.
    lang : str
        ``"zh"`` (the default) or ``"en"``.
    width : int
        The widest a line may be; a longer one goes on onto indented continuation lines.

    Returns
    -------
    str
        Each disagreement as a block: the fund and the identity; both numbers and the
        difference; where the stated figure was stated; the figures it was recomputed from with
        their sources; and a note when there is one. Then each agreement that carries a note
        (by truncation, within rounding): the identity, both numbers and the note. Last a line
        of counts (``"N checks: K agree, M disagree"``, 共N项检查：K项一致，M项不一致).
    """
    w = WORDS[lang]
    disagreements = [f for f in findings if not f.agrees]
    noted = [(f, note) for f in findings if f.agrees and (note := finding_note(f, lang))]
    out: list[str] = []

    def say(text: str, first: str, rest: str) -> None:
        out.extend(wrapped(text, first, rest, width))

    if disagreements:
        out.append(w["disagreements"].format(n=len(disagreements)))
        for f in disagreements:
            decimals = decimals_of(f.stated) + 2
            say(f"{_tag(f.fund, lang)} {identity_text(f, lang)}", "  ", "      ")
            numbers = w["numbers"].format(
                stated=plain_number(f.stated, decimals),
                computed=plain_number(f.computed, decimals),
                difference=signed_number(f.difference, decimals),
            )
            say(numbers, "      ", "      ")
            say(w["stated_in"] + f.where_stated, "      ", "        ")
            say(w["computed_from"] + computed_from_text(f, lang), "      ", "        ")
            if note := finding_note(f, lang):
                say(w["note"] + note, "      ", "        ")
        out.append("")
    if noted:
        out.append(w["noted"].format(n=len(noted)))
        for f, note in noted:
            decimals = decimals_of(f.stated) + 2
            say(f"{_tag(f.fund, lang)} {identity_text(f, lang)}", "  ", "      ")
            numbers = w["agreeing"].format(
                stated=plain_number(f.stated, decimals),
                computed=plain_number(f.computed, decimals),
            )
            say(numbers + ("；" if lang == "zh" else "; ") + note, "      ", "        ")
        out.append("")
    agree = len(findings) - len(disagreements)
    out.append(w["counts"].format(total=len(findings), agree=agree, disagree=len(disagreements)))
    return "\n".join(out)


def format_estimated(estimated: Sequence[dict], lang: str = "zh") -> str:
    """The lines estimated rather than stated (:func:`model.output.report.estimated_lines`):
    not the report's figures, so not checked; empty when there are none."""
    if not estimated:
        return ""
    w = WORDS[lang]
    lines = [w["estimated"]]
    for e in estimated:
        fund = FUND_SHORT[e["fund"]][lang]
        name = f"{fund}·{figure_name(e['line'], lang)}" if lang == "zh" else f"{fund}.{e['line']}"
        lines.append(f"  {name} = {e['value']:,.2f} {e['unit']}  {w['estimated_mark']}")
    return "\n".join(lines)
