"""A scenario file is parsed once per content: the cache of model/scenario/load.py is keyed by the
file's sha256, follows every change of the file and of the files it extends, and leaves every
error as it is on a first read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model.errors import ScenarioError
from model.scenario import load
from model.scenario.load import load_scenario, read_yaml
from tests.conftest import QITAI

META = "meta:\n  id: cached-variant\n  title: {zh: 测试, en: test}\n"


@pytest.fixture(autouse=True)
def _empty_cache():
    load.clear_cache()
    yield
    load.clear_cache()


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files read by :func:`read_yaml`'s parser (their structure walked before the fast
    parser runs), in order; the line map a variant's overrides need is built apart."""
    seen: list[str] = []
    walk = load.check_structure

    def counted(text: str, name: str, *, pure: bool) -> None:
        if not pure:
            seen.append(Path(name).name)
        walk(text, name, pure=pure)

    monkeypatch.setattr(load, "check_structure", counted)
    return seen


def _copy(tmp_path: Path) -> Path:
    base = tmp_path / QITAI.name
    shutil.copyfile(QITAI, base)
    return base


def _variant(tmp_path: Path, name: str, body: str = "") -> Path:
    path = tmp_path / name
    path.write_text(f"extends: {QITAI.name}\n" + META + body, encoding="utf-8")
    return path


def test_the_same_file_is_parsed_and_validated_once(tmp_path, parses):
    path = _copy(tmp_path)
    first = load_scenario(path)
    again = load_scenario(path)
    assert again is first
    assert parses == [QITAI.name]


def test_a_cached_scenario_equals_a_fresh_load(tmp_path):
    path = _copy(tmp_path)
    cached = load_scenario(path)
    load_scenario(path)
    load.clear_cache()
    fresh = load_scenario(path)
    assert fresh is not cached
    assert fresh.model_dump() == cached.model_dump()
    assert fresh._source == cached._source == str(path)


def test_a_changed_file_is_read_again(tmp_path, parses):
    path = _copy(tmp_path)
    before = load_scenario(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(f"horizon: {before.meta.horizon}", "horizon: 2040", 1), encoding="utf-8"
    )
    after = load_scenario(path)
    assert after.meta.horizon == 2040 != before.meta.horizon
    assert parses == [QITAI.name, QITAI.name]
    path.write_text(text, encoding="utf-8")  # the first content again: still known
    assert load_scenario(path) is before
    assert len(parses) == 2


def test_variants_sharing_a_base_parse_it_once(tmp_path, parses):
    _copy(tmp_path)
    one = load_scenario(_variant(tmp_path, "one.yaml"))
    two = load_scenario(
        _variant(
            tmp_path,
            "two.yaml",
            "policy:\n  civil_service:\n    indexation: {value: 0.02, source: x y z}\n",
        )
    )
    assert parses.count(QITAI.name) == 1
    assert parses.count("one.yaml") == parses.count("two.yaml") == 1
    assert one.meta.id == two.meta.id == "cached-variant"
    assert load_scenario(tmp_path / "one.yaml") is one


def test_variants_sharing_a_base_validate_it_once(tmp_path, monkeypatch):
    _copy(tmp_path)
    validated: list[str] = []
    validate = load.validate_data

    def counted(data, lines, name):
        validated.append(Path(name).name)
        return validate(data, lines, name)

    monkeypatch.setattr(load, "validate_data", counted)
    for name in ("one.yaml", "two.yaml", "three.yaml"):
        load_scenario(_variant(tmp_path, name))
    assert validated.count(QITAI.name) == 1
    assert [n for n in validated if n != QITAI.name] == ["one.yaml", "two.yaml", "three.yaml"]


def test_a_valid_variant_needs_no_line_map(tmp_path, monkeypatch):
    # the line-aware parser is several times slower; only an error asks for lines
    _copy(tmp_path)
    line_parses: list[str] = []
    parse = load._parse_with_lines

    def counted(text, name):
        line_parses.append(Path(name).name)
        return parse(text, name)

    monkeypatch.setattr(load, "_parse_with_lines", counted)
    load_scenario(_variant(tmp_path, "one.yaml"))
    assert line_parses == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: ../outside.yaml\n" + META, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    assert err.value.problems[0].line == 1
    assert line_parses == ["bad.yaml"]


def test_a_changed_base_changes_its_variants(tmp_path):
    base = _copy(tmp_path)
    path = _variant(tmp_path, "one.yaml")
    before = load_scenario(path)
    text = base.read_text(encoding="utf-8")
    base.write_text(
        text.replace(f"horizon: {before.meta.horizon}", "horizon: 2040", 1), encoding="utf-8"
    )
    after = load_scenario(path)
    assert after is not before and after.meta.horizon == 2040


def test_errors_are_the_same_on_every_read(tmp_path):
    path = _copy(tmp_path)
    good = path.read_text(encoding="utf-8")
    bad = good.replace("horizon:", "horizon: 1999\n  horizonn:", 1)
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioError) as first:
        load_scenario(path)
    path.write_text(good, encoding="utf-8")
    load_scenario(path)
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioError) as second:
        load_scenario(path)
    assert str(second.value) == str(first.value)
    assert second.value.problems == first.value.problems
    assert any(p.line is not None for p in first.value.problems)
    # an unreadable file is reported as on a first read, not served from the cache
    path.unlink()
    with pytest.raises(ScenarioError, match=path.name):
        load_scenario(path)


def test_parsed_data_handed_out_is_a_copy(tmp_path):
    path = _copy(tmp_path)
    data, _ = read_yaml(path)
    data["meta"]["horizon"] = 1
    again, _ = read_yaml(path)
    assert again["meta"]["horizon"] != 1


def test_the_cache_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "CACHE_ENTRIES", 2)
    for i in range(4):
        path = tmp_path / f"f{i}.yaml"
        path.write_text(f"a: {i}\n", encoding="utf-8")
        read_yaml(path)
    assert len(load._PARSED) == 2
