"""Atomic writes: nothing half-written is ever left where a reader looks."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    """``text`` with lone surrogates (from JSON ``"\\ud800"`` or undecodable
    argv bytes) replaced by U+FFFD: they cannot be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def _dumps(data: Any, **kwargs: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, default=str, **kwargs)
    if _SURROGATE.search(text):  # keep the exact value: escape it as \\udXXX
        text = json.dumps(data, ensure_ascii=True, default=str, **kwargs)
    return text


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file and ``os.replace``."""
    path = Path(path)
    text = _encodable(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_json(path: str | os.PathLike, data: Any) -> Path:
    return write_text(path, _dumps(data, indent=2) + "\n")


def write_jsonl(path: str | os.PathLike, records: Iterable[dict]) -> Path:
    return write_text(path, "".join(_dumps(r) + "\n" for r in records))


def append_jsonl(path: str | os.PathLike, record: dict) -> None:
    """Append one line and flush it (a log that survives a kill)."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(_dumps(record) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_jsonl(path: str | os.PathLike) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def save_npz(path: Path, **arrays: Any) -> None:
    """Write ``arrays`` to ``path`` atomically (temp file + ``os.replace``)."""
    import numpy as np  # only the embedding caches need it

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp.npz")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
