"""Charts of projection results, with Chinese text that renders on any machine.

The package ships its own CJK font, ``model/data/fonts/NotoSansSC-Subset.ttf`` (a subset of Noto
Sans CJK SC: ASCII, Latin-1, common and full-width punctuation, all of GB 2312 and the 8,105
characters of the 通用规范汉字表; see ``model/data/fonts/SOURCE.md``), so no system font is needed.

matplotlib is imported inside the functions, so that importing this module costs nothing for the
commands that draw no chart. Figures are drawn on the non-interactive Agg canvas without pyplot,
under a local ``rc_context``: the caller's backend and matplotlib settings are left as they were,
and no figure stays open.

Each chart comes in two forms: ``paths_chart``, ``tornado_chart`` and ``fan_chart`` return a
:class:`Chart` (the PNG in memory, shown inline by Jupyter), ``plot_paths``, ``plot_tornado`` and
``plot_fan`` write it to a file. A title too wide for the figure is broken into lines, so no title
is ever cut off. :func:`comparison_charts` and :func:`sensitivity_charts` choose what the
``compare`` and ``sensitivity`` commands draw, in the reader's language.
"""

from __future__ import annotations

import io
import math
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.errors import DataError, OutputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from model.analysis.compare import Comparison
    from model.analysis.sensitivity import Sensitivity

FONT_FILE = "NotoSansSC-Subset.ttf"
"""File name of the shipped CJK font, in ``model/data/fonts/``."""

DPI = 150
LANGS = ("zh", "en")

_TEXT = {
    "year": {"zh": "年度", "en": "year"},
    "down": {"zh": "下调冲击", "en": "downward shock"},
    "up": {"zh": "上调冲击", "en": "upward shock"},
    "same": {"zh": "各情景相同，线条重合", "en": "the same in every scenario: the lines coincide"},
}

#: The most lines a title is broken into to fit the figure.
_MAX_TITLE_LINES = 6

#: Line styles cycled with the colours, so that lines lying on one another stay told apart.
_LINESTYLES = ("-", "--", "-.", ":")

#: Control characters: no glyph to draw (scenario titles label a chart's lines).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Chart:
    """A rendered chart: its PNG in memory.

    Jupyter shows it inline (``_repr_png_``); :meth:`save` writes it to a file.

    Attributes
    ----------
    png : bytes
        The PNG file's bytes.
    title : str
        The chart's title as drawn (with the line breaks it was given to fit).
    """

    def __init__(self, png: bytes, title: str) -> None:
        self.png = png
        self.title = title

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return f"<Chart {self.title!r}, {len(self.png):,} bytes of PNG>"

    def save(self, path: Path) -> Path:
        """Write the PNG at ``path`` through the project's one writer
        (:func:`model.output.io.write_file`: a temporary file beside it, renamed into place);
        its folder is created if need be. Returns ``path``."""
        from model.output.io import write_file

        write_file(path, lambda tmp: Path(tmp).write_bytes(self.png))
        return Path(path)


def font_path() -> Path:
    """Path of the shipped CJK font file.

    Returns
    -------
    Path
        ``model/data/fonts/NotoSansSC-Subset.ttf`` inside the installed package. The file is not
        checked for existence here; :func:`register_cjk_font` does that.
    """
    return Path(str(resources.files("model.data").joinpath("fonts", FONT_FILE)))


def register_cjk_font() -> str:
    """Make the shipped CJK font known to matplotlib and return its family name.

    The font is added to ``matplotlib.font_manager.fontManager`` with ``addfont`` only if no entry
    of the font manager already points at the file, so repeated calls are cheap and add nothing.

    Returns
    -------
    str
        The family name under which matplotlib finds the font (``"Noto Sans SC Yanglao"``); use
        it in ``rcParams["font.family"]`` or ``FontProperties(family=...)``.

    Raises
    ------
    DataError
        If the font file is missing from the installed package or cannot be read as a font.

    Examples
    --------
    >>> from model.output.charts import register_cjk_font
    >>> register_cjk_font()
    'Noto Sans SC Yanglao'
    """
    path = font_path()
    if not path.is_file():
        raise DataError(
            f"the chart font model/data/fonts/{FONT_FILE} is missing from the installed package "
            f"(looked for {path}); reinstall yanglao, or rebuild the font with tools/subset_font.py"
        )
    from matplotlib import font_manager

    fm = font_manager.fontManager
    target = os.path.realpath(path)
    for entry in fm.ttflist:
        if os.path.realpath(entry.fname) == target:
            return entry.name
    try:
        fm.addfont(str(path))
    except (OSError, RuntimeError, ValueError) as err:
        raise DataError(f"the chart font {path} cannot be read as a font ({err})") from None
    for entry in reversed(fm.ttflist):
        if os.path.realpath(entry.fname) == target:
            return entry.name
    raise DataError(f"matplotlib did not register the chart font {path}")  # pragma: no cover


def _style(lang: str) -> dict[str, Any]:
    """rcParams for a chart in ``lang``: the shipped CJK font for all text, ASCII minus signs."""
    if lang not in LANGS:
        raise OutputError(f"chart language {lang!r} is not one of {', '.join(LANGS)}")
    family = register_cjk_font()
    # The CJK font has Latin glyphs too; DejaVu Sans (shipped with matplotlib) is only a fallback
    # for the odd symbol the subset lacks. English charts put DejaVu Sans first for Latin text
    # and fall back to the CJK font for Chinese names.
    fonts = [family, "DejaVu Sans"] if lang == "zh" else ["DejaVu Sans", family]
    return {
        # A list of concrete families (not the "sans-serif" alias) so that matplotlib falls back
        # glyph by glyph from the first to the second.
        "font.family": fonts,
        "axes.unicode_minus": False,
        # Titles and legends hold scenario titles as written: a "$" is a dollar sign, never
        # mathtext (which would fail to draw on an unbalanced or unknown expression).
        "text.parse_math": False,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "axes.titlesize": 13,
        "axes.labelsize": 11,
        "legend.fontsize": 10,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
    }


def _decimals(step: float) -> int:
    """Decimals needed to tell apart ticks ``step`` apart (0 for steps of 1 and more)."""
    if not math.isfinite(step) or step <= 0 or step >= 1:
        return 0
    return min(6, math.ceil(-math.log10(step) - 1e-9))


def _format_number(value: float, decimals: int) -> str:
    """``value`` with thousands separators and ``decimals`` decimals; never ``-0``."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text[1:].replace(",", "")) == 0:
        text = text[1:]
    return text


def _thousands_formatter(axis):
    """A tick formatter for ``axis``: thousands separators, as many decimals as the ticks need."""
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    def fmt(value: float, _pos) -> str:
        locs = np.asarray(axis.get_majorticklocs(), dtype=float)
        step = float(np.min(np.abs(np.diff(locs)))) if locs.size > 1 else 0.0
        return _format_number(value, _decimals(step))

    return FuncFormatter(fmt)


def _new_figure(size: tuple[float, float]):
    """A figure with one axes on an Agg canvas, outside pyplot.

    The figure is not registered with ``pyplot``: drawing a chart neither switches the caller's
    backend (a notebook keeps its own) nor leaves a figure open in pyplot's list.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _close(fig) -> None:
    """Release the artists of ``fig`` (the figure itself is garbage once unreferenced)."""
    fig.clear()


def _render(style: dict[str, Any], size: tuple[float, float], draw) -> Chart:
    """Draw a chart on a new figure of ``size`` under the rcParams ``style`` and render it as a
    PNG; ``draw(ax)`` draws on the figure's one axes. A title that sticks out of the figure once
    laid out is broken into one more line (:func:`wrap_title`) and the chart drawn again, up to
    six lines. The figure is cleared afterwards, whether or not drawing failed."""
    import matplotlib

    with matplotlib.rc_context(style):
        fig, ax = _new_figure(size)
        try:
            draw(ax)
            text = ax.title.get_text()
            lines = text.count("\n") + 1
            while True:
                buffer = io.BytesIO()
                fig.savefig(buffer, format="png", dpi=DPI)
                # measured as laid out and drawn; a title that sticks out is broken once more
                if not text or lines >= _MAX_TITLE_LINES or title_inside(fig, ax):
                    return Chart(buffer.getvalue(), str(ax.title.get_text()))
                lines += 1
                ax.set_title(wrap_title(text, lines))
        finally:
            _close(fig)


def _char_width(char: str) -> int:
    """Columns of ``char`` when weighing where to break a title: 2 for wide (CJK), else 1."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _break_points(text: str) -> list[int]:
    """Indexes where ``text`` may be broken into lines: after a space or a punctuation mark that
    ends a phrase, before an opening bracket, and between two wide (CJK) characters; never
    inside a Latin word or number."""
    points = []
    for i in range(1, len(text)):
        before, after = text[i - 1], text[i]
        if before == " " or before in "：:，,；;、—" or after in "（(":
            points.append(i)
        elif _char_width(before) == 2 and _char_width(after) == 2 and after not in "，。：；、）)":
            points.append(i)
    return points


def wrap_title(text: str, lines: int) -> str:
    """``text`` broken into about ``lines`` lines of equal width at its break points.

    Parameters
    ----------
    text : str
        A title on one line (line breaks already in it are kept: each line is broken alone).
    lines : int
        How many lines to aim for; fewer when the text has too few break points.

    Returns
    -------
    str
        The lines joined with ``"\\n"``, spaces at the breaks removed.

    Examples
    --------
    >>> print(wrap_title("civil-service fund: change in the 10-year subsidy need", 2))
    civil-service fund:
    change in the 10-year subsidy need
    >>> print(wrap_title("机关事业单位基本养老保险基金：10年财政补贴需求变化", 2))
    机关事业单位基本养老保险基金：
    10年财政补贴需求变化
    """
    if "\n" in text:
        return "\n".join(wrap_title(part, lines) for part in text.split("\n"))
    if lines <= 1:
        return text
    widths = [0]
    for char in text:
        widths.append(widths[-1] + _char_width(char))
    total = widths[-1]
    points = _break_points(text)
    # a phrase's end is preferred to a break between two characters when it is nearly as near
    bonus = {
        p: 0.15 * total if text[p - 1] in "：:，,；;、—" or text[p] in "（(" else 0.0
        for p in points
    }
    cuts: list[int] = []
    for k in range(1, lines):
        goal = total * k / lines
        candidates = [p for p in points if not cuts or p > cuts[-1]]
        if not candidates:
            break
        cuts.append(min(candidates, key=lambda p, g=goal: abs(widths[p] - g) - bonus[p]))
    parts = [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return "\n".join(p for p in parts if p)


def title_inside(fig, ax) -> bool:
    """Whether the title of ``ax`` lies wholly inside ``fig`` as last drawn (in pixels)."""
    renderer = fig.canvas.get_renderer()
    box = ax.title.get_window_extent(renderer)
    frame = fig.bbox
    tol = 0.5
    return (
        box.x0 >= frame.x0 - tol
        and box.x1 <= frame.x1 + tol
        and box.y0 >= frame.y0 - tol
        and box.y1 <= frame.y1 + tol
    )


def _year_axes(
    ax, title: str, ylabel: str, lang: str, legend_loc: str, legend_title: str | None = None
) -> None:
    """Title, labels, integer years on x, thousands separators on y, grid and legend
    (``legend_loc="below"``: under the axes, outside them, in two columns)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(_TEXT["year"][lang])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))
    ax.yaxis.set_major_formatter(_thousands_formatter(ax.yaxis))
    ax.grid(True, color="0.88", linewidth=0.8)
    ax.set_axisbelow(True)
    if legend_loc == "below":
        ax.figure.legend(loc="outside lower center", ncols=2, frameon=False, title=legend_title)
    else:
        ax.legend(loc=legend_loc, frameon=True, framealpha=0.9, title=legend_title)


def plot_paths(
    years: Sequence[int] | np.ndarray,
    series: Mapping[str, Sequence[float] | np.ndarray],
    title: str,
    ylabel: str,
    path: Path,
    lang: str = "zh",
) -> Path:
    """Draw one line per scenario over the years and save the chart as a PNG at ``path`` (its
    folder created if need be): :func:`paths_chart`, saved. Returns ``path``."""
    return paths_chart(years, series, title, ylabel, lang=lang, where=path).save(path)


def paths_chart(
    years: Sequence[int] | np.ndarray,
    series: Mapping[str, Sequence[float] | np.ndarray],
    title: str,
    ylabel: str,
    lang: str = "zh",
    where: Path | str = "chart",
) -> Chart:
    """Draw one line per scenario over the years.

    Parameters
    ----------
    years : array_like of int
        The years on the x axis.
    series : mapping of str to array_like of float
        One path per scenario, each as long as ``years``; the key is the line's legend label
        (e.g. ``"基准"``, ``"不降费"``). NaN values leave a gap.
    title : str
        Chart title, e.g. ``"机关事业单位基本养老保险基金 年末滚存结余（万元）"``; ``"\\n"`` breaks
        a long title, and a title too wide for the figure is broken into lines.
    ylabel : str
        Label of the y axis, e.g. ``"万元"``.
    lang : {"zh", "en"}, default "zh"
        Language of the chart's own words (the x-axis label). All text is set in the shipped CJK
        font either way, so Chinese labels render in English charts too.
    where : Path or str, optional
        What an error message names (the file the chart is for).

    Returns
    -------
    Chart
        The PNG in memory.

    Raises
    ------
    OutputError
        If ``series`` is empty, a path's length differs from that of ``years`` or ``lang`` is
        unknown.
    DataError
        If the shipped font is missing.

    Notes
    -----
    The y axis has thousands separators (``12,345``) and as many decimals as its ticks need; a
    horizontal line marks zero when the paths cross it (a reserve running out). Lines cycle
    through line styles as well as colours, so lines that lie on one another stay visible, and
    when every path is the same the legend says so; with more than three lines the legend goes
    under the chart. The figure is cleared after
    rendering and never registered with pyplot, so nothing stays open.
    """
    import numpy as np

    x = np.asarray(years, dtype=float)
    if not series:
        raise OutputError(f"{where}: no series to plot")
    ys = {}
    for name, values in series.items():
        y = np.asarray(values, dtype=float)
        if y.shape != x.shape:
            raise OutputError(f"{where}: series {name!r} has {y.size} values for {x.size} years")
        ys[str(name)] = y

    def draw(ax) -> None:
        for i, (name, y) in enumerate(ys.items()):
            style = _LINESTYLES[i % len(_LINESTYLES)]
            ax.plot(x, y, label=name, linewidth=1.8, linestyle=style, color=f"C{i % 10}")
        finite = np.concatenate([y[np.isfinite(y)] for y in ys.values()])
        if finite.size and finite.min() < 0 < finite.max():
            ax.axhline(0, color="0.35", linewidth=0.9, zorder=1)
        paths = list(ys.values())
        same = len(paths) > 1 and all(
            np.allclose(y, paths[0], rtol=1e-9, atol=1e-9, equal_nan=True) for y in paths[1:]
        )
        _year_axes(
            ax,
            title,
            ylabel,
            lang,
            legend_loc="best" if len(ys) <= 3 else "below",
            legend_title=_TEXT["same"][lang] if same else None,
        )

    return _render(_style(lang), (9, 5.2), draw)


def sort_sensitivities(rows: Sequence[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Order one-at-a-time sensitivities as a tornado chart shows them, top to bottom.

    Parameters
    ----------
    rows : sequence of (str, float, float)
        (label, effect of the downward shock, effect of the upward shock).

    Returns
    -------
    list of (str, float, float)
        The rows sorted by the larger absolute effect of their two shocks, largest first; rows
        with equal effects keep their order.

    Raises
    ------
    OutputError
        If an effect is not a finite number.

    Examples
    --------
    >>> sort_sensitivities([("a", -1.0, 2.0), ("b", 5.0, -3.0), ("c", 0.5, -0.5)])
    [('b', 5.0, -3.0), ('a', -1.0, 2.0), ('c', 0.5, -0.5)]
    """
    clean: list[tuple[str, float, float]] = []
    for label, down, up in rows:
        down, up = float(down), float(up)
        if not (math.isfinite(down) and math.isfinite(up)):
            raise OutputError(f"sensitivity {label!r} has a non-finite effect ({down}, {up})")
        clean.append((str(label), down, up))
    return sorted(clean, key=lambda r: max(abs(r[1]), abs(r[2])), reverse=True)


def plot_tornado(
    rows: Sequence[tuple[str, float, float]],
    title: str,
    xlabel: str,
    path: Path,
    lang: str = "zh",
    shock_labels: tuple[str, str] | None = None,
) -> Path:
    """Draw a tornado chart of one-at-a-time sensitivities and save it as a PNG at ``path`` (its
    folder created if need be): :func:`tornado_chart`, saved. Returns ``path``."""
    return tornado_chart(rows, title, xlabel, lang, shock_labels, where=path).save(path)


def tornado_chart(
    rows: Sequence[tuple[str, float, float]],
    title: str,
    xlabel: str,
    lang: str = "zh",
    shock_labels: tuple[str, str] | None = None,
    where: Path | str = "chart",
) -> Chart:
    """Draw a tornado chart of one-at-a-time sensitivities.

    Parameters
    ----------
    rows : sequence of (str, float, float)
        One row per assumption: its label, the effect of the downward shock and the effect of the
        upward shock, each as a difference from the baseline result (e.g. in 万元).
    title : str
        Chart title.
    xlabel : str
        Label of the x axis, e.g. ``"与基准之差（万元）"``.
    lang : {"zh", "en"}, default "zh"
        Language of the legend's default words.
    shock_labels : (str, str), optional
        Legend entries of the downward and upward shocks; default ``("下调冲击", "上调冲击")`` in
        Chinese, ``("downward shock", "upward shock")`` in English.
    where : Path or str, optional
        What an error message names (the file the chart is for).

    Returns
    -------
    Chart
        The PNG in memory.

    Raises
    ------
    OutputError
        If ``rows`` is empty, an effect is not finite or ``lang`` is unknown.
    DataError
        If the shipped font is missing.

    Notes
    -----
    Rows are sorted by the larger absolute effect of their two shocks, the largest on top. Each
    row has two bars from zero, the downward shock in its upper half and the upward shock in its
    lower half, so both stay visible when they push the same way; each bar carries its value
    (thousands separators). A vertical line marks the baseline (0). The figure is cleared after
    rendering and never registered with pyplot, so nothing stays open.
    """
    if not rows:
        raise OutputError(f"{where}: no sensitivities to plot")
    clean = sort_sensitivities(rows)

    import numpy as np

    style = _style(lang)
    down_label, up_label = shock_labels or (_TEXT["down"][lang], _TEXT["up"][lang])
    n = len(clean)
    # Row i (largest effect) at the top: y = n - 1 - i.
    ypos = np.arange(n)[::-1].astype(float)
    downs = np.array([r[1] for r in clean])
    ups = np.array([r[2] for r in clean])
    half = 0.38
    span = float(max(np.abs(downs).max(), np.abs(ups).max())) or 1.0
    decimals = 0 if span >= 100 else _decimals(span / 100)

    def draw(ax) -> None:
        ax.barh(ypos + half / 2, downs, height=half, color="#4C72B0", label=down_label)
        ax.barh(ypos - half / 2, ups, height=half, color="#DD8452", label=up_label)
        pad = 0.01 * span
        for y, values in ((ypos + half / 2, downs), (ypos - half / 2, ups)):
            for yy, v in zip(y, values, strict=True):
                ax.text(
                    v + (pad if v >= 0 else -pad),
                    yy,
                    _format_number(v, decimals),
                    va="center",
                    ha="left" if v >= 0 else "right",
                    fontsize=9,
                )
        ax.axvline(0, color="0.2", linewidth=1.0)
        ax.set_yticks(ypos, [r[0] for r in clean])
        ax.set_ylim(-0.6, n - 0.4)
        left = min(0.0, float(downs.min()), float(ups.min()))
        right = max(0.0, float(downs.max()), float(ups.max()))
        margin = 0.18 * span
        ax.set_xlim(
            left - (margin if left < 0 else 0.05 * span),
            right + (margin if right > 0 else 0.05 * span),
        )
        ax.xaxis.set_major_formatter(_thousands_formatter(ax.xaxis))
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.grid(True, axis="x", color="0.88", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(loc="best", frameon=True, framealpha=0.9)

    return _render(style, (9, 2.0 + 0.55 * n), draw)


def plot_fan(
    years: Sequence[int] | np.ndarray,
    percentiles: np.ndarray,
    levels: Sequence[int],
    title: str,
    ylabel: str,
    path: Path,
    lang: str = "zh",
    deterministic: Sequence[float] | np.ndarray | None = None,
) -> Path:
    """A fan chart saved as a PNG at ``path`` (its folder created if need be):
    :func:`fan_chart`, saved. Returns ``path``."""
    chart = fan_chart(years, percentiles, levels, title, ylabel, lang, deterministic, where=path)
    return chart.save(path)


def fan_chart(
    years: Sequence[int] | np.ndarray,
    percentiles: np.ndarray,
    levels: Sequence[int],
    title: str,
    ylabel: str,
    lang: str = "zh",
    deterministic: Sequence[float] | np.ndarray | None = None,
    where: Path | str = "chart",
) -> Chart:
    """A fan chart: shaded bands between symmetric percentiles, the median as a line. The bands
    are labelled as simulated ranges conditional on the scenario's assumptions.

    Parameters
    ----------
    years : array_like of int, shape (T,)
    percentiles : ndarray, shape (len(levels), T)
        The values at each percentile of ``levels`` (ascending, e.g. 5, 25, 50, 75, 95).
    levels : sequence of int
        The percentiles; pairs (5, 95), (25, 75) are shaded, 50 drawn as the median.
    title, ylabel, lang, where :
        As in :func:`paths_chart`.
    deterministic : array_like, shape (T,), optional
        The deterministic projection, drawn dashed for reference.

    Returns
    -------
    Chart
        The PNG in memory.
    """
    import numpy as np

    x = np.asarray(years, dtype=float)
    pct = np.asarray(percentiles, dtype=float)
    levels = list(levels)
    if pct.shape != (len(levels), x.size):
        raise OutputError(
            f"{where}: percentiles of shape {pct.shape}, expected {(len(levels), x.size)}"
        )
    words = {
        "median": {"zh": "中位数", "en": "median"},
        "band": {
            "zh": "{lo}%–{hi}% 情景假设下的模拟区间",
            "en": "{lo}th–{hi}th percentile, simulated (conditional on the scenario's assumptions)",
        },
        "det": {"zh": "确定性预测", "en": "deterministic projection"},
    }

    def draw(ax) -> None:
        n = len(levels)
        for i in range(n // 2):
            lo, hi = levels[i], levels[n - 1 - i]
            ax.fill_between(
                x,
                pct[i],
                pct[n - 1 - i],
                color="tab:blue",
                alpha=0.18 + 0.17 * i,
                linewidth=0,
                label=words["band"][lang].format(lo=lo, hi=hi),
            )
        if 50 in levels:
            ax.plot(
                x,
                pct[levels.index(50)],
                color="tab:blue",
                linewidth=1.8,
                label=words["median"][lang],
            )
        if deterministic is not None:
            ax.plot(
                x,
                np.asarray(deterministic, dtype=float),
                color="0.2",
                linewidth=1.2,
                linestyle="--",
                label=words["det"][lang],
            )
        if np.nanmin(pct) < 0 < np.nanmax(pct):
            ax.axhline(0, color="0.35", linewidth=0.9, zorder=1)
        _year_axes(ax, title, ylabel, lang, legend_loc="upper left")

    return _render(_style(lang), (9, 5.2), draw)


# -- what the commands draw ----------------------------------------------------------------------

Writer = Callable[[Path], None]

_WORDS = {
    "subsidy_paid": {"zh": "财政补贴（按规则拨付）", "en": "subsidy paid under the rule"},
    "months_held": {
        "zh": "年末滚存结余可支付月数",
        "en": "months of payouts the year-end reserve holds",
    },
    "money": {"zh": "万元", "en": "10,000 yuan (万元)"},
    "months": {"zh": "月", "en": "months"},
    "need_change": {"zh": "10年财政补贴需求变化", "en": "change in the 10-year subsidy need"},
    "paid_change": {"zh": "10年财政补贴变化", "en": "change in the 10-year subsidy paid"},
    "difference": {"zh": "与基准之差（万元）", "en": "difference from the baseline (万元)"},
}


def _titled(fund_name: str, what: str, lang: str) -> str:
    """A chart title: the fund's name, then what is drawn (``：`` in Chinese, ``: `` else)."""
    return f"{fund_name}：{what}" if lang == "zh" else f"{fund_name}: {what}"


def reserve_held_by_rule(subsidy_rule: Any, batch: int) -> bool:
    """Whether every one of ``batch`` scenarios pays ``fill_gap``, the rule that tops the
    reserve up to the same months of payouts each year (then a chart of the reserve, in 万元 or
    in months, draws one line for every scenario).

    >>> reserve_held_by_rule(0, 3), reserve_held_by_rule([0, 3], 2)
    (True, False)
    """
    import numpy as np

    from model.engine.fund import SUBSIDY_RULES

    rules = np.broadcast_to(np.asarray(subsidy_rule), (batch,))
    return bool(np.all(rules == SUBSIDY_RULES.index("fill_gap")))


def comparison_charts(c: Comparison, lang: str = "zh") -> dict[str, Writer]:
    """The charts of ``compare``: file name → a writer taking the path to write.

    Per fund, the subsidy paid under the rule in every scenario (``subsidy_income_<fund>.png``)
    and, for a fund whose reserve is free to move, the months of payouts its year-end reserve
    holds (``months_of_payout_<fund>.png``). A fund whose every scenario pays ``fill_gap`` keeps
    its reserve at the same months of payouts by rule, so a chart of its reserve would draw one
    line for all: its subsidy chart is the answer, and no reserve chart is drawn. Months rather
    than 万元: they say how long the reserve lasts, and they move when the payouts grow faster
    than a reserve the subsidy keeps whole (a higher residents' pension paid by the central
    government leaves the reserve in 万元 as it was).

    Lines are labelled with the scenarios' titles in ``lang`` (control characters removed).
    """
    import numpy as np

    from model.output.labels import FUND_LABELS

    res = c.projection
    names = [_CONTROL.sub("", t) for t in c.titles(lang)]
    files: dict[str, Writer] = {}
    for fund, d in res.funds.items():
        fund_name = FUND_LABELS[fund][lang]
        paid = {n: d["subsidy_income"][b] for b, n in enumerate(names)}
        files[f"subsidy_income_{fund}.png"] = _paths_writer(
            res.years,
            paid,
            _titled(fund_name, _WORDS["subsidy_paid"][lang], lang),
            _WORDS["money"][lang],
            lang,
        )
        part = getattr(res.basis, fund)
        if reserve_held_by_rule(part.subsidy_rule, len(names)):
            continue
        months = np.where(np.isfinite(d["months_of_payout"]), d["months_of_payout"], np.nan)
        held = {n: months[b] for b, n in enumerate(names)}
        files[f"months_of_payout_{fund}.png"] = _paths_writer(
            res.years,
            held,
            _titled(fund_name, _WORDS["months_held"][lang], lang),
            _WORDS["months"][lang],
            lang,
        )
    return files


def _paths_writer(years, series, title: str, ylabel: str, lang: str) -> Writer:
    def write(path: Path) -> None:
        plot_paths(years, series, title, ylabel, path, lang=lang)

    return write


def sensitivity_charts(r: Sensitivity, lang: str = "zh") -> dict[str, Writer]:
    """The tornado charts of ``sensitivity``, one per fund (``tornado_<fund>.png``): file name →
    a writer taking the path to write.

    Each bar is labelled with the shock and its size in ``lang`` (``工资增长率 ±1个百分点``). The
    civil-service fund is judged by its 10-year subsidy need; the residents' fund, whose pensions
    the budget pays as due, by the 10-year subsidy paid.
    """
    from model.output.labels import FUND_LABELS
    from model.output.sensitivity_tables import shock_with_step

    files: dict[str, Writer] = {}
    for fund, fund_rows in r.rows.items():
        key = "need" if fund == "civil_service" else "paid"
        bars = [
            (shock_with_step(x["shock"].name, lang), x[f"{key}_down"], x[f"{key}_up"])
            for x in fund_rows
        ]
        title = _titled(FUND_LABELS[fund][lang], _WORDS[f"{key}_change"][lang], lang)
        files[f"tornado_{fund}.png"] = _tornado_writer(
            bars, title, _WORDS["difference"][lang], lang
        )
    return files


def _tornado_writer(bars, title: str, xlabel: str, lang: str) -> Writer:
    def write(path: Path) -> None:
        plot_tornado(bars, title, xlabel, path, lang=lang)

    return write
