#!/usr/bin/env python3
"""The LightGCN reference recipe in PyTorch, for side-by-side timing on the GPU machine.

Mirrors gusye1234/LightGCN-PyTorch (the paper's code) as reckernels' BprTrainer does: per epoch,
as many uniform (user, positive, negative) triples as train interactions; per batch of 2048 a
full propagation E^(k+1) = Â E^(k) with torch.sparse.mm, the layer mean, BPR loss on the batch's
final embeddings plus 1e-4 · ½(‖e_u‖² + ‖e_p‖² + ‖e_n‖²)/b on the ego embeddings, Adam (lr 1e-3).
Prints one JSON line (results-file schema) with seconds per epoch; sampling is timed too, as in
the reference (it samples on the CPU with numpy).

Usage: lightgcn_torch.py DATA_DIR EPOCHS OUT_JSON
"""
import json
import sys
import time

import numpy as np
import torch


def load(path):
    users, items = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            u = int(parts[0])
            for i in parts[1:]:
                users.append(u)
                items.append(int(i))
    return np.array(users, dtype=np.int64), np.array(items, dtype=np.int64)


def main():
    data_dir, epochs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    dev = torch.device("cuda")
    tu, ti = load(f"{data_dir}/train.txt")
    n_users, n_items = int(tu.max()) + 1, int(ti.max()) + 1
    n = n_users + n_items
    deg_u = np.bincount(tu, minlength=n_users).astype(np.float64)
    deg_i = np.bincount(ti, minlength=n_items).astype(np.float64)
    w = 1.0 / np.sqrt(deg_u[tu] * deg_i[ti])
    rows = np.concatenate([tu, ti + n_users])
    cols = np.concatenate([ti + n_users, tu])
    vals = np.concatenate([w, w]).astype(np.float32)
    adj = torch.sparse_coo_tensor(torch.tensor(np.stack([rows, cols])), torch.tensor(vals), (n, n)).coalesce().to(dev)
    adj = adj.to_sparse_csr()

    torch.manual_seed(2020)
    emb = torch.nn.Parameter(torch.randn(n, 64, device=dev) * 0.1)
    opt = torch.optim.Adam([emb], lr=1e-3)
    pos_sets = [set() for _ in range(n_users)]
    for u, i in zip(tu, ti):
        pos_sets[u].add(int(i))
    pos_lists = [np.array(sorted(s), dtype=np.int64) for s in pos_sets]
    eligible = np.array([u for u in range(n_users) if len(pos_lists[u]) > 0])
    rng = np.random.default_rng(2020)
    secs = []
    losses = []
    for epoch in range(epochs):
        torch.cuda.synchronize()
        t0 = time.time()
        m = len(tu)
        us = eligible[rng.integers(0, len(eligible), m)]
        ps = np.empty(m, dtype=np.int64)
        ns = np.empty(m, dtype=np.int64)
        for k, u in enumerate(us):
            pl = pos_lists[u]
            ps[k] = pl[rng.integers(len(pl))]
            while True:
                j = int(rng.integers(n_items))
                if j not in pos_sets[u]:
                    ns[k] = j
                    break
        us_t = torch.tensor(us, device=dev)
        ps_t = torch.tensor(ps + n_users, device=dev)
        ns_t = torch.tensor(ns + n_users, device=dev)
        total = 0.0
        batches = 0
        for s in range(0, m, 2048):
            u, p, q = us_t[s:s + 2048], ps_t[s:s + 2048], ns_t[s:s + 2048]
            layers = [emb]
            cur = emb
            for _ in range(3):
                cur = torch.sparse.mm(adj, cur)
                layers.append(cur)
            fin = torch.stack(layers, 0).mean(0)
            x = (fin[u] * fin[p]).sum(1) - (fin[u] * fin[q]).sum(1)
            reg = 0.5 * (emb[u].pow(2).sum() + emb[p].pow(2).sum() + emb[q].pow(2).sum()) / len(u)
            loss = torch.nn.functional.softplus(-x).mean() + 1e-4 * reg
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
        torch.cuda.synchronize()
        secs.append(time.time() - t0)
        losses.append(total / batches)
        print(f"torch epoch {epoch + 1}/{epochs} loss {losses[-1]:.5f} {secs[-1]:.2f}s", flush=True)
    result = {
        "name": "lightgcn-gowalla-pytorch", "device": torch.cuda.get_device_name(0), "driver": torch.version.cuda,
        "commit": "-", "date": time.strftime("%Y-%m-%d"),
        "command": "python3 bench/reference/lightgcn_torch.py " + " ".join(sys.argv[1:]),
        "settings": {"torch": torch.__version__, "dim": 64, "layers": 3, "batch": 2048, "lr": 1e-3, "l2": 1e-4,
                     "loss_curve": losses, "seconds_curve": secs,
                     "note": "reference recipe: full propagation per batch, CPU sampling included in the epoch time"},
        "metrics": {"epochs": epochs, "sec_per_epoch": float(np.median(secs))},
        "baselines": [], "ratios": {},
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print("wrote", out)


if __name__ == "__main__":
    main()
