"""MySQL's binary DECIMAL format (TiDB ``types.MyDecimal`` ``WriteBin`` / ``FromBin``).

The value is written in ``decimal_bin_size(precision, frac)`` bytes: the integer part right
aligned in ``precision - frac`` digits (a leading group of ``n mod 9`` digits in
``DIG2BYTES[n mod 9]`` bytes, then 4-byte big-endian words of 9 digits), then the fraction in
4-byte words of 9 digits and a trailing group; negative values complement every byte; finally
the top bit of the first byte is flipped. The result sorts bytewise in numeric order for a
fixed (precision, frac).

Public API: ``DIG2BYTES``, ``MAX_DECIMAL_WIDTH``, ``MAX_DECIMAL_SCALE``, ``decimal_bin_size``,
``decimal_to_bin``, ``scaled_to_bin``, ``bin_to_decimal``, ``precision_and_frac``, ``round_decimal``,
``DecimalOverflowError``, ``DecimalBadNumberError``, ``TRUNCATED``, ``OVERFLOW``, ``BAD_NUMBER``.

Under TiDB's ``MyDecimal`` names: ``to_bin(value, precision, frac) -> (bytes, error)``
(``ToBin``, which also returns the bytes of a truncated or overflowing value), ``from_bin``
(``FromBin``), ``to_string`` (``ToString``), ``from_float`` (``FromFloat64``),
``from_string(text) -> (value, error)`` (``FromString``),
``precision_and_frac`` (``PrecisionAndFrac``), ``decimal_bin_size`` (``DecimalBinSize``).
A ``MyDecimal`` is a ``decimal.Decimal`` here; its ``digitsFrac`` is the number of fraction
digits as written (``Decimal("0.100")`` has 3).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from functools import lru_cache

from tidbkv.errors import DecodeError, TidbKVError

DIGITS_PER_WORD = 9
WORD_SIZE = 4
DIG2BYTES = (0, 1, 1, 2, 2, 3, 3, 4, 4, 4)
MAX_DECIMAL_WIDTH = 65
MAX_DECIMAL_SCALE = 30
_POW10 = [10**i for i in range(100)]
_CTX = Context(prec=200)


class DecimalOverflowError(TidbKVError, ValueError):
    """The value has more integer digits than ``precision - frac`` allows."""

    def __init__(self, value: Decimal, precision: int, frac: int) -> None:
        super().__init__(f"decimal {value} overflows DECIMAL({precision},{frac})")
        self.value = value
        self.precision = precision
        self.frac = frac


def decimal_bin_size(precision: int, frac: int) -> int:
    """Bytes of the binary form of DECIMAL(precision, frac) (``DecimalBinSize``)."""
    digits_int = precision - frac
    words_int, lead = divmod(digits_int, DIGITS_PER_WORD)
    words_frac, trail = divmod(frac, DIGITS_PER_WORD)
    return words_int * WORD_SIZE + DIG2BYTES[lead] + words_frac * WORD_SIZE + DIG2BYTES[trail]


def precision_and_frac(value: Decimal) -> tuple[int, int]:
    """Minimal (precision, frac) of ``value`` as TiDB's ``PrecisionAndFrac`` computes it.

    ``frac`` is the number of fraction digits as written (``Decimal('1.50')`` has 2); the
    precision counts integer digits without leading zeros plus ``frac``, at least 1.
    """
    exp = value.as_tuple().exponent
    assert isinstance(exp, int)
    frac = max(0, -exp)
    ip = int(value.copy_abs())
    precision = (len(str(ip)) if ip else 0) + frac
    return (precision if precision else 1), frac


def round_decimal(value: Decimal, frac: int) -> Decimal:
    """Rounds half away from zero to ``frac`` fraction digits (MySQL ``ROUND`` on decimals)."""
    with localcontext(_CTX):
        return value.quantize(Decimal(1).scaleb(-frac), rounding=ROUND_HALF_UP)


def _scaled(value: Decimal, frac: int) -> int:
    """``|value| * 10**frac`` truncated toward zero."""
    return abs(int(_CTX.scaleb(value, frac)))


@lru_cache(maxsize=512)
def _layout(precision: int, frac: int) -> tuple[tuple[tuple[int, int, int], ...], int, int]:
    """((divisor, modulus, bit shift) per digit group, byte size, overflow limit)."""
    digits_int = precision - frac
    words_int, lead = divmod(digits_int, DIGITS_PER_WORD)
    words_frac, trail = divmod(frac, DIGITS_PER_WORD)
    groups: list[tuple[int, int, int]] = []  # (divisor, modulus, bytes)
    if lead:
        groups.append((_POW10[frac + DIGITS_PER_WORD * words_int], _POW10[lead], DIG2BYTES[lead]))
    for i in range(words_int - 1, -1, -1):
        groups.append((_POW10[frac + DIGITS_PER_WORD * i], _POW10[DIGITS_PER_WORD], WORD_SIZE))
    for i in range(words_frac):
        groups.append(
            (_POW10[frac - DIGITS_PER_WORD * (i + 1)], _POW10[DIGITS_PER_WORD], WORD_SIZE)
        )
    if trail:
        groups.append((1, _POW10[trail], DIG2BYTES[trail]))
    size = sum(g[2] for g in groups)
    shifted = []
    remaining = size
    for div, mod, nbytes in groups:
        remaining -= nbytes
        shifted.append((div, mod, 8 * remaining))
    return tuple(shifted), size, _POW10[digits_int + frac]


def _pack(negative: bool, scaled: int, precision: int, frac: int) -> bytes:
    groups, size, _ = _layout(precision, frac)
    acc = 0
    for div, mod, shift in groups:
        acc |= ((scaled // div) % mod) << shift
    if negative:
        acc ^= (1 << (8 * size)) - 1
    acc ^= 0x80 << (8 * (size - 1))
    return acc.to_bytes(size, "big")


def scaled_to_bin(negative: bool, scaled: int, precision: int, frac: int) -> bytes:
    """Binary form of ``±scaled / 10**frac`` as DECIMAL(precision, frac); ``scaled >= 0``
    (zero is written as positive zero)."""
    _, _, limit = _layout(precision, frac)
    if scaled >= limit:
        raise DecimalOverflowError(Decimal(scaled).scaleb(-frac), precision, frac)
    return _pack(negative and scaled > 0, scaled, precision, frac)


def _is_negative(value: Decimal) -> bool:
    """``MyDecimal.negative``: a zero value is never negative (``FromString`` clears it)."""
    return value.is_signed() and not value.is_zero()


def decimal_to_bin(value: Decimal, precision: int, frac: int) -> bytes:
    """MySQL binary form of ``value`` as DECIMAL(precision, frac) (``MyDecimal.WriteBin``).

    Extra fraction digits are truncated (callers round to the column scale first); too many
    integer digits raise ``DecimalOverflowError``. Zero (also ``-0``) encodes as zero; a
    negative value whose truncated digits are all zero keeps its sign (complemented zero
    bytes), as TiDB writes it.
    """
    if not (
        0 < precision <= MAX_DECIMAL_WIDTH and 0 <= frac <= MAX_DECIMAL_SCALE and frac <= precision
    ):
        raise DecimalOverflowError(value, precision, frac)
    scaled = _scaled(value, frac)
    if scaled >= _layout(precision, frac)[2]:
        raise DecimalOverflowError(value, precision, frac)
    return _pack(_is_negative(value), scaled, precision, frac)


class DecimalBadNumberError(TidbKVError, ValueError):
    """``ErrBadNumber``: precision / frac outside what the binary form can hold."""

    def __init__(self, precision: int, frac: int) -> None:
        super().__init__(f"bad decimal precision/frac {precision},{frac}")
        self.precision = precision
        self.frac = frac


TRUNCATED = "truncated"
OVERFLOW = "overflow"
_MAX_BIN_PRECISION = 81


def to_bin(value: Decimal, precision: int, frac: int) -> tuple[bytes, str | None]:
    """``MyDecimal.ToBin``: the bytes TiDB writes and its error, ``None``, ``TRUNCATED``
    (``frac`` is below the value's written fraction digits, which are cut) or ``OVERFLOW``
    (too many integer digits: the lowest ``precision - frac`` of them are written).

    ``ErrBadNumber`` (precision above 81 or not above ``frac``, frac outside 0..30) raises
    ``DecimalBadNumberError``.
    """
    if not (0 <= frac <= MAX_DECIMAL_SCALE and 0 < precision <= _MAX_BIN_PRECISION):
        raise DecimalBadNumberError(precision, frac)
    if frac > precision:
        raise DecimalBadNumberError(precision, frac)
    exp = value.as_tuple().exponent
    assert isinstance(exp, int)
    err: str | None = TRUNCATED if frac < max(0, -exp) else None
    scaled = _scaled(value, frac)
    limit = _layout(precision, frac)[2]
    if scaled >= limit:
        scaled %= limit
        err = OVERFLOW
    return _pack(_is_negative(value), scaled, precision, frac), err


def from_bin(data: bytes, precision: int, frac: int) -> Decimal:
    """``MyDecimal.FromBin``: the value (with exactly ``frac`` fraction digits); the bytes
    used are ``decimal_bin_size(precision, frac)``."""
    if not (0 <= frac <= MAX_DECIMAL_SCALE and frac <= precision <= _MAX_BIN_PRECISION):
        raise DecimalBadNumberError(precision, frac)
    return bin_to_decimal(data, precision, frac, _checked=False)[0]


def to_string(value: Decimal) -> str:
    """``MyDecimal.ToString``: plain notation, the value's own fraction digits, no sign on
    zero."""
    if value.is_zero():
        value = value.copy_abs()
    return format(value, "f")


def from_float(f: float) -> Decimal:
    """``MyDecimal.FromFloat64``: the shortest decimal that round-trips ``f`` (Go's
    ``FormatFloat(f, 'g', -1, 64)``), so ``123400.0`` has no fraction digits and ``12.34`` two.
    NaN and infinities raise ``ValueError``."""
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"{f!r} is not a decimal")
    if f == 0:
        return Decimal(0)
    return Decimal(repr(f)).normalize()


BAD_NUMBER = "bad number"
_WORD_BUF_DIGITS = 81  # wordBufLen (9) * digitsPerWord
_MAX_81 = Decimal(10**_WORD_BUF_DIGITS - 1)
_INT_CUTOFF = 1 << 63
_UINT64_CUTOFF = (1 << 64) // 10 + 1


def _str_to_int(text: str) -> tuple[int, str | None]:
    """TiDB ``types.strToInt`` (the exponent of ``MyDecimal.FromString``)."""
    text = text.strip()
    if not text:
        return 0, TRUNCATED
    negative = text[0] == "-"
    i = 1 if text[0] in "+-" else 0
    err: str | None = None
    has_num = False
    r = 0
    while i < len(text):
        c = text[i]
        if not ("0" <= c <= "9"):
            err = TRUNCATED
            break
        has_num = True
        if r >= _UINT64_CUTOFF:
            r, err = 0, BAD_NUMBER
            break
        r = r * 10 + ord(c) - 48
        if r >= 1 << 64:
            r, err = 0, BAD_NUMBER
            break
        i += 1
    if not has_num:
        err = TRUNCATED
    if not negative and r >= _INT_CUTOFF:
        return (1 << 63) - 1, BAD_NUMBER
    if negative and r > _INT_CUTOFF:
        return -(1 << 63), BAD_NUMBER
    return (-r if negative else r), err


def _words(digits: int) -> int:
    return (digits + DIGITS_PER_WORD - 1) // DIGITS_PER_WORD


def _max_81(negative: bool) -> Decimal:
    return _MAX_81.copy_negate() if negative else _MAX_81


def _shift(value: Decimal, shift: int) -> tuple[Decimal, str | None]:
    """``MyDecimal.Shift``: ``value * 10**shift`` in at most 9 words of 9 digits; fraction
    words that do not fit are cut (rounding half up), too many integer words overflow."""
    if value.is_zero():
        return Decimal(0), None
    top = value.adjusted() + shift  # power of ten of the leading digit after the shift
    if top >= _WORD_BUF_DIGITS:
        return _max_81(value < 0), OVERFLOW
    if top < -_WORD_BUF_DIGITS:
        return Decimal(0), TRUNCATED
    with localcontext(_CTX):
        result = value.scaleb(shift)
        digits = result.copy_abs().normalize().as_tuple()
        exp = digits.exponent
        assert isinstance(exp, int)
        n = len(digits.digits)
        digits_int = max(0, n + exp)
        digits_frac = max(0, -exp)
        words_int, words_frac = _words(digits_int), _words(digits_frac)
        if words_int + words_frac > 9:
            lack = words_int + words_frac - 9
            if words_frac < lack:
                return _max_81(value < 0), OVERFLOW
            keep = (words_frac - lack) * DIGITS_PER_WORD
            if -top > keep:
                # every digit is cut off: TiDB returns 0 without rounding up
                return Decimal(0), TRUNCATED
            rounded = result.quantize(Decimal(1).scaleb(-keep), rounding=ROUND_HALF_UP)
            return rounded, TRUNCATED
        rexp = result.as_tuple().exponent
        if isinstance(rexp, int) and rexp > 0:
            result = result.quantize(Decimal(1))
        return result, None


def from_string(text: str | bytes) -> tuple[Decimal, str | None]:
    """``MyDecimal.FromString``: the value TiDB parses and its error (``None``,
    ``TRUNCATED``, ``OVERFLOW`` or ``BAD_NUMBER``); TiDB keeps the value even with an error
    (a non-strict INSERT stores it).

    Leading spaces/tabs and a sign, digits, ``.digits``; then either ``e``/``E`` and an
    exponent read by ``strToInt`` (spaces around it allowed: ``'1e -1'`` is 0.1, ``'1e - 1'``
    is 1 truncated) or only whitespace (anything else: truncated, the prefix kept). No digits
    at all: 0 with ``BAD_NUMBER``. The digits live in 9 words of 9: extra fraction words are
    cut (truncated), more than 81 integer digits keep the lowest 81 (overflow); an exponent
    that overflows gives 81 nines.
    """
    s = text.decode("utf-8", "surrogateescape") if isinstance(text, bytes) else text
    i = 0
    while i < len(s) and s[i] in " \t":
        i += 1
    s = s[i:]
    negative = s[:1] == "-"
    if s[:1] in ("-", "+"):
        s = s[1:]
    j = 0
    while j < len(s) and "0" <= s[j] <= "9":
        j += 1
    int_digits = s[:j]
    end = j
    frac_digits = ""
    if j < len(s) and s[j] == ".":
        end = j + 1
        while end < len(s) and "0" <= s[end] <= "9":
            end += 1
        frac_digits = s[j + 1 : end]
    if not int_digits and not frac_digits:
        return Decimal(0), BAD_NUMBER
    err: str | None = None
    words_int, words_frac = _words(len(int_digits)), _words(len(frac_digits))
    if words_int + words_frac > 9:
        if words_int > 9:
            int_digits, frac_digits, err = int_digits[-_WORD_BUF_DIGITS:], "", OVERFLOW
        else:
            frac_digits, err = frac_digits[: (9 - words_int) * DIGITS_PER_WORD], TRUNCATED
    with localcontext(_CTX):
        value = Decimal(f"{'-' if negative else ''}{int_digits or '0'}.{frac_digits}")
    if end < len(s):
        if s[end] in "eE":
            exponent, err1 = _str_to_int(s[end + 1 :])
            if err1 is not None:
                err = err1
                if err != TRUNCATED:
                    value = Decimal(0)
            if exponent > 0x7FFFFFFF // 2:
                value, err = _max_81(negative), OVERFLOW
            if exponent < -(1 << 31) // 2 and err != OVERFLOW:
                value, err = Decimal(0), TRUNCATED
            if err != OVERFLOW:
                value, shift_err = _shift(value, exponent)
                if shift_err is not None:
                    err = shift_err
        elif s[end:].strip():
            err = TRUNCATED
    if value.is_zero():
        value = value.copy_abs()
    return value, err


def bin_to_decimal(
    data: bytes, precision: int, frac: int, *, _checked: bool = True
) -> tuple[Decimal, bytes]:
    """Inverse of ``decimal_to_bin``: ``(value with exactly frac fraction digits, rest)``."""
    if _checked and not (
        0 < precision <= MAX_DECIMAL_WIDTH and 0 <= frac <= MAX_DECIMAL_SCALE and frac <= precision
    ):
        raise DecodeError("decimal", data, f"bad precision/frac {precision},{frac}")
    size = decimal_bin_size(precision, frac)
    if len(data) < size:
        raise DecodeError("decimal", data, f"need {size} bytes")
    b = bytearray(data[:size])
    negative = not (b[0] & 0x80)
    b[0] ^= 0x80
    if negative:
        for i in range(size):
            b[i] ^= 0xFF
    pos = 0
    digits_int = precision - frac
    words_int, lead = divmod(digits_int, DIGITS_PER_WORD)
    ip = 0
    if lead:
        n = DIG2BYTES[lead]
        v = int.from_bytes(b[pos : pos + n], "big")
        if v >= _POW10[lead]:
            raise DecodeError("decimal", data, "bad leading digits")
        ip = v
        pos += n
    for _ in range(words_int):
        v = int.from_bytes(b[pos : pos + 4], "big")
        if v >= _POW10[DIGITS_PER_WORD]:
            raise DecodeError("decimal", data, "bad integer word")
        ip = ip * _POW10[DIGITS_PER_WORD] + v
        pos += 4
    words_frac, trail = divmod(frac, DIGITS_PER_WORD)
    fp = 0
    for _ in range(words_frac):
        v = int.from_bytes(b[pos : pos + 4], "big")
        if v >= _POW10[DIGITS_PER_WORD]:
            raise DecodeError("decimal", data, "bad fraction word")
        fp = fp * _POW10[DIGITS_PER_WORD] + v
        pos += 4
    if trail:
        n = DIG2BYTES[trail]
        v = int.from_bytes(b[pos : pos + n], "big")
        if v >= _POW10[trail]:
            raise DecodeError("decimal", data, "bad trailing digits")
        fp = fp * _POW10[trail] + v
    n_all = ip * _POW10[frac] + fp
    value = Decimal((1 if negative and n_all else 0, tuple(int(c) for c in str(n_all)), -frac))
    return value, data[size:]
