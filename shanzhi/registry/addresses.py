"""Address keys: one spelling per address, so that "3号楼2单元301室", "３幢二单元301" and
"3栋 2单元 301" are found as the same place and the portal and the hotline console can
complete what a caller starts to say.

The key is for matching only; the address is shown as it was entered.
"""

import re
import unicodedata

_NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_NUMERALS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
# Words after which a number counts something in an address.
_COUNTERS = "号栋幢座楼单元层室户弄巷组期区排"
_CHINESE_NUMBER = re.compile(rf"([零〇一二两三四五六七八九十百]+)(?=[{_COUNTERS}])")
# Different words for the same thing, in the order they are replaced.
_SYNONYMS = (
    ("号楼", "栋"),
    ("幢", "栋"),
    ("座", "栋"),
    ("号房", "室"),
)
# A bare number ("2", "301", "301A") gets its counter word; "底商5号" is kept as typed.
_PLAIN_NUMBER = re.compile(r"[0-9A-Za-z]+|[一二三四五六七八九十]+")
_DROPPED = re.compile(r"[\s\-—–_·.,，。、#＃/()（）]+")


def chinese_to_int(text: str) -> int:
    """二十三 → 23, 十五 → 15, 一百零八 → 108, 三零一 → 301 (digit by digit)."""
    if "十" not in text and "百" not in text:
        return int("".join(str(_NUMERALS[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _NUMERALS[char]
    return total + current


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _DROPPED.sub("", text)
    text = _CHINESE_NUMBER.sub(lambda m: str(chinese_to_int(m.group(1))), text)
    for old, new in _SYNONYMS:
        text = text.replace(old, new)
    return text


def mask(address: str, keep: int = 6) -> str:
    """The street part of an address without the house number: for the audit log, which
    outlives the personal data it mentions."""
    address = (address or "").strip()
    if len(address) <= keep:
        return "*" * len(address)
    return address[:keep] + "…"


def dwelling_address(building_address: str, unit: str, room: str) -> str:
    """ "示范路12号3栋" + "2" + "301" → "示范路12号3栋2单元301室"."""
    parts = [building_address.strip()]
    unit, room = unit.strip(), room.strip()
    if unit:
        parts.append(f"{unit}单元" if _PLAIN_NUMBER.fullmatch(unit) else unit)
    if room:
        parts.append(f"{room}室" if _PLAIN_NUMBER.fullmatch(room) else room)
    return "".join(parts)
