"""Files on disk and blobs on the server: hashing, uploads, and verified, resumable downloads."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple

from .errors import BadInputError, IntegrityError, InterruptedDownloadError, RegistryError

CHUNK = 1 << 20


def hash_file(source: str) -> Tuple[str, int]:
    """``("sha256:<hex>", size)`` of a file, read 1 MiB at a time."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(source, "rb") as f:
            for chunk in iter(lambda: f.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError as err:
        raise BadInputError(f"{source}: {err.strerror or err}", "BAD_USER_INPUT") from None
    return "sha256:" + digest.hexdigest(), size


def list_files(path: str) -> List[Tuple[str, str]]:
    """``(source, path in the version)`` pairs: a file under its base name, a directory's files
    under their ``/``-separated path inside it, following symlinks; a symlink back to a directory
    being walked (a loop) is refused rather than followed forever."""
    if os.path.isfile(path):
        return [(path, os.path.basename(path))]
    if not os.path.isdir(path):
        raise RegistryError(f"{path}: no such file or directory")

    def unreadable(err: OSError) -> None:
        raise BadInputError(f"{err.filename}: {err.strerror or err}", "BAD_USER_INPUT")

    found: List[Tuple[str, str]] = []
    ancestors: Dict[str, FrozenSet[Tuple[int, int]]] = {path: frozenset([_file_id(path)])}
    for dirpath, dirnames, filenames in os.walk(path, followlinks=True, onerror=unreadable):
        dirnames.sort()
        for name in dirnames:
            sub = os.path.join(dirpath, name)
            sub_id = _file_id(sub)
            if sub_id in ancestors[dirpath]:
                raise BadInputError(f"{sub} leads back to a directory that contains it (a symlink loop)",
                                    "BAD_USER_INPUT")
            ancestors[sub] = ancestors[dirpath] | {sub_id}
        for name in sorted(filenames):
            source = os.path.join(dirpath, name)
            found.append((source, os.path.relpath(source, path).replace(os.sep, "/")))
    if not found:
        raise RegistryError(f"{path}: the directory is empty")
    return found


def _file_id(path: str) -> Tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def target_path(root: str, file_path: str) -> str:
    """Where a version's file goes under ``root``; a path that would escape it is refused."""
    base = os.path.abspath(root)
    target = os.path.abspath(os.path.join(base, *file_path.split("/")))
    if not target.startswith(base + os.sep):
        raise RegistryError(f'refusing the unsafe path "{file_path}"')
    return target


def verified_or_removed(part: str, expected_digest: str, expected_size: int, label: str) -> None:
    """Raises IntegrityError (and removes ``part``) unless it holds exactly the expected bytes."""
    digest, size = hash_file(part)
    if digest != expected_digest or size != expected_size:
        os.remove(part)
        raise IntegrityError(
            f"{label}: the downloaded bytes ({size} bytes, {digest}) do not match {expected_digest}; "
            "removed them. Pull again; if it keeps failing, ask an operator to run `npm run blobs:verify`."
        )


def stream_to(part: str, chunks: Iterator[bytes], append: bool, label: str) -> int:
    """Writes the chunks to ``part`` (appending when resuming); answers how many bytes came. A dropped or
    timed-out connection keeps what arrived and raises InterruptedDownloadError, so a call again resumes."""
    received = 0
    with open(part, "ab" if append else "wb") as out:
        try:
            for chunk in chunks:
                out.write(chunk)
                received += len(chunk)
        except (OSError, http.client.HTTPException) as err:
            raise interrupted(label, f"{type(err).__name__}: {err}") from None
        finally:
            out.flush()
            os.fsync(out.fileno())
    return received


def interrupted(label: str, why: str) -> InterruptedDownloadError:
    return InterruptedDownloadError(f"{label}: the download was interrupted ({why}); call again to resume")


def range_start(content_range: Optional[str]) -> Optional[int]:
    """The first byte of ``Content-Range: bytes FIRST-LAST/SIZE``; None when absent or malformed."""
    m = re.match(r"^bytes (\d+)-\d+/(?:\d+|\*)$", (content_range or "").strip())
    return int(m.group(1)) if m else None


def resume_headers(part: str, digest: str, size: int) -> Dict[str, str]:
    """``Range``/``If-Range`` for what ``part`` lacks; empty when starting over."""
    have = os.path.getsize(part) if os.path.exists(part) else 0
    if 0 < have < size:
        return {"Range": f"bytes={have}-", "If-Range": f'"{digest}"'}
    return {}
