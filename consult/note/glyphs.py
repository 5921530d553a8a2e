"""Which characters the note's font can print, read from the bundled TrueType files.

A character the font has no glyph for prints in the PDF as an empty box (the
font's ".notdef" glyph), which a reader cannot tell from a smudge. The note
names such characters instead (see `compose`): `missing_glyphs(text)` lists
them. The character maps are read here in plain Python, without reportlab, so
the text preview stays light.

User text is set in the regular face, except the patient's name and the practice
name, which the PDF sets in bold (pdf.styles: banner_name, practice): those are
checked against the bold face, whose character map is slightly smaller.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from collections.abc import Iterable
from functools import cache

from consult import resources

REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"

# Control characters and the soft hyphen: the PDF renderer drops them before layout
# (pdf.esc) or lays them out as a line break or a space; none is drawn with a glyph.
_NOT_DRAWN = re.compile(r"[\x00-\x1f\x7f\xad]")


class FontFileError(ValueError):
    """The font file has no usable Unicode character map."""


def _cmap(data: bytes) -> frozenset[int]:
    """Code points mapped to a real glyph (not glyph 0) by the font's Unicode cmap."""
    (count,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(count):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag] = offset
    if b"cmap" not in tables:
        raise FontFileError("no cmap table")
    base = tables[b"cmap"]
    _version, subtables = struct.unpack_from(">HH", data, base)
    found: dict[tuple[int, int], int] = {}
    for i in range(subtables):
        platform, encoding, offset = struct.unpack_from(">HHI", data, base + 4 + 8 * i)
        found[(platform, encoding)] = base + offset
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
        if key not in found:
            continue
        at = found[key]
        (fmt,) = struct.unpack_from(">H", data, at)
        if fmt == 12:
            return _format12(data, at)
        if fmt == 4:
            return _format4(data, at)
    raise FontFileError("no Unicode cmap of format 4 or 12")


def _format12(data: bytes, at: int) -> frozenset[int]:
    (groups,) = struct.unpack_from(">I", data, at + 12)
    points: set[int] = set()
    for g in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * g)
        points.update(c for c in range(start, end + 1) if glyph + (c - start) != 0)
    return frozenset(points)


def _format4(data: bytes, at: int) -> frozenset[int]:
    (seg2,) = struct.unpack_from(">H", data, at + 6)
    segs = seg2 // 2
    ends = struct.unpack_from(f">{segs}H", data, at + 14)
    starts = struct.unpack_from(f">{segs}H", data, at + 16 + seg2)
    deltas = struct.unpack_from(f">{segs}h", data, at + 16 + 2 * seg2)
    range_at = at + 16 + 3 * seg2
    offsets = struct.unpack_from(f">{segs}H", data, range_at)
    points: set[int] = set()
    for i in range(segs):
        for c in range(starts[i], ends[i] + 1):
            if c == 0xFFFF:
                continue
            if offsets[i] == 0:
                glyph = (c + deltas[i]) & 0xFFFF
            else:
                (glyph,) = struct.unpack_from(
                    ">H", data, range_at + 2 * i + offsets[i] + 2 * (c - starts[i]))
                if glyph:
                    glyph = (glyph + deltas[i]) & 0xFFFF
            if glyph:
                points.add(c)
    return frozenset(points)


@cache
def face_coverage(filename: str) -> frozenset[int]:
    """Every code point one bundled font file has a glyph for."""
    return _cmap(resources.path("fonts", filename).read_bytes())


def coverage(*, bold: bool = False) -> frozenset[int]:
    """Code points the regular (or the bold) face can print."""
    return face_coverage(BOLD if bold else REGULAR)


@cache
def _both() -> frozenset[int]:
    return coverage() & coverage(bold=True)


def _invisible(char: str) -> bool:
    """An invisible format character (bidi isolate, tag) the font lacks: dropped, not boxed."""
    return ord(char) not in _both() and unicodedata.category(char) == "Cf"


def drop_invisible(text: str) -> str:
    """`text` without the invisible format characters the font has no glyph for."""
    if text.isascii():
        return text
    return "".join(c for c in text if not _invisible(c))


def needs_glyph(char: str) -> bool:
    """False for what the renderer drops or lays out as space (controls, line breaks,
    invisible format characters the font lacks)."""
    return not (_NOT_DRAWN.match(char) or char.isspace() or _invisible(char))


def missing_glyphs(text: str | Iterable[str], *, bold: bool = False) -> set[str]:
    """The characters of `text` (a string or several) that would print as empty boxes
    in the regular face (or the bold one)."""
    chars = set(text if isinstance(text, str) else "".join(text))
    have = coverage(bold=bold)
    return {c for c in chars if ord(c) not in have and needs_glyph(c)}


def upper_printable(text: str, *, bold: bool = False) -> str:
    """`text` in capitals where the font can print the capital; a letter whose capital
    it lacks stays as typed (U+026A "ɪ" capitalises to U+A7AE, which DejaVu Sans does
    not have: upper-casing a family name must not turn a printable letter into a box)."""
    if text.isascii():
        return text.upper()
    have = coverage(bold=bold)
    out = []
    for char in text:
        capital = char.upper()
        out.append(capital if all(ord(c) in have or not needs_glyph(c) for c in capital) else char)
    return "".join(out)


def describe(char: str) -> str:
    """'U+4E2D CJK UNIFIED IDEOGRAPH-4E2D': the code and name, never the glyph itself."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


__all__ = ["BOLD", "REGULAR", "coverage", "describe", "drop_invisible", "face_coverage",
           "missing_glyphs", "needs_glyph", "upper_printable"]
