"""Collation sort keys and orders against TiDB pkg/util/collate/collate_test.go and TiKV
codec/collation/collator/mod.rs tests (each test names its source). gbk_chinese_ci and
gb18030_chinese_ci need weight tables tidbkv does not carry; their columns are left out."""

from __future__ import annotations

import pytest

from tidbkv.collate import UnsupportedCollationError, get_collator

TIDB_COLLATIONS = ["binary", "utf8mb4_bin", "utf8mb4_general_ci", "utf8mb4_unicode_ci",
                   "utf8mb4_0900_ai_ci", "utf8mb4_0900_bin", "gbk_bin"]  # fmt: skip

# TiDB TestUTF8CollatorCompare (gbk_chinese_ci column dropped). The first "Å" row is A
# followed by U+030A COMBINING RING ABOVE, the second the precomposed U+00C5.
TIDB_COMPARE = [
    ("a", "b", [-1, -1, -1, -1, -1, -1, -1]),
    ("a", "A", [1, 1, 0, 0, 0, 1, 1]),
    ("À", "A", [1, 1, 0, 0, 0, 1, -1]),
    ("abc", "abc", [0, 0, 0, 0, 0, 0, 0]),
    ("abc", "ab", [1, 1, 1, 1, 1, 1, 1]),
    ("😜", "😃", [1, 1, 0, 0, 1, 1, 0]),
    ("a", "a ", [-1, 0, 0, 0, -1, -1, 0]),
    ("a ", "a  ", [-1, 0, 0, 0, -1, -1, 0]),
    ("a\t", "a", [1, 1, 1, 1, 1, 1, 1]),
    ("ß", "s", [1, 1, 0, 1, 1, 1, -1]),
    ("ß", "ss", [1, 1, -1, 0, 0, 1, -1]),
    ("啊", "吧", [1, 1, 1, 1, 1, 1, -1]),
    ("中文", "汉字", [-1, -1, -1, -1, -1, -1, 1]),
    ("æ", "ae", [1, 1, 1, 1, 0, 1, -1]),
    ("A\u030a", "A", [1, 1, 1, 0, 0, 1, 1]),
    ("\u00c5", "A", [1, 1, 0, 0, 0, 1, -1]),
    ("\U0001730f", "啊", [1, 1, 1, 1, -1, 1, -1]),
    ("가", "㉡", [1, 1, 1, 1, -1, 1, 0]),
    ("갟", "감1", [1, 1, 1, 1, 1, 1, -1]),
    ("\U000ffffe", "\U000fffff", [-1, -1, 0, 0, -1, -1, 0]),
]


@pytest.mark.parametrize(("a", "b", "expected"), TIDB_COMPARE)
def test_tidb_compare_table(a: str, b: str, expected: list[int]) -> None:
    """TiDB collate_test.go TestUTF8CollatorCompare."""
    for name, want in zip(TIDB_COLLATIONS, expected, strict=True):
        assert get_collator(name).compare(a.encode(), b.encode()) == want, name


TIDB_KEYS = [
    ("a", ["61", "61", "0041", "0e33", "1c47", "61", "61"]),
    ("A", ["41", "41", "0041", "0e33", "1c47", "41", "41"]),
    ("a ", ["6120", "61", "0041", "0e33", "1c470209", "6120", "61"]),
    ("ﷻ", ["efb7bb", "efb7bb", "fdfb", "135e13ab0209135e13ab135013ab13b7",
           "2325239c02092325239c230b239c23b1", "efb7bb", "3f"]),
    ("中文", ["e4b8ade69687", "e4b8ade69687", "4e2d6587", "fb40ce2dfb40e587",
              "fb40ce2dfb40e587", "e4b8ade69687", "d6d0cec4"]),
    ("갟감1", ["eab09feab09031", "eab09feab09031", "ac1fac100031", "fbc1ac1ffbc1ac100e2a",
               "3bf53c743cd33bf53c733ce01c3e", "eab09feab09031", "3f3f31"]),
    ("\U000ffffe\U000fffff", ["f3bfbfbef3bfbfbf", "f3bfbfbef3bfbfbf", "fffdfffd", "fffdfffd",
                              "fbdffffefbdfffff", "f3bfbfbef3bfbfbf", "3f3f"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "keys"), TIDB_KEYS)
def test_tidb_key_table(text: str, keys: list[str]) -> None:
    """TiDB collate_test.go TestUTF8CollatorKey (Hangul syllables: implicit weights in
    unicode_ci, decomposed jamo in 0900_ai_ci; planes 15/16: implicit weights in 0900)."""
    for name, want in zip(TIDB_COLLATIONS, keys, strict=True):
        assert get_collator(name).key(text.encode()).hex() == want, name


# TiKV collator/mod.rs test_utf8mb4_sort_key columns: utf8mb4_bin, the no-padding binary
# collator, general_ci, unicode_ci, latin1_bin, gbk_bin, 0900_ai_ci, 0900_bin, gb18030_bin
TIKV_COLLATIONS = ["utf8mb4_bin", "binary", "utf8mb4_general_ci", "utf8mb4_unicode_ci",
                   "latin1_bin", "gbk_bin", "utf8mb4_0900_ai_ci", "utf8mb4_0900_bin",
                   "gb18030_bin"]  # fmt: skip
FOO = "Foo © bar 𝌆 baz ☃ qux"
TIKV_KEYS = [
    ("a", ["61", "61", "0041", "0e33", "61", "61", "1c47", "61", "61"]),
    ("A ", ["41", "4120", "0041", "0e33", "41", "41", "1c470209", "4120", "41"]),
    ("A", ["41", "41", "0041", "0e33", "41", "41", "1c47", "41", "41"]),
    ("😃", ["f09f9883", "f09f9883", "fffd", "fffd", "f09f9883", "3f", "15fe", "f09f9883",
           "9439fc39"]),
    (FOO, [FOO.encode().hex(), FOO.encode().hex(),
           "0046004f004f002000a900200042004100520020fffd002000420041005a002026030020005100550058",
           "0eb90f820f82020902c502090e4a0e330fc00209fffd02090e4a0e33106a020906ff02090fb4101f105a",
           FOO.encode().hex(), "466f6f203f20626172203f2062617a203f20717578",
           "1ce51ddd1ddd0209058402091c601c471e3302090ef002091c601c471f210209091b02091e211eb51eff",
           FOO.encode().hex(),
           "466f6f208130843820626172209432ef322062617a208137a33020717578"]),
    ("ﷻ", ["efb7bb", "efb7bb", "fdfb", "135e13ab0209135e13ab135013ab13b7", "efb7bb", "3f",
           "2325239c02092325239c230b239c23b1", "efb7bb", "8430fe35"]),
    ("中文", ["e4b8ade69687", "e4b8ade69687", "4e2d6587", "fb40ce2dfb40e587", "e4b8ade69687",
              "d6d0cec4", "fb40ce2dfb40e587", "e4b8ade69687", "d6d0cec4"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "keys"), TIKV_KEYS)
def test_tikv_sort_keys(text: str, keys: list[str]) -> None:
    """TiKV collator/mod.rs test_utf8mb4_sort_key (the gbk_chinese_ci / gb18030_chinese_ci
    columns dropped); gb18030_bin is the GB18030 encoding, 4-byte forms included."""
    for name, want in zip(TIKV_COLLATIONS, keys, strict=True):
        assert get_collator(name).key(text.encode()).hex() == want, name


L, E, G = -1, 0, 1
TIKV_COMPARE = [
    (b"a", b"a", [E, E, E, E, E, E, E, E, E]),
    (b"a", b"a ", [E, L, E, E, E, E, L, L, E]),
    (b"a", b"A ", [G, G, E, E, G, G, L, G, G]),
    (b"aa ", b"a a", [G, G, G, G, G, G, G, G, G]),
    (b"A", b"a\t", [L, L, L, L, L, L, L, L, L]),
    (b"cAfe", "café".encode(), [L, L, E, E, L, L, E, L, L]),
    (b"cAfe ", "café".encode(), [L, L, E, E, L, L, G, L, L]),
    ("ß".encode(), b"ss", [G, G, L, E, G, L, E, G, G]),
    ("中文".encode(), "汉字".encode(), [L, L, L, L, L, G, L, L, G]),
    ("啊".encode(), "把".encode(), [L, L, L, L, L, L, L, L, L]),
    (bytes([0x3E, 0xFE, 0x3E, 0x3E]), bytes([0x3E, 0xFF]), [L, L, E, E, L, G, E, L, G]),
    ("ʩ".encode(), b"F", [G, G, G, G, G, L, G, G, G]),
]


@pytest.mark.parametrize(("a", "b", "expected"), TIKV_COMPARE)
def test_tikv_compare_table(a: bytes, b: bytes, expected: list[int]) -> None:
    """TiKV collator/mod.rs test_utf8mb4_sort_compare (chinese_ci columns dropped); invalid
    UTF-8 stops the weight collators' keys but is '?' per byte in gbk_bin / gb18030_bin."""
    for name, want in zip(TIKV_COLLATIONS, expected, strict=True):
        assert get_collator(name).compare(a, b) == want, name


@pytest.mark.parametrize(
    "name",
    ["utf8mb4_general_ci", "utf8mb4_0900_ai_ci", "utf8mb4_unicode_ci", "gb18030_bin", "gbk_bin"],
)
def test_invalid_utf8(name: str) -> None:
    """TiDB collate_test.go TestCampareInvalidUTF8Rune."""
    c = get_collator(name)
    assert c.compare(b"\xff", b"\xff") == 0
    assert c.compare(b"\xff", b"\xfe") == 0
    if not name.startswith("gb"):
        assert c.compare(b"\xff", b"\xff\x3e") == 0
        assert c.compare(b"\x3e\xff", b"\x3e\xff\x3e") == 0
    else:
        assert c.key(b"\x3e\xff\x3e") == b">?>"
    for s in (b"\xff", b"\x3e\xff", b"\x3e\xff\x3e"):
        assert c.key(s) is not None


def test_gbk_refuses_the_euro_sign_and_four_byte_forms() -> None:
    """TiDB customGBKEncoder refuses '€' (issue 30581); GBK has no 4-byte forms."""
    assert get_collator("gbk_bin").key("€😃".encode()) == b"??"
    assert get_collator("gb18030_bin").key("€".encode()).hex() == "a2e3"


@pytest.mark.parametrize("name", ["gbk_chinese_ci", "gb18030_chinese_ci"])
def test_chinese_ci_collations_are_refused_rather_than_guessed(name: str) -> None:
    with pytest.raises(UnsupportedCollationError):
        get_collator(name)
