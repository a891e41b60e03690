"""MySQL DATE / DATETIME / TIMESTAMP and TIME values (TiDB ``pkg/types/time.go``).

``Time`` holds the calendar fields as MySQL does (zero dates and zero months/days included), its
type code and fsp. ``Time.to_packed_uint`` is TiDB's ``ToPackedUint``::

    ymd = ((year * 13 + month) << 5) | day
    hms = (hour << 12) | (minute << 6) | second
    packed = ((ymd << 17) | hms) << 24 | microsecond

TIME values are ``int`` nanoseconds (Go ``time.Duration``).

Time zones: TIMESTAMP values are stored in UTC. ``local_to_utc`` / ``utc_to_local`` convert
with Go's ``time.Date`` / ``Time.In`` rules (for a wall time that is skipped or repeated by a
DST change, the offset in force just before the change is used), for any ``datetime.tzinfo``.
``resolve_time_zone`` accepts ``"UTC"``, ``"+08:00"``-style offsets, IANA names or a tzinfo.

Public API: ``Time``, ``ZERO_DATETIME``, ``TimeParseError``, ``resolve_time_zone``,
``local_to_utc``, ``utc_to_local``, ``parse_time``, ``time_from_number``, ``parse_duration``,
``duration_from_number``, ``format_duration``, ``round_duration``, ``duration_to_timedelta``,
``days_in_month``, ``MAX_DURATION_NANOS``.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from tidbkv import mysqltypes as m
from tidbkv.errors import TidbKVError

NANOS_PER_SEC = 1_000_000_000
MAX_DURATION_NANOS = (838 * 3600 + 59 * 60 + 59) * NANOS_PER_SEC
_EPOCH = _dt.datetime(1970, 1, 1)


class TimeParseError(TidbKVError, ValueError):
    """A literal is not a valid date, datetime or time value."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"invalid time value {text!r}: {reason}")
        self.text = text
        self.reason = reason


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@dataclass(frozen=True, slots=True)
class Time:
    """A MySQL date/datetime/timestamp: fields, type code (``mysqltypes.TYPE_*``) and fsp."""

    year: int = 0
    month: int = 0
    day: int = 0
    hour: int = 0
    minute: int = 0
    second: int = 0
    microsecond: int = 0
    tp: int = m.TYPE_DATETIME
    fsp: int = 0

    def to_packed_uint(self) -> int:
        ymd = ((self.year * 13 + self.month) << 5) | self.day
        hms = (self.hour << 12) | (self.minute << 6) | self.second
        return (((ymd << 17) | hms) << 24) | self.microsecond

    @classmethod
    def from_packed_uint(cls, packed: int, tp: int = m.TYPE_DATETIME, fsp: int = 0) -> Time:
        """Inverse of ``to_packed_uint`` (``Time.FromPackedUint``)."""
        if packed == 0:
            return cls(tp=tp, fsp=fsp)
        ymdhms = packed >> 24
        ymd = ymdhms >> 17
        day = ymd & 0x1F
        ym = ymd >> 5
        hms = ymdhms & ((1 << 17) - 1)
        return cls(
            year=ym // 13,
            month=ym % 13,
            day=day,
            hour=hms >> 12,
            minute=(hms >> 6) & 0x3F,
            second=hms & 0x3F,
            microsecond=packed & 0xFFFFFF,
            tp=tp,
            fsp=fsp,
        )

    @property
    def is_zero(self) -> bool:
        return self.to_packed_uint() == 0

    @property
    def is_valid_calendar_date(self) -> bool:
        """True if the date exists (month 1-12, day within the month, year 1-9999)."""
        return (
            1 <= self.year <= 9999
            and 1 <= self.month <= 12
            and 1 <= self.day <= days_in_month(self.year, self.month)
        )

    def to_datetime(self) -> _dt.datetime:
        """A naive ``datetime.datetime``; raises ValueError for zero or invalid dates."""
        return _dt.datetime(
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.microsecond
        )

    def to_date(self) -> _dt.date:
        return _dt.date(self.year, self.month, self.day)

    @classmethod
    def from_datetime(
        cls, d: _dt.datetime | _dt.date, tp: int = m.TYPE_DATETIME, fsp: int = 0
    ) -> Time:
        if isinstance(d, _dt.datetime):
            return cls(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, tp, fsp)
        return cls(d.year, d.month, d.day, tp=tp, fsp=fsp)

    def __str__(self) -> str:
        date = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.tp == m.TYPE_DATE:
            return date
        s = f"{date} {self.hour:02d}:{self.minute:02d}:{self.second:02d}"
        if self.fsp > 0:
            s += "." + f"{self.microsecond:06d}"[: self.fsp]
        return s

    def convert_time_zone(self, from_tz: _dt.tzinfo, to_tz: _dt.tzinfo) -> Time:
        """The same instant in another zone (``Time.ConvertTimeZone``); zero stays zero."""
        if self.is_zero or from_tz is to_tz:
            return self
        moved = _shift(self, from_tz, to_tz)
        return replace(self, **moved)

    def round_frac(self, fsp: int) -> Time:
        """Rounds the microseconds half up to ``fsp`` digits, carrying into the date."""
        fsp = max(0, min(6, fsp))
        unit = 10 ** (6 - fsp)
        us = (self.microsecond + unit // 2) // unit * unit if fsp < 6 else self.microsecond
        if us < 1_000_000:
            return replace(self, microsecond=us, fsp=fsp)
        if not self.is_valid_calendar_date:
            return replace(self, microsecond=0, fsp=fsp)
        d = self.to_datetime().replace(microsecond=0) + _dt.timedelta(seconds=1)
        return Time.from_datetime(d, self.tp, fsp)


ZERO_DATETIME = Time()


def _shift(t: Time, from_tz: _dt.tzinfo, to_tz: _dt.tzinfo) -> dict[str, int]:
    try:
        local = t.to_datetime()
    except ValueError as exc:
        raise TimeParseError(str(t), "not a calendar date") from exc
    utc = _local_to_utc_naive(local, from_tz)
    out = _utc_to_local_naive(utc, to_tz)
    return {
        "year": out.year,
        "month": out.month,
        "day": out.day,
        "hour": out.hour,
        "minute": out.minute,
        "second": out.second,
        "microsecond": out.microsecond,
    }


def _offset_at_utc(tz: _dt.tzinfo, utc_seconds: int) -> int:
    if tz is _dt.UTC:
        return 0
    inst = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(seconds=utc_seconds)
    off = inst.astimezone(tz).utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def _local_to_utc_naive(local: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime:
    """Go ``time.Date(..., loc)``: look the offset up at the wall time taken as UTC, then
    again at the corrected instant."""
    if tz is _dt.UTC:
        return local
    unix = int((local.replace(microsecond=0) - _EPOCH).total_seconds())
    off = _offset_at_utc(tz, unix)
    if off:
        off = _offset_at_utc(tz, unix - off)
    return local - _dt.timedelta(seconds=off)


def _utc_to_local_naive(utc: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime:
    if tz is _dt.UTC:
        return utc
    unix = int((utc.replace(microsecond=0) - _EPOCH).total_seconds())
    return utc + _dt.timedelta(seconds=_offset_at_utc(tz, unix))


def local_to_utc(t: Time, tz: _dt.tzinfo) -> Time:
    """TIMESTAMP from the session zone to UTC (what TiDB does before packing)."""
    return t.convert_time_zone(tz, _dt.UTC)


def utc_to_local(t: Time, tz: _dt.tzinfo) -> Time:
    """A stored (UTC) TIMESTAMP shown in zone ``tz``."""
    return t.convert_time_zone(_dt.UTC, tz)


_OFFSET_RE = re.compile(r"^([+-])(\d{1,2}):(\d{2})$")


@lru_cache(maxsize=64)
def _zone(name: str) -> _dt.tzinfo:
    if name.upper() in ("UTC", "+00:00", "-00:00", "Z"):
        return _dt.UTC
    mo = _OFFSET_RE.match(name)
    if mo:
        secs = int(mo.group(2)) * 3600 + int(mo.group(3)) * 60
        if mo.group(1) == "-":
            secs = -secs
        if secs == 0:
            return _dt.UTC
        return _dt.timezone(_dt.timedelta(seconds=secs))
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeParseError(name, "unknown time zone") from exc


def resolve_time_zone(tz: str | _dt.tzinfo | None) -> _dt.tzinfo:
    """A tzinfo for ``tz``: None / "UTC" → UTC, "+08:00" → fixed offset, else an IANA name."""
    if tz is None:
        return _dt.UTC
    if isinstance(tz, _dt.tzinfo):
        if isinstance(tz, _dt.timezone) and tz.utcoffset(None) == _dt.timedelta(0):
            return _dt.UTC
        return tz
    return _zone(tz.strip())


# --------------------------------------------------------------------------------------------
# Parsing (MySQL's str_to_datetime / number_to_datetime as TiDB implements them)

_TOKEN_RE = re.compile(r"\d+|[^\d]+")


def _adjust_year(y: int) -> int:
    return y + 2000 if y < 70 else y + 1900


def _frac_to_micros(frac: str, fsp: int) -> tuple[int, bool]:
    """Microseconds of a fraction string rounded half up to ``fsp`` digits; (us, carry)."""
    if not frac:
        return 0, False
    tenths = int((frac + "0000000")[:7])
    unit = 10 ** (7 - max(0, min(6, fsp)))
    us = (tenths + unit // 2) // unit * unit // 10
    if us >= 1_000_000:
        return 0, True
    return us, False


def _check_fields(text: str, f: list[int]) -> None:
    y, mo, d, h, mi, s = f
    if not (0 <= y <= 9999 and 0 <= mo <= 12 and 0 <= d <= 31):
        raise TimeParseError(text, "date field out of range")
    if not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= s <= 59):
        raise TimeParseError(text, "time field out of range")


def _build(text: str, f: list[int], frac: str, tp: int, fsp: int) -> Time:
    _check_fields(text, f)
    us, carry = _frac_to_micros(frac, fsp if tp != m.TYPE_DATE else 6)
    t = Time(f[0], f[1], f[2], f[3], f[4], f[5], us, tp, fsp)
    if carry:
        t = replace(t, microsecond=999_999, fsp=6).round_frac(0)
        t = replace(t, fsp=fsp)
    if tp == m.TYPE_DATE:
        t = Time(t.year, t.month, t.day, tp=m.TYPE_DATE, fsp=0)
    return t


def parse_time(text: str | bytes, tp: int = m.TYPE_DATETIME, fsp: int = 0) -> Time:
    """Parses a DATE/DATETIME/TIMESTAMP literal (``types.ParseTime``).

    Accepts delimited forms (``2024-01-31 10:20:30.5``, any punctuation as delimiter, ``T``
    between date and time, 2-digit years mapped 70-99 → 19xx, 00-69 → 20xx) and undelimited
    digit strings of 6, 8, 12 or 14 digits (``YYMMDD``, ``YYYYMMDD``, ``YYMMDDhhmmss``,
    ``YYYYMMDDhhmmss``) with an optional ``.fraction``. The fraction is rounded half up to
    ``fsp`` (DATE drops the time part). Field ranges are checked; calendar validity (Feb 30,
    zero parts) is the caller's sql_mode decision.
    """
    s = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    s = s.strip()
    if not s:
        raise TimeParseError(s, "empty")
    tokens = _TOKEN_RE.findall(s)
    digit_groups = [t for t in tokens if t.isdigit()]
    if not digit_groups:
        raise TimeParseError(s, "no digits")
    if not tokens[0].isdigit():
        raise TimeParseError(s, "must start with a digit")
    # Undelimited: one digit run, optionally ".fraction".
    if len(digit_groups) == 1 or (len(tokens) == 3 and tokens[1] == "."):
        body = tokens[0]
        frac = tokens[2] if len(tokens) == 3 else ""
        if len(tokens) == 2:
            raise TimeParseError(s, "trailing characters")
        return _parse_digits(s, body, frac, tp, fsp)
    # Delimited.
    fields: list[int] = []
    frac = ""
    year_digits = len(tokens[0])
    for i, tok in enumerate(tokens):
        if tok.isdigit():
            if len(fields) == 6:
                raise TimeParseError(s, "too many fields")
            fields.append(int(tok))
            continue
        if i == len(tokens) - 1:
            raise TimeParseError(s, "trailing characters")
        if len(fields) == 6:
            if tok != "." or i + 2 != len(tokens):
                raise TimeParseError(s, "trailing characters")
            frac = tokens[i + 1]
            break
        if len(fields) == 3:
            if not (tok.isspace() or tok == "T" or _is_punct(tok)):
                raise TimeParseError(s, "bad date/time separator")
        elif not _is_punct(tok):
            raise TimeParseError(s, "bad separator")
    if len(fields) == 5:
        fields.append(0)
    if len(fields) not in (3, 6):
        raise TimeParseError(s, "expected year-month-day [hour:minute:second]")
    fields += [0] * (6 - len(fields))
    if year_digits <= 2:
        fields[0] = _adjust_year(fields[0])
    return _build(s, fields, frac, tp, fsp)


def _is_punct(s: str) -> bool:
    return bool(s) and all(not c.isalnum() for c in s)


def _parse_digits(text: str, body: str, frac: str, tp: int, fsp: int) -> Time:
    n = len(body)
    if n in (14, 8):
        y = int(body[0:4])
        rest = body[4:]
    elif n in (12, 6):
        y = _adjust_year(int(body[0:2]))
        rest = body[2:]
    elif n == 10:
        y = _adjust_year(int(body[0:2]))
        rest = body[2:] + "00"
    else:
        raise TimeParseError(text, f"cannot parse {n} digits as a date")
    mo, d = int(rest[0:2]), int(rest[2:4])
    h = mi = sec = 0
    if len(rest) > 4:
        h, mi, sec = int(rest[4:6]), int(rest[6:8]), int(rest[8:10])
    elif frac:
        raise TimeParseError(text, "fraction without time")
    return _build(text, [y, mo, d, h, mi, sec], frac, tp, fsp)


def time_from_number(value: int | Decimal | float, tp: int = m.TYPE_DATETIME, fsp: int = 0) -> Time:
    """A number as a date (``number_to_datetime``: YYMMDD, YYYYMMDD, YYMMDDhhmmss, ...)."""
    text = str(value)
    if isinstance(value, float):
        text = repr(value)
        dec = Decimal(text)
    elif isinstance(value, Decimal):
        dec = value
    else:
        dec = Decimal(value)
    if dec < 0:
        raise TimeParseError(text, "negative")
    nr = int(dec)
    frac_dec = dec - nr
    frac = ""
    if frac_dec:
        frac = format(frac_dec, "f").split(".")[1] if "." in format(frac_dec, "f") else ""
    if nr == 0 and not frac:
        return Time(tp=tp, fsp=fsp)
    if nr < 101:
        raise TimeParseError(text, "too small for a date")
    if nr <= 991231:
        nr += 20000000 if nr < 700101 else 19000000
        nr *= 1000000
    elif nr < 10000101:
        raise TimeParseError(text, "not a date")
    elif nr <= 99991231:
        nr *= 1000000
    elif nr < 101000000:
        raise TimeParseError(text, "not a datetime")
    elif nr <= 991231235959:
        nr += 20000000000000 if nr < 700101000000 else 19000000000000
    elif nr < 10000101000000:
        raise TimeParseError(text, "not a datetime")
    elif nr > 99991231235959:
        raise TimeParseError(text, "too large for a datetime")
    body = f"{nr:014d}"
    return _parse_digits(text, body, frac, tp, fsp)


# --------------------------------------------------------------------------------------------
# TIME (durations)

_DUR_RE = re.compile(r"^(-)?\s*(?:(\d+)\s+)?(\d+)(?::(\d+)(?::(\d+))?)?(?:\.(\d*))?$")


def round_duration(nanos: int, fsp: int) -> int:
    """Rounds nanoseconds half away from zero to ``fsp`` fraction digits."""
    unit: int = 10 ** (9 - max(0, min(6, fsp)))
    sign = -1 if nanos < 0 else 1
    a = abs(nanos)
    return sign * ((a + unit // 2) // unit * unit)


def _frac_nanos(frac: str, fsp: int) -> int:
    if not frac:
        return 0
    digits = (frac + "0" * 10)[:10]
    ns = int(digits[:9])
    if int(digits[9]) >= 5:
        ns += 1
    return round_duration(ns, fsp)


def parse_duration(text: str | bytes, fsp: int = 0) -> int:
    """Parses a TIME literal to nanoseconds (``types.ParseDuration``).

    Forms: ``[-][D ]hh:mm:ss[.frac]``, ``hh:mm``, ``[-]hhmmss[.frac]`` / ``mmss`` / ``ss``.
    Minutes and seconds must be below 60; the result must be within ±838:59:59.
    """
    s = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    s = s.strip()
    mo = _DUR_RE.match(s)
    if not mo:
        # a full datetime string gives its time part
        try:
            t = parse_time(s, m.TYPE_DATETIME, fsp)
        except TimeParseError:
            raise TimeParseError(s, "not a time value") from None
        if " " not in s and "T" not in s:
            raise TimeParseError(s, "not a time value")
        return (t.hour * 3600 + t.minute * 60 + t.second) * NANOS_PER_SEC + t.microsecond * 1000
    neg, days, a, b, c, frac = mo.groups()
    if b is None:
        if days is not None:
            h, mi, sec = int(a), 0, 0
        else:
            num = a
            if len(num) > 7:
                raise TimeParseError(s, "too many digits")
            v = int(num)
            h, mi, sec = v // 10000, (v // 100) % 100, v % 100
    elif c is None:
        h, mi, sec = int(a), int(b), 0
    else:
        h, mi, sec = int(a), int(b), int(c)
    if days is not None:
        h += int(days) * 24
    if mi >= 60 or sec >= 60:
        raise TimeParseError(s, "minute or second out of range")
    nanos = (h * 3600 + mi * 60 + sec) * NANOS_PER_SEC + _frac_nanos(frac or "", fsp)
    if nanos > MAX_DURATION_NANOS:
        raise TimeParseError(s, "out of TIME range")
    return -nanos if neg else nanos


def duration_from_number(value: int | Decimal | float, fsp: int = 0) -> int:
    """A number ``[-]hhmmss[.frac]`` as TIME nanoseconds."""
    dec = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    neg = dec < 0
    dec = abs(dec)
    whole = int(dec)
    frac = format(dec - whole, "f").split(".")[1] if dec != whole else ""
    h, mi, sec = whole // 10000, (whole // 100) % 100, whole % 100
    if mi >= 60 or sec >= 60:
        raise TimeParseError(str(value), "minute or second out of range")
    nanos = (h * 3600 + mi * 60 + sec) * NANOS_PER_SEC + _frac_nanos(frac, fsp)
    if nanos > MAX_DURATION_NANOS:
        raise TimeParseError(str(value), "out of TIME range")
    return -nanos if neg else nanos


def format_duration(nanos: int, fsp: int = 0) -> str:
    """``[-]hh:mm:ss[.frac]`` as MySQL prints TIME values."""
    sign = "-" if nanos < 0 else ""
    a = abs(nanos)
    secs, ns = divmod(a, NANOS_PER_SEC)
    h, rem = divmod(secs, 3600)
    mi, sec = divmod(rem, 60)
    out = f"{sign}{h:02d}:{mi:02d}:{sec:02d}"
    if fsp > 0:
        out += "." + f"{ns // 1000:06d}"[:fsp]
    return out


def duration_to_timedelta(nanos: int) -> _dt.timedelta:
    sign = -1 if nanos < 0 else 1
    return sign * _dt.timedelta(microseconds=abs(nanos) // 1000)
