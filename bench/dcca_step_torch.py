"""The PyTorch reference for bench/dcca-step.ts: the same DCCA training step (two MLPs
392-1024-1024-50 with ReLU, batch 800, Adam 1e-3, trace-norm DCCA loss with ridge 1e-4, the o x o
part in float64) timed the same way. Prints one JSON line.

Usage: /usr/bin/python3 bench/dcca_step_torch.py --threads T --steps N [--warmup W]
"""
import argparse
import json
import statistics
import time

import torch


def encoder(sizes):
    layers = []
    for index, (inputs, outputs) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(inputs, outputs))
        if index < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def inverse_sqrt(covariance):
    values, vectors = torch.linalg.eigh(covariance)
    return vectors @ torch.diag(values.clamp_min(1e-12) ** -0.5) @ vectors.T


def dcca_loss(h1, h2, ridge):
    m = h1.shape[0]
    h1 = (h1 - h1.mean(0, keepdim=True)).double()
    h2 = (h2 - h2.mean(0, keepdim=True)).double()
    eye1 = torch.eye(h1.shape[1], dtype=torch.float64)
    eye2 = torch.eye(h2.shape[1], dtype=torch.float64)
    s11 = h1.T @ h1 / (m - 1) + ridge * eye1
    s22 = h2.T @ h2 / (m - 1) + ridge * eye2
    s12 = h1.T @ h2 / (m - 1)
    t = inverse_sqrt(s11) @ s12 @ inverse_sqrt(s22)
    return -torch.linalg.svdvals(t).sum()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    sizes = [392, 1024, 1024, 50]
    net1, net2 = encoder(sizes), encoder(sizes)
    optimizer = torch.optim.Adam(list(net1.parameters()) + list(net2.parameters()), lr=1e-3)
    x1, x2 = torch.rand(800, 392), torch.rand(800, 392)
    times = []
    for step in range(args.warmup + args.steps):
        started = time.perf_counter()
        optimizer.zero_grad()
        loss = dcca_loss(net1(x1), net2(x2), 1e-4)
        loss.backward()
        optimizer.step()
        loss.item()
        if step >= args.warmup:
            times.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "stepMs": statistics.median(times), "stepsMs": times}))


if __name__ == "__main__":
    main()
