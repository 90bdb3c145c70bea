"""The vector index: which FAISS type for how many vectors, trained on a sample, and reused
from the previous version when an incremental add allows it."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.settings import Settings
from pipeline.store.folder import read_manifest

if TYPE_CHECKING:
    import faiss

logger = logging.getLogger(__name__)

__all__ = ["build_faiss", "ivf_lists", "ivf_probes", "previous_ivf", "reusable"]


def reusable(previous: Any, kind: str, dim: int, nlist: int, n: int, pq_m: int) -> bool:
    """Whether ``previous`` (an IVF index) can take ``n`` new vectors without training again."""
    import faiss

    if previous is None or previous.d != dim or not previous.is_trained:
        return False
    ivf = faiss.extract_index_ivf(previous)
    if ivf.nlist != nlist or previous.ntotal == 0 or n > 2 * previous.ntotal:
        return False
    if kind == "ivf_sq":
        return isinstance(previous, faiss.IndexIVFScalarQuantizer)
    return isinstance(previous, faiss.IndexIVFPQ) and pq_m == previous.pq.M


def ivf_probes(nlist: int, setting: int | None) -> int:
    """Lists visited per query: the setting, or a quarter of the lists (at least 64, at most all);
    measured at 100k chunks: recall@10 0.95 against exact search (benchmarks/README.md)."""
    return min(nlist, setting if setting else max(64, nlist // 4))


def ivf_lists(n: int) -> int:
    """IVF lists for ``n`` vectors: the power of two nearest 4·√n, between 64 and 65,536."""
    target = 4 * math.sqrt(max(n, 1))
    return int(min(65_536, max(64, 2 ** round(math.log2(target)))))


def previous_ivf(version_dir: Path | None) -> Any:
    """The previous version's IVF index (its trained lists are reused), if it has one."""
    if version_dir is None or not (version_dir / "vectors.faiss").exists():
        return None
    try:
        if read_manifest(version_dir).get("faiss", {}).get("type") not in ("ivf_sq", "ivfpq"):
            return None
        import faiss

        return faiss.read_index(str(version_dir / "vectors.faiss"))
    except Exception:  # an unreadable old index only means training again
        return None


def build_faiss(
    vectors: np.ndarray, settings: Settings, previous: Any = None
) -> tuple[faiss.Index, dict[str, Any]]:
    """The vector index the settings ask for (``auto``: exact below ``auto_threshold`` chunks,
    IVF-SQ8 above). IVF and SQ indexes are trained on a sample of 100,000 vectors or 40 per list.

    ``previous`` (the last version's IVF index) is reused instead of training again when it is
    of the same type and shape and the corpus has not more than doubled since it was trained:
    an incremental add then only encodes the vectors.
    """
    import faiss

    n, dim = vectors.shape if vectors.size else (0, vectors.shape[1] if vectors.ndim == 2 else 0)
    cfg = settings.index
    kind = cfg.faiss
    if kind == "auto":
        kind = "flat" if n < cfg.auto_threshold else "ivf_sq"
    nlist = cfg.ivf_nlist or ivf_lists(n)
    nprobe = ivf_probes(nlist, cfg.ivf_nprobe)
    if kind in ("ivfpq", "ivf_sq") and n < 39 * nlist:
        logger.warning("IVF needs ≥ %d vectors to train; using exact search", 39 * nlist)
        kind = "flat"
    if kind == "hnsw_sq" and n < 1_000:
        kind = "hnsw"  # too few vectors to learn the 8-bit ranges from
    params: dict[str, Any] = {"type": kind}
    ip = faiss.METRIC_INNER_PRODUCT
    sample = None
    if kind in ("ivfpq", "ivf_sq", "hnsw_sq"):
        size = min(n, max(100_000, 40 * nlist))  # FAISS wants ≥ 39 training points per list
        pick = np.random.default_rng(0).choice(n, size=size, replace=False)
        sample = np.ascontiguousarray(vectors[np.sort(pick)], dtype=np.float32)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind in ("hnsw", "hnsw_sq"):
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, cfg.hnsw_m, ip)
        else:
            index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, cfg.hnsw_m, ip)
            index.train(sample)
        index.hnsw.efConstruction = 200 if n < 200_000 else 80
        index.hnsw.efSearch = cfg.hnsw_ef_search
        params.update(
            m=cfg.hnsw_m, ef_search=cfg.hnsw_ef_search, ef_construction=index.hnsw.efConstruction
        )
    elif kind in ("ivf_sq", "ivfpq") and reusable(previous, kind, dim, nlist, n, cfg.pq_m):
        index = faiss.clone_index(previous)
        index.reset()
        index.nprobe = nprobe
        params.update(nlist=nlist, nprobe=nprobe, trained_on="previous version")
        if kind == "ivfpq":
            params["pq_m"] = cfg.pq_m
    elif kind == "ivf_sq":
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, ip
        )
        index.train(sample)
        index.nprobe = nprobe
        params.update(nlist=nlist, nprobe=nprobe, trained_on=len(sample))
    else:
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFPQ(quantizer, dim, nlist, cfg.pq_m, 8, ip)
        index.train(sample)
        index.nprobe = nprobe
        params.update(nlist=nlist, pq_m=cfg.pq_m, nprobe=nprobe, trained_on=len(sample))
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index, params
