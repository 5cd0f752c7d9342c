"""What ``yanglao roster`` prints and writes: the short summary of a member roster, and the
scenario keys it gives as YAML with comments (what it is, how to merge it, the figures to check
against the report), written all or nothing through :func:`model.output.io.write_file`. Nothing
in either describes a single member."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from model.output.io import check_output_file, write_file, written_by
from model.scenario.roster import (
    NEW_FIELDS,
    AgeBands,
    RosterSummary,
    fragment_data,
    plural,
    schema_fields,
)

#: A line of the header :func:`write_fragment` writes; a file that has it may be replaced by the
#: next run without ``force``.
WRITTEN_BY = "Written by `yanglao roster`"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain(text: str) -> str:
    """One line of comment text: no line breaks or control characters, whatever a name holds."""
    return _CONTROL.sub("\ufffd", " ".join(text.splitlines()))


def format_summary(summary: RosterSummary) -> str:
    """The short summary printed: counts, bands, means; never a member."""

    def bands(profile: AgeBands | None) -> str:
        if profile is None:
            return "—"
        last = max(profile.weights)
        return (
            f"{len(profile.weights)} bands of {profile.band_width} years, "
            f"ages {min(profile.weights)}–{max(profile.last_age, last)}"
        )

    c = summary.contributor_groups
    lines = [
        f"roster as of {summary.as_of}",
        f"contributors {summary.contributors.value:,.0f} ({summary.contributors_file}): "
        f"male {c.male:.1%}, female_55 {c.female_55:.1%}, female_50 {c.female_50:.1%}",
        f"  age: {bands(summary.contributor_age_profile)}",
        f"  mean contribution base {summary.mean_contribution_base.value:,.2f} 元/月 "
        f"(× 12 × contributors: {summary.yearly_contribution_base.value:,.2f} 万元 a year)",
        f"  mean age at start of service {summary.service_start_age.value:g}",
    ]
    if summary.entry_age_profile is not None:
        ages = summary.entry_age_profile.weights
        lines.append(
            f"  entry ages {min(ages)}–{max(ages)} (started in the last {summary.recent_years} "
            "years)"
        )
    else:
        lines.append(f"  nobody started service in the last {summary.recent_years} years")
    pension, pensions = summary.mean_pension, summary.yearly_pensions
    if (
        summary.beneficiaries is not None
        and summary.retiree_groups is not None
        and pension is not None
        and pensions is not None
    ):
        r = summary.retiree_groups
        lines += [
            f"pensioners {summary.beneficiaries.value:,.0f} ({summary.pensioners_file}): "
            f"male {r.male:.1%}, female_55 {r.female_55:.1%}, female_50 {r.female_50:.1%}",
            f"  age: {bands(summary.retiree_age_profile)}",
            f"  mean pension {pension.value:,.2f} 元/月 "
            f"(× 12 × pensioners: {pensions.value:,.2f} 万元 a year)",
        ]
    else:
        lines.append("pensioners: no roster given")
    if summary.dropped:
        lines.append(f"left out (--drop-bad): {plural(len(summary.dropped), 'problem')}")
        lines += [f"  {problem}" for problem in summary.dropped[:5]]
        if len(summary.dropped) > 5:
            lines.append(f"  and {len(summary.dropped) - 5} more")
    if summary.ignored_columns:
        lines.append("ignored columns: " + ", ".join(summary.ignored_columns))
    return "\n".join(lines)


def header_lines(summary: RosterSummary) -> list[str]:
    """The comment header: where the figures come from, how to merge, the checklist."""
    files = summary.contributors_file + (
        f" and {summary.pensioners_file}" if summary.pensioners_file else ""
    )
    lines = [
        "Civil-service fund: member inputs from an anonymised roster (花名册).",
        f"{WRITTEN_BY} from {_plain(files)}, as of {summary.as_of}.",
        "Merge: these keys replace the same keys of a scenario (base_year.civil_service and",
        "assumptions.civil_service); the scenario's other keys stay. No member is described here.",
        "",
        "Checklist (not scenario keys; compare with the report):",
        f"  contributors {summary.contributors.value:,.0f}; mean contribution base "
        f"{summary.mean_contribution_base.value:,.2f} 元/月; bases × 12: "
        f"{summary.yearly_contribution_base.value:,.2f} 万元 a year",
    ]
    if summary.beneficiaries is not None and summary.mean_pension is not None:
        retirement = summary.mean_retirement_age
        lines.append(
            f"  pensioners {summary.beneficiaries.value:,.0f}; mean pension "
            f"{summary.mean_pension.value:,.2f} 元/月; pensions × 12: "
            f"{summary.yearly_pensions.value if summary.yearly_pensions else 0:,.2f} 万元 a year"
        )
        lines.append(
            "  (compare benefit_expenditure)"
            + (f"; mean age at retirement {retirement.value:g}" if retirement else "")
        )
    else:
        lines.append("  no pensioners' roster: retiree_groups and the base year's beneficiaries")
        lines.append("  stay as the scenario has them")
    if summary.entry_age_profile is None:
        lines.append(
            f"  nobody started service in the last {summary.recent_years} years: "
            "entry_age_profile and entrant_groups stay as the scenario has them"
        )
    if summary.dropped:
        lines.append(f"  {plural(len(summary.dropped), 'problem')} in rows left out (--drop-bad)")
    return lines


def fragment_text(summary: RosterSummary) -> str:
    """The YAML text of the fragment, with its comment header."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    data = fragment_data(summary)
    known = schema_fields()
    root = CommentedMap()
    for section, funds in data.items():
        root[section] = CommentedMap()
        for fund, fields in funds.items():
            node = CommentedMap()
            for name, value in fields.items():
                node[name] = _flow(value)
            root[section][fund] = node
    cs = root["assumptions"]["civil_service"]
    new = [name for name in NEW_FIELDS if name in cs and name not in known]
    if new:
        cs.yaml_set_comment_before_after_key(
            new[0],
            before=f"{' and '.join(new)}: new fields, not yet known to this version's scenario "
            "schema; remove them before merging",
            indent=4,
        )
    yaml = YAML(typ="rt")
    yaml.width = 4096  # one line per field, as the shipped scenario writes them
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(root, buf)
    comment = "".join(f"# {_plain(line)}\n" if line else "#\n" for line in header_lines(summary))
    return comment + buf.getvalue()


def _flow(value: Any) -> Any:
    """A field as ruamel data: weights and shares inline, as the shipped scenario writes them."""
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(value, dict):
        return value
    node = CommentedMap()
    for key, item in value.items():
        node[key] = _flow(item)
    if "weights" in value or "value" in value or "male" in value:
        if "weights" in value:
            node["weights"].fa.set_flow_style()
        else:
            node.fa.set_flow_style()
    return node


def written_by_roster(path: Path) -> bool:
    """Whether the file at ``path`` is a fragment written by :func:`write_fragment`."""
    return written_by(path, WRITTEN_BY, lines=4)


def write_fragment(summary: RosterSummary, out: str | Path, force: bool = False) -> Path:
    """Write the fragment at ``out``, all or nothing. An existing file is replaced only if an
    earlier run wrote it, or with ``force`` (a scenario is never overwritten by mistake)."""
    may_replace = None if force else written_by_roster
    check_output_file(out, may_replace)
    text = fragment_text(summary)

    def writer(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write_file(out, writer, may_replace)
