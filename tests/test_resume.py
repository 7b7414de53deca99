"""Interrupted training resumes: SIGINT, then SIGKILL in the middle of a
checkpoint save, then ``--resume`` finishes with the same adapter layout and a
loss log whose steps run 1..N once each.

``harness train`` (the real CLI ``main``) runs in child processes forked by
one subprocess that imported the training stack once (``ZYGOTE``); a pause
point makes a child wait where the test signals it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness._train import last_complete_checkpoint, read_loss_log
from tests.conftest import DATA, ROOT

STEPS_PER_EPOCH, EPOCHS = 4, 3  # 16 rows / batch 4
TRAIN_ARGS = ["--epochs", str(EPOCHS), "--max-rows", "16", "--batch-size", "4",
              # short sequences: the test is about resuming, not about learning
              "--max-length", "48", "--system-prompt", "Responde.", "--seed", "42"]

# A fresh Python that imports the training stack once, then forks one child per
# `harness train` (the real CLI main) on request: the three runs share the
# ~8 s of imports.  A pause point makes a child wait where the test signals it
# (after a given loss step, or inside the save of a given checkpoint), so the
# signal lands there every time instead of racing training that takes seconds.
ZYGOTE = r"""
import json, os, signal, sys, time, traceback
import torch, transformers, trl, peft, datasets  # noqa: F401  (once, before any fork)
from transformers import Trainer
import harness._train as T
from harness.cli import main

def child(req):
    for fd, name in ((1, "stdout"), (2, "stderr")):
        os.dup2(os.open(req[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def wait():
        open(req["marker"], "w").close()
        time.sleep(300)  # the test signals us here

    append = T.append_jsonl
    def append_then_wait(path, record):
        append(path, record)
        if record.get("step") == req.get("pause_at_step"):
            wait()
    T.append_jsonl = append_then_wait

    save_rng = Trainer._save_rng_state
    def save_rng_then_wait(self, output_dir):  # model and optimizer saved, trainer_state.json not yet
        if os.path.basename(output_dir) == req.get("pause_in_save"):
            wait()
        return save_rng(self, output_dir)
    Trainer._save_rng_state = save_rng_then_wait
    try:
        rc = main(req["args"])
    except SystemExit as exc:
        rc = exc.code
    except BaseException:
        traceback.print_exc()
        rc = 1
    sys.stdout.flush(); sys.stderr.flush()
    os._exit(rc if isinstance(rc, int) else 1)

print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child(req)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"rc": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class Trainers:
    """Runs ``harness train`` children of one zygote process."""

    def __init__(self, tmp: Path, model: str):
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "OMP_NUM_THREADS": "1"}
        self.tmp, self.model, self.n = tmp, model, 0
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], cwd=ROOT, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert json.loads(self.proc.stdout.readline()).get("ready"), "zygote did not start"
        self.pid: int | None = None

    def start(self, *extra: str, **pause) -> None:
        self.n += 1
        self.out, self.err, self.marker = (self.tmp / f"{self.n}.out", self.tmp / f"{self.n}.err",
                                           self.tmp / f"{self.n}.paused")
        args = ["train", str(DATA / "cenfobank.csv"), "--reports", str(self.tmp / "reports"), "--run-id", "r",
                "--model", self.model, *TRAIN_ARGS, *extra]
        req = {"args": args, "stdout": str(self.out), "stderr": str(self.err), "marker": str(self.marker), **pause}
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        self.pid = json.loads(self.proc.stdout.readline())["pid"]

    def wait_paused(self, timeout: float = 120) -> None:
        end = time.monotonic() + timeout
        while not self.marker.exists():
            done, _, _ = select.select([self.proc.stdout], [], [], 0.05)
            if done:  # the child ended instead of pausing
                rc = json.loads(self.proc.stdout.readline())["rc"]
                self.pid = None
                pytest.fail(f"harness train ended (rc {rc}) before pausing:\n{self.err.read_text()[-3000:]}")
            if time.monotonic() > end:
                pytest.fail("timed out waiting for the pause point")

    def signal(self, sig: int) -> None:
        os.kill(self.pid, sig)

    def result(self) -> tuple[int, str, str]:
        rc = json.loads(self.proc.stdout.readline())["rc"]
        self.pid = None
        return rc, self.out.read_text(), self.err.read_text()

    def close(self) -> None:
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def adapter_layout(folder: Path) -> dict[str, tuple[int, ...]]:
    from safetensors import safe_open

    with safe_open(str(folder / "adapter_model.safetensors"), framework="pt") as f:
        return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}


def test_interrupted_training_resumes(tmp_path, tiny_model_dir):
    from harness._config import TrainConfig
    from harness._csvdata import load_qa_csv
    from harness._train import train

    run = tmp_path / "reports" / "r"
    ckpts = run / "checkpoints"
    trainers = Trainers(tmp_path, tiny_model_dir)
    try:
        # (a) SIGINT in epoch 2, after checkpoint-4 is complete.
        trainers.start(pause_at_step=STEPS_PER_EPOCH + 2)
        trainers.wait_paused()
        assert (ckpts / "checkpoint-4" / "trainer_state.json").exists()
        trainers.signal(signal.SIGINT)
        rc, _, err = trainers.result()
        assert rc == 2, err[-3000:]
        assert "interrupted; continue with --resume" in err
        assert [r["step"] for r in read_loss_log(run / "loss.jsonl")] == [1, 2, 3, 4, 5, 6]
        assert not (run / "adapter").exists()

        # (b) --resume from checkpoint-4, SIGKILLed while checkpoint-8 is being saved.
        trainers.start("--resume", pause_in_save="checkpoint-8")
        trainers.wait_paused()
        assert (ckpts / "checkpoint-8").is_dir() and not (ckpts / "checkpoint-8" / "trainer_state.json").exists()
        trainers.signal(signal.SIGKILL)
        rc, _, _ = trainers.result()
        assert rc == -signal.SIGKILL
        assert last_complete_checkpoint(ckpts) == str(ckpts / "checkpoint-4")
        # a line torn by the kill must not break the next run
        with open(run / "loss.jsonl", "a", encoding="utf-8") as fh:
            fh.write('{"step": 9, "epo')

        # (c) --resume finishes from the last complete checkpoint.
        trainers.start("--resume")
        rc, out, err = trainers.result()
        assert rc == 0, err[-3000:]
        assert f"({STEPS_PER_EPOCH * EPOCHS} steps" in out
    finally:
        trainers.close()

    steps = [r["step"] for r in read_loss_log(run / "loss.jsonl")]
    assert steps == list(range(1, STEPS_PER_EPOCH * EPOCHS + 1)), steps
    lines = (run / "loss.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(steps) and all(json.loads(x) for x in lines)  # no torn line left
    assert (ckpts / "checkpoint-12" / "trainer_state.json").exists()
    meta = json.loads((run / "train_config.json").read_text(encoding="utf-8"))
    assert meta["csv"]["rows"] == 16

    # An uninterrupted run with the same settings (one epoch suffices for the
    # layout: keys and shapes depend on the LoRA config only).
    ref = tmp_path / "reference"
    train(load_qa_csv(DATA / "cenfobank.csv"), ref,
          TrainConfig(model=tiny_model_dir, epochs=1, max_rows=4, batch_size=4, max_length=48,
                      system_prompt="Responde."), progress=False)
    got, want = adapter_layout(run / "adapter"), adapter_layout(ref / "adapter")
    assert got == want and len(got) > 0
    assert json.loads((run / "adapter" / "adapter_config.json").read_text())["r"] == \
        json.loads((ref / "adapter" / "adapter_config.json").read_text())["r"]


def test_last_complete_checkpoint_skips_partial_ones(tmp_path):
    assert last_complete_checkpoint(tmp_path / "none") is None
    for n, state in ((4, "{}"), (8, "{}"), (12, '{"glob'), (16, None), (20, "{}")):
        d = tmp_path / f"checkpoint-{n}"
        d.mkdir()
        if state is not None:
            (d / "trainer_state.json").write_text(state)
    (tmp_path / "checkpoint-20").rename(tmp_path / "checkpoint-20.tmp")  # not a checkpoint name
    (tmp_path / "checkpoint-99").write_text("a file, not a folder")
    assert last_complete_checkpoint(tmp_path) == str(tmp_path / "checkpoint-8")


def test_loss_log_reader_skips_torn_lines(tmp_path):
    path = tmp_path / "loss.jsonl"
    path.write_bytes(b'{"step": 1, "loss": 2.0}\n{"step": 2, "lo\n\xff\xfe\n[1]\n{"step": "3"}\n{"step": 4, "loss": 1.0}')
    assert [r["step"] for r in read_loss_log(path)] == [1, 4]
