"""Checks on an uploaded file before anything stores or parses it: size, type by content, and
archives and images that would blow up when opened (zip and xlsx bombs, oversized images).

One function per kind of upload; every upload point calls the one for its kind and files the
``ValidationError`` it raises under its own field (``Errors.run(field, check_document, f)``).
The type comes from the file's leading bytes, and the name's extension must agree with it, so a
renamed executable or a PDF named ``.xlsx`` is refused. A ZIP-based file (xlsx, ods, docx) has
its central directory inspected — member count, names, declared sizes and compression ratios —
and then every member is inflated once, without keeping the output, up to its declared size: an
archive that lies about a size is refused too, before a parser (calamine, openpyxl) sees it.

The limits are settings (config/security.py): ``CQO_UPLOAD_MAX_*`` and ``CQO_UPLOAD_ZIP_*``.
"""

from __future__ import annotations

import codecs
import copy
import stat
import warnings
import zipfile
import zlib
from pathlib import PurePath, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
HEAD_BYTES = 64 * 1024
READ_CHUNK = 1 * MB

# leading bytes -> content kind
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),  # Excel 97-2003 (xls)
)

# extension -> the content it must have; a ZIP-based format names the member that marks it
EXPECTED: dict[str, str] = {
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".xlsx": "zip",
    ".xlsm": "zip",
    ".xlsb": "zip",
    ".docx": "zip",
    ".pptx": "zip",
    ".ods": "zip",
    ".xls": "ole2",
    ".csv": "text",
}
ZIP_MARKERS: dict[str, tuple[str, ...]] = {
    ".xlsx": ("xl/workbook.xml",),
    ".xlsm": ("xl/workbook.xml",),
    ".xlsb": ("xl/workbook.bin",),
    ".docx": ("word/document.xml",),
    ".pptx": ("ppt/presentation.xml",),
    ".ods": ("mimetype", "content.xml"),
}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# archive members that are archives themselves (refused: each layer would need its own check)
NESTED_SUFFIXES = {
    ".zip",
    ".jar",
    ".7z",
    ".rar",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".zst",
    ".cab",
    ".xlsx",
    ".xlsm",
    ".xlsb",
    ".xls",
    ".docx",
    ".pptx",
    ".ods",
    ".odt",
}

LIST_EXTENSIONS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv")
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png")
DOCUMENT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
ATTACHMENT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".pptx")


def _kind_label(kind: str) -> str:
    return {
        "pdf": "PDF",
        "png": _("PNG 图片"),
        "jpeg": _("JPEG 图片"),
        "zip": _("ZIP 格式（xlsx、ods 等）"),
        "ole2": _("Excel 97-2003 工作簿（xls）"),
        "text": _("文本"),
    }.get(kind, _("无法识别的格式"))


def _mb(n: int) -> str:
    return f"{n / MB:g} MB"


# The checks, one per kind of upload -----------------------------------------------------------


def check_list(upload: Any) -> None:
    """An official enterprise list (imports): xlsx, xlsm, xlsb, xls, ods or CSV text."""
    ext = _common(upload, LIST_EXTENSIONS, settings.CQO_UPLOAD_MAX_LIST_BYTES)
    _check_content(upload, ext)


def check_photo(upload: Any) -> None:
    """A person's photo (registry): a JPEG or PNG image of bounded size and dimensions."""
    ext = _common(upload, PHOTO_EXTENSIONS, settings.CQO_UPLOAD_MAX_PHOTO_BYTES)
    _check_content(upload, ext)


def check_document(upload: Any) -> None:
    """Evidence and scans (authorisation scan, study-hour evidence, listing evidence, appeal
    and certification files): a PDF, JPEG or PNG."""
    ext = _common(upload, DOCUMENT_EXTENSIONS, settings.CQO_UPLOAD_MAX_DOCUMENT_BYTES)
    _check_content(upload, ext)


def check_attachment(upload: Any) -> None:
    """A case attachment (community): PDF, JPEG, PNG, or an Office file (docx, xlsx, pptx)."""
    ext = _common(upload, ATTACHMENT_EXTENSIONS, settings.CQO_UPLOAD_MAX_DOCUMENT_BYTES)
    _check_content(upload, ext)


def check_workbook(upload: Any) -> None:
    """A workbook imported on a page (quality costs, losses): an xlsx of document size."""
    ext = _common(upload, (".xlsx",), settings.CQO_UPLOAD_MAX_DOCUMENT_BYTES)
    _check_content(upload, ext)


def file_name(upload: Any) -> str:
    return PurePath(str(getattr(upload, "name", "") or "")).name


# Shared steps ---------------------------------------------------------------------------------


def _common(upload: Any, extensions: tuple[str, ...], max_bytes: int) -> str:
    name = file_name(upload)
    ext = PurePath(name).suffix.lower()
    if ext not in extensions:
        raise ValidationError(
            _("文件类型不允许：只接受 %(types)s 文件")
            % {"types": "、".join(e.lstrip(".") for e in extensions)},
            code="upload_type",
        )
    size = _size(upload)
    if size <= 0:
        raise ValidationError(_("文件为空"), code="upload_empty")
    if size > max_bytes:
        raise ValidationError(
            _("文件不能超过 %(max)s（此文件 %(size)s）")
            % {"max": _mb(max_bytes), "size": _mb(size)},
            code="upload_size",
        )
    return ext


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    f = _stream(upload)
    f.seek(0, 2)
    end = f.tell()
    f.seek(0)
    return int(end)


def _stream(upload: Any) -> IO[bytes]:
    """The seekable file object under a Django ``File``/``UploadedFile``."""
    return getattr(upload, "file", None) or upload


def _check_content(upload: Any, ext: str) -> None:
    f = _stream(upload)
    f.seek(0)
    try:
        head = f.read(HEAD_BYTES)
        kind = sniff(head)
        expected = EXPECTED[ext]
        if kind != expected:
            raise ValidationError(
                _("文件内容是%(actual)s，与扩展名 %(ext)s 不符")
                % {"actual": _kind_label(kind), "ext": ext},
                code="upload_mismatch",
            )
        f.seek(0)
        if kind == "zip":
            _check_zip(f, ext)
        elif kind in ("png", "jpeg"):
            _check_image(f, kind)
    finally:
        f.seek(0)


def sniff(head: bytes) -> str:
    """The content kind of a file from its first bytes: pdf, png, jpeg, zip, ole2, text or
    unknown. Text is UTF-8 (a BOM allowed) or GB18030 without NUL bytes."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head and b"\x00" not in head and (_decodes(head, "utf-8-sig") or _decodes(head, "gb18030")):
        return "text"
    return "unknown"


def _decodes(head: bytes, encoding: str) -> bool:
    # incremental: the head may end inside a multi-byte character
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


# Archives -------------------------------------------------------------------------------------


def _check_zip(f: IO[bytes], ext: str) -> None:
    try:
        book = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(
            _("不是有效的 %(ext)s 文件（ZIP 结构损坏）") % {"ext": ext}, code="upload_zip"
        ) from exc
    with book:
        infos = book.infolist()
        _check_directory(infos)
        names = {i.filename for i in infos}
        for marker in ZIP_MARKERS.get(ext, ()):
            if marker not in names:
                raise ValidationError(
                    _("不是有效的 %(ext)s 文件（缺少 %(part)s）") % {"ext": ext, "part": marker},
                    code="upload_mismatch",
                )
        for info in infos:
            _check_member(book, info)
        if ext == ".ods" and book.read("mimetype").strip() != ODS_MIMETYPE:
            raise ValidationError(
                _("不是有效的 ods 文件（mimetype 不是电子表格）"), code="upload_mismatch"
            )


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    """What the central directory says, before any member is inflated."""
    max_members = settings.CQO_UPLOAD_ZIP_MAX_MEMBERS
    if len(infos) > max_members:
        raise ValidationError(
            _("压缩包内文件数超过 %(n)d 个") % {"n": max_members}, code="upload_zip_members"
        )
    total = 0
    ratio = settings.CQO_UPLOAD_ZIP_MAX_RATIO
    floor = settings.CQO_UPLOAD_ZIP_RATIO_FLOOR_BYTES
    for info in infos:
        name = info.filename
        path = PurePosixPath(name)
        if (
            name.startswith(("/", "\\"))
            or "\\" in name
            or ".." in path.parts
            or (len(name) > 1 and name[1] == ":")
            or stat.S_ISLNK(info.external_attr >> 16)
        ):
            raise ValidationError(
                _("压缩包内文件名不安全：%(name)s") % {"name": name[:200]}, code="upload_zip_path"
            )
        if not info.is_dir() and path.suffix.lower() in NESTED_SUFFIXES:
            raise ValidationError(
                _("压缩包内不能再含压缩文件：%(name)s") % {"name": name[:200]},
                code="upload_zip_nested",
            )
        if info.flag_bits & 0x1:
            raise ValidationError(_("不接受加密的压缩文件"), code="upload_zip_encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ValidationError(
                _("压缩包内文件 %(name)s 的压缩方式不受支持") % {"name": name[:200]},
                code="upload_zip_method",
            )
        if info.file_size > floor and info.file_size > ratio * max(info.compress_size, 1):
            raise ValidationError(
                _("压缩包内文件 %(name)s 的压缩比超过 %(ratio)d:1，疑为压缩炸弹")
                % {"name": name[:200], "ratio": ratio},
                code="upload_zip_ratio",
            )
        total += info.file_size
    limit = settings.CQO_UPLOAD_ZIP_MAX_TOTAL_BYTES
    if total > limit:
        raise ValidationError(
            _("解压后总大小超过 %(max)s") % {"max": _mb(limit)}, code="upload_zip_total"
        )


def _check_member(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflates the member up to one byte past its declared size, keeping nothing: a member
    whose data is longer than the directory says (a parser trusting the stream would inflate
    it all), or whose checksum differs, is refused; so is one that is itself an archive."""
    if info.is_dir():
        return
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1
    probe.CRC = None  # type: ignore[assignment]  # checked below, over what was really read
    read = 0
    crc = 0
    try:
        with book.open(probe) as member:
            first = True
            while chunk := member.read(READ_CHUNK):
                if first and chunk.startswith((b"PK\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf")):
                    raise ValidationError(
                        _("压缩包内不能再含压缩文件：%(name)s") % {"name": info.filename[:200]},
                        code="upload_zip_nested",
                    )
                first = False
                read += len(chunk)
                if read > info.file_size:
                    break
                crc = zlib.crc32(chunk, crc)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise ValidationError(
            _("压缩包内文件 %(name)s 已损坏") % {"name": info.filename[:200]}, code="upload_zip"
        ) from exc
    if read != info.file_size or crc != info.CRC:
        raise ValidationError(
            _("压缩包内文件 %(name)s 的实际大小或校验值与目录不符，疑为压缩炸弹")
            % {"name": info.filename[:200]},
            code="upload_zip_size",
        )


# Images ---------------------------------------------------------------------------------------


def _check_image(f: IO[bytes], kind: str) -> None:
    from PIL import Image, UnidentifiedImageError

    max_pixels = settings.CQO_UPLOAD_IMAGE_MAX_PIXELS
    max_side = settings.CQO_UPLOAD_IMAGE_MAX_SIDE
    too_large = ValidationError(
        _("图片尺寸过大：不能超过 %(mp)g 百万像素，边长不能超过 %(side)d 像素")
        % {"mp": max_pixels / 1_000_000, "side": max_side},
        code="upload_image_size",
    )
    with warnings.catch_warnings():
        # Pillow warns past MAX_IMAGE_PIXELS and raises at twice that: both are refusals here
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(f) as image:
                fmt = image.format
                width, height = image.size
                if fmt not in ("JPEG", "PNG") or fmt.lower() != kind:
                    raise ValidationError(_("图片格式应为 JPEG 或 PNG"), code="upload_image_format")
                if width * height > max_pixels or max(width, height) > max_side:
                    raise too_large
                image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_large from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ValidationError(_("图片已损坏或无法识别"), code="upload_image") from exc
