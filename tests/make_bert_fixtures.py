#!/usr/bin/python3
"""Tiny random BERT / DistilBERT checkpoints and their expected hidden states, for tst_encoder.

Run by hand with Debian's interpreter (python3-torch 1.13; transformers and safetensors are not
needed):

    /usr/bin/python3 tests/make_bert_fixtures.py            # writes tests/fixtures/bert/

The reference models below are Hugging Face's BertModel / BertForMaskedLM and DistilBertModel /
DistilBertForMaskedLM (transformers 4.x, modeling_bert.py and modeling_distilbert.py, eager
attention, eval mode) rebuilt from torch.nn primitives with the same module tree, so that
state_dict() gives Hugging Face's parameter names: GELU with erf, LayerNorm eps from the config
(DistilBERT: 1e-12), scores scaled by 1/sqrt(head_dim), padded keys masked with
torch.finfo(float32).min. Hidden states are "output_hidden_states": the embedding output, then
every layer's output.

Each fixture folder holds config.json, the vocabulary (vocab.txt or tokenizer.json), the weights
(model.safetensors, written by hand below in the safetensors layout) and expected.safetensors:
input_ids (I64, batch x length, padded with 0), lengths (I64), hidden_states (F32, layers+1 x
batch x length x hidden; padded rows are whatever PyTorch computed there and are not compared)
and, for the models with an MLM head, mlm_logits (F32, batch x length x vocab). The 16-bit
checkpoints are rounded once; the reference then runs in float32 on the rounded weights, as
Embex does after converting at load.
"""
import json
import math
import os
import struct
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_VOCAB = os.path.join(HERE, "..", "..", "shared", "data", "bert",
                            "bert-base-uncased-vocab.txt")
FIXTURE_VOCAB = os.path.join(HERE, "fixtures", "bert", "bert-base-uncased-vocab.txt")
# The 493-token cut every fixture folder links to as its vocab.txt.
TINY_VOCAB = "tiny-vocab.txt"

# ---- the reference models ------------------------------------------------------------------


def activation(name):
    if name == "gelu":
        return lambda x: nn.functional.gelu(x)  # erf form (approximate="none")
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        return lambda x: nn.functional.gelu(x, approximate="tanh")
    if name == "relu":
        return nn.functional.relu
    raise ValueError("activation " + name)


class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.register_buffer("position_ids",
                             torch.arange(c["max_position_embeddings"]).expand((1, -1)))

    def forward(self, input_ids):
        length = input_ids.shape[1]
        position_ids = self.position_ids[:, :length]
        token_type_ids = torch.zeros_like(input_ids)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        x = x + self.position_embeddings(position_ids)
        return self.LayerNorm(x)


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c["num_attention_heads"]
        self.head_size = c["hidden_size"] // self.heads
        h = c["hidden_size"]
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)

    def split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, x, extended_mask):
        q = self.split(self.query(x))
        k = self.split(self.key(x))
        v = self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size)
        probs = nn.functional.softmax(scores + extended_mask, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, h, x):
        return self.LayerNorm(self.dense(h) + x)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, x, extended_mask):
        return self.output(self.self(x, extended_mask), x)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.act = activation(c["hidden_act"])

    def forward(self, x):
        return self.act(self.dense(x))


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["intermediate_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, h, x):
        return self.LayerNorm(self.dense(h) + x)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, x, extended_mask):
        a = self.attention(x, extended_mask)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c["num_hidden_layers"])])


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])


class BertModel(nn.Module):
    def __init__(self, c, pooler=True):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        if pooler:
            self.pooler = BertPooler(c)

    def forward(self, input_ids, attention_mask):
        """Returns the list of hidden states: embeddings, then each layer."""
        extended = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        x = self.embeddings(input_ids)
        states = [x]
        for layer in self.encoder.layer:
            x = layer(x, extended)
            states.append(x)
        return states


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.act = activation(c["hidden_act"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, x):
        return self.LayerNorm(self.act(self.dense(x)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transform = BertPredictionHeadTransform(c)
        self.decoder = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        self.bias = nn.Parameter(torch.zeros(c["vocab_size"]))

    def forward(self, x):
        return self.decoder(self.transform(x)) + self.bias


class BertOnlyMLMHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.predictions = BertLMPredictionHead(c)


class BertForMaskedLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = BertModel(c, pooler=False)
        self.cls = BertOnlyMLMHead(c)
        # Tied, as in Hugging Face: the decoder uses the input embeddings.
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight

    def forward(self, input_ids, attention_mask):
        states = self.bert(input_ids, attention_mask)
        return states, self.cls.predictions(states[-1])


class DistilEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["dim"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["dim"])
        self.LayerNorm = nn.LayerNorm(c["dim"], eps=1e-12)
        self.register_buffer("position_ids",
                             torch.arange(c["max_position_embeddings"]).expand((1, -1)))

    def forward(self, input_ids):
        position_ids = self.position_ids[:, :input_ids.shape[1]]
        return self.LayerNorm(self.word_embeddings(input_ids) +
                              self.position_embeddings(position_ids))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_heads = c["n_heads"]
        self.dim = c["dim"]
        self.q_lin = nn.Linear(c["dim"], c["dim"])
        self.k_lin = nn.Linear(c["dim"], c["dim"])
        self.v_lin = nn.Linear(c["dim"], c["dim"])
        self.out_lin = nn.Linear(c["dim"], c["dim"])

    def forward(self, x, mask):
        b, n, _ = x.shape
        dph = self.dim // self.n_heads

        def shape(t):
            return t.view(b, -1, self.n_heads, dph).transpose(1, 2)

        q = shape(self.q_lin(x)) / math.sqrt(dph)
        k = shape(self.k_lin(x))
        v = shape(self.v_lin(x))
        scores = torch.matmul(q, k.transpose(2, 3))
        masked = (mask == 0).view(b, 1, 1, n).expand_as(scores)
        scores = scores.masked_fill(masked, torch.tensor(torch.finfo(scores.dtype).min))
        weights = nn.functional.softmax(scores, dim=-1)
        ctx = torch.matmul(weights, v).transpose(1, 2).contiguous().view(b, -1, self.dim)
        return self.out_lin(ctx)


class FFN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.lin1 = nn.Linear(c["dim"], c["hidden_dim"])
        self.lin2 = nn.Linear(c["hidden_dim"], c["dim"])
        self.act = activation(c["activation"])

    def forward(self, x):
        return self.lin2(self.act(self.lin1(x)))


class TransformerBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = MultiHeadSelfAttention(c)
        self.sa_layer_norm = nn.LayerNorm(c["dim"], eps=1e-12)
        self.ffn = FFN(c)
        self.output_layer_norm = nn.LayerNorm(c["dim"], eps=1e-12)

    def forward(self, x, mask):
        sa = self.sa_layer_norm(self.attention(x, mask) + x)
        return self.output_layer_norm(self.ffn(sa) + sa)


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(c) for _ in range(c["n_layers"])])


class DistilBertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = DistilEmbeddings(c)
        self.transformer = Transformer(c)

    def forward(self, input_ids, attention_mask):
        x = self.embeddings(input_ids)
        states = [x]
        for layer in self.transformer.layer:
            x = layer(x, attention_mask)
            states.append(x)
        return states


class DistilBertForMaskedLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.distilbert = DistilBertModel(c)
        self.vocab_transform = nn.Linear(c["dim"], c["dim"])
        self.vocab_layer_norm = nn.LayerNorm(c["dim"], eps=1e-12)
        self.vocab_projector = nn.Linear(c["dim"], c["vocab_size"])
        self.act = activation(c["activation"])

    def forward(self, input_ids, attention_mask):
        states = self.distilbert(input_ids, attention_mask)
        h = self.vocab_layer_norm(self.act(self.vocab_transform(states[-1])))
        return states, self.vocab_projector(h)


def run_reference(model, input_ids, attention_mask):
    """(hidden states as one tensor layers+1 x batch x length x hidden, MLM logits or None)."""
    with torch.no_grad():
        out = model(input_ids, attention_mask)
    states, logits = out if isinstance(out, tuple) else (out, None)
    return torch.stack(states), logits


# ---- safetensors, written by hand ------------------------------------------------------------

DTYPE_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
               torch.int64: "I64", torch.float64: "F64", torch.int32: "I32"}


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the bits
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, tensor) in file order. Little-endian, no padding between tensors;
    the header is padded with spaces to a multiple of 8 bytes, as the safetensors library does."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs, offset = [], 0
    for name, t in tensors:
        b = tensor_bytes(t)
        header[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_vocab(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


# ---- fixtures --------------------------------------------------------------------------------

def tiny_vocab():
    """A ~600-token uncased vocabulary cut from bert-base-uncased: the special tokens, single
    characters (and their ## forms) and the most frequent words."""
    full = read_vocab(SHARED_VOCAB if os.path.exists(SHARED_VOCAB) else FIXTURE_VOCAB)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = [t for t in full[999:1996] if len(t) == 1 and t.isascii()]
    subchars = ["##" + c for c in chars if c.isalnum()]
    suffixes = ["##s", "##ing", "##ed", "##er", "##ly", "##ion", "##es", "##ers"]
    words = full[1996:2396]
    out = []
    for t in specials + chars + subchars + suffixes + words:
        if t not in out:
            out.append(t)
    return out


def wordpiece(text, vocab_index):
    """Enough of BertTokenizer for the ASCII sentences below (lowercase, split on whitespace
    and punctuation, greedy longest match with ##)."""
    words, cur = [], ""
    for ch in text.lower():
        if ch.isspace():
            if cur:
                words.append(cur)
            cur = ""
        elif not ch.isalnum():
            if cur:
                words.append(cur)
            words.append(ch)
            cur = ""
        else:
            cur += ch
    if cur:
        words.append(cur)
    ids = []
    for w in words:
        if w == "[mask]":
            w = "[MASK]"
        start, pieces = 0, []
        while start < len(w):
            end = len(w)
            while end > start:
                piece = ("##" if start > 0 else "") + w[start:end]
                if piece in vocab_index:
                    break
                end -= 1
            if end == start:
                pieces = [vocab_index["[UNK]"]]
                break
            pieces.append(vocab_index[piece])
            start = end
        ids.extend(pieces)
    return ids


SENTENCES = [
    "The river bank was steep, and the water was cold.",
    "She went to the bank to get money.",
    "He said that it would be [MASK] for all of them in the first year of the war.",
]


def encode_batch(vocab):
    index = {t: i for i, t in enumerate(vocab)}
    seqs = []
    for s in SENTENCES:
        # "[MASK]" survives the lowercase split as "[", "mask", "]": rebuild it.
        text = s.replace("[MASK]", " \x00 ")
        ids = []
        for part in text.split("\x00"):
            ids.extend(wordpiece(part, index))
            ids.append(index["[MASK]"])
        ids.pop()
        seqs.append([index["[CLS]"]] + ids + [index["[SEP]"]])
    length = max(len(s) for s in seqs)
    input_ids = torch.zeros(len(seqs), length, dtype=torch.int64)
    mask = torch.zeros(len(seqs), length, dtype=torch.int64)
    for i, s in enumerate(seqs):
        input_ids[i, :len(s)] = torch.tensor(s)
        mask[i, :len(s)] = 1
    return input_ids, mask


def randomize(model, generator, scale):
    """Weights ~ N(0, scale), LayerNorm weights ~ 1 + N(0, 0.2), biases ~ N(0, 0.1): far from
    the identity, so every path of the computation shows in the outputs."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight") or name.endswith("layer_norm.weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=generator))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(scale * torch.randn(p.shape, generator=generator))


def round_weights(model, dtype):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).to(torch.float32))


def export_state(model, dtype, prefix_strip="", gamma_beta=False, drop=()):
    """(name, tensor) pairs as Hugging Face's save_pretrained writes them: tied weights once,
    float parameters in `dtype`, buffers (position_ids) as I64."""
    out, seen = [], set()
    for name, t in model.state_dict(keep_vars=False).items():
        if any(name.startswith(d) or name == d for d in drop):
            continue
        if t.data_ptr() in seen and t.dtype != torch.int64:
            continue  # a tied weight: saved once, under its first name
        seen.add(t.data_ptr())
        if prefix_strip and name.startswith(prefix_strip):
            name = name[len(prefix_strip):]
        if gamma_beta and "LayerNorm" in name:
            name = name.replace("LayerNorm.weight", "LayerNorm.gamma")
            name = name.replace("LayerNorm.bias", "LayerNorm.beta")
        if t.dtype.is_floating_point:
            t = t.to(dtype)
        out.append((name, t))
    return out


def write_fixture(folder, config, model, dtype, vocab, vocab_as="vocab.txt", **export):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    if vocab_as == "vocab.txt":
        # The folders share one vocabulary file: vocab.txt is a relative link to it.
        shared = os.path.join(os.path.dirname(folder), TINY_VOCAB)
        with open(shared, "w", encoding="utf-8") as f:
            f.write("\n".join(vocab) + "\n")
        link = os.path.join(folder, "vocab.txt")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.join("..", TINY_VOCAB), link)
    else:  # the parts of a tokenizer.json that Embex reads
        tok = {"version": "1.0", "truncation": None, "padding": None,
               "added_tokens": [{"id": vocab.index(t), "content": t, "single_word": False,
                                 "lstrip": False, "rstrip": False, "normalized": False,
                                 "special": True}
                                for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]],
               "normalizer": {"type": "BertNormalizer", "clean_text": True,
                              "handle_chinese_chars": True, "strip_accents": None,
                              "lowercase": True},
               "pre_tokenizer": {"type": "BertPreTokenizer"},
               "model": {"type": "WordPiece", "unk_token": "[UNK]",
                         "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                         "vocab": {t: i for i, t in enumerate(vocab)}}}
        with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
            json.dump(tok, f, ensure_ascii=False)
    write_safetensors(os.path.join(folder, "model.safetensors"), export_state(model, dtype, **export),
                      {"format": "pt"})
    input_ids, mask = encode_batch(vocab)
    states, logits = run_reference(model, input_ids, mask)
    expected = [("input_ids", input_ids), ("lengths", mask.sum(1)),
                ("hidden_states", states.contiguous())]
    if logits is not None:
        expected.append(("mlm_logits", logits.contiguous()))
    write_safetensors(os.path.join(folder, "expected.safetensors"), expected,
                      {"sentences": json.dumps(SENTENCES)})


def bert_config(vocab_size, **extra):
    c = {"architectures": ["BertForMaskedLM"], "model_type": "bert", "vocab_size": vocab_size,
         "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
         "intermediate_size": 64, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
         "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 64,
         "type_vocab_size": 2, "initializer_range": 0.02, "layer_norm_eps": 1e-12,
         "pad_token_id": 0, "position_embedding_type": "absolute", "torch_dtype": "float32"}
    c.update(extra)
    return c


def distil_config(vocab_size, **extra):
    c = {"architectures": ["DistilBertForMaskedLM"], "model_type": "distilbert",
         "vocab_size": vocab_size, "dim": 32, "n_layers": 3, "n_heads": 4, "hidden_dim": 64,
         "activation": "gelu", "dropout": 0.1, "attention_dropout": 0.1,
         "max_position_embeddings": 64, "sinusoidal_pos_embds": False, "pad_token_id": 0,
         "initializer_range": 0.02, "torch_dtype": "float32"}
    c.update(extra)
    return c


def main():
    out = os.path.join(HERE, "fixtures", "bert")
    os.makedirs(out, exist_ok=True)
    vocab = tiny_vocab()
    g = torch.Generator().manual_seed(20241128)
    torch.manual_seed(0)

    # 1. BertForMaskedLM, "bert." prefix, tied decoder (absent from the file), position_ids
    #    buffer (I64), F32.
    c = bert_config(len(vocab), layer_norm_eps=1e-5)
    m = BertForMaskedLM(c).eval()
    randomize(m, g, 0.3)
    write_fixture(os.path.join(out, "bert-mlm-f32"), c, m, torch.float32, vocab)

    # 2. BertModel without prefix, old-style LayerNorm gamma/beta, pooler, F16, tokenizer.json.
    c = bert_config(len(vocab), architectures=["BertModel"], torch_dtype="float16")
    m = BertModel(c).eval()
    randomize(m, g, 0.3)
    round_weights(m, torch.float16)
    write_fixture(os.path.join(out, "bert-f16"), c, m, torch.float16, vocab,
                  vocab_as="tokenizer.json", gamma_beta=True)

    # 3. sentence-transformers layout (all-MiniLM-L6-v2 style: BertModel, no prefix, pooling
    #    folder), BF16, relu activation.
    c = bert_config(len(vocab), architectures=["BertModel"], hidden_act="relu",
                    torch_dtype="bfloat16")
    m = BertModel(c).eval()
    randomize(m, g, 0.3)
    round_weights(m, torch.bfloat16)
    folder = os.path.join(out, "minilm-bf16")
    write_fixture(folder, c, m, torch.bfloat16, vocab)
    with open(os.path.join(folder, "modules.json"), "w") as f:
        json.dump([{"idx": 0, "name": "0", "path": "", "type":
                    "sentence_transformers.models.Transformer"},
                   {"idx": 1, "name": "1", "path": "1_Pooling", "type":
                    "sentence_transformers.models.Pooling"}], f, indent=2)
    os.makedirs(os.path.join(folder, "1_Pooling"), exist_ok=True)
    with open(os.path.join(folder, "1_Pooling", "config.json"), "w") as f:
        json.dump({"word_embedding_dimension": 32, "pooling_mode_mean_tokens": True}, f)

    # 4. DistilBertForMaskedLM, "distilbert." prefix, untied projector (present), F32.
    c = distil_config(len(vocab))
    m = DistilBertForMaskedLM(c).eval()
    randomize(m, g, 0.3)
    write_fixture(os.path.join(out, "distilbert-mlm-f32"), c, m, torch.float32, vocab)

    # 5. DistilBertModel, no prefix, BF16.
    c = distil_config(len(vocab), architectures=["DistilBertModel"], torch_dtype="bfloat16")
    m = DistilBertModel(c).eval()
    randomize(m, g, 0.3)
    round_weights(m, torch.bfloat16)
    write_fixture(os.path.join(out, "distilbert-bf16"), c, m, torch.bfloat16, vocab)

    # 6. DistilBertModel, no prefix, F16.
    c = distil_config(len(vocab), architectures=["DistilBertModel"], torch_dtype="float16")
    m = DistilBertModel(c).eval()
    randomize(m, g, 0.3)
    round_weights(m, torch.float16)
    write_fixture(os.path.join(out, "distilbert-f16"), c, m, torch.float16, vocab)


if __name__ == "__main__":
    sys.exit(main())
