"""SQL text handling on top of sqlparse: statement splitting, executable comments, tokens.

``tokens(sql)`` yields ``Tok`` values with the kinds ``word`` (keywords and bare names, value
upper-cased in ``upper``), ``ident`` (back-quoted name, unquoted), ``string`` (unescaped),
``number``, ``hex`` / ``bit`` (``x'..'`` / ``0x..`` and ``b'..'`` / ``0b..``, as bytes in
``raw``), ``punct`` and ``op``. TiDB's ``/*T![feature] ... */`` and MySQL's ``/*!NNNNN ... */``
comments are executable: their text is kept; other comments are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlparse
from sqlparse import tokens as T

_EXEC_COMMENT = re.compile(r"/\*(?:T!(?:\[[^\]]*\])?|!\d*)(.*?)\*/", re.S)
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}


@dataclass(frozen=True)
class Tok:
    kind: str
    value: str
    space_before: bool = False
    raw: bytes = b""

    @property
    def upper(self) -> str:
        return self.value.upper()

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.value.upper() in words

    def is_punct(self, p: str) -> bool:
        return self.kind in ("punct", "op") and self.value == p


def expand_executable_comments(sql: str) -> str:
    return _EXEC_COMMENT.sub(lambda m: " " + m.group(1) + " ", sql)


def split_statements(sql: str) -> list[str]:
    """Non-empty statements of ``sql`` (without the trailing semicolons)."""
    out = []
    for stmt in sqlparse.split(sql):
        s = stmt.strip().rstrip(";").strip()
        if s:
            out.append(s)
    return out


def unquote_string(text: str) -> str:
    """A MySQL string literal's value (``'..'`` or ``".."``, with doubled quotes / escapes)."""
    q = text[0]
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if c == q and i + 1 < len(body) and body[i + 1] == q:
            out.append(q)
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def unquote_ident(text: str) -> str:
    if len(text) >= 2 and text[0] == "`" and text[-1] == "`":
        return text[1:-1].replace("``", "`")
    return text


def quote_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def quote_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def tokens(sql: str) -> list[Tok]:
    """The tokens of one statement, executable comments expanded."""
    out: list[Tok] = []
    space = False
    lexed: list[tuple[Any, str]] = list(
        sqlparse.lexer.tokenize(expand_executable_comments(sql))  # type: ignore[no-untyped-call]
    )
    for ttype, text in lexed:
        if ttype in T.Whitespace or ttype in T.Newline or ttype in T.Comment:
            space = True
            continue
        tok = _classify(ttype, text, space)
        space = False
        # b'0101' / x'1f' / n'..' / _utf8mb4'..': a prefix word glued to a string literal.
        if tok.kind == "string" and out and not tok.space_before and out[-1].kind == "word":
            prefix = out[-1].value.lower()
            if prefix in ("x", "b"):
                out[-1] = _literal_with_prefix(prefix, tok.value, out[-1].space_before)
                continue
            if prefix == "n" or prefix.startswith("_"):
                out[-1] = Tok("string", tok.value, out[-1].space_before)
                continue
        if (
            tok.kind in ("word", "ident")
            and not tok.space_before
            and out
            and out[-1].kind in ("op", "var")
            and out[-1].value in ("@", "@@")
        ):
            out[-1] = Tok("var", out[-1].value + tok.value, out[-1].space_before)
            continue
        if tok.kind == "word" and " " in tok.value.strip():
            first = True
            for w in tok.value.split():
                out.append(Tok("word", w, tok.space_before if first else True))
                first = False
            continue
        out.append(tok)
    return out


def _literal_with_prefix(prefix: str, digits: str, space: bool) -> Tok:
    if prefix == "x":
        return Tok("hex", digits, space, bytes.fromhex(digits) if digits else b"")
    n = int(digits, 2) if digits else 0
    size = (len(digits) + 7) // 8
    return Tok("bit", digits, space, n.to_bytes(size, "big"))


_BIN_WORD = re.compile(r"^0b[01]+$")
_HEX_WORD = re.compile(r"^0x[0-9a-fA-F]+$")


def _classify(ttype: object, text: str, space: bool) -> Tok:
    if _BIN_WORD.match(text):
        n = int(text[2:], 2)
        return Tok("bit", text, space, n.to_bytes(max((len(text) - 2 + 7) // 8, 1), "big"))
    if _HEX_WORD.match(text):
        digits = text[2:]
        return Tok(
            "hex", text, space, bytes.fromhex(digits if len(digits) % 2 == 0 else "0" + digits)
        )
    if ttype in T.String.Single:
        return Tok("string", unquote_string(text), space)
    if ttype in T.String.Symbol:
        if text.startswith("`"):
            return Tok("ident", unquote_ident(text), space)
        return Tok("string", unquote_string(text), space)
    if ttype in T.Name and text.startswith("`"):
        return Tok("ident", unquote_ident(text), space)
    if ttype in T.Number:
        return Tok("number", text, space)
    if ttype in T.Punctuation:
        return Tok("punct", text, space)
    if ttype in T.Operator:
        if text[:1].isalpha():
            return Tok("word", text, space)
        return Tok("op", text, space)
    if ttype in T.Name.Variable:
        return Tok("var", text, space)
    return Tok("word", text, space)
