"""Upload checks (cqo/lib/uploads.py): real bombs and disguised files are refused with a message
naming the rule; ordinary files pass. The builders here are shared with tests/security."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cqo.lib import uploads

MB = 1024 * 1024
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="x"/>'
WORKBOOK = b'<?xml version="1.0"?><workbook xmlns="x"><sheets/></workbook>'


# Builders ------------------------------------------------------------------------------------


def xlsx_bytes(rows: int = 3) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r in range(rows):
        sheet.write_row(r, 0, [f"9161011300000000{r:02d}", f"企业{r}", "610113", 3311])
    book.close()
    return out.getvalue()


@functools.cache
def zip_bomb() -> bytes:
    """An xlsx-shaped zip whose sheet is 2 GB of zeros (about 9 MB compressed), written by
    streaming zeros in 1 MB chunks so the test stays small in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("xl/workbook.xml", WORKBOOK)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            zeros = bytes(MB)
            for _ in range(2048):
                member.write(zeros)
    return out.getvalue()


def huge_sheet_xlsx(rows: int = 40_000) -> bytes:
    """An xlsx-shaped zip whose sheet XML is large but compresses only about 10:1 (varied
    rows): it passes the ratio check and must be stopped by the total-size cap."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("xl/workbook.xml", WORKBOOK)
        with book.open("xl/worksheets/sheet1.xml", "w") as member:
            member.write(b'<worksheet xmlns="x"><sheetData>')
            for r in range(rows):
                value = (r * 2654435761) % 4294967296
                member.write(
                    f'<row r="{r}"><c><v>{value}</v></c><c><v>{value ^ r}</v></c></row>'.encode()
                )
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()


def lying_zip(actual: int = 3 * MB, declared: int = 1000) -> bytes:
    """A zip whose directory says the sheet is ``declared`` bytes while its data inflates to
    ``actual``: a parser trusting the stream inflates it all."""
    data = b"<row/>" * (actual // 6)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/worksheets/sheet1.xml", data)
        info = book.getinfo("xl/worksheets/sheet1.xml")
    raw = bytearray(out.getvalue())
    crc = zlib.crc32(data[:declared])
    at = info.header_offset  # local header: CRC at 14, uncompressed size at 22
    struct.pack_into("<I", raw, at + 14, crc)
    struct.pack_into("<I", raw, at + 22, declared)
    # this member's central directory entry, found by its name (which starts at 46)
    name = b"xl/worksheets/sheet1.xml"
    central = raw.index(b"PK\x01\x02")
    while raw[central + 46 : central + 46 + len(name)] != name:
        central = raw.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", raw, central + 16, crc)  # CRC at 16, uncompressed size at 24
    struct.pack_into("<I", raw, central + 24, declared)
    return bytes(raw)


def zip_with(members: dict[str, bytes], *, ods: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        if ods:
            book.writestr("mimetype", uploads.ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
            book.writestr("content.xml", b"<office:document-content/>")
        else:
            book.writestr("[Content_Types].xml", CONTENT_TYPES)
            book.writestr("xl/workbook.xml", WORKBOOK)
        for name, data in members.items():
            book.writestr(name, data)
    return out.getvalue()


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares the size while its data is a few bytes (a pixel bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"
XLS_HEAD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def refusal(check: Any, name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as exc:
        check(upload(name, data))
    return " ".join(exc.value.messages)


# Enterprise lists ------------------------------------------------------------------------------


def test_it_accepts_ordinary_lists() -> None:
    uploads.check_list(upload("list.xlsx", xlsx_bytes()))
    uploads.check_list(upload("list.csv", "统一社会信用代码,单位名称\n1,西安\n".encode("gb18030")))
    uploads.check_list(upload("list.csv", "\ufeff统一社会信用代码,单位名称\n".encode()))
    uploads.check_list(upload("list.xls", XLS_HEAD))
    uploads.check_list(upload("list.ods", zip_with({}, ods=True)))


def test_it_leaves_the_file_at_its_start() -> None:
    f = upload("list.xlsx", xlsx_bytes())
    uploads.check_list(f)
    assert f.read(2) == b"PK"


def test_it_refuses_a_zip_bomb() -> None:
    message = refusal(uploads.check_list, "list.xlsx", zip_bomb())
    assert "xl/worksheets/sheet1.xml" in message and "压缩比超过 100:1" in message


def test_it_refuses_a_huge_sheet_past_the_total_cap(settings: Any) -> None:
    data = huge_sheet_xlsx()
    settings.CQO_UPLOAD_ZIP_MAX_TOTAL_BYTES = MB
    assert "解压后总大小超过 1 MB" in refusal(uploads.check_list, "list.xlsx", data)
    settings.CQO_UPLOAD_ZIP_MAX_TOTAL_BYTES = 8 * MB
    uploads.check_list(upload("list.xlsx", data))


def test_it_refuses_a_member_that_inflates_past_its_declared_size() -> None:
    message = refusal(uploads.check_list, "list.xlsx", lying_zip())
    assert "实际大小或校验值与目录不符" in message


def test_it_refuses_nested_archives() -> None:
    by_name = zip_with({"xl/embeddings/inner.zip": b"anything"})
    assert "不能再含压缩文件：xl/embeddings/inner.zip" in refusal(
        uploads.check_list, "list.xlsx", by_name
    )
    by_content = zip_with({"xl/media/image1.dat": zip_with({})})
    assert "不能再含压缩文件：xl/media/image1.dat" in refusal(
        uploads.check_list, "list.xlsx", by_content
    )


@pytest.mark.parametrize("name", ["../../etc/cron.d/x", "/etc/passwd", "xl\\..\\x.xml", "C:x"])
def test_it_refuses_unsafe_member_names(name: str) -> None:
    assert "文件名不安全" in refusal(uploads.check_list, "list.xlsx", zip_with({name: b"x"}))


def test_it_refuses_too_many_members(settings: Any) -> None:
    settings.CQO_UPLOAD_ZIP_MAX_MEMBERS = 5
    data = zip_with({f"xl/p{i}.xml": b"<p/>" for i in range(6)})
    assert "文件数超过 5 个" in refusal(uploads.check_list, "list.xlsx", data)


def test_it_refuses_a_pdf_named_xlsx() -> None:
    assert "文件内容是PDF，与扩展名 .xlsx 不符" in refusal(uploads.check_list, "list.xlsx", PDF)


def test_it_refuses_a_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("readme.txt", b"hello")
    assert "缺少 xl/workbook.xml" in refusal(uploads.check_list, "list.xlsx", out.getvalue())
    assert "缺少 mimetype" in refusal(uploads.check_list, "list.ods", out.getvalue())


def test_it_refuses_a_broken_zip() -> None:
    assert "ZIP 结构损坏" in refusal(uploads.check_list, "list.xlsx", b"PK\x03\x04garbage")


def test_it_refuses_a_binary_named_csv() -> None:
    assert "与扩展名 .csv 不符" in refusal(uploads.check_list, "list.csv", EXE)


def test_it_refuses_other_extensions_and_empty_files() -> None:
    assert "只接受 xlsx、xlsm、xlsb、xls、ods、csv 文件" in refusal(
        uploads.check_list, "list.exe", EXE
    )
    assert "文件为空" in refusal(uploads.check_list, "list.xlsx", b"")


def test_it_refuses_a_list_over_the_size_cap(settings: Any) -> None:
    settings.CQO_UPLOAD_MAX_LIST_BYTES = MB
    message = refusal(uploads.check_list, "list.csv", b"a,b\n" * (MB // 4 + 1))
    assert "文件不能超过 1 MB" in message


# Photos and documents --------------------------------------------------------------------------


def test_it_accepts_ordinary_photos_and_documents() -> None:
    uploads.check_photo(upload("me.png", png_bytes()))
    uploads.check_photo(upload("me.JPG", jpeg_bytes()))
    uploads.check_document(upload("scan.pdf", PDF))
    uploads.check_document(upload("scan.jpeg", jpeg_bytes()))
    uploads.check_attachment(upload("case.xlsx", xlsx_bytes()))


def test_it_refuses_a_pixel_bomb() -> None:
    message = refusal(uploads.check_photo, "me.png", png_declaring(100_000, 100_000))
    assert "图片尺寸过大" in message and "40 百万像素" in message


def test_it_refuses_an_image_past_the_pixel_and_side_caps(settings: Any) -> None:
    settings.CQO_UPLOAD_IMAGE_MAX_PIXELS = 1000
    assert "图片尺寸过大" in refusal(uploads.check_photo, "me.png", png_bytes(40, 30))
    settings.CQO_UPLOAD_IMAGE_MAX_PIXELS = 40_000_000
    settings.CQO_UPLOAD_IMAGE_MAX_SIDE = 30
    assert "边长不能超过 30 像素" in refusal(uploads.check_document, "s.png", png_bytes(40, 30))


def test_it_refuses_an_exe_renamed_pdf() -> None:
    message = refusal(uploads.check_document, "scan.pdf", EXE)
    assert "文件内容是无法识别的格式，与扩展名 .pdf 不符" in message


def test_it_refuses_a_png_named_jpg_and_a_broken_image() -> None:
    assert "文件内容是PNG 图片，与扩展名 .jpg 不符" in refusal(
        uploads.check_photo, "me.jpg", png_bytes()
    )
    broken = png_bytes()[:40]
    assert "图片已损坏或无法识别" in refusal(uploads.check_photo, "me.png", broken)


def test_it_refuses_a_pdf_as_a_photo_and_an_oversized_photo(settings: Any) -> None:
    assert "只接受 jpg、jpeg、png 文件" in refusal(uploads.check_photo, "me.pdf", PDF)
    settings.CQO_UPLOAD_MAX_PHOTO_BYTES = 100
    assert "文件不能超过" in refusal(uploads.check_photo, "me.png", png_bytes())


def test_it_refuses_a_bomb_as_an_attachment() -> None:
    assert "压缩比超过" in refusal(uploads.check_attachment, "case.xlsx", zip_bomb())


def test_it_checks_a_workbook_given_as_bytes() -> None:
    from django.core.files.base import ContentFile

    uploads.check_workbook(ContentFile(xlsx_bytes(), name="costs.xlsx"))
    with pytest.raises(ValidationError, match="压缩比超过"):
        uploads.check_workbook(ContentFile(zip_bomb(), name="costs.xlsx"))
    with pytest.raises(ValidationError, match="只接受 xlsx 文件"):
        uploads.check_workbook(ContentFile(PDF, name="costs.pdf"))


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PDF, "pdf"),
        (png_bytes(), "png"),
        (jpeg_bytes(), "jpeg"),
        (b"PK\x03\x04rest", "zip"),
        (XLS_HEAD, "ole2"),
        ("名称,代码\n".encode(), "text"),
        ("名称,代码\n".encode("gb18030"), "text"),
        (EXE, "unknown"),
        (b"", "unknown"),
    ],
)
def test_it_sniffs_content(head: bytes, kind: str) -> None:
    assert uploads.sniff(head) == kind
