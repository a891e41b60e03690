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

Parsing follows TiDB's code path by path (``parse_time`` = ``types.ParseTime``: delimited and
digit-only literals, two-digit years, fraction rounding with carry, trailing time zones,
``Time.Check``), so the literals TiDB's own tests accept or reject are accepted or rejected
here; see ``parse_time``'s docstring.

Public API: ``Time``, ``ZERO_DATETIME``, ``TimeParseError``, ``resolve_time_zone``,
``local_to_utc``, ``utc_to_local``, ``dst_adjusted``, ``parse_time``, ``time_from_number``,
``parse_duration``, ``duration_from_number``, ``format_duration``, ``round_duration``,
``duration_round_frac``, ``duration_to_timedelta``, ``days_in_month``, ``MAX_DURATION_NANOS``,
``check_timestamp``, ``MIN_YEAR``, ``MAX_YEAR``.

Under TiDB's names (``pkg/types``): ``ParseTime`` / ``ParseDatetime`` / ``ParseTimestamp`` /
``ParseDate`` → ``parse_time`` / ``parse_datetime`` / ``parse_timestamp`` / ``parse_date``;
``ParseTimeFromNum`` → ``parse_time_from_num``; ``ParseTimeFromFloatString`` →
``parse_time_from_float_string``; ``ParseDuration`` → ``parse_duration``; ``NumberToDuration``
→ ``duration_from_number``; ``ParseFrac`` → ``parse_frac``; ``GetFsp`` / ``GetFracIndex`` /
``GetTimezone`` / ``ParseDateFormat`` → ``get_fsp`` / ``get_frac_index`` / ``get_timezone`` /
``parse_date_format``; ``ParseYear`` / ``AdjustYear`` → ``parse_year`` / ``adjust_year``;
``Time.ToPackedUint`` / ``FromPackedUint`` / ``RoundFrac`` / ``ConvertTimeZone`` →
``Time.to_packed_uint`` / ``Time.from_packed_uint`` / ``Time.round_frac`` /
``Time.convert_time_zone``; ``checkTimestampType`` → ``check_timestamp``;
``Duration.RoundFrac`` → ``duration_round_frac``. Go's ``(value, err)`` is a value or a
``TimeParseError`` (TiDB's "truncated" results that come with an error raise here).
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
    """A literal is not a valid date, datetime or time value.

    ``partial`` is the value TiDB returns together with the error when it tolerates it
    (a non-strict sql_mode stores it): for TIME, the part parsed before trailing garbage
    (``'1234abc'`` → 00:12:34) or ±838:59:59 for an out-of-range value; None otherwise.
    """

    def __init__(self, text: str, reason: str, partial: int | None = None) -> None:
        super().__init__(f"invalid time value {text!r}: {reason}")
        self.text = text
        self.reason = reason
        self.partial = partial


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
        """Rounds the microseconds half up to ``fsp`` digits (``Time.RoundFrac``), carrying into
        the seconds and on into the date. A date with a zero or impossible month / day only
        carries within the day; carrying past midnight raises ``TimeParseError`` (TiDB
        errors too). DATE values are returned as they are."""
        fsp = max(0, min(6, fsp))
        if self.tp == m.TYPE_DATE:
            return self
        unit = 10 ** (6 - fsp)
        us = (self.microsecond + unit // 2) // unit * unit if fsp < 6 else self.microsecond
        if us < 1_000_000:
            return replace(self, microsecond=us, fsp=fsp)
        if not self.is_valid_calendar_date:
            secs = self.hour * 3600 + self.minute * 60 + self.second + 1
            if secs >= 86400:
                raise TimeParseError(str(self), "rounding carries into an invalid date")
            h, rest = divmod(secs, 3600)
            return replace(self, hour=h, minute=rest // 60, second=rest % 60, microsecond=0,
                           fsp=fsp)  # fmt: skip
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
    """TIMESTAMP from the session zone to UTC (what TiDB does before packing).

    A wall time that does not exist in ``tz`` (skipped by a daylight saving change) raises
    ``TimeParseError``, as TiDB's ``Time.ConvertTimeZone`` fails for it (``GoTime``);
    ``dst_adjusted`` gives the value TiDB substitutes where it tolerates that.
    """
    utc = t.convert_time_zone(tz, _dt.UTC)
    if utc is not t and utc.convert_time_zone(_dt.UTC, tz) != t:
        raise TimeParseError(str(t), "in a daylight saving time gap")
    return utc


def dst_adjusted(t: Time, tz: _dt.tzinfo) -> Time:
    """``CoreTime.AdjustedGoTime``: for a wall time skipped by a zone transition, the local
    time of the nearest transition instant (within 4 hours); other times are returned as
    they are."""
    try:
        local_to_utc(t, tz)
    except TimeParseError:
        pass
    else:
        return t
    local = t.to_datetime()
    tm = int((_local_to_utc_naive(local, tz).replace(microsecond=0) - _EPOCH).total_seconds())
    off = _offset_at_utc(tz, tm)
    limit = 4 * 3600

    def first_change(lo: int, hi: int) -> int:
        # smallest x in (lo, hi] with a different offset; offset(lo) == off
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _offset_at_utc(tz, mid) == off:
                lo = mid
            else:
                hi = mid
        return hi

    candidates = []
    if _offset_at_utc(tz, tm - limit) != off:
        lo, hi = tm - limit, tm
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _offset_at_utc(tz, mid) == off:
                hi = mid
            else:
                lo = mid
        candidates.append(hi)
    if _offset_at_utc(tz, tm + limit) != off:
        candidates.append(first_change(tm, tm + limit))
    if not candidates:
        raise TimeParseError(str(t), "no zone transition near a nonexistent time")
    best = min(candidates, key=lambda x: (abs(x - tm), x > tm))
    moved = _utc_to_local_naive(_EPOCH + _dt.timedelta(seconds=best), tz)
    return Time.from_datetime(moved, t.tp, t.fsp)


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
# Parsing: a port of TiDB's ``ParseTime`` / ``parseDatetime`` / ``ParseTimeFromNum`` /
# ``ParseDuration`` (pkg/types/time.go, core_time.go, fsp.go, duration.go). Strings are handled
# as bytes (each byte one character), as Go does.

_MAX_TIME_HOUR = 838
_TIME_MAX_VALUE = 8385959  # 838:59:59 as hhmmss
_TZ_SHAPES = {100: (0, 0), 30: (2, 0), 50: (4, 2), 63: (5, 2)}
_SPACES = " \t\n\v\f\r"


def _is_punct(c: str) -> bool:
    o = ord(c)
    return 0x21 <= o <= 0x2F or 0x3A <= o <= 0x40 or 0x5B <= o <= 0x60 or 0x7B <= o <= 0x7E


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def _text(text: str | bytes) -> str:
    """Bytes as a str with one character per byte (latin-1), so indexes are byte offsets."""
    if isinstance(text, bytes):
        return text.decode("latin-1")
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def _adjust_year(y: int) -> int:
    """``adjustYear``: 0-69 → 2000-2069, 70-99 → 1970-1999."""
    if 0 <= y <= 69:
        return 2000 + y
    if 70 <= y <= 99:
        return 1900 + y
    return y


def get_timezone(lit: str) -> tuple[int, str, str, str, str]:
    """``types.GetTimezone``: ``(index, sign, hour, separator, minute)`` of a trailing time zone
    (``Z``, ``±hh``, ``±hhmm``, ``±hh:mm``); index -1 when there is none."""
    idx = zidx = sidx = spidx = -1
    n = len(lit)
    for i in range(n - 1, -1, -1):
        c = lit[i]
        if c == "Z":
            zidx = i
            break
        if sidx == -1 and c in "+-":
            sidx = i
        if spidx == -1 and c == ":":
            spidx = i
    k = 0
    if n - zidx == 1:
        k += 100
    t = n - sidx
    if t in (3, 5, 6):
        k += t * 10
    if n - spidx == 3:
        k += 3
    shape = _TZ_SHAPES.get(k)
    if shape is None:
        return -1, "", "", "", ""
    h, mi = shape
    sign = hour = sep = minute = ""
    if sidx != -1:
        sign = lit[sidx]
        idx = sidx
    if zidx != -1:
        idx = zidx
    if n - spidx == 3:
        sep = lit[spidx]
    if h:
        hour = lit[n - h : n - h + 2]
        if not (_is_digit(hour[0]) and _is_digit(hour[1])):
            return -1, "", "", "", ""
    if mi:
        minute = lit[n - mi : n - mi + 2]
        if not (_is_digit(minute[0]) and _is_digit(minute[1])):
            return -1, "", "", "", ""
    return idx, sign, hour, sep, minute


def get_frac_index(s: str) -> int:
    """``types.GetFracIndex``: index of the '.' starting the fraction (the last punctuation
    other than +/-, before any time zone), or -1."""
    tz_index = get_timezone(s)[0]
    end = tz_index - 1 if tz_index != -1 else len(s) - 1
    for i in range(end, -1, -1):
        c = s[i]
        if c not in "+-" and _is_punct(c):
            return i if c == "." else -1
    return -1


def get_fsp(text: str | bytes) -> int:
    """``types.GetFsp``: the fraction digits of a literal (at most 6) — what ``ParseDatetime`` /
    ``ParseTimestamp`` use as the fsp."""
    s = _text(text)
    index = get_frac_index(s)
    fsp = 0 if index < 0 else len(s) - index - 1
    return min(fsp, 6)


def parse_frac(s: str, fsp: int) -> tuple[int, bool]:
    """``types.ParseFrac``: ``(microseconds, overflow)`` of fraction digits rounded half up at
    digit ``fsp + 1`` (later digits are ignored); overflow means it rounded up to a second."""
    if not s:
        return 0, False
    fsp = _check_fsp(fsp)
    if fsp >= len(s):
        return int(s) * 10 ** (6 - len(s)), False
    tmp = (int(s[: fsp + 1]) + 5) // 10
    if tmp >= 10**fsp:
        return 0, True
    return tmp * 10 ** (6 - fsp), False


def _check_fsp(fsp: int) -> int:
    if fsp == -1:
        return 0
    if not 0 <= fsp <= 6:
        raise TimeParseError(str(fsp), "invalid fsp")
    return fsp


def _is_valid_separator(c: str, prev_parts: int) -> bool:
    if _is_punct(c):
        return True
    if prev_parts == 2 and (c == "T" or c in _SPACES):
        return True
    return prev_parts > 4 and not _is_digit(c)


def parse_date_format(fmt: str) -> list[str]:
    """``types.ParseDateFormat``: the digit groups of a delimited date/time (empty when a
    character is neither a digit nor a separator allowed at that position)."""
    fmt = fmt.strip(_SPACES)
    if not fmt or not _is_digit(fmt[0]):
        return []
    start = 0
    seps: list[str] = []
    i = 1
    while i < len(fmt) - 1:
        if _is_valid_separator(fmt[i], len(seps)):
            prev = len(seps)
            seps.append(fmt[start:i])
            start = i + 1
            j = i + 1
            while j < len(fmt) and _is_valid_separator(fmt[j], prev):
                start += 1
                i += 1
                j += 1
            i += 1
            continue
        if not _is_digit(fmt[i]):
            return []
        i += 1
    seps.append(fmt[start:])
    return seps


def _split_date_time(s: str) -> tuple[list[str], str, bool, str, str, str, str]:
    """``splitDateTime``: (digit groups, fraction, has tz, tz sign, hour, separator, minute)."""
    tz_index, sign, hour, sep, minute = get_timezone(s)
    has_tz = False
    if tz_index > 0:
        has_tz = True
        while tz_index > 0 and _is_punct(s[tz_index - 1]):
            tz_index -= 1
        s = s[:tz_index]
    frac = ""
    frac_index = get_frac_index(s)
    if frac_index > 0:
        end = frac_index + 1
        while end < len(s) and _is_digit(s[end]):
            end += 1
        frac = s[frac_index + 1 : end]
        while frac_index > 0 and _is_punct(s[frac_index - 1]):
            frac_index -= 1
        s = s[:frac_index]
    return parse_date_format(s), frac, has_tz, sign, hour, sep, minute


def _sscanf(s: str, widths: tuple[int, ...]) -> list[int]:
    """``fmt.Sscanf(s, "%2d%2d...")``: fixed-width decimal fields, stopping at the first field
    that has no digit; the fields not read stay 0."""
    out: list[int] = []
    pos = 0
    for w in widths:
        digits = ""
        while pos < len(s) and len(digits) < w and _is_digit(s[pos]):
            digits += s[pos]
            pos += 1
        if not digits:
            break
        out.append(int(digits))
    return out + [0] * (len(widths) - len(out))


_DIGIT_LAYOUTS: dict[int, tuple[tuple[int, ...], bool, bool]] = {
    # length: (field widths, two-digit year, hh:mm:ss present)
    14: ((4, 2, 2, 2, 2, 2), False, True),
    12: ((2, 2, 2, 2, 2, 2), True, True),
    11: ((2, 2, 2, 2, 2, 1), True, True),
    10: ((2, 2, 2, 2, 2), True, False),
    9: ((2, 2, 2, 2, 1), True, False),
    8: ((4, 2, 2), False, False),
    7: ((2, 2, 2, 1), True, False),
    6: ((2, 2, 2), True, False),
    5: ((2, 2, 2), True, False),
}


def _valid_go_time(f: list[int]) -> bool:
    """Whether Go's ``time.Date`` keeps the fields as they are (``CoreTime.GoTime``)."""
    y, mo, d, h, mi, s = f[:6]
    return 1 <= mo <= 12 and 1 <= d <= days_in_month(y, mo) and h < 24 and mi < 60 and s < 60


def _add_second(f: list[int]) -> list[int]:
    y, mo, d, h, mi, s = f[:6]
    s += 1
    if s == 60:
        s, mi = 0, mi + 1
        if mi == 60:
            mi, h = 0, h + 1
            if h == 24:
                h, d = 0, d + 1
                if d > days_in_month(y, mo):
                    d, mo = 1, mo + 1
                    if mo == 13:
                        mo, y = 1, y + 1
    return [y, mo, d, h, mi, s, f[6]]


def _from_date_checked(text: str, f: list[int]) -> None:
    """``FromDateChecked``: each field fits its bit width in the packed form."""
    limits = (1 << 14, 1 << 4, 1 << 5, 1 << 5, 1 << 6, 1 << 6, 1 << 20)
    if any(not 0 <= v < lim for v, lim in zip(f, limits, strict=True)):
        raise TimeParseError(text, "field out of range")


def _parse_datetime_fields(
    s: str, fsp: int, is_float: bool, tz: _dt.tzinfo, flags: tuple[bool, bool] = (True, False)
) -> tuple[int, int, int, int, int, int, int]:
    """``parseDatetime``: the fields of a DATETIME literal (not yet range-checked)."""
    seps, frac, has_tz, sign, tz_hour, tz_sep, tz_minute = _split_date_time(s)

    def no_absorb(parts: list[str]) -> bool:
        return len(parts) > 5 or (len(parts) == 1 and len(parts[0]) > 4)

    if frac and not is_float and not no_absorb(seps):
        seps.append(frac)
        frac = ""
    if has_tz and sign and not no_absorb(seps) and not (tz_minute and not tz_sep):
        if tz_hour:
            seps.append(tz_hour)
        if tz_minute:
            seps.append(tz_minute)
        has_tz = False
    hhmmss = False
    n = len(seps)
    if n == 0 or n == 2:
        raise TimeParseError(s, "not a datetime")
    if n == 1:
        digits = seps[0]
        length = len(digits)
        if is_float:
            t = parse_time_from_num(
                int(digits), m.TYPE_DATETIME, 0, allow_zero_in_date=flags[0],
                allow_invalid_date=flags[1],
            )  # fmt: skip
            f = [t.year, t.month, t.day, t.hour, t.minute, t.second]
            if digits == "0" or 9 <= length <= 14:
                hhmmss = True
        else:
            layout = _DIGIT_LAYOUTS.get(length)
            if layout is None:
                raise TimeParseError(s, f"cannot parse {length} digits as a datetime")
            widths, two_digit_year, hhmmss = layout
            f = (_sscanf(digits, widths) + [0] * 6)[:6]
            if two_digit_year:
                f[0] = _adjust_year(f[0])
            if length in (5, 6, 8) and frac:
                # '20170118.123423' is 2017-01-18 12:34:23: the fraction is hh[mm[ss]]
                hms = _sscanf(
                    frac, (2,) if len(frac) <= 2 else (2, 2) if len(frac) <= 4 else (2, 2, 2)
                )
                f[3 : 3 + len(hms)] = hms
            if length in (9, 10):
                f[5] = _sscanf(frac, (2,))[0] if frac else 0
    else:
        if n > 6:
            seps = seps[:6]
        if not all(x and all(_is_digit(c) for c in x) for x in seps):
            raise TimeParseError(s, "not a datetime")
        f = [int(x) for x in seps] + [0] * (6 - len(seps))
        hhmmss = len(seps) == 6
        if len(seps[0]) <= 2 and not (not any(f) and not frac):
            f[0] = _adjust_year(f[0])
    micro, overflow = parse_frac(frac, fsp) if hhmmss else (0, False)
    fields = [*f, micro]
    _from_date_checked(s, fields)
    if overflow:
        if not _valid_go_time(fields):
            raise TimeParseError(s, "not a calendar date")
        fields = _add_second(fields)
    if has_tz:
        if not hhmmss:
            raise TimeParseError(s, "time zone without a time")
        dh = int(tz_hour) if tz_hour else 0
        dm = int(tz_minute) if tz_minute else 0
        if dh > 14 or dm > 59 or (dh == 14 and dm) or (sign == "-" and dh == 0 and dm == 0):
            raise TimeParseError(s, "time zone offset out of range")
        if not _valid_go_time(fields):
            raise TimeParseError(s, "not a calendar date")
        offset = (dh * 3600 + dm * 60) * (-1 if sign == "-" else 1)
        try:
            y, mo, d, h, mi, sec, us = fields
            local = _dt.datetime(y, mo, d, h, mi, sec, us)
            moved = _utc_to_local_naive(local - _dt.timedelta(seconds=offset), tz)
        except (ValueError, OverflowError):
            raise TimeParseError(s, "not a calendar date") from None
        fields = [moved.year, moved.month, moved.day, moved.hour, moved.minute, moved.second,
                  moved.microsecond]  # fmt: skip
    y, mo, d, h, mi, sec, us = fields
    return y, mo, d, h, mi, sec, us


def _check_datetime(
    text: str, f: list[int], allow_zero_in_date: bool, allow_invalid_date: bool
) -> None:
    """``checkDatetimeType``: date range, month/day validity and the clock fields."""
    y, mo, d, h, mi, sec = f[:6]
    if not (y == 0 and mo == 0 and d == 0):
        if not allow_zero_in_date and (mo == 0 or d == 0):
            raise TimeParseError(text, "zero month or day")
        if (y, mo, d, h, mi, sec, f[6]) > (9999, 12, 31, 23, 59, 59, 999999):
            raise TimeParseError(text, "after 9999-12-31 23:59:59.999999")
        if mo > 12:
            raise TimeParseError(text, "month out of range")
        max_day = days_in_month(y, mo) if mo > 0 and not allow_invalid_date else 31
        if d > max_day:
            raise TimeParseError(text, "day out of range")
    if h >= 24 or mi >= 60 or sec >= 60:
        raise TimeParseError(text, "time field out of range")


_TS_MIN = (1970, 1, 1, 0, 0, 1, 0)
_TS_MAX = (2038, 1, 19, 3, 14, 7, 999999)


def _check_timestamp(text: str, f: list[int], tz: _dt.tzinfo) -> None:
    """``checkTimestampType``: zero, or a real local time whose UTC instant is within
    1970-01-01 00:00:01 .. 2038-01-19 03:14:07.999999."""
    if not any(f):
        return
    if not _valid_go_time(f):
        raise TimeParseError(text, "not a calendar date")
    utc = local_to_utc(_time_of(f, m.TYPE_TIMESTAMP, 0), tz)
    key = (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond)
    if not _TS_MIN <= key <= _TS_MAX:
        raise TimeParseError(text, "timestamp out of range")


def check_timestamp(t: Time, time_zone: _dt.tzinfo | None = None) -> None:
    """``checkTimestampType`` for a TIMESTAMP's local fields in ``time_zone``: raises
    ``TimeParseError`` unless it is zero or a real local time within the TIMESTAMP range."""
    f = [t.year, t.month, t.day, t.hour, t.minute, t.second, t.microsecond]
    _check_timestamp(str(t), f, time_zone if time_zone is not None else _dt.UTC)


MIN_YEAR = 1901
MAX_YEAR = 2155


def parse_year(text: str | bytes) -> int:
    """``types.ParseYear``: a 1-, 2- or 4-digit YEAR string (1-2 digits: 0-69 → 20xx,
    70-99 → 19xx) within 1901..2155."""
    s = _text(text)
    if not s or not s.lstrip("+-").isdigit() or not s.isascii():
        raise TimeParseError(s, "not a year")
    y = int(s)
    if len(s) in (1, 2):
        y = _adjust_year(y)
    elif len(s) != 4:
        raise TimeParseError(s, "invalid year format")
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise TimeParseError(s, "invalid year format")
    return y


def adjust_year(y: int, adjust_zero: bool) -> int:
    """``types.AdjustYear``: 0 stays 0 unless ``adjust_zero`` (a string '0' → 2000); 1-69 →
    20xx, 70-99 → 19xx; the result must be 0 or within 1901..2155."""
    if y == 0 and not adjust_zero:
        return 0
    y = _adjust_year(y)
    if y < 0 or y < MIN_YEAR or y > MAX_YEAR:
        raise TimeParseError(str(y), "year out of range")
    return y


def _finish(
    text: str,
    fields: tuple[int, ...],
    tp: int,
    fsp: int,
    tz: _dt.tzinfo,
    allow_zero_in_date: bool,
    allow_invalid_date: bool,
) -> Time:
    f = list(fields)
    if tp == m.TYPE_TIMESTAMP:
        _check_timestamp(text, f, tz)
    else:
        _check_datetime(text, f, allow_zero_in_date, allow_invalid_date)
    if tp == m.TYPE_DATE:
        return Time(f[0], f[1], f[2], tp=m.TYPE_DATE, fsp=0)
    return _time_of(f, tp, fsp)


def _time_of(f: list[int], tp: int, fsp: int) -> Time:
    return Time(f[0], f[1], f[2], f[3], f[4], f[5], f[6], tp, fsp)


def parse_time(
    text: str | bytes,
    tp: int = m.TYPE_DATETIME,
    fsp: int = 0,
    *,
    time_zone: _dt.tzinfo | None = None,
    allow_zero_in_date: bool = True,
    allow_invalid_date: bool = False,
) -> Time:
    """Parses a DATE / DATETIME / TIMESTAMP literal as TiDB's ``types.ParseTime`` does.

    Delimited forms take any ASCII punctuation between fields (space or ``T`` between date
    and time, any non-digit after the minutes), a ``.fraction`` and a trailing time zone
    (``Z``, ``±hh[:mm]``, ``±hhmm``; the value is moved to ``time_zone``, default UTC);
    extra fields after the seconds are ignored. Digit strings of 5-14 digits are
    ``YYMMD``, ``YYMMDD``, ``YYMMDDH``, ``YYYYMMDD``, ``YYMMDDHHM``, ``YYMMDDHHMM``,
    ``YYMMDDHHMMS``, ``YYMMDDHHMMSS``, ``YYYYMMDDHHMMSS`` (the fraction of an 8-digit date
    is ``hhmmss``). Two-digit years map 00-69 → 20xx, 70-99 → 19xx. The fraction is rounded
    half up to ``fsp`` digits, carrying into the seconds (and the date); DATE keeps only the
    date (rounded with ``fsp``, 0 for ``ParseDate``).

    Checks (``Time.Check``): DATE / DATETIME must be at most 9999-12-31 23:59:59.999999 with
    a valid clock; zero month / day only with ``allow_zero_in_date``; days beyond the month
    only with ``allow_invalid_date``; ``0000-00-00`` always passes. TIMESTAMP must be zero or
    a real local time in ``time_zone`` within the TIMESTAMP range. Raises ``TimeParseError``.
    """
    tz = time_zone if time_zone is not None else _dt.UTC
    s = _text(text)
    fsp = _check_fsp(fsp)
    flags = (allow_zero_in_date, allow_invalid_date)
    fields = _parse_datetime_fields(s, fsp, False, tz, flags)
    return _finish(s, fields, tp, fsp, tz, allow_zero_in_date, allow_invalid_date)


def parse_datetime(text: str | bytes, *, time_zone: _dt.tzinfo | None = None) -> Time:
    """``types.ParseDatetime``: ``parse_time`` as DATETIME with the literal's own fsp."""
    return parse_time(text, m.TYPE_DATETIME, get_fsp(text), time_zone=time_zone)


def parse_timestamp(text: str | bytes, *, time_zone: _dt.tzinfo | None = None) -> Time:
    """``types.ParseTimestamp``: ``parse_time`` as TIMESTAMP with the literal's own fsp."""
    return parse_time(text, m.TYPE_TIMESTAMP, get_fsp(text), time_zone=time_zone)


def parse_date(text: str | bytes) -> Time:
    """``types.ParseDate``: ``parse_time`` as DATE with fsp 0."""
    return parse_time(text, m.TYPE_DATE, 0)


def _date_fields_from_num(num: int) -> tuple[list[int], int]:
    """``parseDateTimeFromNum``: the fields of a YYMMDD / YYYYMMDD / YYMMDDhhmmss /
    YYYYMMDDhhmmss number and the type it reads as."""
    text = str(num)
    if num == 0:
        return [0] * 7, m.TYPE_DATE
    tp = m.TYPE_DATE
    if num >= 10000101000000:
        tp = m.TYPE_DATETIME
    elif num < 101:
        raise TimeParseError(text, "not a date number")
    elif num <= 691231:
        num = (num + 20000000) * 1000000
    elif num < 700101:
        raise TimeParseError(text, "not a date number")
    elif num <= 991231:
        num = (num + 19000000) * 1000000
    elif num <= 99991231:
        num *= 1000000
    elif num < 101000000:
        raise TimeParseError(text, "not a date number")
    else:
        tp = m.TYPE_DATETIME
        if num <= 691231235959:
            num += 20000000000000
        elif num < 700101000000:
            raise TimeParseError(text, "not a date number")
        elif num <= 991231235959:
            num += 19000000000000
    ymd, hms = divmod(num, 1000000)
    f = [ymd // 10000, ymd // 100 % 100, ymd % 100, hms // 10000, hms // 100 % 100, hms % 100, 0]
    _from_date_checked(text, f)
    return f, tp


def parse_time_from_num(
    num: int,
    tp: int = m.TYPE_DATETIME,
    fsp: int = 0,
    *,
    time_zone: _dt.tzinfo | None = None,
    allow_zero_in_date: bool = True,
    allow_invalid_date: bool = False,
) -> Time:
    """``types.ParseTimeFromNum``: an integer as YYMMDD, YYYYMMDD, YYMMDDhhmmss or
    YYYYMMDDhhmmss (0 is the zero value), checked like ``parse_time``."""
    if num == 0:
        return Time(tp=tp, fsp=0)
    fsp = _check_fsp(fsp)
    tz = time_zone if time_zone is not None else _dt.UTC
    f, _ = _date_fields_from_num(num)
    text = str(num)
    _check_datetime(text, f, allow_zero_in_date, allow_invalid_date)
    return _finish(text, tuple(f), tp, fsp, tz, allow_zero_in_date, allow_invalid_date)


def parse_time_from_float_string(
    text: str | bytes,
    tp: int = m.TYPE_DATETIME,
    fsp: int = 0,
    *,
    time_zone: _dt.tzinfo | None = None,
    allow_zero_in_date: bool = True,
    allow_invalid_date: bool = False,
) -> Time:
    """``types.ParseTimeFromFloatString``: a decimal number's text (``20170118.123``): the
    integer part as a date number, the fraction only as microseconds of a full datetime
    (9-14 digits); ``0.0...`` is the zero value."""
    s = _text(text)
    if s[:3] == "0.0":
        return Time(tp=tp, fsp=0)
    tz = time_zone if time_zone is not None else _dt.UTC
    fsp = _check_fsp(fsp)
    flags = (allow_zero_in_date, allow_invalid_date)
    fields = _parse_datetime_fields(s, fsp, True, tz, flags)
    return _finish(s, fields, tp, fsp, tz, allow_zero_in_date, allow_invalid_date)


def time_from_number(
    value: int | Decimal | float,
    tp: int = m.TYPE_DATETIME,
    fsp: int = 0,
    *,
    time_zone: _dt.tzinfo | None = None,
    allow_zero_in_date: bool = True,
    allow_invalid_date: bool = False,
) -> Time:
    """A number as a date: integers through ``parse_time_from_num``, decimals and floats
    through ``parse_time_from_float_string`` of their plain decimal text."""
    kw = {
        "time_zone": time_zone,
        "allow_zero_in_date": allow_zero_in_date,
        "allow_invalid_date": allow_invalid_date,
    }
    if isinstance(value, int):
        return parse_time_from_num(value, tp, fsp, **kw)  # type: ignore[arg-type]
    dec = Decimal(repr(value)) if isinstance(value, float) else value
    if not dec.is_finite():
        raise TimeParseError(str(value), "not a number")
    return parse_time_from_float_string(format(dec, "f"), tp, fsp, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# TIME (durations): types.ParseDuration / NumberToDuration


def round_duration(nanos: int, fsp: int) -> int:
    """Rounds nanoseconds half away from zero to ``fsp`` fraction digits."""
    unit: int = 10 ** (9 - max(0, min(6, fsp)))
    sign = -1 if nanos < 0 else 1
    a = abs(nanos)
    return sign * ((a + unit // 2) // unit * unit)


def _number(s: str, pos: int) -> tuple[int, int] | None:
    end = pos
    while end < len(s) and _is_digit(s[end]):
        end += 1
    if end == pos:
        return None
    return int(s[pos:end]), end


def _skip_spaces(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] in _SPACES:
        pos += 1
    return pos


def _hhmmss_delimited(s: str, pos: int, require_colon: bool) -> tuple[list[int], int] | None:
    first = _number(s, pos)
    if first is None:
        return None
    hms = [first[0], 0, 0]
    pos = first[1]
    for i in (1, 2):
        q = _skip_spaces(s, pos)
        if q >= len(s) or s[q] != ":":
            if i == 1 and require_colon:
                return None
            break
        nxt = _number(s, _skip_spaces(s, q + 1))
        if nxt is None:
            return None
        hms[i] = nxt[0]
        pos = nxt[1]
    return hms, pos


def _match_duration(s: str, fsp: int) -> int:
    """``matchDuration``: ``[-][D ]hh[:mm[:ss]][.frac]`` or ``[-]hhmmss[.frac]``."""
    if not s:
        raise TimeParseError(s, "empty")
    pos = 0
    negative = s[0] == "-"
    if negative:
        pos = 1
    pos = _skip_spaces(s, pos)
    chars_len = len(s) - pos
    hms: list[int] | None = None
    day = _number(s, pos)
    if day is not None and day[1] < len(s) and s[day[1]] in _SPACES:
        got = _hhmmss_delimited(s, _skip_spaces(s, day[1]), False)
        if got is not None:
            hms, pos = got
            hms[0] += 24 * day[0]
    if hms is None:
        got = _hhmmss_delimited(s, pos, True)
        if got is not None:
            hms, pos = got
    if hms is None:
        num = _number(s, pos)
        if num is None:
            raise TimeParseError(s, "not a time value")
        hms = [num[0] // 10000, num[0] // 100 % 100, num[0] % 100]
        pos = num[1]
    pos = _skip_spaces(s, pos)
    frac, overflow = 0, False
    if pos < len(s) and s[pos] == ".":
        end = pos + 1
        while end < len(s) and _is_digit(s[end]):
            end += 1
        frac, overflow = parse_frac(s[pos + 1 : end], fsp)
        pos = end
    trailing = pos < len(s)
    if trailing and chars_len >= 12:
        raise TimeParseError(s, "trailing characters")
    if overflow:
        i = 2
        while i >= 0:
            hms[i] += 1
            if i > 0 and hms[i] == 60:
                hms[i] = 0
                i -= 1
                continue
            break
    if hms[1] >= 60 or hms[2] >= 60:
        raise TimeParseError(s, "minute or second out of range")
    limit = -MAX_DURATION_NANOS if negative else MAX_DURATION_NANOS
    if hms[0] > _MAX_TIME_HOUR:
        raise TimeParseError(s, "out of TIME range", limit)
    nanos = (hms[0] * 3600 + hms[1] * 60 + hms[2]) * NANOS_PER_SEC + frac * 1000
    if nanos > MAX_DURATION_NANOS:
        raise TimeParseError(s, "out of TIME range", limit)
    value = -nanos if negative else nanos
    if trailing:
        raise TimeParseError(s, "trailing characters", value)
    return value


def _can_fall_back_to_datetime(s: str) -> bool:
    """``canFallbackToDateTime``: 12 or 14 leading digits, or ``d<p>d<p>d`` then space / T."""
    pos = 0
    while pos < len(s) and _is_digit(s[pos]):
        pos += 1
    if pos in (12, 14):
        return True
    if pos == 0:
        return False
    for _ in range(2):
        if pos >= len(s) or not _is_punct(s[pos]):
            return False
        while pos < len(s) and _is_punct(s[pos]):
            pos += 1
        start = pos
        while pos < len(s) and _is_digit(s[pos]):
            pos += 1
        if pos == start:
            return False
    return pos < len(s) and s[pos] in " T"


def parse_duration(text: str | bytes, fsp: int = 0) -> int:
    """Parses a TIME literal to nanoseconds as TiDB's ``types.ParseDuration`` does.

    Forms: ``[-][D ]hh[:mm[:ss]][.frac]`` (a day count multiplies 24 hours), ``[-]hh:mm``,
    ``[-]hhmmss[.frac]`` / ``mmss`` / ``ss``; the fraction rounds half up at digit
    ``fsp + 1`` (carrying into seconds, minutes, hours). Minutes and seconds must be below
    60 and the value within ±838:59:59. A string that is not a time but starts like a
    datetime (12 or 14 digits, or a delimited date then space / T) gives its time of day.
    Raises ``TimeParseError``.
    """
    s = _text(text).strip(_SPACES)
    fsp = _check_fsp(fsp)
    try:
        return _match_duration(s, fsp)
    except TimeParseError:
        if not _can_fall_back_to_datetime(s):
            raise
    t = parse_datetime(s)
    nanos = (t.hour * 3600 + t.minute * 60 + t.second) * NANOS_PER_SEC + t.microsecond * 1000
    return duration_round_frac(nanos, fsp)


def duration_round_frac(nanos: int, fsp: int) -> int:
    """``Duration.RoundFrac``: rounds to ``fsp`` digits with Go's ``Time.Round`` (halves
    round towards +infinity, so -0.5 s becomes 0); ``round_duration`` rounds halves away from
    zero instead, as parsing does."""
    unit: int = 10 ** (9 - _check_fsp(fsp))
    return (nanos + unit // 2) // unit * unit


def duration_from_number(value: int | Decimal | float, fsp: int = 0) -> int:
    """A number as TIME nanoseconds: integers as ``[-]hhmmss`` (``types.NumberToDuration``;
    beyond 838:59:59, numbers of 11+ digits read as a datetime's time of day), decimals and
    floats through ``parse_duration`` of their plain text."""
    if not isinstance(value, int):
        dec = Decimal(repr(value)) if isinstance(value, float) else value
        if not dec.is_finite():
            raise TimeParseError(str(value), "not a number")
        return parse_duration(format(dec, "f"), fsp)
    number = value
    if number > _TIME_MAX_VALUE:
        if number >= 10000000000:
            try:
                t = parse_time_from_num(number)
            except TimeParseError:
                pass
            else:
                return (t.hour * 3600 + t.minute * 60 + t.second) * NANOS_PER_SEC
        raise TimeParseError(str(value), "out of TIME range")
    if number < -_TIME_MAX_VALUE:
        raise TimeParseError(str(value), "out of TIME range")
    negative = number < 0
    number = abs(number)
    if number // 10000 > _MAX_TIME_HOUR or number % 100 >= 60 or number // 100 % 100 >= 60:
        raise TimeParseError(str(value), "minute or second out of range")
    nanos = (number // 10000 * 3600 + number // 100 % 100 * 60 + number % 100) * NANOS_PER_SEC
    return -nanos if negative else nanos


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
