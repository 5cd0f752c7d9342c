"""Every output column has a bilingual label and a unit."""

from model.output.labels import CSV_COLUMNS, LABELS, label, zh_frame


def test_every_output_column_is_labelled(qitai_projection):
    row = qitai_projection.rows()[0]
    assert set(row) == set(CSV_COLUMNS)
    for c in CSV_COLUMNS:
        assert LABELS[c]["zh"] and LABELS[c]["en"], c
        assert "unit" in LABELS[c]
    assert label("reserve_end", "zh") == "年末滚存结余 (万元)"


def test_chinese_frame(qitai_projection):
    frame = zh_frame(qitai_projection.to_frame())
    assert "年末滚存结余" in frame.columns
    assert frame.shape[0] == 2 * qitai_projection.years.size


def test_every_shock_and_lever_has_words():
    from model.analysis.sensitivity import LEVERS, SHOCKS
    from model.output.sensitivity_tables import LEVER_NAMES, SHOCK_NAMES

    assert {s.name for s in SHOCKS} == set(SHOCK_NAMES)
    assert {lv.name for lv in LEVERS} == set(LEVER_NAMES)
    for words in (*SHOCK_NAMES.values(), *LEVER_NAMES.values()):
        assert words["zh"] and words["en"]


def test_every_valuation_line_has_words():
    from model.analysis.valuation import OPEN_LINES
    from model.output.valuation_tables import LINE_WORDS

    assert [name for name, _ in OPEN_LINES] == list(LINE_WORDS)
    assert all(w["zh"] and w["en"] for w in LINE_WORDS.values())


def test_every_budget_line_and_target_has_words(qitai):
    from model.analysis.budget import LINES, make_budget
    from model.output.budget_tables import LINE_WORDS, TARGET_WORDS

    assert [key for key, _ in LINES] == list(LINE_WORDS)
    budget = make_budget(qitai, 2022, paths=50, seed=0)
    assert {t["indicator"] for t in budget.targets} == set(TARGET_WORDS)
