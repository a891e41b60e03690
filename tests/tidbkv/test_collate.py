"""Collation sort keys against TiDB / TiKV test vectors, and order properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tidbkv.collate import (
    UnsupportedCollationError,
    get_collator,
    is_bin_collation,
    tail_space_count,
)

FOO = "Foo © bar 𝌆 baz ☃ qux"

# TiDB pkg/util/collate TestUTF8CollatorKey and TiKV codec/collation test_utf8mb4_sort_key
# (columns: binary, utf8mb4_bin, general_ci, unicode_ci, 0900_ai_ci, gbk_bin).
KEY_TABLE = [
    ("a", ["61", "61", "0041", "0e33", "1c47", "61"]),
    ("A", ["41", "41", "0041", "0e33", "1c47", "41"]),
    ("a ", ["6120", "61", "0041", "0e33", "1c470209", "61"]),
    ("A ", ["4120", "41", "0041", "0e33", "1c470209", "41"]),
    ("😃", ["f09f9883", "f09f9883", "fffd", "fffd", "15fe", "3f"]),
    (
        FOO,
        [
            FOO.encode().hex(),
            FOO.encode().hex(),
            "0046004f004f002000a900200042004100520020fffd002000420041005a002026030020005100550058",
            "0eb90f820f82020902c502090e4a0e330fc00209fffd02090e4a0e33106a020906ff02090fb4101f105a",
            "1ce51ddd1ddd0209058402091c601c471e3302090ef002091c601c471f210209091b02091e211eb51eff",
            "466f6f203f20626172203f2062617a203f20717578",
        ],
    ),
    (
        "ﷻ",
        [
            "efb7bb",
            "efb7bb",
            "fdfb",
            "135e13ab0209135e13ab135013ab13b7",
            "2325239c02092325239c230b239c23b1",
            "3f",
        ],
    ),
    (
        "中文",
        [
            "e4b8ade69687",
            "e4b8ade69687",
            "4e2d6587",
            "fb40ce2dfb40e587",
            "fb40ce2dfb40e587",
            "d6d0cec4",
        ],
    ),
]
COLLATIONS = [
    "binary",
    "utf8mb4_bin",
    "utf8mb4_general_ci",
    "utf8mb4_unicode_ci",
    "utf8mb4_0900_ai_ci",
    "gbk_bin",
]


@pytest.mark.parametrize(("text", "keys"), KEY_TABLE)
def test_sort_keys_match_tidb_and_tikv(text: str, keys: list[str]) -> None:
    for name, expected in zip(COLLATIONS, keys, strict=True):
        assert get_collator(name).key(text.encode()).hex() == expected, name


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # TiDB TestUTF8CollatorCompare, columns binary, utf8mb4_bin, general_ci, unicode_ci.
        ("a", "b", [-1, -1, -1, -1]),
        ("a", "A", [1, 1, 0, 0]),
        ("À", "A", [1, 1, 0, 0]),
        ("abc", "ab", [1, 1, 1, 1]),
        ("😜", "😃", [1, 1, 0, 0]),
        ("a", "a ", [-1, 0, 0, 0]),
        ("a\t", "a", [1, 1, 1, 1]),
        ("ß", "s", [1, 1, 0, 1]),
        ("ß", "ss", [1, 1, -1, 0]),
        ("啊", "吧", [1, 1, 1, 1]),
        ("中文", "汉字", [-1, -1, -1, -1]),
    ],
)
def test_compare_matches_tidb(a: str, b: str, expected: list[int]) -> None:
    for name, want in zip(COLLATIONS[:4], expected, strict=True):
        assert get_collator(name).compare(a.encode(), b.encode()) == want, name


def test_latin1_bin_trims_only_spaces() -> None:
    # TiKV test_latin1_bin: trailing 0x20 ignored, trailing tabs are not.
    c = get_collator("latin1_bin")
    assert c.compare(bytes([0xFF, 0x88, 0, 0x13, 0x20, 0x20]), bytes([0xFF, 0x88, 0, 0x13])) == 0
    assert c.compare(bytes([0xFF, 0x88, 0, 0x13, 9]), bytes([0xFF, 0x88, 0, 0x13])) == 1


def test_new_collation_disabled_means_binary_keys() -> None:
    assert get_collator("utf8mb4_general_ci", new_collation=False).key(b"a ") == b"a "


def test_unknown_collation_falls_back_to_utf8mb4_bin_and_gbk_ci_is_refused() -> None:
    assert get_collator("default_test").key(b"a  ") == b"a"
    with pytest.raises(UnsupportedCollationError):
        get_collator("gbk_chinese_ci")


def test_invalid_utf8_stops_the_key() -> None:
    assert get_collator("utf8mb4_general_ci").key(b"ab\xffcd") == bytes.fromhex("00410042")
    assert get_collator("utf8mb4_0900_ai_ci").key(b"a\xc3") == bytes.fromhex("1c47")


def test_supplementary_characters_beyond_the_0900_table_get_implicit_weights() -> None:
    key = get_collator("utf8mb4_0900_ai_ci").key("\U000e01f0".encode())
    assert key.hex() == f"{0xFBC0 + (0xE01F0 >> 15):04x}{(0xE01F0 & 0x7FFF) | 0x8000:04x}"


def test_bin_collation_set_and_tail_space_count() -> None:
    assert is_bin_collation("utf8mb4_bin") and is_bin_collation("binary")
    assert not is_bin_collation("utf8mb4_general_ci")
    assert tail_space_count(b"a  ") == 2 and tail_space_count(b"a \t") == 0


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_ascii = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=12)


@settings(max_examples=150)
@given(_text, _text)
def test_bin_padding_key_order_is_byte_order_without_trailing_spaces(a: str, b: str) -> None:
    c = get_collator("utf8mb4_bin")
    ea, eb = a.encode().rstrip(b" "), b.encode().rstrip(b" ")
    assert (c.key(a.encode()) < c.key(b.encode())) == (ea < eb)
    assert c.key((a + "   ").encode()) == c.key(a.encode())


@settings(max_examples=150)
@given(_ascii)
def test_ci_collations_ignore_ascii_case(s: str) -> None:
    for name in ("utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_0900_ai_ci"):
        c = get_collator(name)
        assert c.key(s.encode()) == c.key(s.swapcase().encode()), name
