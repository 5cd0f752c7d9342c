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
