"""GPU part of ``bench/train.py``: QLoRA nf4 on a randomly initialised model of
the exact Llama-2-7B shape, the seed's recipe against the harness's (see
``bench/train.py``'s docstring for what each recipe is).  Each recipe runs in
its own process (``gpu_child``); ``gpu_section`` runs them and prints the table.
"""

from __future__ import annotations

import sys
import time

import _common as C

GIB = 1024 ** 3
LLAMA2_7B = dict(hidden_size=4096, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32,
                 intermediate_size=11008, vocab_size=32000, max_position_embeddings=4096, rms_norm_eps=1e-5,
                 hidden_act="silu", tie_word_embeddings=False)
TINY_LLAMA = dict(LLAMA2_7B, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
                  intermediate_size=128)
GPU_RECIPES = ("seed", "harness", "harness-padfree")
# ``--gpu-recipes`` may also name "harness-" variants: -autocast (bf16 autocast over the
# bf16-computing nf4 layers, which ``train()`` did before 2026-11-27; plain "harness"
# follows ``train()``'s default now and does not autocast), -qv (LoRA on q_proj and
# v_proj only), -padfree, combinable.


def row_lengths(recipe: str, max_length: int = 256) -> list[int]:
    """Token count of each CSV row in the recipe's own text format (embedded
    tokenizer; a Llama-2 tokenizer is not available offline)."""
    from harness._csvdata import load_qa_csv
    from harness._models import load_tokenizer
    from harness._prompt import PromptFormat

    tok = load_tokenizer("embedded")
    data = load_qa_csv(C.CENFOBANK)
    out = []
    fmt = PromptFormat.for_mode(False)
    for r in data.rows:
        if recipe == "seed":  # the seed's training text
            n = len(tok(f"### Question: {r.question}\n### Answer: {r.answer}")["input_ids"]) + 1
        else:
            ex = fmt.example(r.question, r.answer)
            ids = tok.apply_chat_template(ex["prompt"] + ex["completion"], tokenize=True)
            n = len(ids["input_ids"] if hasattr(ids, "keys") else ids)
        out.append(min(n, max_length))
    return out


def batches(lengths: list[int], bs: int, group_by_length: bool, seed: int = 42) -> list[list[int]]:
    """Lengths per batch: random order, or the Trainer's LengthGroupedSampler
    (megabatches of 50 batches, each sorted longest first)."""
    import random

    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    if group_by_length:
        mega = bs * 50
        order = [i for k in range(0, len(order), mega)
                 for i in sorted(order[k:k + mega], key=lambda i: -lengths[i])]
    return [[lengths[i] for i in order[k:k + bs]] for k in range(0, len(order) - bs + 1, bs)]


def build_qlora_llama(cfg_kwargs: dict, device, compute_dtype, double_quant: bool):
    """A randomly initialised Llama whose decoder linears are bnb nf4
    ``Linear4bit`` (built on the meta device, one layer at a time, so the
    full-precision 7B model never exists); embeddings, norms and lm_head in
    fp32 as ``prepare_model_for_kbit_training`` leaves them."""
    import bitsandbytes as bnb
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(**cfg_kwargs)
    config.use_cache = False
    with torch.device("meta"):
        model = LlamaForCausalLM(config)
    g = torch.Generator(device=device).manual_seed(0)
    for layer in model.model.layers:
        for parent in (layer.self_attn, layer.mlp):
            for name, child in list(parent.named_children()):
                if not isinstance(child, torch.nn.Linear):
                    continue
                w = torch.empty(child.out_features, child.in_features, dtype=torch.float16, device=device)
                w.normal_(0.0, 0.02, generator=g)
                q = bnb.nn.Linear4bit(child.in_features, child.out_features, bias=child.bias is not None,
                                      compute_dtype=compute_dtype, compress_statistics=double_quant,
                                      quant_type="nf4", device="meta")
                q.weight = bnb.nn.Params4bit(w, requires_grad=False, compress_statistics=double_quant,
                                             quant_type="nf4", module=q).to(device)
                if child.bias is not None:
                    q.bias = torch.nn.Parameter(torch.zeros(child.out_features, device=device), requires_grad=False)
                setattr(parent, name, q)
                del w
        for norm in (layer.input_layernorm, layer.post_attention_layernorm):
            norm.to_empty(device=device)
            torch.nn.init.ones_(norm.weight)
    model.model.norm.to_empty(device=device)
    torch.nn.init.ones_(model.model.norm.weight)
    for emb in (model.model.embed_tokens, model.lm_head):
        emb.to_empty(device=device)
        torch.nn.init.normal_(emb.weight, 0.0, 0.02)
    with torch.device(device):
        model.model.rotary_emb = type(model.model.rotary_emb)(config)
    left = [n for n, t in [*model.named_parameters(), *model.named_buffers()] if t.device.type == "meta"]
    if left:
        raise RuntimeError(f"still on the meta device: {left[:5]}")
    model.is_loaded_in_4bit = True  # what peft looks for to pick its bnb LoRA layers
    return model


def gpu_child(spec: dict) -> dict:
    import bitsandbytes as bnb
    import torch
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    dry = spec["dry_run"]
    device = torch.device("cpu" if dry else "cuda")
    recipe = spec["recipe"]
    base, *mods = recipe.split("-")
    seed = base == "seed"
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.init()
        free0, total = torch.cuda.mem_get_info()
        base_used = total - free0
    bf16 = not seed and (not cuda or torch.cuda.is_bf16_supported())
    autocast = bf16 and "autocast" in mods
    compute = torch.float16 if seed or not bf16 else torch.bfloat16
    t0 = time.perf_counter()
    model = build_qlora_llama(TINY_LLAMA if dry else LLAMA2_7B, device, compute, double_quant=not seed)
    model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)
    if seed:
        targets = spec["seed_targets"]
        lcfg = LoraConfig(r=64, lora_alpha=16, lora_dropout=0.1, bias="none", task_type="CAUSAL_LM",
                          target_modules=targets if targets == "all-linear" else targets.split(","))
    else:
        lcfg = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, bias="none", task_type="CAUSAL_LM",
                          target_modules=["q_proj", "v_proj"] if "qv" in mods else "all-linear")
    model = get_peft_model(model, lcfg)
    model.train()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = bnb.optim.PagedAdamW32bit(params, lr=2e-4 if seed else 1e-3, weight_decay=0.001 if seed else 0.0)
    clip = 0.3 if seed else 1.0
    build_s = time.perf_counter() - t0

    lengths = row_lengths("seed" if seed else "harness")
    plan = batches(lengths, 4, group_by_length=seed)
    need = spec["warmup"] + spec["steps"]
    plan = (plan * (need // len(plan) + 1))[:need]
    gen = torch.Generator().manual_seed(0)
    vocab = model.config.vocab_size

    def make_batch(lens: list[int]):
        seqs = [torch.randint(3, vocab, (n,), generator=gen) for n in lens]
        if "padfree" in mods:
            ids = torch.cat(seqs)[None]
            pos = torch.cat([torch.arange(n) for n in lens])[None]
            return {"input_ids": ids.to(device), "position_ids": pos.to(device), "labels": ids.clone().to(device)}, sum(lens), ids.numel()
        width = max(lens)
        ids = torch.zeros(len(lens), width, dtype=torch.long)
        mask = torch.zeros(len(lens), width, dtype=torch.long)
        for i, s in enumerate(seqs):  # right padding, as the Trainer's collators
            ids[i, : len(s)] = s
            mask[i, : len(s)] = 1
        labels = ids.masked_fill(mask == 0, -100)
        return ({"input_ids": ids.to(device), "attention_mask": mask.to(device), "labels": labels.to(device)},
                sum(lens), ids.numel())

    def step(batch):
        ctx = torch.autocast(device.type, dtype=torch.bfloat16) if autocast else torch.autocast(device.type, enabled=False)
        with ctx:
            loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return float(loss.detach())

    def sync():
        if cuda:
            torch.cuda.synchronize()

    peak_used = 0
    for lens in plan[: spec["warmup"]]:
        step(make_batch(lens)[0])
    sync()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    real = padded = 0
    elapsed = 0.0
    loss = float("nan")
    for lens in plan[spec["warmup"]:]:
        batch, n_real, n_all = make_batch(lens)
        sync()
        t1 = time.perf_counter()
        loss = step(batch)
        sync()
        elapsed += time.perf_counter() - t1
        real += n_real
        padded += n_all
        if cuda:
            free, total = torch.cuda.mem_get_info()
            peak_used = max(peak_used, total - free)
    out = {"recipe": recipe, "build_s": build_s, "s_step": elapsed / max(spec["steps"], 1),
           "tok_s": real / elapsed if elapsed else float("nan"), "pad_share": 1 - real / padded if padded else 0.0,
           "tokens_step": real / max(spec["steps"], 1), "trainable": trainable, "loss": loss,
           "compute": str(compute).removeprefix("torch."), "autocast_bf16": autocast, "rss_mib": C.peak_rss_mib(),
           "r": lcfg.r, "targets": spec["seed_targets"] if seed else "q_proj,v_proj" if "qv" in mods else "all-linear"}
    if cuda:
        out.update(alloc_gib=torch.cuda.max_memory_allocated() / GIB, reserved_gib=torch.cuda.max_memory_reserved() / GIB,
                   used_gib=peak_used / GIB, context_gib=base_used / GIB, device=torch.cuda.get_device_name(0))
    return out


def gpu_section(ns, spawn, cuda: bool) -> list[tuple[str, float]]:
    """Run every GPU recipe in its own process (``spawn(spec, threads)``), print
    the table, and return the ratios."""
    steps = ns.steps or (3 if ns.quick else 10)
    warmup = 1 if ns.quick else 3
    dry = not cuda or ns.gpu_dry_run
    rows, res = [], {}
    for recipe in (ns.gpu_recipes.split(",") if ns.gpu_recipes else GPU_RECIPES):
        r = spawn({"kind": "gpu", "recipe": recipe, "steps": steps, "warmup": warmup, "dry_run": dry,
                   "seed_targets": ns.seed_targets}, ns.threads)
        res[recipe] = r
        if "error" in r:
            rows.append([recipe] + [None] * 13 + [r["error"][:200]])
            print(r["stderr"], file=sys.stderr)
            continue
        used = r.get("used_gib")
        rows.append([recipe, r["compute"], r["autocast_bf16"], r["r"], r["targets"], r["trainable"], r["tokens_step"], r["pad_share"],
                     r["s_step"], r["tok_s"], r.get("alloc_gib"), r.get("reserved_gib"), used,
                     (used < 15.0) if used is not None else None])
        print(f"  {recipe}: done (model built in {r['build_s']:.0f} s)", flush=True)
    shape = "tiny Llama (dry run on CPU: code check, figures meaningless)" if dry else "Llama-2-7B shape, random weights"
    C.print_table(["GPU recipe", "compute", "autocast", "LoRA r", "targets", "trainable", "tokens/step", "pad share",
                   "s/step", "tokens/s", "torch peak GiB", "reserved GiB", "device used GiB", "fits 15 GiB"]
                  + (["error"] if any("error" in r for r in res.values()) else []),
                  rows, title=f"QLoRA nf4, {shape}: {steps} timed steps after {warmup} warm-up, batch 4")
    if not dry:
        ctx = next((r["context_gib"] for r in res.values() if "context_gib" in r), float("nan"))
        print(f"device used = everything on the GPU incl. CUDA context ({ctx:.2f} GiB before the model) "
              f"and the paged optimizer state; GPU: {next((r['device'] for r in res.values() if 'device' in r), '?')}")

    def g(recipe, key):
        return res.get(recipe, {}).get(key, float("nan"))

    return [("GPU harness/seed tokens/s", C.ratio(g("harness", "tok_s"), g("seed", "tok_s"))),
            ("GPU padding-free/padded tokens/s", C.ratio(g("harness-padfree", "tok_s"), g("harness", "tok_s"))),
            ("GPU seed/harness device used", C.ratio(g("seed", "used_gib"), g("harness", "used_gib")))]
