#!/usr/bin/env python3
"""torch.nn.functional.embedding_bag on the shapes of GpuEmbeddingBench, for side-by-side timing.

The tables are one concatenated weight (one launch for all tables, torch's best configuration
without FBGEMM): global index = table offset + local index, one bag per (table, sample) in the
same t-major order as reckernels. Forward: sum pooling. Backward: a training step (forward, backward
with a sparse gradient, torch.optim.Adagrad step) minus the forward time — torch has no
row-wise Adagrad, so element-wise Adagrad is the closest fused-optimizer stand-in (it moves more
state bytes than row-wise, which favours reckernels; said in the note). CUDA events, 10 warm-up,
50 reps, median. Prints and writes one JSON line per config: {"config", "fwd_ms", "bwd_ms", ...}.

Usage: embedding_bag_torch.py OUT_JSONL
"""
import json
import sys

import torch

CONFIGS = [  # name, tables, rows per table, d, batch, bag — as GpuEmbeddingBench.CONFIGS
    ("fbgemm-default", 32, 100_000, 128, 512, 20),
    ("large-batch", 32, 100_000, 128, 8192, 20),
    ("ctr-39x16", 39, 100_000, 16, 4096, 1),
]


def median_ms(fn, warmup=10, reps=50):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        fn()
        e.record()
        torch.cuda.synchronize()
        times.append(s.elapsed_time(e))
    times.sort()
    return times[len(times) // 2]


def main():
    out = sys.argv[1]
    dev = torch.device("cuda")
    gen = torch.Generator(device="cpu").manual_seed(42)
    lines = []
    for name, tables, rows, d, batch, bag in CONFIGS:
        local = torch.randint(0, rows, (tables, batch * bag), generator=gen)
        offs = (torch.arange(tables) * rows).unsqueeze(1)
        indices = (local + offs).reshape(-1).to(dev)
        offsets = torch.arange(0, tables * batch * bag, bag, device=dev)
        weight = torch.nn.Parameter(torch.full((tables * rows, d), 0.01, device=dev))
        opt = torch.optim.Adagrad([weight], lr=0.01)

        def fwd():
            with torch.no_grad():
                torch.nn.functional.embedding_bag(indices, weight, offsets, mode="sum")

        def bwd():
            pooled = torch.nn.functional.embedding_bag(indices, weight, offsets, mode="sum", sparse=True)
            opt.zero_grad(set_to_none=True)
            pooled.backward(torch.full_like(pooled, 1e-3))
            opt.step()

        fwd_ms = median_ms(fwd)
        step_ms = median_ms(bwd)
        rec = {"config": name, "fwd_ms": fwd_ms, "bwd_ms": step_ms - fwd_ms, "train_step_ms": step_ms, "device": torch.cuda.get_device_name(0),
               "torch": torch.__version__,
               "note": "bwd_ms = (forward + backward with sparse grad + Adagrad step) - forward; element-wise Adagrad"
                        " (torch has no row-wise)"}
        print(json.dumps(rec), flush=True)
        lines.append(json.dumps(rec))
        del weight, opt
        torch.cuda.empty_cache()
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
