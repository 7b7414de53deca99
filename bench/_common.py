"""Shared helpers of the benchmark scripts: environment, machine line, timing,
percentiles, peak memory and the table printer.

Every script prints a table, one ``RATIOS:`` line and one ``machine:`` line,
so that any figure quoted elsewhere can be traced to the run that printed it.
Nothing here asserts on a timing: figures are reported, never judged.
"""

from __future__ import annotations

import math
import os
import platform
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

ROOT = Path(__file__).resolve().parents[1]
CENFOBANK = ROOT / "data" / "cenfobank.csv"
DOMAINS = ("cenfobank", "mikhuy", "valle_alto", "wayra_rumi", "qorilazo", "santa_rosa", "tecsur", "sonrisa", "moche", "huellas",
           "chachani", "algarrobo", "qori_takiy", "winay", "wari_yaku", "itaya",
           "illari", "pequenos", "kotosh", "sillar", "sumaq", "notaria",
           "motores_inti", "mirador", "killa", "wiracocha", "kallpavida", "codeandes",
           "awana", "mar_brava", "titikaka", "jardines", "inti_watts", "altiplano",
           "chullpa", "collpa", "chan_chan", "huascaran", "sachavaca", "sipan",
           "tinta", "vigia", "casona", "sonqo", "kuntur", "muchik", "dojo", "huarango", "algarrobo_go",
           "cumbenet", "chinchipe", "via_heroica", "qullqi", "los_algarrobos", "apammar",
           "killa_cine", "qillqa", "muchik_limpio", "olas_ferrol", "qillqa_wasi", "tres_volcanes",
           "kunturi_termas", "celfix", "chulucanas_barro",
           "dunas_ica", "upas_admision", "vivero_selva",
           "dulce_misti", "lanchas_maranon", "mudanzas_huamanga",
           "taller_costura", "apicola_oxapampa", "coworking_trujillo",
           "chamba_segura", "ruedas_misti", "radio_wayra",
           "barberia_juliaca", "lente_norte", "trajes_candelaria")
"""cenfobank and mikhuy have tune/heldout splits; valle_alto was written blind (all held out);
wayra_rumi and qorilazo were written blind too, and split in half by prompt hash after their first look
(qorilazo, santa_rosa, tecsur, sonrisa, moche, huellas, chachani, algarrobo, qori_takiy, winay, wari_yaku, itaya, illari, pequenos, kotosh, sillar, sumaq, notaria, motores_inti, mirador, killa, wiracocha, kallpavida, codeandes, awana, mar_brava, titikaka, jardines, inti_watts, altiplano, chullpa, collpa, chan_chan, huascaran, sachavaca, sipan, tinta, vigia, casona, sonqo, kuntur, muchik, dojo, huarango, algarrobo_go, cumbenet, chinchipe, via_heroica, qullqi, los_algarrobos, apammar, killa_cine, qillqa, muchik_limpio, olas_ferrol, qillqa_wasi, tres_volcanes, kunturi_termas, celfix, chulucanas_barro, dunas_ica, upas_admision, vivero_selva, dulce_misti, lanchas_maranon, mudanzas_huamanga, taller_costura, apicola_oxapampa, coworking_trujillo, chamba_segura, ruedas_misti, radio_wayra, barberia_juliaca, lente_norte and trajes_candelaria: tune when the first byte of the prompt's sha256 is even)."""


def setup(quiet: bool = True) -> None:
    """Offline, quiet, repository importable; call before importing torch."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if quiet:
        import logging
        import warnings

        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        for name in ("transformers", "peft", "trl", "accelerate", "datasets", "bitsandbytes"):
            logging.getLogger(name).setLevel(logging.ERROR)
        warnings.filterwarnings("ignore")


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (falls back to platform)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_line() -> str:
    """One line: platform, CPU model, cores (usable/online), torch, threads,
    GPU if any, and the load average (other work on the box makes timings noisy)."""
    parts = [platform.platform(), f"CPU {cpu_model()}"]
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    parts.append(f"cores {usable} usable / {os.cpu_count()} online")
    parts.append(f"python {platform.python_version()}")
    try:
        import torch

        parts.append(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
        if torch.cuda.is_available():
            parts.append(f"GPU {torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda})")
        else:
            parts.append("no GPU")
    except ImportError:
        parts.append("torch not installed")
    try:
        parts.append("load avg " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    except OSError:
        pass
    return "machine: " + "; ".join(parts)


def print_machine() -> None:
    print(machine_line(), flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation; NaN when empty."""
    if not values:
        return float("nan")
    xs = sorted(values)
    if len(xs) == 1:
        return float(xs[0])
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo))


def now() -> float:
    return time.perf_counter()


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.seconds``."""

    def __enter__(self) -> "Stopwatch":
        self.t0 = time.perf_counter()
        self.seconds = float("nan")
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.t0


@contextmanager
def timed(label: str, into: dict) -> Iterator[None]:
    """Store the wall time of the block in ``into[label]`` (seconds)."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        into[label] = time.perf_counter() - t0


def time_calls(fn, args: Iterable, warmup: int = 0) -> list[float]:
    """Milliseconds of ``fn(a)`` for each ``a`` (after ``warmup`` calls on the first)."""
    args = list(args)
    for _ in range(warmup if args else 0):
        fn(args[0])
    out = []
    for a in args:
        t0 = time.perf_counter()
        fn(a)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB; ru_maxrss is KiB on Linux)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def fmt(x, digits: int = 2) -> str:
    """Numbers with ``digits`` decimals, NaN/None as '-', the rest as str."""
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return "-" if math.isnan(x) else f"{x:.{digits}f}"
    return str(x)


def print_table(headers: Sequence[str], rows: Sequence[Sequence], title: str = "", digits: int = 2) -> None:
    """A plain-text table; numbers right-aligned, text left-aligned."""
    cells = [[fmt(c, digits) for c in r] for r in rows]
    numeric = [all(isinstance(r[i], (int, float)) or r[i] is None for r in rows) if rows else False
               for i in range(len(headers))]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(vals):
        return "  ".join(v.rjust(w) if numeric[i] else v.ljust(w) for i, (v, w) in enumerate(zip(vals, widths))).rstrip()

    if title:
        print(f"\n## {title}")
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print(line(r))
    sys.stdout.flush()


def ratio(a: float, b: float) -> float:
    """a / b, NaN when b is 0 or either is NaN."""
    try:
        return a / b if b else float("nan")
    except TypeError:
        return float("nan")


def print_ratios(items: Sequence[tuple[str, float]], digits: int = 2) -> None:
    """The final ``RATIOS:`` line: ``name=value×`` pairs."""
    print("RATIOS: " + "; ".join(f"{name} {fmt(v, digits)}x" for name, v in items), flush=True)


def add_common_args(ap, quick_help: str = "small sizes: a smoke test in under 2 minutes") -> None:
    """``--quick`` and ``--threads`` (every script takes them)."""
    ap.add_argument("--quick", action="store_true", help=quick_help)
    ap.add_argument("--threads", type=int, default=0,
                    help="torch CPU threads (0 = torch's default; the harness uses the default)")


def apply_threads(n: int) -> None:
    """``torch.set_num_threads(n)`` when n > 0 (and pass it on to child processes)."""
    if n > 0:
        import torch

        torch.set_num_threads(n)
        os.environ["OMP_NUM_THREADS"] = str(n)


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence prints of the code inside (the Trainer prints its log dicts when
    its progress bar is off)."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        yield


def read_probe_prompts(domain: str, kind: str) -> list[dict]:
    """Rows of ``data/probes/<domain>/<kind>.csv`` via the harness loader."""
    from harness._probesets import load_probe_set

    path = ROOT / "data" / "probes" / domain / f"{kind}.csv"
    return load_probe_set(path) if path.exists() else []
