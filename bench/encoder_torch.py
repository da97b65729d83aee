#!/usr/bin/python3
"""PyTorch side of the encoder benchmark (bench/bench_encoder.cpp runs the same weights).

    /usr/bin/python3 bench/encoder_torch.py MODEL_DIR [RUNS]

Creates MODEL_DIR on first use: a BERT-base-shaped model with random weights (12 layers, 768
hidden, 12 heads, 3072 intermediate, the bert-base-uncased vocabulary; seed 1234; about 440 MB
of float32) as config.json + vocab.txt + model.safetensors, and the benchmark batch (8 sentences
x 32 tokens: [CLS], 30 random word ids, [SEP]). Then times the forward pass of Hugging Face's
BertModel (rebuilt from torch.nn in tests/make_bert_fixtures.py) on that batch with 2 threads
(TORCH_THREADS=N for another count), prints torch_tokens_per_s_median=... and writes every hidden state to
MODEL_DIR/reference.safetensors for bench_encoder to compare against.

Run it with Debian's python3-torch 1.13 and libopenblas0-pthread installed, and without
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE in the environment (they pin OpenBLAS to other kernels):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/encoder_torch.py ...
"""
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import make_bert_fixtures as ref  # noqa: E402

SENTENCES, TOKENS, SEED = 8, 32, 1234
THREADS = int(os.environ.get("TORCH_THREADS", "2"))


def config():
    return {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": 30522,
            "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
            "intermediate_size": 3072, "hidden_act": "gelu", "max_position_embeddings": 512,
            "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0,
            "position_embedding_type": "absolute", "torch_dtype": "float32"}


def make_model_dir(folder):
    os.makedirs(folder, exist_ok=True)
    c = config()
    torch.manual_seed(SEED)
    model = ref.BertModel(c).eval()
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.02 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.04 * torch.randn(p.shape, generator=g))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(c, f, indent=2)
    vocab = ref.read_vocab(ref.SHARED_VOCAB if os.path.exists(ref.SHARED_VOCAB)
                           else ref.FIXTURE_VOCAB)
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    ref.write_safetensors(os.path.join(folder, "model.safetensors"),
                          ref.export_state(model, torch.float32), {"format": "pt"})
    ids = torch.randint(1996, 29612, (SENTENCES, TOKENS), generator=g)
    ids[:, 0] = 101
    ids[:, -1] = 102
    ref.write_safetensors(os.path.join(folder, "batch.safetensors"), [("input_ids", ids)])


def load_model(folder):
    model = ref.BertModel(config()).eval()
    path = os.path.join(folder, "model.safetensors")
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    state = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dtype = torch.int64 if info["dtype"] == "I64" else torch.float32
        state[name] = torch.frombuffer(bytearray(data[b:e]), dtype=dtype).reshape(info["shape"])
    model.load_state_dict(state, strict=False)
    with open(os.path.join(folder, "batch.safetensors"), "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        f.read(n)
        ids = torch.frombuffer(bytearray(f.read()), dtype=torch.int64).reshape(SENTENCES, TOKENS)
    return model, ids


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    if not os.path.exists(os.path.join(folder, "batch.safetensors")):
        make_model_dir(folder)
    torch.set_num_threads(THREADS)
    model, ids = load_model(folder)
    mask = torch.ones_like(ids)
    with torch.inference_mode():
        for _ in range(2):
            states = model(ids, mask)
        times, cpu = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            states = model(ids, mask)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    ref.write_safetensors(os.path.join(folder, "reference.safetensors"),
                          [("hidden_states", torch.stack(states).contiguous())])
    med = statistics.median(times)
    print("torch %s, %d threads, %d x %d tokens, runs %s s" %
          (torch.__version__, torch.get_num_threads(), SENTENCES, TOKENS,
           " ".join("%.3f" % t for t in times)))
    print("torch_s_median=%.4f torch_cpu_s_median=%.4f torch_tokens_per_s_median=%.1f" %
          (med, statistics.median(cpu), SENTENCES * TOKENS / med))
    return 0


if __name__ == "__main__":
    sys.exit(main())
