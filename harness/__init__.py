"""centinela harness: the only code that touches models and disk.

Validate a question/answer CSV, fine-tune (QLoRA nf4 on CUDA, LoRA on CPU),
generate in batches, run probe suites, write versioned results and reports.
Names are imported lazily so ``import harness`` does not import torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_LAZY = {
    "QARow": "._csvdata", "QADataset": "._csvdata", "CSVError": "._csvdata", "load_qa_csv": "._csvdata",
    "Problem": "._csvdata",
    "PromptFormat": "._prompt",
    "TrainConfig": "._config",
    "train": "._train", "TrainResult": "._train",
    "Generator": "._generator", "BlankGenerator": "._generator", "RepeatGenerator": "._generator",
    "TableGenerator": "._generator",
    "RetrievalGenerator": "._generator",
    "HFGenerator": "._generate", "GenerationConfig": "._generate",
    "Retriever": "._retrieval", "Hit": "._retrieval", "Fusion": "._retrieval",
    "RunConfig": "._run", "run_main_job": "._run",
    "summarize": "._summary",
    "write_report": "._report",
    "resolve_model": "._models",
    "ProbeItem": "._probesets", "load_probe_sets": "._probesets",
    "latest_run": "._runs",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    from ._config import TrainConfig
    from ._csvdata import CSVError, Problem, QADataset, QARow, load_qa_csv
    from ._generate import GenerationConfig, HFGenerator
    from ._generator import BlankGenerator, Generator, RepeatGenerator, RetrievalGenerator, TableGenerator
    from ._prompt import PromptFormat
    from ._report import write_report
    from ._retrieval import Fusion, Hit, Retriever
    from ._run import RunConfig, run_main_job
    from ._summary import summarize
    from ._train import TrainResult, train
