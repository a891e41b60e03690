"""Cut points for a large strict-format CSV file (Lightning's ``SplitLargeFile``).

With ``strict-format = true`` the user promises that no quoted field contains a line
terminator, so the first terminator at or after each ``max-region-size`` step ends a row.
The header (when ``header = true``) is read once; its columns go with every chunk and the first
chunk starts after it.

Public API: ``csv_split_points``.
"""

from __future__ import annotations

from encoder.source.blocks import BlockBuffer, NeedMore
from encoder.source.compression import ByteStream
from encoder.source.config import CSVConfig
from encoder.source.csvformat import CSVFormat


def csv_split_points(
    stream: ByteStream, cfg: CSVConfig, region_size: int, file_size: int
) -> tuple[int, list[int], tuple[str, ...] | None]:
    """(first row offset, cut offsets, header columns or ``None``) of a plain CSV file."""
    fmt = CSVFormat(cfg)
    buf = BlockBuffer(stream, 64 << 10)
    buf.fill(0)
    first = 0
    columns: tuple[str, ...] | None = None
    if cfg.header:
        while True:
            try:
                q = fmt.skip_empty_lines(buf, 0)
                if q >= len(buf.data):
                    return buf.offset(q), [], ()
                fields, end = fmt.record(buf, q)
                columns = fmt.header_names(fields, buf, buf.offset(q))
                first = buf.offset(end)
                break
            except NeedMore:
                buf.fill(0)
    cuts: list[int] = []
    target = first + region_size
    while target < file_size:
        p = buf.jump(target)
        cut = -1
        while cut < 0:
            data = buf.data
            keep = len(data)
            if fmt.term:
                i = data.find(fmt.term, p)
                if i >= 0:
                    cut = buf.offset(i) + len(fmt.term)
                else:
                    keep = max(p, len(data) - len(fmt.term) + 1)
            else:
                found = [i for i in (data.find(b"\n", p), data.find(b"\r", p)) if i >= 0]
                if found:
                    i = min(found)
                    if data[i] == 10 or (i + 1 < len(data) and data[i + 1] != 10):
                        cut = buf.offset(i) + 1
                    elif i + 1 < len(data) or buf.eof:
                        cut = buf.offset(i) + (2 if i + 1 < len(data) else 1)
                    else:
                        keep = i
            if cut < 0:
                if buf.eof:
                    return first, cuts, columns
                buf.fill(keep)
                p = 0
        if cut >= file_size:
            break
        cuts.append(cut)
        target = cut + region_size
    return first, cuts, columns
