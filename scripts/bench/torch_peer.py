#!/usr/bin/python3
"""PyTorch peer of `npm run bench`: the same models as src/main/compute/models, written the way a research notebook
writes them (nn.Embedding lookups, every position through every block, logits read at the last position), trained
full batch with torch.optim.AdamW on the exact training rows the TF.js engine uses.

Reads one JSON job from stdin: {"threads": [n, ...], "warmup": w, "steps": s, "budgetMs": b, "configs": [{"id", "model", "optimizer",
"vocabSize", "seqLen", "numClasses", "tokens": [...rows*seqLen], "targets": [...rows]}]}.
Writes one JSON line to stdout: {"torch": version, "results": {id: {threads: {"msPerStep": median, "times": [...]}}}},
timing every config at each thread count in turn.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Mlp(nn.Module):
    def __init__(self, m, vocab, seq_len, classes):
        super().__init__()
        self.embed = nn.Embedding(vocab, m["embedDim"])
        dims = [seq_len * m["embedDim"]] + [m["width"]] * m["depth"]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.out = nn.Linear(m["width"], classes)
        self.act = {"relu": F.relu, "tanh": torch.tanh, "silu": F.silu, "gelu": F.gelu}[m["activation"]]

    def forward(self, tokens):
        h = self.embed(tokens).flatten(1)
        for layer in self.hidden:
            h = self.act(layer(h))
        return self.out(h)


class Block(nn.Module):
    def __init__(self, d, heads, d_mlp, ln):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d) if ln else nn.Identity()
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(d, d, bias=False)
        self.v = nn.Linear(d, d, bias=False)
        self.proj = nn.Linear(d, d, bias=False)
        self.ln2 = nn.LayerNorm(d) if ln else nn.Identity()
        self.fc = nn.Linear(d, d_mlp)
        self.out = nn.Linear(d_mlp, d)

    def forward(self, x, mask):
        B, L, d = x.shape
        H = self.heads
        xn = self.ln1(x)
        split = lambda t: t.view(B, L, H, d // H).transpose(1, 2)  # [B, H, L, dh]
        q, k, v = split(self.q(xn)), split(self.k(xn)), split(self.v(xn))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // H) + mask
        attn = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, L, d)
        x = x + self.proj(attn)
        return x + self.out(F.relu(self.fc(self.ln2(x))))


class Transformer(nn.Module):
    def __init__(self, m, vocab, seq_len, classes):
        super().__init__()
        d = m["dModel"]
        self.classes = classes
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(seq_len, d))
        self.blocks = nn.ModuleList(Block(d, m["heads"], m["dMlp"], m["layerNorm"]) for _ in range(m["layers"]))
        self.ln_f = nn.LayerNorm(d) if m["layerNorm"] else nn.Identity()
        self.unembed = None if m["tiedEmbedding"] else nn.Linear(d, classes, bias=False)
        mask = torch.full((seq_len, seq_len), float("-inf")).triu(1)
        self.register_buffer("mask", mask)

    def forward(self, tokens):
        x = self.embed(tokens) + self.pos
        for blk in self.blocks:
            x = blk(x, self.mask)
        x = self.ln_f(x)
        logits = x @ self.embed.weight[: self.classes].T if self.unembed is None else self.unembed(x)
        return logits[:, -1]


def time_config(c, warmup, steps, budget_ms):
    torch.manual_seed(0)
    cls = Mlp if c["model"]["kind"] == "mlp" else Transformer
    model = cls(c["model"], c["vocabSize"], c["seqLen"], c["numClasses"])
    o = c["optimizer"]
    opt = torch.optim.AdamW(model.parameters(), lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"], weight_decay=o["weightDecay"])
    x = torch.tensor(c["tokens"], dtype=torch.long).view(-1, c["seqLen"])
    y = torch.tensor(c["targets"], dtype=torch.long)
    times = []
    i = 0
    while len(times) < steps and not (len(times) >= 1 and sum(times) > budget_ms):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss.item()  # the engine reads the loss every step too
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
        i += 1
    s = sorted(times)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {"msPerStep": med, "times": times}


def main():
    job = json.load(sys.stdin)
    results = {}
    for threads in job["threads"]:
        torch.set_num_threads(threads)
        for c in job["configs"]:
            results.setdefault(c["id"], {})[str(torch.get_num_threads())] = time_config(c, job["warmup"], job["steps"], job["budgetMs"])
    print(json.dumps({"torch": torch.__version__, "results": results}))


if __name__ == "__main__":
    main()
