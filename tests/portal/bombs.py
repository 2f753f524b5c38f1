"""Hostile XLSX files, made in the test (nothing big is stored in the repository).

`zip_bomb`: a real workbook whose sheet XML unpacks to hundreds of MB from about
1 MB. The deflate stream is built from one compressed block repeated: after a
full flush the compressor forgets its history, so the same input gives the
same bytes and the block can be copied instead of compressing 500 MB again.

`wide_dimension`: a few KB whose <dimension> claims 16,384 columns; openpyxl's
read-only mode pads every row to it (2,002 rows → 32.8 M cells).
"""

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def _workbook_members() -> dict[str, bytes]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["reference", "title_vi", "lead_agency", "deadline"])
    sheet.append(["UBQG-9/99", "Nhiệm vụ", "LEAD", "trong năm 2030"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """Members given as (name, deflated bytes, crc32, unpacked size); one plain zip."""
    out, directory = io.BytesIO(), []
    for name, data, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out.write(header + encoded + data)
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in directory:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), out.tell() - start, start, 0))
    return out.getvalue()


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def zip_bomb(target_bytes: int = 1_000_000) -> tuple[bytes, int]:
    """(the .xlsx, its sheet's unpacked size), the file about `target_bytes` long."""
    members = _workbook_members()
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c>' + b"<c><v>1</v></c>" * 60 + b"</row>"
    chunk = row * (1024 * 1024 // len(row))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeats = max(1, (target_bytes - len(first)) // len(block))
    last = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + repeats * len(chunk) + len(tail)
    entries = [(name, *_deflate(data)) for name, data in members.items() if name != SHEET]
    entries.append((SHEET, first + block * repeats + last, crc, size))
    return _zip(entries), size


def wide_dimension(rows: int = 2002) -> bytes:
    members = _workbook_members()
    cells = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>r{n}</t></is></c></row>' for n in range(1, rows + 1)
    )
    members[SHEET] = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><dimension ref="A1:XFD{rows}"/><sheetData>{cells}</sheetData>'
        "</worksheet>"
    ).encode()
    return _zip([(name, *_deflate(data)) for name, data in members.items()])
