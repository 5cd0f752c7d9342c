"""A scenario as a workbook to fill in (the format of :mod:`model.scenario.workbook`), and a
scenario tree as YAML text.

:func:`write_scenario_workbook` writes the sheets 说明 (how to fill the workbook in), 基期数据,
假设 and 政策, one row a figure, with Chinese headers, column widths and the header row frozen,
all or nothing (:func:`model.output.io.write_file`). ``yanglao project`` reads the workbook as
it reads the YAML file; reading it gives the tree it was written from, and
:func:`scenario_tree_to_yaml_text` writes that tree as YAML that reads back the same, so
xlsx → YAML → xlsx changes no cell.

Text cells hold the text exactly: a text that a spreadsheet would take for a formula (``=…``,
``+…``, ``-…``, ``@…``) is stored as text and marked to be shown as typed (Excel's leading
apostrophe, ``quotePrefix``), so it is never evaluated and reads back unchanged; a control
character a workbook cannot hold becomes U+FFFD.
"""

from __future__ import annotations

import io
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from model.errors import OutputError
from model.output.io import write_file
from model.output.safe_text import FORMULA_LEADS
from model.scenario.schema import Unit
from model.scenario.workbook import (
    COLUMNS,
    INTRO_SHEET,
    SECTIONS,
    Row,
    sheet_rows,
)

#: Column widths (in characters) of 字段, 名称, 数值, 单位, 来源, 说明.
WIDTHS = dict(zip(COLUMNS, (44, 26, 36, 8, 70, 40), strict=True))

#: Chinese words for the keys of a scenario, joined to name a row (informative only).
KEY_WORDS = {
    "schema_version": "格式版本",
    "meta": "基本信息",
    "id": "编号",
    "county": "地区",
    "title": "标题",
    "zh": "中文",
    "en": "英文",
    "base_year": "基期年度",
    "horizon": "预测末年",
    "report": "基期数据出处",
    "extends": "所依据的情景文件",
    "combined": "两项基金合计",
    "civil_service": "机关事业",
    "residents": "城乡居民",
    "contributors": "在职缴费人数",
    "beneficiaries": "领取待遇人数",
    "dependency_ratio": "抚养比",
    "contribution_income": "保险费收入",
    "interest_income": "利息收入",
    "subsidy_income": "财政补助收入",
    "other_income": "其他收入",
    "total_income": "总收入",
    "income_increase": "收入增加额",
    "income_growth": "收入增幅",
    "income_budget": "收入预算",
    "income_budget_completion": "收入预算完成率",
    "subsidy_arrears": "未到位财政补助",
    "benefit_expenditure": "待遇支出",
    "other_expenditure": "其他支出",
    "total_expenditure": "总支出",
    "expenditure_increase": "支出增加额",
    "expenditure_growth": "支出增幅",
    "expenditure_budget": "支出预算",
    "expenditure_budget_pensions": "养老金支出预算",
    "expenditure_budget_funeral": "丧葬费支出预算",
    "expenditure_budget_completion": "支出预算完成率",
    "balance": "当年收支结余",
    "reserve_end": "年末滚存结余",
    "targets": "绩效目标",
    "achieved": "实际完成",
    "restated": "另处所列",
    "bound": "限定",
    "uprate": "此后按…增长",
    "increment_per_year": "此后每年增加",
    "economy": "经济",
    "wage_growth": "工资增长率",
    "price_inflation": "物价上涨率",
    "average_wage_region_yuan": "全区平均工资",
    "average_wage_region_history_yuan": "全区平均工资（历史）",
    "interest_rate_civil_service": "机关事业基金利率",
    "interest_rate_residents": "城乡居民基金利率",
    "account_crediting_rate": "个人账户记账利率",
    "pension_indexation_history": "历年养老金调整",
    "mortality": "死亡率",
    "improvement_rate": "死亡率改善",
    "population": "人口",
    "total_persons": "总人口",
    "age_structure": "年龄结构",
    "male_share": "男性比例",
    "total_fertility_rate": "总和生育率",
    "mean_age_at_birth": "平均生育年龄",
    "sex_ratio_at_birth": "出生性别比",
    "net_migration_rate": "净迁移率",
    "migration_age_profile": "迁移年龄分布",
    "contributor_groups": "在职人员构成",
    "retiree_groups": "退休人员构成",
    "contributor_age_profile": "在职人员年龄分布",
    "retiree_inflow_growth": "退休人数增长",
    "salary_scale": "工资年龄曲线",
    "entrant_groups": "新进人员构成",
    "entry_age_profile": "新进人员年龄分布",
    "exit_rate": "离职率",
    "service_start_age": "参加工作年龄",
    "tier_mix": "缴费档次分布",
    "account_pension_share": "个人账户养老金占比",
    "uptake_at_pension_age": "领取年龄参保率",
    "weights": "权重",
    "band_width": "年龄段宽度",
    "last_age": "最高年龄",
    "male": "男",
    "female": "女",
    "female_55": "女（55岁退休）",
    "female_50": "女（50岁退休）",
    "contribution_rate_employer": "单位缴费比例",
    "contribution_rate_individual": "个人缴费比例",
    "contribution_base_floor": "缴费基数下限",
    "contribution_base_cap": "缴费基数上限",
    "collection_rate": "征缴率",
    "retirement_age": "退休年龄",
    "retirement_reform": "渐进式延迟退休",
    "minimum_contribution_years": "最低缴费年限",
    "benefit": "待遇计发",
    "basic_accrual_rate": "基础养老金计发比例",
    "transitional_coefficient": "过渡系数",
    "transition": "过渡期",
    "indexation": "养老金调整",
    "funeral_grant_yuan": "丧葬补助金",
    "headcount": "编制人数",
    "subsidy": "财政补助",
    "rule": "规则",
    "reserve_months": "结余可支付月数",
    "basic_pension_central_monthly_yuan": "中央基础养老金最低标准",
    "contribution_subsidy": "缴费补贴",
    "pension_age": "领取年龄",
    "account_divisor_months": "个人账户计发月数",
    "funding": "资金分担",
    "source": "来源",
    "note": "说明",
    "unit": "单位",
    "value": "数值",
}

_UNITS = typing.get_args(Unit)

#: The 说明 sheet: how to fill the workbook in, one paragraph a row.
INSTRUCTIONS = (
    "养老保险基金精算预测情景数据表（Yanglao scenario workbook）",
    "",
    "本工作簿与 YAML 情景文件内容相同；yanglao project 文件名.xlsx 可直接读取。",
    "This workbook holds the same scenario as a YAML file; `yanglao project FILE.xlsx` reads it.",
    "",
    "工作表 Sheets",
    "  基期数据：base_year，报告所列基期数字；以及 schema_version、meta.…"
    "（编号、地区、标题、基期年度、预测末年）和 extends 各行。",
    "  假设：assumptions，经济、死亡率、人口等假设。",
    "  政策：policy，缴费、待遇、退休、财政补助等政策参数。",
    "  本页（说明）不被读取。This sheet is not read.",
    "",
    "各列 Columns",
    "  字段：英文键路径，以点分隔，如 civil_service.contributors；列表项写作 .0、.1；"
    "不要改动（读取时据此识别）。",
    "  名称：中文名称，仅供阅读，读取时忽略（可随意修改）。",
    "  数值：数字、true/false 或文字。按年变化的数值写作 {2021: 0.092, 2025: 0.05}"
    "（年份: 数值），年龄权重写作 {20: 0.5, 25: 1.0}。",
    "  单位：可用单位 " + "、".join(_UNITS) + "。金额单位为万元，另有说明者除外"
    "（字段以 _yuan 结尾者为元，_monthly_yuan 为元/人/月）。",
    "  来源：每个数字的出处（报告章节和原句、数据文件，或 judgment: 理由），至少3个字。",
    "  说明：备注，可空。",
    "",
    "填写规则 Rules",
    "  比例写小数：16% 写 0.16（单元格设为百分比格式显示 16% 亦可，读取为 0.16）。",
    "  有单位、来源或说明的一行是一个数字（value/unit/source/note）；其余属性（bound、uprate、"
    "restated.0 等）各占下一行。",
    "  以 { 或 [ 开头的文字按 YAML 行内格式读取；若文字本身以括号开头，请整体加英文双引号。",
    "  公式只读取其已保存的计算结果；没有计算结果的公式会报错"
    "（在 Excel 或 WPS 中打开并保存即可）。",
    "  空行和字段以 # 开头的行被跳过；其他工作表和其他列被忽略。",
    "  每个错误都会指出工作表、单元格和字段，例如：文件.xlsx, sheet 基期数据, cell C12: "
    "base_year.civil_service.contributors.value: …",
)


def scenario_tree(tree_or_scenario: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
    """The data tree of a scenario: a validated one's fields as stated (defaults left out, so
    the workbook holds what a person wrote), or a tree as the YAML reader gives it."""
    if isinstance(tree_or_scenario, BaseModel):
        return tree_or_scenario.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    return dict(tree_or_scenario)


def write_scenario_workbook(
    tree_or_scenario: Mapping[str, Any] | BaseModel, path: str | Path, *, force: bool = False
) -> Path:
    """Write the scenario (a tree or a validated ``Scenario``) to the workbook ``path``, all or
    nothing. An existing file is replaced only with ``force`` (a workbook someone filled in is
    never overwritten by mistake).

    Returns
    -------
    Path
        The file written, as named.

    Raises
    ------
    OutputError
        The file exists (without ``force``), cannot be written, or the tree has something a
        workbook cannot hold.
    """
    tree = scenario_tree(tree_or_scenario)
    try:
        rows = sheet_rows(tree)
    except ValueError as err:
        raise OutputError(f"{path}: cannot write the scenario as a workbook: {err}") from None
    target = Path(path)
    if not force and (target.exists() or target.is_symlink()) and not target.is_dir():
        raise OutputError(
            f"{path}: exists; it is left as it is (name a new file, or pass --force to replace it)"
        )
    return write_file(
        path, lambda tmp: _save(rows, tmp), may_replace=None if force else (lambda _p: False)
    )


def _save(rows: dict[str, list[Row]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    intro = book.active
    assert intro is not None
    intro.title = INTRO_SHEET
    for r, line in enumerate(INSTRUCTIONS, start=1):
        if line:
            _text(intro.cell(row=r, column=1), line)
    intro.column_dimensions["A"].width = 120
    intro["A1"].font = Font(bold=True, size=13)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in SECTIONS:
        ws = book.create_sheet(sheet)
        for c, header in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=1, column=c, value=header)
            cell.font = bold
            cell.fill = fill
            ws.column_dimensions[get_column_letter(c)].width = WIDTHS[header]
        ws.freeze_panes = "A2"
        for r, row in enumerate(rows[sheet], start=2):
            cells = (row.field, row_label(row), row.value, row.unit, row.source, row.note)
            for c, value in enumerate(cells, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(value, str):
                    _text(cell, value)
                else:
                    cell.value = value
    book.save(path)


def _text(cell: Any, text: str) -> None:
    """Put ``text`` in ``cell`` as text exactly (never a formula; U+FFFD for a character a
    workbook cannot hold), marked to show as typed if a spreadsheet would take it for one."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_LEADS):
        cell.quotePrefix = True


def row_label(row: Row) -> str:
    """The 名称 of a row: the Chinese words of its keys below the sheet's root (informative)."""
    path = row.path[1:] if row.path[:1] != (row.field.split(".")[0],) else row.path
    words: list[str] = []
    for part in path:
        if isinstance(part, int):
            words.append(str(part + 1) if words and words[-1] == KEY_WORDS["restated"] else "")
            continue
        word = KEY_WORDS.get(part)
        if word:
            words.append(word)
    return " · ".join(w for w in words if w)


def scenario_tree_to_yaml_text(tree: Mapping[str, Any] | BaseModel) -> str:
    """YAML text of a scenario tree (or a validated ``Scenario``) that reads back as the same
    tree: block mappings, and one line of flow text for each mapping keyed by years or ages."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 120
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(_styled(scenario_tree(tree)), buf)
    return buf.getvalue()


def _styled(node: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, Mapping):
        out = CommentedMap((k, _styled(v)) for k, v in node.items())
        if node and all(isinstance(k, int) and not isinstance(k, bool) for k in node):
            if not any(isinstance(v, Mapping | list) for v in node.values()):
                out.fa.set_flow_style()
        return out
    if isinstance(node, list):
        return CommentedSeq(_styled(v) for v in node)
    return node
