"""Text out of an uploaded or saved article: plain text, HTML, Word (DOCX) or PDF.

Every reader is bounded: the file's size, a DOCX's unpacked size (a zip bomb is refused
before it is inflated), the time pdftotext may take; scripts and styles in HTML are never
read as text. Errors are :class:`ReadRefused` with a Vietnamese message.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

from kiemsat.lib.excel import ImportRefused, open_zip

MAX_BYTES = 5 * 1024 * 1024
MAX_DOCX_UNPACKED = 30 * 1024 * 1024
PDF_SECONDS = 20
FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}


class ReadRefused(Exception):
    """The file cannot be read as an article; the message says why, in Vietnamese."""


def read_path(path: Path) -> str:
    if not path.is_file():
        raise ReadRefused(f"Không tìm thấy tệp '{path}'.")
    if path.stat().st_size > MAX_BYTES:
        raise ReadRefused(_too_big())
    return read_bytes(path.name, path.read_bytes())


def read_bytes(name: str, data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ReadRefused(_too_big())
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        raise ReadRefused("Chỉ đọc được tệp .txt, .html, .docx hoặc .pdf.")
    text = {"txt": _decode, "html": _html, "docx": _docx, "pdf": _pdf}[fmt](data)
    if not text.strip():
        raise ReadRefused("Tệp không có chữ để đọc (PDF chỉ có ảnh quét hoặc tệp rỗng).")
    return text


def _too_big() -> str:
    return f"Tệp quá lớn: tối đa {MAX_BYTES // (1024 * 1024)} MB."


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadRefused("Tệp văn bản không ở bảng mã UTF-8.")


def _html(data: bytes) -> str:
    from lxml import etree, html

    # Decoded here: without a charset meta lxml would read UTF-8 bytes as Latin-1.
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", _decode(data))
    try:
        root = html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise ReadRefused("Không đọc được tệp HTML.") from exc
    for node in root.xpath("//script|//style|//noscript|//template|//iframe|//object"):
        node.drop_tree()
    for node in root.xpath("//br|//p|//div|//li|//h1|//h2|//h3|//h4|//tr|//figcaption"):
        node.tail = "\n" + (node.tail or "")
    return "\n".join(line.strip() for line in root.text_content().split("\n"))


def _docx(data: bytes) -> str:
    try:  # the container checked from its directory, as every upload is (lib.excel)
        open_zip(data, "Word (.docx)", max_unpacked=MAX_DOCX_UNPACKED)
    except ImportRefused as refused:
        raise ReadRefused(refused.errors[0]) from None
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise ReadRefused("Tệp .docx bị hỏng hoặc không phải tệp Word.") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(lines)


def _pdf(data: bytes) -> str:
    if not data.startswith(b"%PDF"):
        raise ReadRefused("Tệp .pdf bị hỏng hoặc không phải PDF.")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        try:
            done = subprocess.run(  # noqa: S603 - fixed program, our own temporary file
                ["pdftotext", "-enc", "UTF-8", "-nopgbrk", handle.name, "-"],  # noqa: S607
                capture_output=True,
                timeout=PDF_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReadRefused("Không đọc được chữ trong tệp PDF.") from exc
    if done.returncode != 0:
        raise ReadRefused("Tệp .pdf bị hỏng hoặc không đọc được.")
    return done.stdout.decode("utf-8", errors="replace")
