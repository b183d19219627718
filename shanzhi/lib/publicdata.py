"""What the public may see of a case: personal data masked in free text, and locations
coarsened to cells of a fixed grid (docs/portal.md).

Masking keeps only the first three digits of a phone, ID, bank-card or other long
number. The usual display mask (138****5678) keeps the last four digits too, but those
are the key for following a case without signing in, so they are never published.
Names in free text are not recognised: the public list shows titles, not descriptions.
"""

import math
import re

# Full-width digits and signs typed on a Chinese keyboard, matched like ASCII. One
# character for one, so that positions in the folded text are positions in the original.
_FOLD = str.maketrans("０１２３４５６７８９＋－（）＠．Ｘｘ", "0123456789+-()@.Xx")
KEEP_DIGITS = 3

_PATTERN = re.compile(
    r"""
    (?P<email>[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})
    | (?<![0-9A-Za-z])(?P<id>[0-9]{17}[0-9Xx])(?![0-9A-Za-z])
    | (?<![0-9])(?P<mobile>(?:(?:\+|00)86[\ \-]?)?1[3-9][0-9](?:[\ \-]?[0-9]){8})(?![0-9])
    | (?<![0-9])(?P<landline>(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})[\ \-]?[0-9]{7,8})(?![0-9])
    | (?<![0-9])(?P<long>[0-9]{7,})(?![0-9])
    """,
    re.VERBOSE,
)
_COUNTRY = re.compile(r"(?:\+|00)86[\ \-]?")


def _mask_digits(original: str, folded: str, keep: int = KEEP_DIGITS) -> str:
    """Every digit (and an ID's check letter) after the first ``keep`` digits becomes
    "*"; separators stay, so the shape of the number stays readable. ``folded`` is
    ``original`` folded to ASCII, character for character."""
    out, seen = [], 0
    for ch, plain in zip(original, folded, strict=True):
        if plain in "0123456789Xx":
            seen += 1
            out.append(ch if seen <= keep and plain not in "Xx" else "*")
        else:
            out.append(ch)
    return "".join(out)


def _mask_email(text: str) -> str:
    local, _at, domain = text.partition("@")
    return f"{local[:1]}***@{domain}"


def redact(text: str) -> str:
    """``text`` with phone numbers, ID numbers, e-mail addresses and other runs of seven
    or more digits masked."""
    if not text:
        return ""
    folded = text.translate(_FOLD)
    out, last = [], 0
    for match in _PATTERN.finditer(folded):
        start, end = match.span()
        original = text[start:end]
        if match.lastgroup == "email":
            masked = _mask_email(original)
        elif match.lastgroup == "mobile":
            prefix = _COUNTRY.match(folded, start)
            cut = prefix.end() - start if prefix else 0
            masked = original[:cut] + _mask_digits(original[cut:], folded[start + cut : end])
        else:
            masked = _mask_digits(original, folded[start:end])
        out.append(text[last:start])
        out.append(masked)
        last = end
    out.append(text[last:])
    return "".join(out)


def coarse_cell(lon: float, lat: float, step: float) -> tuple[float, float]:
    """The centre of the cell of a fixed ``step``-degree grid that holds the point."""
    if step <= 0:
        raise ValueError("a cell has a positive size")

    def centre(value: float) -> float:
        # Rounded before the floor, so that a point on a cell's edge (32.05 / 0.005 is
        # 6409.999… in binary floating point) falls in one cell, the one to its east/north.
        return round((math.floor(round(value / step, 9)) + 0.5) * step, 6)

    return centre(lon), centre(lat)


def count_cells(points, step: float) -> list[tuple[float, float, int]]:
    """``(lon, lat)`` points counted per cell: ``(centre lon, centre lat, count)``, in a
    stable order (west to east, then south to north)."""
    counts: dict[tuple[float, float], int] = {}
    for lon, lat in points:
        if lon is None or lat is None:
            continue
        cell = coarse_cell(lon, lat, step)
        counts[cell] = counts.get(cell, 0) + 1
    return [(lon, lat, n) for (lon, lat), n in sorted(counts.items())]
