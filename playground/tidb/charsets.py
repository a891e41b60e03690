"""Character sets and collations TiDB accepts, with their default collations."""

from __future__ import annotations

DEFAULT_CHARSET = "utf8mb4"
DEFAULT_COLLATION = "utf8mb4_bin"
BINARY = "binary"

# TiDB's default collation per charset (utf8mb4 -> utf8mb4_bin, unlike MySQL 8).
DEFAULT_COLLATIONS = {
    "utf8mb4": "utf8mb4_bin",
    "utf8": "utf8_bin",
    "utf8mb3": "utf8_bin",
    "latin1": "latin1_bin",
    "ascii": "ascii_bin",
    "binary": "binary",
    "gbk": "gbk_chinese_ci",
    "gb18030": "gb18030_chinese_ci",
}
# Aliases TiDB normalises.
CHARSET_ALIASES = {"utf8mb3": "utf8"}
# MySQL collation ids, for result-set column definitions.
COLLATION_IDS = {
    "utf8mb4_bin": 46,
    "utf8mb4_general_ci": 45,
    "utf8mb4_unicode_ci": 224,
    "utf8mb4_0900_ai_ci": 255,
    "utf8mb4_0900_bin": 309,
    "utf8_bin": 83,
    "utf8_general_ci": 33,
    "utf8_unicode_ci": 192,
    "latin1_bin": 47,
    "latin1_swedish_ci": 8,
    "ascii_bin": 65,
    "ascii_general_ci": 11,
    "binary": 63,
    "gbk_bin": 87,
    "gbk_chinese_ci": 28,
}


class UnknownCharset(ValueError):
    """A charset or collation name TiDB would reject."""


def normalise_charset(name: str) -> str:
    low = name.lower()
    low = CHARSET_ALIASES.get(low, low)
    if low not in DEFAULT_COLLATIONS:
        raise UnknownCharset(name)
    return low


def charset_of_collation(collation: str) -> str:
    low = collation.lower()
    if low == "binary":
        return "binary"
    prefix = low.split("_", 1)[0]
    if prefix == "utf8mb3":
        prefix = "utf8"
    if prefix not in DEFAULT_COLLATIONS:
        raise UnknownCharset(collation)
    return prefix


def resolve(charset: str | None, collation: str | None) -> tuple[str, str] | None:
    """(charset, collation) from an optional pair; None when neither is given."""
    if charset is None and collation is None:
        return None
    if collation is not None:
        coll = collation.lower().replace("utf8mb3_", "utf8_")
        chs = charset_of_collation(coll)
        if charset is not None and normalise_charset(charset) != chs:
            raise UnknownCharset(
                f"COLLATION '{collation}' is not valid for CHARACTER SET '{charset}'"
            )
        return chs, coll
    assert charset is not None
    chs = normalise_charset(charset)
    return chs, DEFAULT_COLLATIONS[chs]


def bin_collation(charset: str) -> str:
    return "binary" if charset == "binary" else f"{charset}_bin"
