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
