"""TiDB binary JSON parsing vectors.

Sources: pingcap/tidb ``pkg/types/json_binary_test.go`` — ``TestBinaryJSONMarshalUnmarshal``,
``TestBinaryJSONType``, ``TestBinaryJSONDepth``, ``TestParseBinaryFromString`` (valid and
invalid inputs, key too long, too deep) and ``TestGetKeys``; the number rules are
``parseBinaryNumber`` in ``pkg/types/json_binary.go`` (``.``/``e``/``E`` → float64, else int64,
then uint64, then float64).
"""

from __future__ import annotations

import struct

import pytest

from tidbkv.json_binary import (
    MAX_JSON_DEPTH,
    TYPE_FLOAT64,
    TYPE_INT64,
    TYPE_UINT64,
    BinaryJSON,
    JSONError,
    decode_json,
    encode_json,
    go_decode_utf8,
    json_elem_depth,
    json_to_python,
    json_to_text,
    parse_json_text,
)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, "2", {"aa": "bb"}, 4, null], "b": true, "c": null}',
        '{"aaaaaaaaaaa": [1, "2", {"aa": "bb"}, 4.1], "bbbbbbbbbb": true, "ccccccccc": "d"}',
        '[{"a": 1, "b": true}, 3, 3.5, "hello, world", null, true]',
        '{"a": "&<>"}',
    ],
)
def test_marshal_unmarshal(text: str) -> None:
    # TestBinaryJSONMarshalUnmarshal: String() reproduces the text; no HTML escaping.
    j = parse_json_text(text)
    assert json_to_text(j) == text
    assert decode_json(encode_json(j)) == (j, b"")


@pytest.mark.parametrize(
    ("text", "type_code"),
    [("3", TYPE_INT64), ("3.0", TYPE_FLOAT64), ("-0", TYPE_INT64), ("1e2", TYPE_FLOAT64)],
)
def test_number_types(text: str, type_code: int) -> None:
    # TestBinaryJSONType: `3` is INTEGER, `3.0` is DOUBLE.
    assert parse_json_text(text).type_code == type_code


def test_number_ranges() -> None:
    # TestParseBinaryFromString's number array, typed by parseBinaryNumber.
    j = parse_json_text(
        "[9223372036854775807,-9223372036854775808,9223372036854775808,18446744073709551615,"
        "18446744073709551616,-9223372036854775809,-0,1e2,1.25]"
    )
    body = j.value
    entries = [(body[8 + 5 * i], body[9 + 5 * i : 13 + 5 * i]) for i in range(9)]
    assert [tc for tc, _ in entries] == [
        TYPE_INT64,
        TYPE_INT64,
        TYPE_UINT64,
        TYPE_UINT64,
        TYPE_FLOAT64,
        TYPE_FLOAT64,
        TYPE_INT64,
        TYPE_FLOAT64,
        TYPE_FLOAT64,
    ]
    values = json_to_python(j)
    assert values[2] == 9223372036854775808
    assert values[4] == 18446744073709551616.0
    assert values[5] == -9223372036854775809.0
    assert values[7] == 100.0
    # -0.0 keeps its sign bit (strconv.ParseFloat).
    neg_zero = parse_json_text("-0.0")
    assert neg_zero == BinaryJSON(TYPE_FLOAT64, struct.pack("<d", -0.0))


def test_strings_keys_and_duplicates() -> None:
    # TestParseBinaryFromString valid inputs (compared there with Go's encoding/json decoder).
    assert json_to_python(parse_json_text(' { "b": 2, "a": 1 } ')) == {"a": 1, "b": 2}
    assert json_to_python(parse_json_text('{"a":1,"a":2}')) == {"a": 2}
    assert json_to_python(parse_json_text('{"a":1,"\\u0061":2}')) == {"a": 2}
    # A dropped duplicate is never converted: neither 1e400 nor a too-deep value fails.
    assert json_to_python(parse_json_text('{"a":1e400,"a":0}')) == {"a": 0}
    deep = "[" * (MAX_JSON_DEPTH + 1) + "0" + "]" * (MAX_JSON_DEPTH + 1)
    assert json_to_python(parse_json_text('{"a":' + deep + ',"a":0}')) == {"a": 0}
    assert json_to_python(parse_json_text('["\\b\\f\\n\\r\\t\\/\\\\\\""]')) == ['\b\f\n\r\t/\\"']
    # Keys sort bytewise (TestGetKeys: ["age", "name"]); "aa" after "a", before "b".
    j = parse_json_text('{"b":1,"aa":2,"a":3}')
    assert list(json_to_python(j)) == ["a", "aa", "b"]
    assert j.value.hex() == (
        "03000000450000002900000001002a00000002002c0000000100"
        "092d0000000935000000093d000000616161620300000000000000"
        "02000000000000000100000000000000"
    )


def test_invalid_utf8_and_lone_surrogates_become_replacement_chars() -> None:
    # Go's encoding/json writes U+FFFD for each invalid byte and for an unpaired surrogate
    # escape; TestParseBinaryFromString accepts all of these.
    fffd = "\ufffd"
    assert json_to_python(parse_json_text('{"replacement":"\\uD800"}')) == {"replacement": fffd}
    assert json_to_python(parse_json_text('["\\uD800\\u0041","\\uDC00","\\uD83D\\uDE00"]')) == [
        fffd + "A",
        fffd,
        "\U0001f600",
    ]
    assert json_to_python(parse_json_text(b'{"invalid-utf8":"\xff"}')) == {"invalid-utf8": fffd}
    assert json_to_python(parse_json_text(b'{"\xff":"invalid-utf8-key"}')) == {
        fffd: "invalid-utf8-key"
    }
    j = parse_json_text(b'"\x91\x91"')
    assert j.value == b"\x06" + "\ufffd\ufffd".encode()
    assert json_to_python(parse_json_text(b'{"\xa10":[]}')) == {fffd + "0": []}
    # One U+FFFD per byte, as utf8.DecodeRune steps (Python's 'replace' would give one).
    assert go_decode_utf8(b"\xe4\xbdA") == fffd + fffd + "A"
    assert go_decode_utf8(b"\xed\xa0\x80") == fffd * 3


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "01",
        "+1",
        "1.",
        "1e",
        "NaN",
        "Infinity",
        "1e400",
        '{"control":"\x00"}',
        '"\\b\x18"',
        '"a""',
        "1 2",
        '{"a":}',
        "[1,]",
        '{"a":"unterminated}',
        '"\\v"',
        '"\\uZZZZ"',
        "[1 2]",
        '{"a":1 "b":2}',
    ],
)
def test_invalid_inputs(text: str) -> None:
    # TestParseBinaryFromString invalidInputs.
    with pytest.raises(JSONError):
        parse_json_text(text)


def test_depth_and_key_length_limits() -> None:
    # TestParseBinaryFromString: maxJSONDepth nested arrays around a scalar are accepted, one
    # more is ErrJSONDocumentTooDeep; a 65536-byte key is ErrJSONObjectKeyTooLong.
    ok = "[" * MAX_JSON_DEPTH + "0" + "]" * MAX_JSON_DEPTH
    assert json_elem_depth(json_to_python(parse_json_text(ok))) == MAX_JSON_DEPTH + 1
    for n in (MAX_JSON_DEPTH + 1, 1001):
        with pytest.raises(JSONError, match="maximum depth"):
            parse_json_text("[" * n + "0" + "]" * n)
    with pytest.raises(JSONError):
        parse_json_text('{"' + "a" * 65536 + '":1}')
    parse_json_text('{"' + "a" * 65535 + '":1}')


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("{}", 1),
        ("[]", 1),
        ("true", 1),
        ("[10, 20]", 2),
        ("[[], {}]", 2),
        ('[10, {"a": 20}]', 3),
        ('{"Person": {"Name": "Homer", "Age": 39, "Hobbies": ["Eating", "Sleeping"]} }', 4),
    ],
)
def test_elem_depth(text: str, depth: int) -> None:
    # TestBinaryJSONDepth (GetElemDepth).
    assert json_elem_depth(json_to_python(parse_json_text(text))) == depth
