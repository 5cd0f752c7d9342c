"""Hostile input files: each is refused with one located message, exit status 2, nothing written,
no traceback, and never a word of a file's content in the message.

The hostile files are made in ``tmp_path``: an alias bomb, nesting 1,000 and 100,000 levels
deep, a named pipe, ``/dev/zero``, a file that is not UTF-8, one over the size limit, and
``extends:`` to an absolute path, up and out of the scenario folder, through a symbolic link, into
a symbolic link loop, and along chains of 10 and 11 files. Files outside the scenario folder
hold :data:`MARKER`: a message that quoted them would show it.

Every case is checked through :func:`model.scenario.load.load_scenario` (or
:func:`model.scenario.outturn.load_outturn`), and through the command line (``yanglao project --out`` and
``yanglao validate``, or ``yanglao evaluate --out`` for outturns).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from model.errors import ScenarioError
from model.scenario.outturn import load_outturn
from model.scenario.load import MAX_FILE_BYTES, MAX_NESTING, load_scenario, read_yaml
from model.scenario.variants import MAX_CHAIN
from tests.conftest import QITAI, ROOT

#: Planted in every file the tool must not read or quote.
MARKER = "MARKER-7f3a9c-do-not-echo"

META = "meta:\n  id: hostile\n  title: {zh: 变体, en: variant}\n"

OUTTURN = ROOT / "scenarios" / "outturns" / "qitai-2021.yaml"

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX files (FIFO, symlink)")


@dataclass
class Area:
    """A scenario folder tree in ``tmp_path``: ``area/scenarios/qitai-2021.yaml`` with a
    ``variants`` folder under it, and ``area/secret.yaml`` (holding the marker) outside it."""

    root: Path

    @property
    def scenarios(self) -> Path:
        return self.root / "scenarios"

    @property
    def variants(self) -> Path:
        return self.scenarios / "variants"

    @property
    def secret(self) -> Path:
        return self.root / "secret.yaml"

    def variant(self, name: str, extends: str, body: str = META) -> Path:
        path = self.variants / name
        path.write_text(f"extends: {extends}\n{body}", encoding="utf-8")
        return path


@pytest.fixture
def area(tmp_path: Path) -> Area:
    a = Area(tmp_path / "area")
    a.variants.mkdir(parents=True)
    shutil.copyfile(QITAI, a.scenarios / QITAI.name)
    # A valid scenario (so that reading it would succeed) with the marker in a key and a value.
    text = QITAI.read_text(encoding="utf-8")
    a.secret.write_text(f"# {MARKER}\n{text}\n{MARKER}: {MARKER}\n", encoding="utf-8")
    return a


def refused(path: Path, field: str, *words: str, line: int | None = None, outturn: bool = False):
    """The one problem ``path`` gives when loaded, checked: its file, field, line and words, and
    no marker anywhere in the error."""
    with pytest.raises(ScenarioError) as info:
        (load_outturn if outturn else load_scenario)(path)
    text = str(info.value)
    assert MARKER not in text, text
    (problem,) = info.value.problems
    assert problem.field == field, text
    assert problem.line == line, text
    for word in words:
        assert word in problem.message, text
    return problem


def cli_refuses(tmp_path: Path, path: Path, *words: str, outturn: bool = False) -> None:
    """``yanglao project --out`` (or ``evaluate --out`` for an outturn) and ``yanglao validate``:
    exit status 2, one message naming the file, no traceback, no marker, nothing written."""
    out = tmp_path / "out"
    commands = (
        [["evaluate", str(QITAI), str(path), "--out", str(out)]]
        if outturn
        else [["project", str(path), "--out", str(out)], ["validate", str(path)]]
    )
    for args in commands:
        result = CliRunner().invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert MARKER not in result.output
        assert result.stdout == ""
        assert result.stderr.startswith(f"error: {path}") or result.stderr.startswith("error: /")
        assert result.stderr.count("\n") == 1, result.stderr  # one message
        for word in words:
            assert word in result.stderr, result.stderr
        assert not out.exists()


# --------------------------------------------------------------------------------------------
# the file itself


def test_alias_bomb_is_refused_before_any_alias_is_expanded(tmp_path):
    rows = [f"a0: &a0 [{MARKER}, x, x, x, x, x, x, x, x]"]
    rows += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("# nine levels of nine aliases: 9**9 strings once expanded\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size < 1024
    refused(path, "a0", "anchor", "alias", "expected every value written out", line=2)
    cli_refuses(tmp_path, path, "anchor")


def test_single_alias_is_refused_too(tmp_path):
    text = QITAI.read_text(encoding="utf-8")
    path = tmp_path / "alias.yaml"
    path.write_text(text.replace("schema_version: 1", "schema_version: &v 1\nx: *v", 1),
                    encoding="utf-8")
    line = text[: text.index("schema_version")].count("\n") + 1
    refused(path, "schema_version", "anchor", line=line)


@pytest.mark.parametrize("levels", [1_000, 100_000])
def test_deep_flow_nesting_is_refused_by_the_pre_scan(tmp_path, levels):
    path = tmp_path / f"deep{levels}.yaml"
    path.write_text(f"# {MARKER}\nmeta: " + "[" * levels + "]" * levels + "\n", encoding="utf-8")
    refused(path, "meta", f"nested more than {MAX_NESTING} levels", line=2)
    cli_refuses(tmp_path, path, "nested more than")


def test_deep_block_nesting_is_refused(tmp_path):
    levels = MAX_NESTING + 5
    text = "".join(" " * i + f"k{i}:\n" for i in range(levels)) + " " * levels + f"v: {MARKER}\n"
    path = tmp_path / "deep-block.yaml"
    path.write_text(text, encoding="utf-8")
    problem = refused(path, ".".join(f"k{i}" for i in range(MAX_NESTING + 1)),
                      "nested more than", line=MAX_NESTING + 1)
    assert problem.file == str(path)


def test_nesting_up_to_the_limit_is_read(tmp_path):
    path = tmp_path / "nested.yaml"
    inner = MAX_NESTING - 1  # the top-level mapping is the first level
    path.write_text("a: " + "[" * inner + "]" * inner + "\n", encoding="utf-8")
    data, _ = read_yaml(path)
    assert list(data) == ["a"]


@posix_only
def test_named_pipe_is_refused_without_blocking(tmp_path):
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    refused(path, "", "is a named pipe (FIFO)", "expected a scenario .yaml file")
    cli_refuses(tmp_path, path, "named pipe")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_endless_device_is_refused_without_reading(tmp_path):
    refused(Path("/dev/zero"), "", "is a character device", "expected a scenario .yaml file")
    cli_refuses(tmp_path, Path("/dev/zero"), "character device")


def test_folder_is_refused(tmp_path):
    refused(tmp_path, "", "is a folder")


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(f"# {MARKER}".encode() + b"x" * MAX_FILE_BYTES + b"\n")
    refused(path, "", "is larger than 1 MiB", f"at most {MAX_FILE_BYTES:,} bytes")
    cli_refuses(tmp_path, path, "larger than 1 MiB")


def test_qitai_is_well_within_the_size_limit():
    assert QITAI.stat().st_size * 10 < MAX_FILE_BYTES


def test_non_utf8_is_reported_by_its_byte_offset_and_line(tmp_path):
    head = f"# {MARKER}\nschema_version: 1\nmeta: ".encode()
    path = tmp_path / "gbk.yaml"
    path.write_bytes(head + "奇台县".encode("gbk") + b"\n")
    refused(path, "", "is not UTF-8 text", f"byte at offset {len(head)} (line 3)",
            "expected the file saved as UTF-8", line=3)
    cli_refuses(tmp_path, path, f"offset {len(head)}")


def test_control_character_is_located_not_quoted(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_text(f"schema_version: 1\nmeta: {MARKER}\x00{MARKER}\n", encoding="utf-8")
    refused(path, "", "control character (U+0000)", f"column {len('meta: ' + MARKER) + 1}", line=2)


def test_a_file_that_is_one_value_is_not_quoted(tmp_path):
    path = tmp_path / "passwd.yaml"
    path.write_text(f"root:x:0:0:{MARKER}:/root:/bin/sh\n", encoding="utf-8")
    refused(path, "", "expected a mapping of scenario keys", "got a single value (text)")


def test_long_values_are_cut_short_in_messages(tmp_path):
    text = QITAI.read_text(encoding="utf-8")
    path = tmp_path / "long.yaml"
    path.write_text(text.replace("schema_version: 1", f"schema_version: '{'x' * 200}{MARKER}'", 1),
                    encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert MARKER not in str(info.value) and "schema_version" in str(info.value)


@pytest.mark.parametrize(
    "body, words",
    [
        (f'schema_version: 1\nmeta: "{MARKER}\\q"\n', "unknown escape character"),
        (f"schema_version: 1\n@{MARKER}\n", "cannot start any token"),
        (f"schema_version: 1\nmeta: !{MARKER}! x\n", "expected URI"),
    ],
    ids=["escape", "character", "tag-handle"],
)
def test_syntax_errors_do_not_quote_the_file(tmp_path, body, words):
    path = tmp_path / "syntax.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = str(info.value)
    assert MARKER not in text and words in text and "invalid YAML" in text, text
    (problem,) = info.value.problems
    assert problem.line == 2


def test_bad_date_gives_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "date.yaml"
    path.write_text("schema_version: 1\nmeta: 2021-13-45\n", encoding="utf-8")
    refused(path, "", "invalid YAML", "cannot be read")
    cli_refuses(tmp_path, path, "invalid YAML")


@posix_only
def test_named_file_in_a_symlink_loop(tmp_path):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    refused(tmp_path / "a.yaml", "", "symbolic link in a loop")
    cli_refuses(tmp_path, tmp_path / "a.yaml", "symbolic link in a loop")


# --------------------------------------------------------------------------------------------
# outturn files are read the same way


def test_outturn_alias_bomb_and_pipe(tmp_path):
    text = OUTTURN.read_text(encoding="utf-8")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(text + f"x: &x [{MARKER}, {MARKER}]\ny: [*x, *x, *x]\n", encoding="utf-8")
    refused(bomb, "x", "anchor", line=text.count("\n") + 1, outturn=True)
    cli_refuses(tmp_path, bomb, "anchor", outturn=True)
    if os.name == "posix":
        pipe = tmp_path / "pipe.yaml"
        os.mkfifo(pipe)
        refused(pipe, "", "named pipe", "expected an outturn .yaml file", outturn=True)
        cli_refuses(tmp_path, pipe, "named pipe", outturn=True)


def test_outturn_too_deep_and_too_large(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("outturn: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n", encoding="utf-8")
    refused(deep, "outturn", "nested more than", line=1, outturn=True)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    refused(big, "", "larger than 1 MiB", "an outturn .yaml file", outturn=True)


# --------------------------------------------------------------------------------------------
# extends: only inside the scenario folder


def test_extends_an_absolute_path(tmp_path, area):
    path = area.variant("abs.yaml", str(area.secret))
    refused(path, "extends", "is an absolute path", "relative to this file", line=1)
    cli_refuses(tmp_path, path, "absolute path")


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ", "~/scenario.yaml",
                                    "~root/x.yaml"])
def test_extends_system_files_is_refused_unread(area, target):
    path = area.variant("sys.yaml", target)
    problem = refused(path, "extends", "is an absolute path", line=1)
    assert "root:" not in problem.message and "PATH=" not in problem.message


def test_extends_up_and_out_of_the_scenario_folder(tmp_path, area):
    path = area.variant("up.yaml", "../../secret.yaml")
    refused(path, "extends", "leads outside the scenario folder", str(area.scenarios), line=1)
    cli_refuses(tmp_path, path, "leads outside")


def test_extends_any_number_of_parents(area):
    deep = "../" * 40 + "etc/passwd"
    refused(area.variant("passwd.yaml", deep), "extends", "does not name a .yaml file", line=1)
    deep_yaml = "../" * 40 + "secret.yaml"
    refused(area.variant("up40.yaml", deep_yaml), "extends", "leads outside", line=1)


def test_extends_may_climb_to_the_scenario_folder_but_not_above(area):
    # the shipped layout: a variant one folder down extends the scenario above it
    ok = area.variant("ok.yaml", "../qitai-2021.yaml")
    assert load_scenario(ok).history.meta.id == "qitai-2021"
    # a variant in a deeper folder named directly: its scenario folder is the one above it
    (area.variants / "deeper").mkdir()
    deeper = area.variants / "deeper" / "v.yaml"
    deeper.write_text("extends: ../../qitai-2021.yaml\n" + META, encoding="utf-8")
    refused(deeper, "extends", "leads outside the scenario folder", str(area.variants), line=1)


@posix_only
def test_extends_a_symlink_that_points_outside(tmp_path, area):
    (area.variants / "link.yaml").symlink_to(area.secret)
    path = area.variant("via-link.yaml", "link.yaml")
    refused(path, "extends", "leads outside the scenario folder", line=1)
    cli_refuses(tmp_path, path, "leads outside")


@posix_only
def test_extends_into_a_symlink_loop(tmp_path, area):
    (area.variants / "loop1.yaml").symlink_to(area.variants / "loop2.yaml")
    (area.variants / "loop2.yaml").symlink_to(area.variants / "loop1.yaml")
    path = area.variant("loop.yaml", "loop1.yaml")
    refused(path, "extends", "loop of symbolic links", line=1)
    cli_refuses(tmp_path, path, "loop of symbolic links")


@posix_only
def test_extends_a_named_pipe_in_the_folder(tmp_path, area):
    os.mkfifo(area.variants / "pipe.yaml")
    path = area.variant("to-pipe.yaml", "pipe.yaml")
    refused(path, "", "named pipe")


def test_extends_something_not_yaml(area):
    refused(area.variant("txt.yaml", "notes.txt"), "extends", "does not name a .yaml file", line=1)


def chain(area: Area, files: int) -> Path:
    """A chain of ``files`` real files: c1 → c2 → … → the Qitai scenario, the last of them."""
    variants = files - 1
    for i in range(1, variants + 1):
        nxt = f"c{i + 1}.yaml" if i < variants else "../qitai-2021.yaml"
        area.variant(f"c{i}.yaml", nxt, META.replace("hostile", f"c{i}"))
    return area.variants / "c1.yaml"


def test_chain_at_the_limit_loads(area):
    scenario = load_scenario(chain(area, MAX_CHAIN))
    assert scenario.meta.id == "c1" and scenario.history.meta.id == "qitai-2021"


def test_chain_over_the_limit_says_so(tmp_path, area):
    first = chain(area, MAX_CHAIN + 1)
    problem = refused(first, "extends", f"more than {MAX_CHAIN} files in the extends chain",
                      f"the limit is {MAX_CHAIN}", line=1)
    assert "leads back" not in problem.message
    assert Path(problem.file).name == f"c{MAX_CHAIN}.yaml"
    cli_refuses(tmp_path, first, f"more than {MAX_CHAIN} files")


def test_real_loops_are_called_loops(area):
    a = area.variant("a.yaml", "b.yaml")
    area.variant("b.yaml", "a.yaml")
    problem = refused(a, "extends", "leads back to a.yaml", "(a loop)", line=1)
    assert Path(problem.file).name == "b.yaml"
    refused(area.variant("self.yaml", "self.yaml"), "extends", "leads back to itself", line=1)


def test_shipped_variants_still_load():
    for path in sorted((ROOT / "scenarios" / "variants").glob("*.yaml")):
        assert load_scenario(path).history.meta.id == "qitai-2021"


def test_real_process_refuses_a_pipe_without_hanging(tmp_path):
    """The installed entry point in its own process (a FIFO that was opened would hang it)."""
    import subprocess

    if os.name != "posix":
        pytest.skip("needs a FIFO")
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    proc = subprocess.run([sys.executable, "-m", "cli.main", "validate", str(pipe)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 2 and "named pipe" in proc.stderr and "Traceback" not in proc.stderr
