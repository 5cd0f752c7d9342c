"""Safe writing: a run's output folder is replaced whole or not at all, never mixed with an
earlier run's files, never left half-written by a failure or a signal, with permissions from the
umask; text from scenario and outturn files never becomes a formula in a CSV or workbook."""

from __future__ import annotations

import csv
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from model.output import io as model_io
from model.errors import OutputError
from model.output.io import MANIFEST, write_file, write_folder
from model.output.safe_text import safe_cell, safe_cell_text, safe_markdown_text
from tests.conftest import QITAI, ROOT

OUTTURN = ROOT / "scenarios" / "outturns" / "qitai-2021.yaml"
runner = CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` (recursively) with its bytes, and every sub-folder."""
    out = {}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = p.read_bytes() if p.is_file() else b"<dir>"
    return out


def leftovers(folder: Path) -> list[str]:
    """Temporary folders or files of a write to ``folder`` left beside it."""
    return [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")]


def project(*args: str):
    return runner.invoke(app, ["project", str(QITAI), *args])


# -- the reproducer and the rule for existing folders ---------------------------------


def test_a_failed_json_run_leaves_the_earlier_folder_as_it_was(tmp_path):
    out = tmp_path / "X"
    assert project("--out", str(out)).exit_code == 0
    (out / "projection.json").mkdir()  # something in the way of the next run
    before = snapshot(out)
    result = project("--out", str(out), "--format", "json")
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "projection.json" in result.stderr
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_writer_failing_half_way_changes_nothing(tmp_path, monkeypatch):
    out = tmp_path / "X"
    assert project("--out", str(out), "--format", "xlsx").exit_code == 0
    before = snapshot(out)

    def broken(result, path, batch=0, **_settings):
        path.write_bytes(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model_io, "write_projection_workbook", broken)
    result = project("--out", str(out), "--format", "xlsx", "--years", "5")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{out}: cannot write projection.xlsx: No space left on device" in result.stderr
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_files_of_an_earlier_run_never_stay_beside_new_ones(tmp_path):
    out = tmp_path / "X"
    assert project("--out", str(out), "--format", "xlsx").exit_code == 0
    assert project("--out", str(out), "--years", "5").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "projection.csv"]
    rows = list(csv.DictReader(open(out / "projection.csv", encoding="utf-8-sig")))
    assert max(int(r["year"]) for r in rows) == 2026
    assert leftovers(out) == []


def test_a_folder_yanglao_did_not_write_is_refused_and_force_replaces_it_whole(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "sub").mkdir()
    before = snapshot(out)
    for command in (["project", str(QITAI)], ["evaluate", str(QITAI), str(OUTTURN)],
                    ["valuation", str(QITAI)]):
        result = runner.invoke(app, [*command, "--out", str(out)])
        assert result.exit_code == 2, command
        assert "notes.txt" in result.stderr and "--force" in result.stderr
        assert "whole folder" in result.stderr and "Traceback" not in result.output
    assert snapshot(out) == before
    forced = project("--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "projection.csv"]
    assert leftovers(out) == []


def test_a_run_folder_with_a_file_added_is_no_longer_replaced(tmp_path):
    out = tmp_path / "X"
    assert project("--out", str(out)).exit_code == 0
    (out / "my notes.md").write_text("keep", encoding="utf-8")
    before = snapshot(out)
    result = project("--out", str(out))
    assert result.exit_code == 2 and "my notes.md" in result.stderr
    assert snapshot(out) == before


def test_an_empty_existing_folder_is_used(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert project("--out", str(out)).exit_code == 0
    assert (out / "projection.csv").exists()


@pytest.mark.parametrize("make, out_name, words", [
    (lambda d: (d / "afile").write_text("x"), "afile", "exists and is not a folder"),
    (lambda d: (d / "afile").write_text("x"), "afile/sub", "cannot create a temporary folder"),
    (lambda d: (d / "afile").write_text("x"), "afile/a/b", "cannot create the folder"),
])
def test_output_that_cannot_be_written_exits_2_naming_the_path(tmp_path, make, out_name, words):
    make(tmp_path)
    out = tmp_path / out_name
    result = project("--out", str(out))
    assert result.exit_code == 2, result.output
    assert str(out) in result.stderr and words in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_parent_exits_2(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = project("--out", str(parent / "X"))
        assert result.exit_code == 2 and str(parent / "X") in result.stderr
    finally:
        parent.chmod(0o755)


def test_missing_parents_are_created_and_removed_again_on_failure(tmp_path):
    out = tmp_path / "a" / "b" / "X"
    with pytest.raises(OutputError, match="cannot write f.txt"):
        write_folder(out, {"f.txt": lambda p: (_ for _ in ()).throw(OSError(5, "I/O error"))})
    assert list(tmp_path.iterdir()) == []
    write_folder(out, {"f.txt": lambda p: p.write_text("ok")})
    assert (out / "f.txt").read_text() == "ok"


def test_rebase_replaces_only_its_own_file(tmp_path):
    target = tmp_path / "new.yaml"
    target.write_text("schema_version: 1\n# someone's scenario\n", encoding="utf-8")
    result = runner.invoke(app, ["rebase", str(QITAI), str(OUTTURN), "--out", str(target)])
    assert result.exit_code == 2 and "--force" in result.stderr and str(target) in result.stderr
    assert target.read_text(encoding="utf-8").startswith("schema_version: 1\n# someone's")
    folder = runner.invoke(app, ["rebase", str(QITAI), str(OUTTURN), "--out", str(tmp_path)])
    assert folder.exit_code == 2 and "is a folder" in folder.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.yaml"]


def test_a_single_file_written_replaces_the_old_one_whole(tmp_path):
    target = tmp_path / "f.txt"
    write_file(target, lambda p: p.write_text("one"))
    with pytest.raises(OutputError, match="cannot write"):
        write_file(target, lambda p: (p.write_text("tw"), (_ for _ in ()).throw(OSError(5, "bad"))))
    assert target.read_text() == "one"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]
    with pytest.raises(OutputError, match="not written by yanglao"):
        write_file(target, lambda p: p.write_text("two"), may_replace=lambda p: False)
    write_file(target, lambda p: p.write_text("two"))
    assert target.read_text() == "two"


# -- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("umask, folder_mode, file_mode", [(0o022, 0o755, 0o644),
                                                           (0o077, 0o700, 0o600),
                                                           (0o002, 0o775, 0o664)])
def test_permissions_follow_the_umask(tmp_path, umask, folder_mode, file_mode):
    old = os.umask(umask)
    try:
        out = tmp_path / "X"
        write_folder(out, {"a.csv": lambda p: p.write_text("a"), "b.bin": lambda p: p.write_bytes(b"b")})
        replaced = write_folder(out, {"c.csv": lambda p: p.write_text("c")})  # replacing keeps the rule
        single = write_file(tmp_path / "new.yaml", lambda p: p.write_text("x: 1\n"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == folder_mode
    assert replaced == [out / "c.csv"]
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == file_mode, p.name
    assert stat.S_IMODE(single.stat().st_mode) == file_mode


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)])
def test_rebase_output_follows_the_umask_and_replaces_its_own_file(tmp_path, qitai, qitai_projection,
                                                                    umask, mode):
    from model.output.scenario_file import write_rebased
    from tests.analysis.test_rebase import outturn_from

    outturn = outturn_from(qitai_projection, 1)
    path = tmp_path / "new.yaml"
    old = os.umask(umask)
    try:
        write_rebased(qitai, outturn, path, str(QITAI), "outturn-2022.yaml")
        first = path.read_text(encoding="utf-8")
        write_rebased(qitai, outturn, path, str(QITAI), "outturn-2022b.yaml")  # its own: replaced
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert "outturn-2022b.yaml" in path.read_text(encoding="utf-8") != first
    assert [p.name for p in tmp_path.iterdir()] == ["new.yaml"]


# -- interruption ------------------------------------------------------------------------------


@pytest.fixture
def sigterm_recorded():
    """A SIGTERM handler that records instead of ending pytest."""
    got: list[int] = []
    old = signal.signal(signal.SIGTERM, lambda s, f: got.append(s))
    yield got
    signal.signal(signal.SIGTERM, old)


def test_sigterm_while_writing_removes_the_temporary_folder(tmp_path, sigterm_recorded):
    out = tmp_path / "X"
    write_folder(out, {"old.txt": lambda p: p.write_text("old")})
    before = snapshot(out)

    def killed(p: Path) -> None:
        p.write_text("partial")
        os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(OutputError, match="interrupted by SIGTERM; nothing was changed"):
        write_folder(out, {"a.txt": lambda p: p.write_text("a"), "b.txt": killed,
                           "c.txt": lambda p: p.write_text("c")})
    assert sigterm_recorded == [signal.SIGTERM]  # passed on to the handler in place before
    assert snapshot(out) == before and leftovers(out) == []
    assert signal.getsignal(signal.SIGTERM) is not model_io._on_signal


def test_sigint_while_writing_is_a_keyboard_interrupt_after_cleaning_up(tmp_path):
    out = tmp_path / "X"
    write_folder(out, {"old.txt": lambda p: p.write_text("old")})
    before = snapshot(out)

    def interrupted(p: Path) -> None:
        p.write_text("partial")
        os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        write_folder(out, {"a.txt": interrupted, "b.txt": lambda p: p.write_text("b")})
    assert snapshot(out) == before and leftovers(out) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_signal_during_the_swap_waits_until_the_folder_is_whole(tmp_path, sigterm_recorded,
                                                                  monkeypatch):
    out = tmp_path / "X"
    write_folder(out, {"old.txt": lambda p: p.write_text("old")})
    real_rename = os.rename

    def rename(src, dst):
        if Path(src) == out:  # the earlier folder is moved aside: the worst moment for a signal
            os.kill(os.getpid(), signal.SIGTERM)
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    written = write_folder(out, {"new.txt": lambda p: p.write_text("new")})
    assert written == [out / "new.txt"] and sigterm_recorded == [signal.SIGTERM]
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "new.txt"]
    assert leftovers(out) == []


SLOW_WRITER = textwrap.dedent("""
    import signal, sys, time
    from pathlib import Path
    from model.output.io import write_folder

    # Ctrl-C as in a terminal, even when the tests run where SIGINT is ignored (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    out, tag = Path(sys.argv[1]), sys.argv[2]

    def slow(i):
        def write(path):
            with open(path, "w") as fh:
                fh.write(f"{tag} {i}\\n" * 2000)
            time.sleep(0.02)
        return write

    print("ready", flush=True)
    try:
        write_folder(out, {f"f{i:02}.txt": slow(i) for i in range(20)})
    except KeyboardInterrupt:
        sys.exit(130)
""")


def expected(tag: str) -> dict[str, bytes]:
    files = {f"f{i:02}.txt": (f"{tag} {i}\n" * 2000).encode() for i in range(20)}
    names = ",\n".join(f'  "{n}"' for n in files)
    return {MANIFEST: ('{\n "written_by": "yanglao",\n "files": [\n' + names + "\n ]\n}\n").encode(),
            **files}


def test_interrupted_writes_in_a_real_process_leave_the_folder_whole(tmp_path):
    """SIGTERM and SIGINT at ten points of a 20-file write (about 0.4 s): each time the folder
    is the earlier run exactly or the new run whole, and no temporary folder is left."""
    script = tmp_path / "slow_writer.py"
    script.write_text(SLOW_WRITER, encoding="utf-8")
    out = tmp_path / "X"
    subprocess.run([sys.executable, str(script), str(out), "first"], cwd=ROOT, check=True,
                   capture_output=True, timeout=60)
    assert snapshot(out) == expected("first")
    outcomes = []
    for trial, delay in enumerate((0.0, 0.02, 0.05, 0.09, 0.14, 0.2, 0.26, 0.33, 0.4, 0.6)):
        sig = signal.SIGTERM if trial % 2 == 0 else signal.SIGINT
        before = snapshot(out)
        tag = f"trial{trial}"
        proc = subprocess.Popen([sys.executable, str(script), str(out), tag], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "ready"
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(sig)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stderr = proc.stderr.read()
        assert proc.returncode in (0, -signal.SIGTERM, 130), (trial, proc.returncode, stderr)
        assert "Traceback" not in stderr, stderr
        assert leftovers(out) == [], (trial, leftovers(out))
        now = snapshot(out)
        assert now in (before, expected(tag)), trial
        outcomes.append("unchanged" if now == before else "new")
    assert len(outcomes) == 10


# -- formula injection -------------------------------------------------------------------------


PAYLOADS = ('=HYPERLINK("http://x")', "+1", "@SUM(1)", "-2+3")


def test_safe_cell_text_rules():
    for p in PAYLOADS:
        assert safe_cell_text(p) == "'" + p
    assert safe_cell_text("\tx") == "'\tx" and safe_cell_text("\r=1") == "'\r=1"
    assert safe_cell_text("a\x07b\x1fc") == "a\ufffdb\ufffdc"
    assert safe_cell_text("a\nb\tc") == "a\nb\tc"  # line breaks and tabs inside a cell are fine
    assert safe_cell_text("报告 二(一): 1=1") == "报告 二(一): 1=1"
    assert safe_cell(-2.5) == -2.5 and safe_cell(0) == 0 and safe_cell(None) is None
    assert safe_markdown_text("a\nb") == "a b"
    assert safe_markdown_text("<script>") == "&lt;script&gt;"


def _poison_scenario(tmp_path: Path) -> Path:
    text = QITAI.read_text(encoding="utf-8")
    text = text.replace(
        "title: {zh: 奇台县两项基本养老保险基金 2021年基期预测, en: Qitai County pension funds from the 2021 base year}",
        'title: {zh: "=HYPERLINK(\\"http://x\\")\\a标题", en: "+1 title\\a"}', 1)
    text = text.replace("county: {zh: 奇台县, en: Qitai County}",
                        'county: {zh: "@SUM(1)\\a县", en: "-2+3 county"}', 1)
    text = text.replace("id: qitai-2021", "id: poisoned", 1)
    path = tmp_path / "poisoned.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _poison_outturn(tmp_path: Path) -> Path:
    text = OUTTURN.read_text(encoding="utf-8")
    text = text.replace("county: {zh: 奇台县, en: Qitai County}",
                        'county: {zh: "=HYPERLINK(\\"http://x\\")\\a县", en: "+1"}', 1)
    text = text.replace("report: 奇台县2021年度社会保险基金绩效自评报告", 'report: "-2+3\\a报告"', 1)
    text = text.replace('source: "一(一): 两项基金收入合计37857.27万元"',
                        'source: "@SUM(1): 两项基金收入合计\\a37857.27万元"', 1)
    path = tmp_path / "outturn.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _check_workbook(path: Path) -> int:
    """No formula and no control character in any cell; return the cells with a payload."""
    from openpyxl import load_workbook

    hits = 0
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert "\x07" not in cell.value
                    if any(cell.value.lstrip("'").startswith(p) for p in PAYLOADS):
                        assert cell.value.startswith("'"), (ws.title, cell.coordinate, cell.value)
                        hits += 1
    return hits


def _check_csv(path: Path) -> int:
    hits = 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            for value in row:
                assert "\x07" not in value
                if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    float(value)  # only numbers may begin so (negative numbers stay numbers)
                hits += value.startswith("'")
    return hits


def test_titles_and_sources_never_become_formulas(tmp_path):
    scenario, outturn = _poison_scenario(tmp_path), _poison_outturn(tmp_path)
    cmp = tmp_path / "cmp"
    result = runner.invoke(app, ["compare", str(QITAI), str(scenario), "--out", str(cmp)])
    assert result.exit_code == 0, result.output
    assert _check_workbook(cmp / "compare.xlsx") >= 1
    for name in ("compare.csv", "compare_paths.csv"):
        _check_csv(cmp / name)

    ev = tmp_path / "ev"
    result = runner.invoke(app, ["evaluate", str(scenario), str(outturn), "--out", str(ev)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert _check_workbook(ev / "self_evaluation.xlsx") >= 3  # the titles and the source
    assert _check_csv(ev / "evaluation.csv") >= 1  # the source
    draft = (ev / "draft.md").read_text(encoding="utf-8")
    assert "\x07" not in draft
    assert "'=HYPERLINK" in draft and draft.count("=HYPERLINK") == draft.count("'=HYPERLINK")
    assert "'-2+3" in draft

    pr = tmp_path / "pr"
    result = runner.invoke(app, ["project", str(scenario), "--out", str(pr), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    _check_workbook(pr / "projection.xlsx")
    rows = list(csv.DictReader(open(pr / "projection.csv", encoding="utf-8-sig")))
    assert any(float(r["balance"]) < 0 for r in rows)  # negative numbers are still numbers


def test_negative_numbers_stay_numbers_in_workbooks(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "v"
    assert runner.invoke(app, ["valuation", str(QITAI), "--out", str(out)]).exit_code == 0
    wb = load_workbook(out / "valuation.xlsx")
    numbers = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
               if isinstance(c.value, (int, float))]
    assert any(v < 0 for v in numbers)
