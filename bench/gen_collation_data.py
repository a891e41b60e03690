"""Regenerates tidbkv's collation weight tables (tidbkv/data/*.bin.z). Not run at import.

Sources (see tidbkv/data/README.md):

* utf8mb4_0900_ai_ci: the Unicode 9.0.0 DUCET ``allkeys.txt``
  (https://www.unicode.org/Public/UCA/9.0.0/allkeys.txt; the PyPI package ``pyuca`` 1.2 ships
  the same file as ``pyuca/allkeys-9.0.0.txt``, sha256 0633f452...3ed5), turned into per-rune
  primary weights by the rules of TiDB's generator ``pkg/util/collate/ucadata/generator/main.go``
  (single-rune lines only, zero weights dropped, U+FDFA capped at 8 weights, implicit weights
  for Hangul / Tangut / Han / unassigned, U+FFFD and surrogates special-cased) and the lookup of
  ``unicode_0900_ai_ci_impl.go``.
* utf8mb4_unicode_ci (UCA 4.0.0) and utf8mb4_general_ci: TiDB derives them from
  ``allkeys-4.0.0.txt`` and MySQL's ``plane00..planeFF`` tables. Both are MySQL's own, so they
  are read back from a MySQL-compatible server with
  ``WEIGHT_STRING(CONVERT(CHAR(cp USING utf32) USING utf8mb4) COLLATE ...)`` for every BMP code
  point (``--dump-mariadb SOCKET`` runs that through the ``mariadb`` client; MariaDB 10.11 was
  used). Given ``--allkeys-0400 allkeys-4.0.0.txt`` instead, the 4.0.0 table is built from the
  DUCET file with TiDB's generator rules, exactly like the 9.0.0 one.

Output files are zlib-compressed. ``*_ci.bin.z`` for UCA: ``b"TKVW" + LE32 n`` then n bytes
(weights per code point) then all weights as big-endian uint16. ``general_ci.bin.z``: 65536
big-endian uint16s, each the weight XOR its code point (mostly zero).

Usage::

    python bench/gen_collation_data.py --allkeys-0900 allkeys-9.0.0.txt \\
        --mariadb-tsv weights.tsv --out tidbkv/data
    python bench/gen_collation_data.py --dump-mariadb /tmp/mdb/sock > weights.tsv
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import zlib
from pathlib import Path

LONG_RUNE = 0xFFFD
LEN_0400 = 0x10000
LEN_0900 = 0x2CEA1


def _parse_hex(s: str, i: int) -> tuple[bool, int, int]:
    v = 0
    ok = False
    while i < len(s):
        c = s[i]
        if "0" <= c <= "9" or "a" <= c.lower() <= "f":
            v = v * 16 + int(c, 16)
            ok = True
            i += 1
        else:
            break
    return ok, v, i


def _parse_line(line: str) -> tuple[int, list[int]] | None:
    """TiDB parseCETEntry on one allkeys line: (rune, primary weights) or None."""
    ok, char, i = _parse_hex(line, 0)
    if not ok:
        return None
    while i < len(line) and line[i] in " ;":
        i += 1
    weights: list[int] = []
    while i < len(line) and line[i] == "[":
        if i + 1 >= len(line) or line[i + 1] not in ".*":
            return None
        ok, w, i = _parse_hex(line, i + 2)
        if not ok or w > 0xFFFF:
            return None
        while i < len(line) and line[i] == ".":
            ok, _, i = _parse_hex(line, i + 1)
            if not ok:
                return None
        if i >= len(line) or line[i] != "]":
            return None
        i += 1
        weights.append(w)
    return char, weights


def _hangul(r: int) -> list[int]:
    s = r - 0xAC00
    lead, rem = divmod(s, 21 * 28)
    vowel, trail = divmod(rem, 28)
    out = [0x1100 + lead, 0x1161 + vowel]
    if trail:
        out.append(0x11A7 + trail)
    return out


def build_from_allkeys(path: Path, version: int) -> list[list[int]]:
    """Per-rune primary weights as TiDB's generator + collator lookup produce them."""
    length = LEN_0400 if version == 400 else LEN_0900
    table = [0] * length
    long_map: dict[int, tuple[int, int]] = {}
    explicit = [False] * length
    for line in path.read_text(encoding="utf-8").splitlines():
        parsed = _parse_line(line)
        if parsed is None:
            continue
        char, weights = parsed
        if char >= length:
            continue
        if char == 0xFDFA:
            if version == 400:
                continue
            weights = weights[:8]
        explicit[char] = True
        nz = [w for w in weights if w]
        if len(nz) <= 4:
            for idx, w in enumerate(nz):
                table[char] += w << (16 * idx)
        elif len(nz) <= 8:
            table[char] = LONG_RUNE
            w0 = sum(w << (16 * i) for i, w in enumerate(nz[:4]))
            w1 = sum(w << (16 * i) for i, w in enumerate(nz[4:]))
            long_map[char] = (w0, w1)
        else:
            raise ValueError(f"rune {char:#x} has {len(nz)} weights")
        if version == 900 and char == 0xFFFD:
            long_map[char] = (0xFFFD, 0)
    for r in range(1, length):
        if explicit[r]:
            continue
        if version == 400:
            first = (r >> 15) + (
                0xFB80
                if 0x3400 <= r <= 0x4DB5
                else 0xFB40
                if (0x4E00 <= r <= 0x9FA5) or (0xFA0E <= r <= 0xFA0F)
                else 0xFBC0
            )
            table[r] = first + (((r & 0x7FFF) | 0x8000) << 16)
            continue
        if 0xD800 <= r <= 0xDFFF or r == 0xFFFD:
            table[r] = 0xFFFD
        elif 0xAC00 <= r <= 0xD7AF:
            v = 0
            for idx, j in enumerate(_hangul(r)):
                v += (table[j] & 0xFFFF) << (16 * idx)
            table[r] = v
        elif 0x17000 <= r <= 0x18AFF:
            table[r] = 0xFB00 + (((r - 0x17000) | 0x8000) << 16)
        else:
            han_ext = (
                0x3400 <= r <= 0x4DB5
                or 0x20000 <= r <= 0x2A6D6
                or 0x2A700 <= r <= 0x2B734
                or 0x2B740 <= r <= 0x2B81D
                or 0x2B820 <= r <= 0x2CEA1
            )
            han_core = 0x4E00 <= r <= 0x9FD5 or 0xFA0E <= r <= 0xFA29
            base = 0xFB80 if han_ext else 0xFB40 if han_core else 0xFBC0
            table[r] = (r >> 15) + base + (((r & 0x7FFF) | 0x8000) << 16)
    out: list[list[int]] = []
    for r in range(length):
        first = table[r]
        second = 0
        if first == LONG_RUNE:
            first, second = long_map.get(r, (0, 0))
        ws: list[int] = []
        for v in (first, second):
            while v:
                ws.append(v & 0xFFFF)
                v >>= 16
        out.append(ws)
    return out


def build_from_tsv(path: Path) -> tuple[list[list[int]], list[int]]:
    """unicode_ci weights and general_ci weights from a ``--dump-mariadb`` TSV."""
    uca: list[list[int]] = [[] for _ in range(LEN_0400)]
    gen = list(range(LEN_0400))  # surrogates (not encodable) map to themselves, as in TiDB
    seen = 0
    for line in path.read_text(encoding="ascii").splitlines():
        cp_s, uca_hex, gen_hex = line.split("\t")
        cp = int(cp_s)
        b = bytes.fromhex(uca_hex)
        uca[cp] = [int.from_bytes(b[i : i + 2], "big") for i in range(0, len(b), 2)]
        g = bytes.fromhex(gen_hex)
        if len(g) != 2:
            raise ValueError(f"general_ci weight of {cp:#x} is {gen_hex!r}")
        gen[cp] = int.from_bytes(g, "big")
        seen += 1
    if seen != LEN_0400 - 0x800:
        raise ValueError(f"expected {LEN_0400 - 0x800} code points, got {seen}")
    for r in range(0xD800, 0xE000):  # TiDB's 4.0.0 implicit weight for the unreachable ones
        uca[r] = [0xFBC0 + (r >> 15), (r & 0x7FFF) | 0x8000]
    return uca, gen


def pack_uca(weights: list[list[int]]) -> bytes:
    head = b"TKVW" + struct.pack("<I", len(weights))
    counts = bytes(len(w) for w in weights)
    body = b"".join(struct.pack(f">{len(w)}H", *w) for w in weights)
    return zlib.compress(head + counts + body, 9)


def pack_general(weights: list[int]) -> bytes:
    xored = [w ^ cp for cp, w in enumerate(weights)]
    return zlib.compress(struct.pack(f">{len(xored)}H", *xored), 9)


def dump_mariadb(socket: str) -> str:
    query = (
        "select seq, hex(weight_string(convert(char(seq using utf32) using utf8mb4) "
        "collate utf8mb4_unicode_ci)), hex(weight_string(convert(char(seq using utf32) "
        "using utf8mb4) collate utf8mb4_general_ci)) from seq_0_to_65535 "
        "where seq < 55296 or seq > 57343"
    )
    res = subprocess.run(
        ["mariadb", f"--socket={socket}", "-uroot", "-N", "-B", "-D", "mysql", "-e", query],
        check=True,
        capture_output=True,
        text=True,
    )
    return res.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--allkeys-0900", type=Path)
    ap.add_argument("--allkeys-0400", type=Path)
    ap.add_argument("--mariadb-tsv", type=Path)
    ap.add_argument("--dump-mariadb", metavar="SOCKET")
    ap.add_argument("--out", type=Path, default=Path("tidbkv/data"))
    args = ap.parse_args(argv)
    if args.dump_mariadb:
        sys.stdout.write(dump_mariadb(args.dump_mariadb))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    if args.allkeys_0900:
        (args.out / "unicode_0900_ai_ci.bin.z").write_bytes(
            pack_uca(build_from_allkeys(args.allkeys_0900, 900))
        )
    if args.mariadb_tsv:
        uca, gen = build_from_tsv(args.mariadb_tsv)
        if not args.allkeys_0400:
            (args.out / "unicode_0400_ci.bin.z").write_bytes(pack_uca(uca))
        (args.out / "general_ci.bin.z").write_bytes(pack_general(gen))
    if args.allkeys_0400:
        (args.out / "unicode_0400_ci.bin.z").write_bytes(
            pack_uca(build_from_allkeys(args.allkeys_0400, 400))
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
