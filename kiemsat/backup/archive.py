"""One tar archive: the database copy, the uploaded files under ``media/``, and a manifest.

The manifest (``manifest.json``, written last) names the product version, the last
migration of each app, when the copy was taken, the database vendor, the row count of
every table and the SHA-256 of every other member. Reading checks all of it before
anything is written outside a staging folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import os
import tarfile
import tomllib
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings

from kiemsat.backup.databases import MEMBERS, Snapshot
from kiemsat.backup.errors import BackupError

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
CHUNK = 1024 * 1024
MANIFEST_LIMIT = 64 * 1024 * 1024
DAMAGED = (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError)

Manifest = dict[str, Any]


def product_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as stream:
            return str(tomllib.load(stream)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "không rõ"


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(name in the archive, path) of every regular file under ``root``, sorted."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield f"{MEDIA}/{path.relative_to(root).as_posix()}", path


def write(target: Path, snapshot: Snapshot, media_root: Path, taken_at: datetime) -> Manifest:
    """Write the archive next to ``target`` and move it into place once complete."""
    partial = target.with_name(f".{target.name}.dang-ghi")
    mode = "w:gz" if target.name.endswith((".gz", ".tgz")) else "w"
    try:
        with tarfile.open(partial, mode) as tar:  # type: ignore[call-overload]
            files = {snapshot.member: _add_file(tar, snapshot.path, snapshot.member)}
            for name, path in media_files(media_root):
                files[name] = _add_file(tar, path, name)
            manifest = _manifest(snapshot, files, taken_at)
            body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(body), int(taken_at.timestamp())
            tar.addfile(info, io.BytesIO(body))
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Không ghi được bản sao lưu '{target}': {error}.") from error
    return manifest


def _manifest(snapshot: Snapshot, files: dict[str, dict[str, Any]], taken_at: datetime) -> Manifest:
    return {
        "format": FORMAT,
        "product": "kiemsat",
        "version": product_version(),
        "created_at": taken_at.isoformat(),
        "database": {"vendor": _vendor_of(snapshot.member), "member": snapshot.member},
        "migrations": snapshot.migrations,
        "tables": snapshot.tables,
        "files": files,
    }


def _vendor_of(member: str) -> str:
    return next(vendor for vendor, name in MEMBERS.items() if name == member)


class _Hashing:
    """A read-only stream that hashes what passes through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.digest, self.size = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as stream:
        hashing = _Hashing(stream)
        tar.addfile(info, hashing)  # type: ignore[arg-type]
    return {"sha256": hashing.digest.hexdigest(), "size": hashing.size}


def file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def unpack(source: Path, staging: Path) -> Manifest:
    """Extract ``source`` into ``staging`` and check every member against the manifest."""
    try:
        manifest_body, found = _extract_all(source, staging)
    except DAMAGED as error:
        raise BackupError(
            f"Tệp sao lưu '{source}' bị hỏng, thiếu phần cuối hoặc không phải bản sao lưu "
            "kiemsat: không phục hồi gì."
        ) from error
    manifest = _parse_manifest(manifest_body)
    _compare_files(manifest["files"], found)
    return manifest


def _extract_all(source: Path, staging: Path) -> tuple[bytes | None, dict[str, str]]:
    manifest_body: bytes | None = None
    found: dict[str, str] = {}
    with tarfile.open(source, "r:*") as tar:
        for member in tar:
            name = _checked_name(member)
            if name in found or (name == MANIFEST and manifest_body is not None):
                raise BackupError(f"Tệp sao lưu có hai thành phần cùng tên '{name}'.")
            stream = tar.extractfile(member)
            assert stream is not None  # a regular file, checked above
            if name == MANIFEST:
                manifest_body = stream.read(MANIFEST_LIMIT)
            else:
                found[name] = _copy_hashed(stream, staging / name)
    return manifest_body, found


def _checked_name(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    allowed = member.name == MANIFEST or member.name in MEMBERS.values()
    allowed = allowed or (
        len(path.parts) > 1
        and path.parts[0] == MEDIA
        and not path.is_absolute()
        and all(part not in {"", ".", ".."} for part in path.parts)
        and "\\" not in member.name
    )
    if not (allowed and member.isfile()):
        raise BackupError(f"Tệp sao lưu có thành phần lạ '{member.name}': không phục hồi.")
    return member.name


def _copy_hashed(stream: IO[bytes], target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("xb") as out:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _parse_manifest(body: bytes | None) -> Manifest:
    if body is None:
        raise BackupError(f"Tệp sao lưu thiếu {MANIFEST}: không phải bản sao lưu kiemsat.")
    try:
        manifest = json.loads(body)
        valid = (
            manifest["format"] == FORMAT
            and manifest["database"]["member"] == MEMBERS[manifest["database"]["vendor"]]
            and all(isinstance(n, int) for n in manifest["tables"].values())
            and all(len(meta["sha256"]) == 64 for meta in manifest["files"].values())
            and isinstance(manifest["migrations"], dict)
            and datetime.fromisoformat(manifest["created_at"]) is not None
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{MANIFEST} hỏng: không đọc được ({error}).") from error
    if not valid:
        raise BackupError(f"{MANIFEST} không đúng định dạng bản sao lưu kiemsat {FORMAT}.")
    return dict(manifest)


def _compare_files(expected: dict[str, dict[str, Any]], found: dict[str, str]) -> None:
    for name, meta in sorted(expected.items()):
        if name not in found:
            raise BackupError(f"Tệp sao lưu thiếu '{name}' có trong {MANIFEST}.")
        if found[name] != meta["sha256"]:
            raise BackupError(
                f"'{name}' sai mã kiểm tra SHA-256 (manifest {meta['sha256'][:12]}…, "
                f"tệp {found[name][:12]}…): bản sao lưu đã bị thay đổi hoặc hỏng."
            )
    extra = sorted(set(found) - set(expected))
    if extra:
        raise BackupError(f"'{extra[0]}' có trong tệp sao lưu nhưng không có trong {MANIFEST}.")
