"""The weight-table collators (general_ci, unicode_ci, 0900_ai_ci) behind ``tidbkv.collate``.

Each collator decodes UTF-8 (stopping at the first invalid byte, as TiDB does), maps every
code point to its weights and emits them as big-endian uint16s. The tables are loaded from
``tidbkv/data`` on first use. Internally a table is a ``str.translate`` map from code point to
a string whose characters are the weights, so a key is ``s.translate(t).encode("utf-16-be")``.

Public API: ``GeneralCI``, ``UnicodeCI0400``, ``UnicodeCI0900``, ``weights_of``.
"""

from __future__ import annotations

import struct
import zlib
from functools import cache
from importlib import resources

from tidbkv.collate import Collator

_MAX_RUNE = 0x110000
_LEN_0900 = 0x2CEA1


def _read(name: str) -> bytes:
    return zlib.decompress(resources.files("tidbkv").joinpath("data", name).read_bytes())


@cache
def _general_table() -> list[str]:
    raw = _read("general_ci.bin.z")
    xored = struct.unpack(f">{len(raw) // 2}H", raw)
    table = [chr(w ^ cp) for cp, w in enumerate(xored)]
    # every rune above U+FFFF weighs 0xFFFD
    table.extend([chr(0xFFFD)] * (_MAX_RUNE - len(table)))
    return table


@cache
def _uca_table(name: str) -> list[str]:
    raw = _read(name)
    if raw[:4] != b"TKVW":
        raise ValueError(f"{name}: bad header")
    n = struct.unpack_from("<I", raw, 4)[0]
    counts = raw[8 : 8 + n]
    body = raw[8 + n :].decode("utf-16-be", "surrogatepass")
    table: list[str] = []
    pos = 0
    for c in counts:
        table.append(body[pos : pos + c])
        pos += c
    return table


def _decode_prefix(s: bytes) -> str:
    """UTF-8 text up to the first invalid sequence (TiDB stops the key there)."""
    try:
        return s.decode("utf-8")
    except UnicodeDecodeError as exc:
        return s[: exc.start].decode("utf-8")


def _implicit_0900(r: int) -> str:
    return chr((r >> 15) + 0xFBC0) + chr((r & 0x7FFF) | 0x8000)


class GeneralCI(Collator):
    """``utf8mb4_general_ci`` / ``utf8_general_ci``: PAD SPACE, one weight per character."""

    pad_space = True

    def __init__(self, name: str) -> None:
        self.name = name
        self._table = _general_table()

    def key(self, s: bytes) -> bytes:
        text = _decode_prefix(bytes(s).rstrip(b" "))
        return text.translate(self._table).encode("utf-16-be", "surrogatepass")


class UnicodeCI0400(Collator):
    """``utf8mb4_unicode_ci`` / ``utf8_unicode_ci``: UCA 4.0.0 primary weights, PAD SPACE."""

    pad_space = True

    def __init__(self, name: str) -> None:
        self.name = name
        base = _uca_table("unicode_0400_ci.bin.z")
        self._table = base + [chr(0xFFFD)] * (_MAX_RUNE - len(base))

    def key(self, s: bytes) -> bytes:
        text = _decode_prefix(bytes(s).rstrip(b" "))
        return text.translate(self._table).encode("utf-16-be", "surrogatepass")


class UnicodeCI0900(Collator):
    """``utf8mb4_0900_ai_ci``: UCA 9.0.0 primary weights, NO PAD."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._table = _uca_table("unicode_0900_ai_ci.bin.z")

    def key(self, s: bytes) -> bytes:
        text = _decode_prefix(bytes(s))
        if text and max(text) >= chr(_LEN_0900):
            table = self._table
            parts = [table[o] if o < _LEN_0900 else _implicit_0900(o) for o in map(ord, text)]
            return "".join(parts).encode("utf-16-be", "surrogatepass")
        return text.translate(self._table).encode("utf-16-be", "surrogatepass")


def weights_of(collation: str, ch: str) -> list[int]:
    """The weights a collator emits for one character (for inspection and tests)."""
    from tidbkv.collate import get_collator

    k = get_collator(collation).key(ch.encode("utf-8"))
    return [int.from_bytes(k[i : i + 2], "big") for i in range(0, len(k), 2)]
