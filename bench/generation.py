"""Generation benchmark: the seed's one-pipeline-call-per-prompt vs batched
:class:`harness.HFGenerator`, and a merged vs unmerged LoRA adapter.

Part 1, on the same paraphrase prompts (``data/probes/cenfobank/paraphrase.csv``,
the first N in file order) with the embedded model, greedy, the same
``max_new_tokens`` and the same stop tokens:

* ``pipeline``: the seed's way, one ``transformers.pipeline("text-generation")``
  call per prompt (chat messages from the same :class:`PromptFormat`);
* ``HFGenerator bs=1``: the harness generator without batching (separates the
  pipeline's own overhead from the effect of batching);
* ``HFGenerator bs=B``: batched, left-padded, prompts sorted by length.

Tokens are counted from the generated ids (up to and including the first stop
token), so tokens/s counts useful tokens only.  The greedy outputs of each row
are compared with the pipeline's: batched fp32 with left padding may differ
in a few prompts (padding changes the summation order); the count is printed.

Part 2: a LoRA adapter (r16, all linear layers) trained for 2 steps with
``harness._train.train`` on 8 CSV rows, loaded with
``load_tuned_model(run, merge=True)`` and ``merge=False``: per-token latency
at batch 1 and tokens/s batched, with the base model as reference, and the
count of identical greedy answers merged vs unmerged.

    .venv/bin/python bench/generation.py            # 64 prompts, 96 new tokens, batches 16 and 32
    .venv/bin/python bench/generation.py --quick    # 8 prompts, 16 new tokens, batch 4 (smoke test)
    .venv/bin/python bench/generation.py --batch-sizes 16,32,64   # batch-size sweep
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

C.setup()


class TokenCounter:
    """Wraps ``model.generate`` to count the useful new tokens of every call."""

    def __init__(self, model, stop_ids: list[int]):
        self.model = model
        self.stop = set(stop_ids)
        self.tokens = 0
        self.calls = 0
        self.generate_s = 0.0
        self._orig = model.generate

        def generate(*args, **kwargs):
            t0 = time.perf_counter()
            out = self._orig(*args, **kwargs)
            self.generate_s += time.perf_counter() - t0
            ids = kwargs.get("input_ids", args[0] if args else None)
            seqs = out if not hasattr(out, "sequences") else out.sequences
            n_in = ids.shape[1] if ids is not None else 0
            for row in seqs[:, n_in:].tolist():
                n = 0
                for tid in row:
                    n += 1
                    if tid in self.stop:
                        break
                self.tokens += n
            self.calls += 1
            return out

        model.generate = generate

    def reset(self) -> None:
        self.tokens, self.calls, self.generate_s = 0, 0, 0.0

    def restore(self) -> None:
        self.model.generate = self._orig


def paraphrase_prompts(n: int) -> list[str]:
    items = C.read_probe_prompts("cenfobank", "paraphrase")
    return [it.prompt for it in items[:n]]


def run_pipeline(model, tok, fmt, prompts, max_new, stop) -> list[str]:
    """The seed's way: one pipeline call per prompt."""
    from transformers import pipeline

    pipe = pipeline("text-generation", model=model, tokenizer=tok)
    out = []
    for p in prompts:
        r = pipe(fmt.messages(p), max_new_tokens=max_new, do_sample=False, return_full_text=False,
                 eos_token_id=stop, pad_token_id=tok.pad_token_id, temperature=None, top_p=None, top_k=None)
        text = r[0]["generated_text"]
        if not isinstance(text, str):  # a chat list: take the last (assistant) message
            text = text[-1]["content"]
        out.append(text.strip())
    return out


def measure(label, fn, counter, ref=None):
    """Run ``fn()`` once, return a result row dict."""
    counter.reset()
    c0 = time.process_time()
    t0 = time.perf_counter()
    texts = fn()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    same = sum(a == b for a, b in zip(texts, ref)) if ref is not None else None
    return {"label": label, "wall": wall, "tokens": counter.tokens, "calls": counter.calls,
            "tok_s": counter.tokens / wall if wall else float("nan"), "texts": texts, "same": same,
            "outside": wall - counter.generate_s, "cpu": cpu}


def make_adapter(run: Path, max_length: int) -> None:
    """A real LoRA adapter: 2 training steps on 8 CSV rows (default TrainConfig otherwise)."""
    from harness._config import TrainConfig
    from harness._csvdata import load_qa_csv
    from harness._train import train

    data = load_qa_csv(C.CENFOBANK)
    with C.quiet_stdout():
        train(data, run, TrainConfig(max_rows=8, epochs=1.0, batch_size=4, max_length=max_length), progress=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    C.add_common_args(ap)
    ap.add_argument("--prompts", type=int, help="paraphrase prompts (default 64; --quick 8)")
    ap.add_argument("--max-new-tokens", type=int, help="new tokens per answer (default 96 = GenerationConfig; --quick 16)")
    ap.add_argument("--batch-sizes", help="comma list of HFGenerator batch sizes (default 16,32: 32 is the harness default; --quick 4)")
    ap.add_argument("--lora-prompts", type=int, help="prompts for merged vs unmerged (default 16; --quick 4)")
    ap.add_argument("--skip-lora", action="store_true", help="part 1 only")
    ap.add_argument("--show", action="store_true", help="print the answers that differ")
    ns = ap.parse_args()
    n = ns.prompts or (8 if ns.quick else 64)
    max_new = ns.max_new_tokens or (16 if ns.quick else 96)
    sizes = [int(s) for s in (ns.batch_sizes or ("4" if ns.quick else "16,32")).split(",") if s.strip()]
    n_lora = ns.lora_prompts or (4 if ns.quick else 16)

    import torch
    import transformers

    C.apply_threads(ns.threads)
    transformers.utils.logging.disable_progress_bar()
    from harness._generate import GenerationConfig, HFGenerator
    from harness._models import load_causal_lm, load_tokenizer
    from harness._prompt import PromptFormat
    from harness._config import TrainConfig
    from harness._runs import load_tuned_model

    C.print_machine()
    prompts = paraphrase_prompts(n)
    t0 = time.perf_counter()
    model = load_causal_lm("embedded")
    tok = load_tokenizer("embedded")
    load_s = time.perf_counter() - t0
    fmt = PromptFormat()
    probe = HFGenerator(model, tok, fmt, GenerationConfig(max_new_tokens=max_new, batch_size=1))
    stop = probe._stop_ids()
    counter = TokenCounter(model, stop)
    print(f"embedded model loaded in {load_s:.1f} s; {len(prompts)} paraphrase prompts, greedy, "
          f"max_new_tokens={max_new}, stop ids {stop}, torch threads {torch.get_num_threads()}", flush=True)
    probe.generate(prompts[:1])  # warm-up: first-call costs out of every row

    # cost of the work HFGenerator does outside model.generate (render + tokenise), for the record
    t0 = time.perf_counter()
    texts = [probe.render(p) for p in prompts]
    tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    prep_ms = (time.perf_counter() - t0) * 1000

    rows = [measure("pipeline, 1 call per prompt (seed)", lambda: run_pipeline(model, tok, fmt, prompts, max_new, stop), counter)]
    ref = rows[0]["texts"]
    for bs in [1, *[s for s in sizes if s != 1]]:
        gen = HFGenerator(model, tok, fmt, GenerationConfig(max_new_tokens=max_new, batch_size=bs))
        rows.append(measure(f"HFGenerator bs={bs}" + (" (left-padded)" if bs > 1 else ""), lambda: gen.generate(prompts), counter, ref))
    base = rows[0]
    C.print_table(
        ["way", "wall s", "CPU s", "new tokens", "generate calls", "tokens/s", "speed-up", "outside generate s",
         f"same text as pipeline (/{len(prompts)})"],
        [[r["label"], r["wall"], r["cpu"], r["tokens"], r["calls"], r["tok_s"], C.ratio(base["wall"], r["wall"]), r["outside"],
          r["same"] if r["same"] is not None else "(reference)"] for r in rows],
        title=f"generation: {len(prompts)} paraphrase prompts, embedded model")
    print(f"render + tokenise of all {len(prompts)} prompts (done once per generate call in HFGenerator): {prep_ms:.1f} ms")
    if ns.show:
        for r in rows[1:]:
            for p, a, b in zip(prompts, ref, r["texts"]):
                if a != b:
                    print(f"  [{r['label']}] {p!r}\n    pipeline: {a!r}\n    this:     {b!r}")
    top = rows[-1]["label"].removeprefix("HFGenerator ").split(" ")[0]
    ratios = [(f"pipeline/HFGenerator {top} wall", C.ratio(base["wall"], rows[-1]["wall"])),
              ("batched/pipeline tokens/s", C.ratio(rows[-1]["tok_s"], base["tok_s"])),
              ("pipeline/HFGenerator bs=1 wall", C.ratio(base["wall"], rows[1]["wall"])),
              (f"pipeline/HFGenerator {top} CPU time", C.ratio(base["cpu"], rows[-1]["cpu"]))]
    counter.restore()

    if not ns.skip_lora:
        lora_prompts = prompts[:n_lora]
        bs = max(sizes)
        with tempfile.TemporaryDirectory(prefix="bench-gen-") as tmp:
            run = Path(tmp) / "run"
            t0 = time.perf_counter()
            make_adapter(run, 96 if ns.quick else TrainConfig.max_length)
            train_s = time.perf_counter() - t0
            lrows = []
            variants = [("base (no adapter)", lambda: (model, tok)),
                        ("merged (merge=True)", lambda: load_tuned_model(run, merge=True)),
                        ("unmerged (merge=False)", lambda: load_tuned_model(run, merge=False))]
            texts_by = {}
            for label, load in variants:
                t0 = time.perf_counter()
                m, t = load()
                m_load = None if m is model else time.perf_counter() - t0
                run_fmt = PromptFormat.load(run) if "base" not in label else fmt
                cnt = TokenCounter(m, stop)
                g1 = HFGenerator(m, t, run_fmt, GenerationConfig(max_new_tokens=max_new, batch_size=1))
                g1.generate(lora_prompts[:1])  # warm-up
                r1 = measure(label, lambda: g1.generate(lora_prompts), cnt)
                gb = HFGenerator(m, t, run_fmt, GenerationConfig(max_new_tokens=max_new, batch_size=bs))
                rb = measure(label, lambda: gb.generate(lora_prompts), cnt)
                cnt.restore()
                texts_by[label] = (r1["texts"], rb["texts"])
                lrows.append([label, m_load, r1["tokens"], 1000 * r1["wall"] / max(r1["tokens"], 1),
                              1000 * r1["cpu"] / max(r1["tokens"], 1), r1["tok_s"], rb["tok_s"]])
                if m is not model:
                    del m
            m1, mb = texts_by["merged (merge=True)"]
            u1, ub = texts_by["unmerged (merge=False)"]
            same1 = sum(a == b for a, b in zip(m1, u1))
            sameb = sum(a == b for a, b in zip(mb, ub))
            for r in lrows:
                r.append(f"{same1}/{len(m1)} bs=1, {sameb}/{len(mb)} bs={bs}" if r[0].startswith("unmerged") else "")
            C.print_table(["model", "load s", "new tokens bs=1", "ms/token bs=1", "CPU ms/token bs=1", "tokens/s bs=1",
                           f"tokens/s bs={bs}",
                           "same text merged vs unmerged"], lrows,
                          title=f"LoRA r16 all-linear (2 training steps, {train_s:.0f} s to make): "
                                f"{len(lora_prompts)} prompts, {max_new} new tokens")
            if ns.show:
                for p, a, b in zip(lora_prompts, m1, u1):
                    if a != b:
                        print(f"  {p!r}\n    merged:   {a!r}\n    unmerged: {b!r}")
            merged, unmerged = lrows[1], lrows[2]
            ratios += [("unmerged/merged ms per token bs=1", C.ratio(unmerged[3], merged[3])),
                       ("unmerged/merged CPU ms per token bs=1", C.ratio(unmerged[4], merged[4])),
                       (f"merged/unmerged tokens/s bs={bs}", C.ratio(merged[6], unmerged[6]))]
    C.print_ratios(ratios)
    C.print_machine()
    return 0


if __name__ == "__main__":
    sys.exit(main())
