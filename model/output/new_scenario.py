"""What ``yanglao init`` writes: a new region's scenario (YAML with a header that lists what is
left to enter, or a workbook), its checklist in words, and the shipped examples copied out."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from model.output.io import write_file, write_folder
from model.output.safe_text import comment_header
from model.output.scenario_workbook import scenario_tree_to_yaml_text, write_scenario_workbook
from model.scenario.template import TO_ENTER, ToEnter

#: The first line of a scenario ``yanglao init`` wrote.
WRITTEN_BY = "Written by `yanglao init`"

#: The shipped examples, by name: the files of ``model.examples`` (scenarios/ in a checkout).
EXAMPLES = {
    "qitai": ("qitai-2021.yaml", "variants/", "outturns/qitai-2021.yaml", "README.md"),
    # a single-fund example from yearbook totals (亿元, 万人), pooled at the province
    "fujian": ("fujian-civil-service-2020.yaml", "outturns/fujian-civil-service-2021.yaml"),
}


#: What each figure to enter is and where it usually comes from, by its key, in zh and en.
_REPORT = {
    "zh": "绩效自评报告或社会保险基金决算表",
    "en": "the 绩效自评报告 or the 社会保险基金决算表",
}
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "contributors": {
        "zh": ("年末在职缴费人数（或年平均数 contributors_average）", _REPORT["zh"]),
        "en": ("contributors at the year end (or contributors_average)", _REPORT["en"]),
    },
    "beneficiaries": {
        "zh": ("年末领取待遇人数（或年平均数 beneficiaries_average）", _REPORT["zh"]),
        "en": ("beneficiaries at the year end (or beneficiaries_average)", _REPORT["en"]),
    },
    "total_income": {
        "zh": (
            "基金收入合计（或按级次的财政补贴 subsidy_by_level）",
            f"{_REPORT['zh']}；统计年鉴以亿元列示，可按亿元填写",
        ),
        "en": (
            "total income (or the subsidy by level: subsidy_by_level)",
            f"{_REPORT['en']}; a yearbook gives it in 亿元, which may be entered",
        ),
    },
    "total_expenditure": {
        "zh": ("基金支出合计", _REPORT["zh"]),
        "en": ("total expenditure", _REPORT["en"]),
    },
    "reserve_end": {
        "zh": ("年末滚存结余（或上年结余 reserve_start 与收支合计）", _REPORT["zh"]),
        "en": ("the year-end reserve (or reserve_start with the totals)", _REPORT["en"]),
    },
    "contribution_income": {
        "zh": ("基本养老保险费收入", _REPORT["zh"]),
        "en": ("contribution income", _REPORT["en"]),
    },
    "subsidy_income": {
        "zh": ("财政补贴收入", _REPORT["zh"]),
        "en": ("subsidy income", _REPORT["en"]),
    },
    "interest_income": {
        "zh": ("利息收入", _REPORT["zh"]),
        "en": ("interest income", _REPORT["en"]),
    },
    "benefit_expenditure": {
        "zh": ("养老保险待遇支出", _REPORT["zh"]),
        "en": ("benefit expenditure", _REPORT["en"]),
    },
    "expenditure_budget": {
        "zh": ("年初支出预算（用于预算执行率）", "社会保险基金预算表"),
        "en": ("the expenditure budget (for budget execution)", "the 社会保险基金预算表"),
    },
    "total_persons": {
        "zh": ("年末常住人口", "国民经济和社会发展统计公报"),
        "en": ("the resident population at the year end", "the 国民经济和社会发展统计公报"),
    },
    "age_structure": {
        "zh": (
            "分年龄人口（按年龄组的权数）；本省的普查年龄结构未随程序提供",
            "第七次人口普查公报或统计年鉴",
        ),
        "en": (
            "the population by age group (weights); the province's census age "
            "structure is not shipped",
            "the 7th census bulletin or a yearbook",
        ),
    },
}


def checklist_text(items: list[ToEnter], lang: str = "zh") -> str:
    """The figures left to enter, required first, each with where it usually comes from."""
    zh = lang == "zh"
    lines = ["待填写的数据（必填在前）：" if zh else "Left to enter (required first):"]
    for x in items:
        mark = ("必填" if zh else "required") if x.required else ("可选" if zh else "optional")
        what, where = WORDS[x.key][lang]
        lines.append(
            f"  [{mark}] {x.field}（{x.unit}）：{what}"
            if zh
            else f"  [{mark}] {x.field} ({x.unit}): {what}"
        )
        lines.append(f"        来源：{where}" if zh else f"        from: {where}")
    if zh:
        lines.append("填写后运行 yanglao validate 检查；未填写的数字按文件行号逐一列出。")
    else:
        lines.append(
            "Then run yanglao validate: every figure not yet entered is named with its line."
        )
    return "\n".join(lines)


def _described(tree: dict[str, Any], items: list[ToEnter], lang: str) -> dict[str, Any]:
    """The tree with each figure left to enter saying what it is and where it comes from."""
    import copy

    tree = copy.deepcopy(tree)
    for x in items:
        node: Any = tree
        for part in x.field.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and node.get("source") == TO_ENTER:
            what, where = WORDS[x.key][lang]
            node["source"] = (
                f"{TO_ENTER}：{what}；来源：{where}"
                if lang == "zh"
                else f"{TO_ENTER}: {what}; from {where}"
            )
    return tree


def write_new_scenario(
    tree: dict[str, Any],
    items: list[ToEnter],
    path: str | Path,
    force: bool = False,
    lang: str = "zh",
) -> Path:
    """Write a new scenario at ``path``: a workbook for ``.xlsx``, else YAML whose header lists
    what is left to enter, in ``lang``. An existing file is replaced only with ``force``: it may
    be a scenario someone has filled in."""
    target = Path(path)
    tree = _described(tree, items, lang)
    if target.suffix.lower() == ".xlsx":
        return write_scenario_workbook(tree, target, force=force)
    county = tree["meta"]["county"]
    year = tree["meta"]["base_year"]
    if lang == "zh":
        intro = [
            f"{WRITTEN_BY}：{county['zh']}，基年{year}年。",
            "各项假设已按全国默认值和本省随程序提供的数据填好，均注明来源；本地区自己的",
            "数字标为 TO ENTER：请填入数值，并把来源改为所依据的报告语句或报表。",
        ]
    else:
        intro = [
            f"{WRITTEN_BY} for {county['zh']} ({county['en']}), base year {year}.",
            "Every assumption is filled from the national defaults and the province's shipped",
            "data, each with its source; the region's own figures are marked TO ENTER: enter",
            "each value and replace its source with the sentence or table it comes from.",
        ]
    header = "\n".join([*intro, "", checklist_text(items, lang)])
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
