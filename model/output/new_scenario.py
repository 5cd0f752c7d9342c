"""What ``yanglao init`` writes: a new region's scenario (YAML with a header that lists what is
left to enter, or a workbook), its checklist in words, and the shipped examples copied out."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from model.output.io import write_file, write_folder
from model.output.safe_text import comment_header
from model.output.scenario_workbook import scenario_tree_to_yaml_text, write_scenario_workbook
from model.scenario.template import ToEnter

#: The first line of a scenario ``yanglao init`` wrote.
WRITTEN_BY = "Written by `yanglao init`"

#: The shipped examples, by name: the files of ``model.examples`` (scenarios/ in a checkout).
EXAMPLES = {
    "qitai": ("qitai-2021.yaml", "variants/", "outturns/qitai-2021.yaml", "README.md"),
    # a single-fund example from yearbook totals (亿元, 万人), pooled at the province
    "fujian": ("fujian-civil-service-2020.yaml", "outturns/fujian-civil-service-2021.yaml"),
}


def checklist_text(items: list[ToEnter], lang: str = "zh") -> str:
    """The figures left to enter, required first, each with where it usually comes from."""
    zh = lang == "zh"
    lines = ["待填写的数据（必填在前）：" if zh else "Left to enter (required first):"]
    for x in items:
        mark = ("必填" if zh else "required") if x.required else ("可选" if zh else "optional")
        lines.append(f"  [{mark}] {x.field} ({x.unit}): {x.what}")
        lines.append(f"        {'来源' if zh else 'from'}: {x.where}")
    if zh:
        lines.append("填写后运行 yanglao validate 检查；未填写的数字按文件行号逐一列出。")
    else:
        lines.append(
            "Then run yanglao validate: every figure not yet entered is named with its line."
        )
    return "\n".join(lines)


def write_new_scenario(
    tree: dict[str, Any], items: list[ToEnter], path: str | Path, force: bool = False
) -> Path:
    """Write a new scenario at ``path``: a workbook for ``.xlsx``, else YAML whose header lists
    what is left to enter. An existing file is replaced only with ``force``: it may be a scenario
    someone has filled in."""
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        return write_scenario_workbook(tree, target, force=force)
    header = "\n".join(
        [
            f"{WRITTEN_BY} for {tree['meta']['county']['zh']} ({tree['meta']['county']['en']}), "
            f"base year {tree['meta']['base_year']}.",
            "Every assumption is filled from the national defaults and the province's shipped",
            "data,",
            "each with its source; the region's own figures are marked TO ENTER: enter each value",
            "and replace its source with the sentence or table it comes from.",
            "",
            checklist_text(items, "en"),
        ]
    )
    text = comment_header(header) + scenario_tree_to_yaml_text(tree)

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    return write_file(target, write, may_replace=None if force else _never)


def _never(path: Path) -> bool:
    return False


def write_example(name: str, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Copy the shipped example ``name`` (its scenario, variants and outturn) into the folder
    ``out_dir``, all or nothing."""
    if name not in EXAMPLES:
        from model.errors import YanglaoError

        raise YanglaoError(f"--example: expected one of {', '.join(EXAMPLES)}, got {name!r}")
    root = resources.files("model.examples")
    files: dict[str, Any] = {}
    for entry in EXAMPLES[name]:
        node = root.joinpath(*entry.rstrip("/").split("/"))
        members = (
            [(f"{entry}{c.name}", c) for c in node.iterdir() if c.name.endswith(".yaml")]
            if entry.endswith("/")
            else [(entry, node)]
        )
        for rel, member in members:
            files[rel] = _copier(member.read_bytes())
    return write_folder(out_dir, files, force=force)


def _copier(data: bytes):
    def write(p: Path) -> None:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    return write
