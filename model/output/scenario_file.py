"""The file ``yanglao rebase`` writes: the rolled-forward scenario as YAML with a comment header,
written all or nothing, and the test of whether an earlier rebase wrote a file."""

from __future__ import annotations

from pathlib import Path

from model.analysis.rebase import rebase
from model.output.io import check_output_file, write_file, written_by
from model.output.safe_text import comment_header
from model.scenario.schema import Scenario


def dump_scenario(scenario: Scenario, header: str) -> str:
    """YAML text of a scenario, with a comment header."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 120
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(scenario.model_dump(mode="python", exclude_none=True), buf)
    return comment_header(header) + buf.getvalue()


#: A line of the header :func:`write_rebased` writes; a file that has it may be replaced by the
#: next rebase without ``force``.
WRITTEN_BY = "Rolled forward by `yanglao rebase`"


def written_by_rebase(path: Path) -> bool:
    """Whether the file at ``path`` is a scenario written by :func:`write_rebased`."""
    return written_by(path, WRITTEN_BY)


def write_rebased(scenario: Scenario, outturn, out: Path, scenario_path: str, outturn_path: str,
                  force: bool = False) -> Scenario:
    """Rebase (:func:`model.analysis.rebase.rebase`) and write the new scenario file, all or
    nothing (:func:`model.output.io.write_file`).

    An existing ``out`` is replaced only if an earlier rebase wrote it, or with ``force``: a
    scenario someone wrote (the one being rebased, say) is not overwritten by mistake.
    """
    check_output_file(out, None if force else written_by_rebase)
    new = rebase(scenario, outturn)
    header = (f"{new.meta.title.en}\n"
              f"{WRITTEN_BY} from {Path(scenario_path).name} (base year "
              f"{scenario.meta.base_year}) with the outturn {Path(outturn_path).name} ({outturn.outturn.year}).\n"
              "The base year is the outturn as stated; profiles are projected from the old base year;\n"
              "see model/analysis/rebase.py for what changed. Money in 万元 unless a key says otherwise.")
    text = dump_scenario(new, header)
    write_file(out, lambda tmp: tmp.write_text(text, encoding="utf-8"),
               may_replace=None if force else written_by_rebase)
    return new
