"""Collation sort keys as TiDB's new collation framework computes them (``pkg/util/collate``).

With new collation enabled (the default since TiDB 6.0), index keys hold ``collator.key(v)``
instead of the raw string; with it disabled every collator is the binary one.

=============================================  ==============================================
collation                                      key
=============================================  ==============================================
``binary`` (and everything, new collation off)  the bytes
``utf8mb4_bin``, ``utf8_bin``, ``ascii_bin``,   the bytes without trailing 0x20 (PAD SPACE)
``latin1_bin``
``utf8mb4_0900_bin``                            the bytes (NO PAD)
``utf8mb4_general_ci``, ``utf8_general_ci``     trailing spaces trimmed, one 2-byte big-endian
                                                weight per character (plane tables; above
                                                U+FFFF → 0xFFFD)
``utf8mb4_unicode_ci``, ``utf8_unicode_ci``     trailing spaces trimmed, UCA 4.0.0 primary
                                                weights (BMP; above U+FFFF → 0xFFFD)
``utf8mb4_0900_ai_ci``                          UCA 9.0.0 primary weights, NO PAD
``gbk_bin``, ``gb18030_bin``                    GBK / GB18030 bytes (``?`` for unmappable
                                                characters and invalid UTF-8 bytes), PAD SPACE
=============================================  ==============================================

Unknown collation names fall back to ``utf8mb4_bin`` as TiDB's ``GetCollator`` does;
``gbk_chinese_ci``, ``gb18030_chinese_ci`` and ``utf8mb4_0900_as_cs`` raise
``UnsupportedCollationError``.

The general_ci, unicode_ci and 0900_ai_ci weight tables are data files in
``tidbkv/data/`` (``tidbkv/data/README.md`` states their origin; ``bench/gen_collation_data.py``
regenerates them); they are read on first use, not at import.

Public API: ``Collator``, ``get_collator``, ``is_bin_collation``, ``truncate_tailing_space``,
``tail_space_count``, ``UnsupportedCollationError``, ``DEFAULT_COLLATION``.
"""

from __future__ import annotations

import re
from functools import cache

from tidbkv.errors import TidbKVError

DEFAULT_COLLATION = "utf8mb4_bin"
_BIN_COLLATIONS = frozenset(
    {"ascii_bin", "latin1_bin", "utf8_bin", "utf8mb4_bin", "binary", "utf8mb4_0900_bin"}
)
_PADDING_BIN = frozenset({"ascii_bin", "latin1_bin", "utf8_bin", "utf8mb4_bin"})
_UNSUPPORTED = frozenset({"gbk_chinese_ci", "gb18030_chinese_ci", "utf8mb4_0900_as_cs"})


class UnsupportedCollationError(TidbKVError, ValueError):
    """TiDB knows this collation but tidbkv does not implement its sort keys."""

    def __init__(self, name: str) -> None:
        super().__init__(f"collation {name!r} is not supported by tidbkv")
        self.name = name


def is_bin_collation(name: str) -> bool:
    """TiDB ``collate.IsBinCollation``."""
    return name.lower() in _BIN_COLLATIONS


def truncate_tailing_space(b: bytes) -> bytes:
    """Removes trailing 0x20 bytes (PAD SPACE)."""
    return b.rstrip(b" ")


def tail_space_count(b: bytes) -> int:
    """Number of trailing 0x20 bytes (``stringutil.GetTailSpaceCount``)."""
    return len(b) - len(b.rstrip(b" "))


class Collator:
    """A collation's sort-key function; ``key`` maps string bytes to comparable bytes."""

    name: str = "binary"
    pad_space: bool = False

    def key(self, s: bytes) -> bytes:
        return bytes(s)

    def compare(self, a: bytes, b: bytes) -> int:
        ka, kb = self.key(a), self.key(b)
        return (ka > kb) - (ka < kb)


class _BinPadding(Collator):
    pad_space = True

    def __init__(self, name: str) -> None:
        self.name = name

    def key(self, s: bytes) -> bytes:
        return bytes(s).rstrip(b" ")


class _NoPad(Collator):
    def __init__(self, name: str) -> None:
        self.name = name


_INVALID_UTF8 = re.compile("[\udc80-\udcff]")


class _EncodedBin(Collator):
    """``gbk_bin`` / ``gb18030_bin``: the text's bytes in that charset, PAD SPACE; each byte
    that is not part of valid UTF-8, and each character the charset cannot encode, becomes
    ``?`` (TiDB ``TestCampareInvalidUTF8Rune``, TiKV ``GbkBin`` / ``Gb18030Bin``)."""

    pad_space = True

    def __init__(self, name: str, codec: str) -> None:
        self.name = name
        self.codec = codec

    def key(self, s: bytes) -> bytes:
        raw = bytes(s).rstrip(b" ")
        if raw.isascii():
            return raw
        text = _INVALID_UTF8.sub("?", raw.decode("utf-8", "surrogateescape"))
        if self.codec == "gb18030":
            return text.encode("gb18030", errors="replace")
        # GBK is GB18030's two-byte part (Go's simplifiedchinese.GBK); TiDB refuses the euro
        out = bytearray()
        for ch in text:
            b = ch.encode("gb18030", errors="replace") if ch != "\u20ac" else b"?"
            out += b if len(b) <= 2 else b"?"
        return bytes(out)


_BINARY = _NoPad("binary")


@cache
def _new_collator(name: str) -> Collator:
    if name in _PADDING_BIN:
        return _BinPadding(name)
    if name in ("binary", "utf8mb4_0900_bin"):
        return _NoPad(name)
    if name == "gbk_bin":
        return _EncodedBin(name, "gbk")
    if name == "gb18030_bin":
        return _EncodedBin(name, "gb18030")
    if name in ("utf8mb4_general_ci", "utf8_general_ci"):
        from tidbkv.collators import GeneralCI

        return GeneralCI(name)
    if name in ("utf8mb4_unicode_ci", "utf8_unicode_ci"):
        from tidbkv.collators import UnicodeCI0400

        return UnicodeCI0400(name)
    if name == "utf8mb4_0900_ai_ci":
        from tidbkv.collators import UnicodeCI0900

        return UnicodeCI0900(name)
    if name in _UNSUPPORTED:
        raise UnsupportedCollationError(name)
    return _new_collator(DEFAULT_COLLATION)


def get_collator(name: str, new_collation: bool = True) -> Collator:
    """The collator TiDB uses for ``name`` (``collate.GetCollator``)."""
    if not new_collation:
        return _BINARY
    return _new_collator((name or DEFAULT_COLLATION).lower())
