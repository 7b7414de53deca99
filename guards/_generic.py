"""The built-in generic off-topic prompts and their embeddings, for the topic guard.

``resources/offtopic.txt`` holds domain-agnostic prompts a FAQ assistant is not
for (general knowledge, coding, sports, health, politics, chit-chat and
near-domain advice in some 25 fields); :func:`generic_vectors` serves their e5
embeddings from the shipped ``offtopic.npz`` when it matches the text and the
embedder, else embeds them once into the cache (:func:`embed_cached`, which the
topic guard also uses for its calibration variants).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

from harness._embed import get_embedder
from harness._io import save_npz
from harness._paths import cache_dir

log = logging.getLogger(__name__)

RESOURCE = Path(__file__).with_name("resources") / "offtopic.txt"
SHIPPED = RESOURCE.with_suffix(".npz")
"""Precomputed (float16) embeddings of :data:`RESOURCE`; regenerate with
``python -c "from guards._generic import write_generic_vectors as w; w()"``."""


def load_generic(path: Path = RESOURCE) -> list[str]:
    """The generic off-topic prompts (comments and blank lines skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _digest(texts: list[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()[:32]


def generic_vectors(texts: list[str]) -> np.ndarray:
    """Embeddings of the generic prompts: the shipped ``offtopic.npz`` when it
    matches ``texts`` and the embedder, else computed once and cached."""
    try:
        with np.load(SHIPPED) as z:
            if str(z["digest"]) == f"{get_embedder().name}:{_digest(texts)}":
                return z["v"].astype(np.float32)
    except FileNotFoundError:
        pass
    except Exception as exc:
        log.warning("shipped generic vectors %s unreadable (%s); recomputing", SHIPPED, exc)
    return embed_cached("generic", texts)


def write_generic_vectors() -> Path:
    """Regenerate ``guards/resources/offtopic.npz`` after editing ``offtopic.txt``."""
    texts = load_generic()
    vec = get_embedder().queries(texts).astype(np.float16)
    save_npz(SHIPPED, v=vec, digest=np.array(f"{get_embedder().name}:{_digest(texts)}"))
    return SHIPPED


def embed_cached(name: str, texts: list[str]) -> np.ndarray:
    """Embeddings of ``texts`` (query role), cached on disk by their digest."""
    path = cache_dir() / "retriever" / f"{name}-{_digest(texts)}.npz"
    if path.exists():
        try:
            with np.load(path) as z:
                if z["v"].shape[0] == len(texts):
                    return z["v"]
        except Exception as exc:
            log.warning("cache %s unreadable (%s); rebuilding", path, exc)
    vec = get_embedder().queries(texts)
    save_npz(path, v=vec)
    return vec
