#!/usr/bin/env python3
"""Make the CJK font shipped in ``model/data/fonts/``: a subset of Noto Sans CJK SC.

The charts label their axes, legends and titles in Chinese (county names, fund names, units such
as 万元). No font with Chinese glyphs can be assumed on a fresh machine, and the full Noto Sans CJK
family is tens of megabytes, so the package ships a subset of it.

What the subset holds
---------------------
* ASCII (U+0020–U+007E), Latin-1 (U+00A0–U+00FF), Latin extended-A and the pinyin letters
  with tone marks, Greek;
* general punctuation, letter-like symbols, number forms, arrows, mathematical operators
  (including U+2212 MINUS SIGN), enclosed alphanumerics (①…⑳, ⑴…), CJK symbols and punctuation
  (U+3000–U+303F: 、。〈〉《》「」【】〔〕…) and the full-width forms (，：；（）％ etc.);
* every character of GB 2312-80 — its 682 symbols and its 6,763 hanzi — taken from Python's own
  ``gb2312`` codec, so no table needs to be shipped or downloaded;
* optionally, the 8,105 characters of the 通用规范汉字表 (Table of General Standard Chinese
  Characters, 2013), read from the ``kTGH`` field of Unihan (``--unihan``). This adds ~1,470
  characters outside GB 2312 that occur in place names (e.g. 浉, 硚, 埇);
* optionally, every character of the files given with ``--extra-text``.

What is done to the font
------------------------
1. The face of the collection whose family is ``Noto Sans CJK SC`` is picked (``--face``
   overrides), so the simplified-Chinese glyph forms are the defaults.
2. fontTools' subsetter keeps the glyphs of those characters, plus what the kept OpenType layout
   features reach (``--layout-features``); it drops hinting and glyph names.
3. By default (``--flavor ttf``) the cubic CFF outlines are converted to quadratic TrueType
   outlines (``glyf``) with fontTools' cu2qu (max. error 1 font unit of 1000). A TrueType-outline
   ``.ttf`` is what every matplotlib backend handles (Agg, and font embedding in PDF/PS/SVG);
   ``--flavor otf`` keeps the CFF outlines (smaller).
4. The family is renamed (``--family``, default ``Noto Sans SC Yanglao``) so that it can never be
   confused with a full Noto Sans CJK installed on the machine; the copyright, trademark and
   licence records of the ``name`` table are kept, and a description record says it is a subset.

The result is deterministic for a given source font, fontTools version and arguments.

Usage
-----
::

    python tools/subset_font.py /path/to/NotoSansCJK-Regular.ttc \\
        --unihan /path/to/Unihan_OtherMappings.txt.bz2 \\
        -o model/data/fonts/NotoSansSC-Subset.ttf

Requires ``fonttools`` (a tool for making the file, not a run-time dependency of the package).
See ``model/data/fonts/SOURCE.md`` for the exact command and source used for the shipped file.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import sys
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "model/data/fonts/NotoSansSC-Subset.ttf"
DEFAULT_FAMILY = "Noto Sans SC Yanglao"
SOURCE_FAMILY = "Noto Sans CJK SC"

# Layout features kept: kerning and proportional/half-width punctuation (Latin and CJK),
# SC localised forms, and vertical forms. matplotlib itself ignores GSUB/GPOS; the features
# are kept so that the font stays correct in other software.
DEFAULT_FEATURES = ["kern", "palt", "halt", "vkrn", "vpal", "vhal"]

# Code-point ranges kept in full (inclusive).
RANGES: list[tuple[int, int]] = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement: ° ± × · ÷ ¥ …
    (0x0100, 0x017F),  # Latin extended-A: ā ē ī ō ū (pinyin), Ī …
    (0x01CD, 0x01DC),  # Latin extended-B: ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ (pinyin)
    (0x02C6, 0x02DD),  # spacing modifiers: ˇ ˉ ˊ ˋ ˙
    (0x0391, 0x03C9),  # Greek: α β σ μ Δ Σ
    (0x2010, 0x205E),  # general punctuation: ‐ – — ‘ ’ “ ” … ‰ ′ ″ ※
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x20AC, 0x20AC),  # euro sign
    (0x2100, 0x214F),  # letter-like symbols: ℃ № ™
    (0x2150, 0x218F),  # number forms: Ⅰ Ⅱ … ⅰ ⅱ
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators: − ≤ ≥ ≈ ≠ ∞ √
    (0x2460, 0x24FF),  # enclosed alphanumerics: ① ⑴ ⒈
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes: ■ □ ▲ △ ● ○
    (0x2600, 0x2606),  # ★ ☆
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。〈〉《》「」『』【】〔〕〖〗
    (0x3220, 0x3243),  # parenthesised ideographs: ㈠ … ㈩
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF01, 0xFF65),  # full-width ASCII and half-width CJK punctuation: ，：；（）％
    (0xFFE0, 0xFFE6),  # full-width signs: ￥ ￡
]


def gb2312_characters() -> set[str]:
    """Every character of GB 2312-80, from Python's ``gb2312`` codec.

    Returns
    -------
    set of str
        The 682 symbols of rows 1–9 and the 6,763 hanzi of rows 16–87.
    """
    chars: set[str] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def gb2312_hanzi() -> set[str]:
    """The 6,763 hanzi of GB 2312-80 (rows 16–87)."""
    return {c for c in gb2312_characters() if "\u4e00" <= c <= "\u9fff"}


def tgh_characters(unihan: Path) -> set[str]:
    """The characters of the 通用规范汉字表 (2013): those with a ``kTGH`` field in Unihan.

    Parameters
    ----------
    unihan : Path
        ``Unihan_OtherMappings.txt`` (Unicode 13 or later), plain or compressed with bz2/gzip.

    Returns
    -------
    set of str
        8,105 characters for the 2013 table.
    """
    opener = {".bz2": bz2.open, ".gz": gzip.open}.get(unihan.suffix, open)
    chars: set[str] = set()
    with opener(unihan, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("U+"):
                cp, field, _value = line.rstrip("\n").split("\t", 2)
                if field == "kTGH":
                    chars.add(chr(int(cp[2:], 16)))
    if not chars:
        raise SystemExit(f"{unihan}: no kTGH field found (needs Unihan 13.0 or later)")
    return chars


def wanted_characters(unihan: Path | None, extra_text: list[Path]) -> set[str]:
    """All characters the subset should hold (before dropping those the font lacks)."""
    chars = {chr(cp) for lo, hi in RANGES for cp in range(lo, hi + 1)}
    chars |= gb2312_characters()
    if unihan is not None:
        chars |= tgh_characters(unihan)
    for path in extra_text:
        chars |= set(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable() or c == "\u3000"}


def pick_face(path: Path, face: int | None) -> int:
    """Index of the ``Noto Sans CJK SC`` face in a collection (0 for a single font)."""
    from fontTools.ttLib import TTCollection

    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    if face is not None:
        return face
    collection = TTCollection(str(path), lazy=True)
    for i, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == SOURCE_FAMILY:
            return i
    raise SystemExit(f"{path}: no face with family {SOURCE_FAMILY!r}; pass --face N")


def cff_to_glyf(font, max_err: float = 1.0) -> None:
    """Replace the CFF outlines of ``font`` by quadratic TrueType outlines, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()

    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 0  # recomputed on save
    font["post"].formatType = 3.0  # no glyph names: smaller, and nothing reads them
    font.sfntVersion = "\x00\x01\x00\x00"
    # Bounding boxes and maxp counts are recalculated when the font is saved.


def rename(font, family: str, note: str) -> None:
    """Give the subset its own family name; keep copyright, trademark and licence records."""
    name = font["name"]
    ps_name = family.replace(" ", "") + "-Regular"
    version = font["head"].fontRevision
    keep = {0, 7, 8, 9, 10, 11, 12, 13, 14}
    name.names = [r for r in name.names if r.nameID in keep]
    for plat, enc, lang in ((3, 1, 0x409), (1, 0, 0)):
        name.setName(family, 1, plat, enc, lang)
        name.setName("Regular", 2, plat, enc, lang)
        name.setName(f"{version:.3f};{ps_name}", 3, plat, enc, lang)
        name.setName(family, 4, plat, enc, lang)
        name.setName(f"Version {version:.3f}; {note}", 5, plat, enc, lang)
        name.setName(ps_name, 6, plat, enc, lang)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps_name]
        top = cff.topDictIndex[0]
        if hasattr(top, "FullName"):
            top.FullName = family
        if hasattr(top, "FamilyName"):
            top.FamilyName = family


def make_subset(
    source: Path,
    output: Path,
    *,
    face: int | None = None,
    unihan: Path | None = None,
    extra_text: list[Path] | None = None,
    flavor: str = "ttf",
    family: str = DEFAULT_FAMILY,
    layout_features: list[str] | None = None,
) -> dict[str, int]:
    """Subset ``source`` and write it to ``output``.

    Parameters
    ----------
    source : Path
        A Noto Sans CJK font: the ``.ttc`` collection or a single ``.otf``.
    output : Path
        Where to write the subset.
    face : int, optional
        Face of the collection to use; by default the one named ``Noto Sans CJK SC``.
    unihan : Path, optional
        ``Unihan_OtherMappings.txt[.bz2]``: add the 8,105 characters of the 通用规范汉字表.
    extra_text : list of Path, optional
        UTF-8 text files whose characters are added.
    flavor : {"ttf", "otf"}
        TrueType outlines (default) or the original CFF outlines.
    family : str
        Family name of the subset.
    layout_features : list of str, optional
        OpenType features to keep; default ``DEFAULT_FEATURES``.

    Returns
    -------
    dict
        Counts: ``characters`` (mapped in the subset), ``glyphs``, ``bytes``, and
        ``missing`` (wanted characters the source lacks, which are skipped).
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    index = pick_face(source, face)
    font = TTFont(str(source), fontNumber=index, lazy=False, recalcTimestamp=False)
    cmap = font.getBestCmap()
    wanted = wanted_characters(unihan, extra_text or [])
    unicodes = sorted(ord(c) for c in wanted if ord(c) in cmap)
    missing = len(wanted) - len(unicodes)

    options = subset.Options()
    options.layout_features = list(layout_features or DEFAULT_FEATURES)
    options.name_IDs = ["*"]  # kept here, pruned in rename()
    options.name_languages = ["*"]
    options.hinting = False
    options.glyph_names = False
    options.notdef_outline = True
    options.recalc_bounds = True
    options.recalc_timestamp = False  # reproducible output
    options.desubroutinize = flavor == "ttf"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)

    if flavor == "ttf":
        cff_to_glyf(font)
    elif flavor != "otf":
        raise SystemExit(f"unknown flavor {flavor!r}; use ttf or otf")
    rename(font, family, f"subset of {SOURCE_FAMILY} for Yanglao charts")

    output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(output))
    return {
        "characters": len(unicodes),
        "glyphs": len(font.getGlyphOrder()),
        "bytes": output.stat().st_size,
        "missing": missing,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(
        description="Subset Noto Sans CJK SC for the Yanglao charts (GB 2312 + punctuation).",
    )
    parser.add_argument("source", type=Path, help="NotoSansCJK-Regular.ttc or NotoSansCJKsc-*.otf")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"output file (default {DEFAULT_OUTPUT})",
    )
    parser.add_argument(
        "--face",
        type=int,
        default=None,
        help=f"face index in a collection (default: the {SOURCE_FAMILY!r} face)",
    )
    parser.add_argument(
        "--unihan",
        type=Path,
        default=None,
        help="Unihan_OtherMappings.txt[.bz2]: also keep the 8,105 characters "
        "of the 通用规范汉字表 (kTGH)",
    )
    parser.add_argument(
        "--extra-text",
        type=Path,
        action="append",
        default=[],
        help="UTF-8 text file whose characters are also kept (repeatable)",
    )
    parser.add_argument(
        "--flavor",
        choices=("ttf", "otf"),
        default="ttf",
        help="ttf: TrueType outlines (default); otf: keep CFF outlines",
    )
    parser.add_argument(
        "--family",
        default=DEFAULT_FAMILY,
        help=f"family name of the subset (default {DEFAULT_FAMILY!r})",
    )
    args = parser.parse_args(argv)

    if not args.source.is_file():
        parser.error(f"{args.source}: no such file")
    stats = make_subset(
        args.source,
        args.output,
        face=args.face,
        unihan=args.unihan,
        extra_text=args.extra_text,
        flavor=args.flavor,
        family=args.family,
    )
    print(
        f"{args.output}: {stats['characters']} characters, {stats['glyphs']} glyphs, "
        f"{stats['bytes'] / 1e6:.2f} MB ({stats['missing']} wanted characters not in the source)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
