#!/usr/bin/env python3
"""PyTorch DeepFM, the same model and training step as reckernels' DeepFM, for side-by-side samples/s (GpuDeepFmBench).

Model (org.reckernels.model.DeepFM): F one-hot fields, one table of R = F * vocab rows shared by the FM and the MLP,
  e_bf = V[x_bf] (d floats);  logit_b = bias + sum_f w[x_bf] + 1/2 sum_c [(sum_f e_bfc)^2 - sum_f e_bfc^2]
                                        + MLP([e_b1, ..., e_bF])
  MLP: F*d -> hidden... -> 1, ReLU hidden layers, linear output, Xavier-uniform weights, zero biases.
Loss: mean binary cross-entropy with logits, plus the frequency-weighted L2 of the FM (l2/2 * sum_bf |e_bf|^2 / B).
Optimizers as reckernels: V, w and the bias take Adagrad (lr 0.05, eps 1e-6; sparse gradients for the tables, so
only touched rows are updated), the MLP takes Adam (lr 1e-3). float32 throughout (TF32 off, as cublasSgemm).
Init: V ~ N(0, 0.01^2), w = 0, bias = 0.

Data: the shape of SyntheticCtr.Spec.defaults (39 fields of 200 ids, labels 0/1), generated here uniformly at
random on the device (speed does not depend on the values); batches are drawn from a device-resident set in a
shuffled order, as the trainer does.

Timing: WARMUP steps, then STEPS steps between two synchronizes (wall clock) and each step with CUDA events;
samples_per_s = STEPS * batch / wall seconds. Prints and writes one JSON line:
{"config", "samples_per_s", "step_ms_median", "device", "torch", ...}.

Usage: deepfm_torch.py OUT_JSONL [--batch 4096] [--hidden 400,400,400] [--dim 16] [--fields 39] [--vocab 200]
       [--steps 50] [--warmup 10] [--compile]
"""
import argparse
import json
import time

import torch
import torch.nn as nn


class DeepFM(nn.Module):
    def __init__(self, fields, vocab, dim, hidden):
        super().__init__()
        rows = fields * vocab
        self.register_buffer("offsets", torch.arange(fields) * vocab)
        self.v = nn.Embedding(rows, dim, sparse=True)
        self.w = nn.Embedding(rows, 1, sparse=True)
        self.bias = nn.Parameter(torch.zeros(1))
        nn.init.normal_(self.v.weight, std=0.01)
        nn.init.zeros_(self.w.weight)
        layers, width = [], fields * dim
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, 1))
        for m in layers:
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        self.mlp = nn.Sequential(*layers)

    def forward(self, ids):
        rows = ids + self.offsets                      # (B, F) global rows
        e = self.v(rows)                               # (B, F, d), shared by the FM and the MLP
        s = e.sum(1)
        fm = 0.5 * (s * s - (e * e).sum(1)).sum(1)
        linear = self.w(rows).sum((1, 2)) + self.bias
        deep = self.mlp(e.flatten(1)).squeeze(1)
        return linear + fm + deep, e


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--batch", type=int, default=4096)
    p.add_argument("--hidden", default="400,400,400")
    p.add_argument("--dim", type=int, default=16)
    p.add_argument("--fields", type=int, default=39)
    p.add_argument("--vocab", type=int, default=200)
    p.add_argument("--l2", type=float, default=0.03)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--compile", action="store_true", help="torch.compile the model (default: eager)")
    a = p.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda")
    torch.manual_seed(2020)
    hidden = [int(h) for h in a.hidden.split(",")]
    model = DeepFM(a.fields, a.vocab, a.dim, hidden).to(dev)
    sparse = [model.v.weight, model.w.weight, model.bias]
    opt_sparse = torch.optim.Adagrad(sparse, lr=0.05, eps=1e-6)
    opt_mlp = torch.optim.Adam(model.mlp.parameters(), lr=1e-3)
    fwd = torch.compile(model) if a.compile else model
    n = a.batch * 32
    ids = torch.randint(0, a.vocab, (n, a.fields), device=dev)
    labels = torch.randint(0, 2, (n,), device=dev).float()
    order = torch.randperm(n, device=dev)
    bce = nn.BCEWithLogitsLoss()

    def step(k):
        sel = order[(k * a.batch) % n:(k * a.batch) % n + a.batch]
        z, e = fwd(ids[sel])
        loss = bce(z, labels[sel]) + 0.5 * a.l2 / a.batch * (e * e).sum()
        opt_sparse.zero_grad(set_to_none=True)
        opt_mlp.zero_grad(set_to_none=True)
        loss.backward()
        opt_sparse.step()
        opt_mlp.step()
        return loss

    for k in range(a.warmup):
        step(k)
    torch.cuda.synchronize()
    times = []
    t0 = time.perf_counter()
    for k in range(a.steps):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        step(a.warmup + k)
        e.record()
        times.append((s, e))
    torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    ms = sorted(s.elapsed_time(e) for s, e in times)
    rec = {"config": f"deepfm-{a.fields}x{a.dim}-{'-'.join(map(str, hidden))}-b{a.batch}",
           "samples_per_s": a.steps * a.batch / wall, "step_ms_median": ms[len(ms) // 2], "wall_s": wall,
           "steps": a.steps, "warmup": a.warmup, "batch": a.batch, "fields": a.fields, "dim": a.dim,
           "vocab_per_field": a.vocab, "hidden": hidden, "compiled": a.compile,
           "device": torch.cuda.get_device_name(0), "torch": torch.__version__,
           "note": "FM + MLP sharing nn.Embedding(sparse=True); sparse Adagrad (lr 0.05, eps 1e-6) on V, w, bias;"
                   " Adam 1e-3 on the MLP; BCE + frequency-weighted L2; fp32, TF32 off"}
    line = json.dumps(rec)
    print(line, flush=True)
    with open(a.out, "w") as f:
        f.write(line + "\n")


if __name__ == "__main__":
    main()
