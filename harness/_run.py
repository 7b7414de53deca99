"""The main job: CSV -> adapter -> answers of every system -> results -> report."""

from __future__ import annotations

import dataclasses
import logging
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ._config import TrainConfig
from ._csvdata import load_qa_csv
from ._io import write_json, write_jsonl
from ._probesets import ProbeItem, load_probe_sets, probe_dir_for, sample
from ._runs import RUN_SCHEMA, create_run, new_run_id

log = logging.getLogger(__name__)
DEFAULT_SYSTEMS = "retrieval,tuned,grounded,guarded,base"
ALL_SYSTEMS = ("retrieval", "tuned", "grounded", "tuned+grounded", "guarded", "base")
MODEL_SYSTEMS = frozenset({"tuned", "grounded", "tuned+grounded", "base"})


@dataclass
class RunConfig:
    """What the main job evaluates and where it writes."""

    reports: str = field(default="reports", metadata={"help": "Folder that receives run folders."})
    run_id: str = field(default="", metadata={"help": "Run folder name ('' = <csv stem>-<UTC time>)."})
    systems: str = field(default=DEFAULT_SYSTEMS, metadata={"help": f"Comma list of systems among {', '.join(ALL_SYSTEMS)}."})
    ship: str = field(default="grounded", metadata={"help": "System behind the guards in 'guarded': grounded, tuned, or retrieval (the top-1 CSV answer, no model)."})
    probes: str = field(default="", metadata={"help": "Probe-set folder ('' = data/probes/<csv stem>)."})
    probe_limit: int = field(default=20, metadata={"help": "Prompts per probe set answered by the models (0 = all); the input guard always sees every prompt."})
    verbatim_limit: int = field(default=20, metadata={"help": "CSV questions asked verbatim (memorisation; 0 = all)."})
    max_new_tokens: int = field(default=96, metadata={"help": "Generation cap per answer."})
    gen_batch_size: int = field(default=32, metadata={"help": "Generation batch size (32 measured fastest on 2 cores: bench/generation.py)."})
    force: bool = field(default=False, metadata={"help": "Replace an existing run folder of the same id."})
    resume: bool = field(default=False, metadata={"help": "Continue an interrupted run (training resumes from its last checkpoint)."})

    def system_list(self) -> list[str]:
        names = [s.strip() for s in self.systems.split(",") if s.strip()]
        bad = [s for s in names if s not in ALL_SYSTEMS]
        if bad:
            raise ValueError(f"unknown system(s) {', '.join(bad)}; known: {', '.join(ALL_SYSTEMS)}")
        if self.ship not in ("grounded", "tuned", "retrieval"):
            raise ValueError("--ship must be grounded, tuned or retrieval")
        return names

    def needs_model(self) -> bool:
        """Whether any chosen system generates with a model (else nothing is trained)."""
        names = set(self.system_list())
        return bool(names & MODEL_SYSTEMS) or ("guarded" in names and self.ship != "retrieval")


@dataclass(frozen=True)
class RunResult:
    """Where the run landed and its timings (seconds per stage)."""

    run_dir: Path
    timings: dict
    summary: dict


def _machine() -> dict:
    import os

    import torch

    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(), "torch": torch.__version__, "cuda": torch.cuda.is_available(),
            "python": platform.python_version()}


def run_main_job(csv_path: str, train_cfg: TrainConfig, cfg: RunConfig,
                 progress: Callable[[str], None] | None = None,
                 bar: Callable[[str, int], Any] | None = None) -> RunResult:
    """Train, answer, score, summarise and report; returns the run folder.

    ``progress`` receives one-line messages; ``bar(desc, total)`` (e.g.
    ``tqdm``) returns a progress bar with ``update(n)`` and ``close()`` that
    follows each system's generation."""
    from guards import Guard, GuardedModel, OutputGuard

    from . import Retriever
    from ._evaluate import Scorer, answer_guarded, answer_model, answer_retrieval
    from ._generate import GenerationConfig, HFGenerator
    from ._generator import RetrievalGenerator
    from ._guard_eval import evaluate_guard
    from ._models import inference_placement, load_causal_lm, load_tokenizer
    from ._prompt import PromptFormat
    from ._report import write_report
    from ._runs import load_tuned_model
    from ._summary import SUMMARY_SCHEMA, guard_table, summarize
    from ._train import train

    say = progress or (lambda msg: log.info(msg))

    def generate_with_bar(gen: Any, n: int) -> Any:
        pb = bar(gen.name, n) if bar else None
        gen.progress = pb.update if pb else None
        return pb
    systems = cfg.system_list()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    trained = cfg.needs_model()  # retrieval only (no system generates): nothing is loaded or trained
    if trained:  # a pair longer than the training length is an error only when training
        data = load_qa_csv(csv_path, max_tokens=train_cfg.max_length,
                           count_tokens=lambda s, _tok=load_tokenizer(train_cfg.model): len(_tok(s)["input_ids"]))
    else:
        data = load_qa_csv(csv_path)
    run = create_run(cfg.reports, cfg.run_id or new_run_id(csv_path), force=cfg.force, resume=cfg.resume)
    retriever = Retriever.from_csv(csv_path)
    timings["load"] = time.perf_counter() - t
    say(f"run folder {run}")

    t = time.perf_counter()
    if trained:
        say(f"training on {len(data)} rows ({train_cfg.epochs} epochs)")
        tr = train(data, run, train_cfg, resume=cfg.resume)
    else:
        say("no system generates with a model: training skipped")
        tr = None
    if "tuned+grounded" in systems:
        train(data, run / "tuned+grounded", dataclasses.replace(train_cfg, grounded=True), retriever=retriever,
              resume=cfg.resume)
    timings["train"] = time.perf_counter() - t

    t = time.perf_counter()
    guard = Guard.from_retriever(retriever)
    out_guard = OutputGuard.from_csv(csv_path)
    sets = load_probe_sets(cfg.probes or probe_dir_for(csv_path))
    guard_rows = evaluate_guard(guard, sets)
    timings["guard"] = time.perf_counter() - t

    verbatim = [ProbeItem(f"verbatim-{r.row}", "verbatim", r.question, "es", r.row, "csv") for r in data.rows]
    items = {"verbatim": sample(verbatim, cfg.verbatim_limit)}
    items.update({name: sample(its, cfg.probe_limit) for name, its in sets.items()})
    flat = [it for its in items.values() for it in its]
    scorer = Scorer(out_guard, lambda row: data.by_row(row).answer if row else "", retriever)
    gen_cfg = GenerationConfig(max_new_tokens=cfg.max_new_tokens, batch_size=cfg.gen_batch_size)
    records, caches = [], {}

    t = time.perf_counter()
    if "retrieval" in systems:
        records += answer_retrieval(flat, retriever, scorer)
    model, tok = load_tuned_model(run) if trained else (None, None)
    fmt = PromptFormat.load(run) if trained else PromptFormat.for_mode(False, train_cfg.system_prompt or None)
    for system in ("tuned", "grounded"):
        if system in systems or (system == cfg.ship and "guarded" in systems):
            f = fmt if system == "tuned" else dataclasses.replace(fmt, grounded=True)
            gen = HFGenerator(model, tok, f, gen_cfg, retriever=retriever, name=system)
            say(f"generating: {system} on {len(flat)} prompts")
            pb = generate_with_bar(gen, len(flat))
            recs, caches[system] = answer_model(system, flat, gen, scorer, grounded=f.grounded)
            pb and pb.close()
            if system in systems:
                records += recs
    if "tuned+grounded" in systems:
        m2, t2 = load_tuned_model(run / "tuned+grounded")
        gen = HFGenerator(m2, t2, PromptFormat.load(run / "tuned+grounded"), gen_cfg, retriever=retriever,
                          name="tuned+grounded")
        say(f"generating: tuned+grounded on {len(flat)} prompts")
        pb = generate_with_bar(gen, len(flat))
        records += answer_model("tuned+grounded", flat, gen, scorer, grounded=True)[0]
        pb and pb.close()
        del m2
    if "guarded" in systems:
        if cfg.ship == "retrieval":
            gen, grounded = RetrievalGenerator(retriever), False
        else:
            ship_fmt = fmt if cfg.ship == "tuned" else dataclasses.replace(fmt, grounded=True)
            gen = HFGenerator(model, tok, ship_fmt, gen_cfg, retriever=retriever, name=cfg.ship)
            grounded = ship_fmt.grounded
        guarded = GuardedModel(gen, guard, out_guard, retriever, grounded=grounded)
        records += answer_guarded(flat, guarded, scorer, caches.get(cfg.ship, {}))
    if "base" in systems:
        # the untuned model: in-domain comparison and the safety-regression probe
        base_items = [it for name in ("paraphrase", "unsafe") for it in items.get(name, [])]
        base = load_causal_lm(train_cfg.model, **inference_placement())
        gen = HFGenerator(base, load_tokenizer(train_cfg.model), fmt, gen_cfg, name="base")
        say(f"generating: base on {len(base_items)} prompts")
        pb = generate_with_bar(gen, len(base_items))
        records += answer_model("base", base_items, gen, scorer)[0]
        pb and pb.close()
    timings["generate"] = time.perf_counter() - t

    t = time.perf_counter()
    rec_dicts = [r.to_dict() for r in records]
    write_jsonl(run / "answers.jsonl", rec_dicts)
    write_jsonl(run / "guard.jsonl", guard_rows)
    summary = {"schema": SUMMARY_SCHEMA, "run_id": run.name, "systems": summarize(rec_dicts),
               "guard": guard_table(guard_rows), "ship": cfg.ship, "shipping_system": "guarded" if "guarded" in systems else cfg.ship}
    timings["score"] = time.perf_counter() - t
    meta = {"schema": RUN_SCHEMA, "run_id": run.name, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "csv": {"path": str(csv_path), "sha256": data.sha256, "rows": len(data)},
            "model": train_cfg.model if trained else None, "trained": trained,
            "train": dataclasses.asdict(train_cfg) if trained else None, "run_config": dataclasses.asdict(cfg),
            "train_result": dataclasses.asdict(tr) if tr else None,
            "prompt_format": dataclasses.asdict(fmt) if trained else None,
            "prompt_fingerprint": fmt.fingerprint() if trained else None, "machine": _machine(), "systems": systems,
            "probe_sets": {k: len(v) for k, v in sets.items()}}
    t = time.perf_counter()
    summary["timings"] = {k: round(v, 2) for k, v in timings.items()}
    meta["timings"] = summary["timings"]
    write_json(run / "run.json", meta)
    write_json(run / "summary.json", summary)
    write_report([run], run / "report.html")
    timings["report"] = time.perf_counter() - t
    meta["timings"] = summary["timings"] = {k: round(v, 2) for k, v in timings.items()}
    write_json(run / "run.json", meta)
    write_json(run / "summary.json", summary)
    return RunResult(run, summary["timings"], summary)
