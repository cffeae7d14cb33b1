"""lakeops embed against sentence-transformers on the same chunks, same device, same dtype.

lakeops runs end to end (read JSON lines, chunk, tokenise, encode, write Parquet); its output's
chunk_text column is then embedded by sentence-transformers, which is timed on the encode call
alone (no chunking, no I/O), so the comparison favours sentence-transformers. Every lakeops vector
is compared with sentence-transformers' vector for the same chunk (cosine), and a padded batch is
compared with one-at-a-time embedding.

The corpus is Python's own documentation (pydoc_data.topics), as in ../shared/bench/gpu/st_anchor.py:
about 270 tokens per 1000-character chunk.

Usage:
  python3 bench/embed_bench.py --lakeops target/release/lakeops --model DIR --device cpu \
      --dtype f32 --chunks 200 [--batch 32] [--out DIR]
  python3 bench/embed_bench.py ... --random mpnet   # builds a random-weight all-mpnet-base-v2
      # architecture with transformers, saved as a sentence-transformers folder (for the GPU
      # machine, where the real weights cannot be carried)
Prints one JSON document.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time

import numpy as np
import pyarrow.parquet as pq
import torch
from pydoc_data.topics import topics
from sentence_transformers import SentenceTransformer, models

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--lakeops", required=True)
p.add_argument("--model")
p.add_argument("--random", choices=["mpnet", "minilm"])
p.add_argument("--tokenizer-dir", default=os.path.join(here, "..", "tests", "fixtures", "embed", "mpnet-tokenizer"))
p.add_argument("--device", default="cpu")
p.add_argument("--dtype", default="f32", choices=["f32", "f16", "bf16"])
p.add_argument("--chunks", type=int, default=200)
p.add_argument("--batch", type=int, default=None)
p.add_argument("--out", default=None)
p.add_argument("--also-generic", action="store_true",
               help="also time lakeops with LAKEOPS_EMBED_KERNELS=generic (candle's ops) on the same chunks")
a = p.parse_args()
out = a.out or tempfile.mkdtemp(prefix="embed-bench-")
os.makedirs(out, exist_ok=True)
torch_dtype = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[a.dtype]
st_device = "cuda" if a.device.startswith("cuda") else "cpu"


def random_model(kind):
    from transformers import MPNetConfig, MPNetModel, BertConfig, BertModel
    d = os.path.join(out, f"random-{kind}")
    torch.manual_seed(0)
    if kind == "mpnet":
        cfg = MPNetConfig(vocab_size=30527, hidden_size=768, num_hidden_layers=12,
                          num_attention_heads=12, intermediate_size=3072,
                          max_position_embeddings=514, relative_attention_num_buckets=32,
                          layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2)
        m, dim, maxlen = MPNetModel(cfg), 768, 384
    else:
        cfg = BertConfig(vocab_size=30527, hidden_size=384, num_hidden_layers=6,
                         num_attention_heads=12, intermediate_size=1536,
                         max_position_embeddings=512, layer_norm_eps=1e-12)
        m, dim, maxlen = BertModel(cfg), 384, 256
    raw = d + "-hf"
    m.save_pretrained(raw, safe_serialization=True)
    for f in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]:
        if os.path.exists(os.path.join(a.tokenizer_dir, f)):
            shutil.copy(os.path.join(a.tokenizer_dir, f), raw)
    st = SentenceTransformer(modules=[models.Transformer(raw, max_seq_length=maxlen),
                                      models.Pooling(dim, "mean"), models.Normalize()], device="cpu")
    st.save(d)
    return d


model_dir = random_model(a.random) if a.random else a.model
# Documents: the pydoc topics, repeated until they give about --chunks chunks of 1000 characters.
texts = [topics[k] for k in sorted(topics)]
docs, chars = [], 0
while chars < a.chunks * 900:
    for t in texts:
        docs.append(t)
        chars += len(t)
        if chars >= a.chunks * 900:
            break
corpus = os.path.join(out, "docs.jsonl")
with open(corpus, "w") as f:
    for i, t in enumerate(docs):
        f.write(json.dumps({"id": i, "text": t}) + "\n")
warm = os.path.join(out, "warm.jsonl")
with open(warm, "w") as f:
    for i, t in enumerate(docs[:8]):
        f.write(json.dumps({"id": i, "text": t}) + "\n")


def lakeops(inp, outdir, extra=(), kernels=None):
    env = dict(os.environ, **({"LAKEOPS_EMBED_KERNELS": kernels} if kernels else {}))
    cmd = [a.lakeops, "embed", inp, "-o", outdir, "--text-column", "text", "--id-column", "id",
           "--model", model_dir, "--device", a.device, "--dtype", a.dtype, "--overwrite", "--json",
           *(["--batch-size", str(a.batch)] if a.batch and "--batch-size" not in extra else []),
           *extra]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"lakeops failed ({r.returncode}): {r.stderr}")
    return wall, json.loads(r.stdout.strip().splitlines()[-1])


warm_wall, _ = lakeops(warm, os.path.join(out, "warm-out"))  # page cache, PTX JIT: timed apart
wall, summary = lakeops(corpus, os.path.join(out, "lakeops-out"))
table = pq.read_table(os.path.join(out, "lakeops-out", "docs.parquet"))
chunk_texts = table.column("chunk_text").to_pylist()
ours = np.array(table.column("embedding").to_pylist(), dtype=np.float32)
n = len(chunk_texts)

st = SentenceTransformer(model_dir, device=st_device)
if a.dtype != "f32":
    st = st.to(torch_dtype)
batch = a.batch or (512 if st_device == "cuda" else 32)
st.encode(chunk_texts[: 2 * batch], batch_size=batch)  # warm-up
if st_device == "cuda":
    torch.cuda.synchronize()
t = time.perf_counter()
theirs = st.encode(chunk_texts, batch_size=batch, convert_to_numpy=True)
if st_device == "cuda":
    torch.cuda.synchronize()
st_secs = time.perf_counter() - t
theirs = np.asarray(theirs, dtype=np.float32)
cos = (ours * theirs).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
max_abs = float(np.abs(ours - theirs).max())

# Padding: a mixed-length batch must equal one chunk at a time.
sub = os.path.join(out, "sub.jsonl")
with open(sub, "w") as f:
    for i, t in enumerate(chunk_texts[:48]):
        f.write(json.dumps({"id": i, "text": t}) + "\n")
big = 10**9
_, _ = lakeops(sub, os.path.join(out, "batched"), ["--chunk-size", str(big), "--chunk-overlap", "0"])
_, _ = lakeops(sub, os.path.join(out, "single"), ["--chunk-size", str(big), "--chunk-overlap", "0", "--batch-size", "1"])
b = np.array(pq.read_table(os.path.join(out, "batched", "sub.parquet")).column("embedding").to_pylist())
s = np.array(pq.read_table(os.path.join(out, "single", "sub.parquet")).column("embedding").to_pylist())
pad_cos = (b * s).sum(1) / (np.linalg.norm(b, axis=1) * np.linalg.norm(s, axis=1))

generic = {}
if a.also_generic:
    g_wall, g_summary = lakeops(corpus, os.path.join(out, "generic-out"), kernels="generic")
    g = np.array(pq.read_table(os.path.join(out, "generic-out", "docs.parquet")).column("embedding").to_pylist(), dtype=np.float32)
    g_cos = (g * theirs).sum(1) / (np.linalg.norm(g, axis=1) * np.linalg.norm(theirs, axis=1))
    generic = {
        "generic_kernels": g_summary.get("kernels"),
        "generic_wall_s": round(g_wall, 3),
        "generic_chunks_per_s": round(n / g_wall, 1),
        "generic_cos_vs_st_min": float(g_cos.min()),
        "lakeops_vs_generic": round(g_wall / wall, 2),
    }

tokens = summary["tokens"]
result = {
    "device": torch.cuda.get_device_name(0) if st_device == "cuda" else f"cpu x{os.cpu_count()}",
    "model": os.path.basename(model_dir.rstrip("/")),
    "dtype": a.dtype, "batch": batch, "chunks": n, "tokens": tokens,
    "mean_tokens_per_chunk": round(tokens / n, 1),
    "kernels": summary.get("kernels"),
    "lakeops_warmup_s": round(warm_wall, 3),
    "stage_s": {k: round(summary.get(k, 0.0), 3) for k in
                ["read_seconds", "tokenize_seconds", "encoder_seconds", "write_seconds"]},
    "lakeops_wall_s": round(wall, 3), "lakeops_encoder_s": round(summary["encoder_seconds"], 3),
    "lakeops_chunks_per_s": round(n / wall, 1), "lakeops_tokens_per_s": round(tokens / wall),
    "st_encode_s": round(st_secs, 3),
    "st_chunks_per_s": round(n / st_secs, 1), "st_tokens_per_s": round(tokens / st_secs),
    "speedup_vs_st": round(st_secs / wall, 2),
    "cos_vs_st_min": float(cos.min()), "cos_vs_st_mean": float(cos.mean()),
    "max_abs_diff_vs_st": max_abs,
    "padded_vs_single_cos_min": float(pad_cos.min()),
    "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
    **generic,
}
print(json.dumps(result, indent=1))
