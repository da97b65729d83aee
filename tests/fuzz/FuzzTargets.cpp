#include "FuzzTargets.h"

#include "contextual/BertConfig.h"
#include "contextual/JsonValue.h"
#include "contextual/Safetensors.h"
#include "contextual/WordPiece.h"
#include "eval/Evaluation.h"
#include "io/Formats.h"
#include "train/Corpus.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <unistd.h>

namespace embex::fuzz {

namespace {

/// Removes the scratch folder when the process ends normally.
struct ScratchCleanup
{
    std::string dir;
    ~ScratchCleanup()
    {
        std::error_code ec;
        if (!dir.empty())
            std::filesystem::remove_all(dir, ec);
    }
};

/// Splits the input at the first "\n--8<--\n" marker into two files' contents (companion-file
/// formats); without a marker the second part is empty.
std::pair<std::string_view, std::string_view> splitTwo(const std::uint8_t *data, std::size_t size)
{
    std::string_view all(reinterpret_cast<const char *>(data), size);
    constexpr std::string_view kMarker = "\n--8<--\n";
    auto pos = all.find(kMarker);
    if (pos == std::string_view::npos)
        return {all, {}};
    return {all.substr(0, pos), all.substr(pos + kMarker.size())};
}

const std::uint8_t *bytes(std::string_view s)
{
    return reinterpret_cast<const std::uint8_t *>(s.data());
}

/// Loads the bytes as one file in `format`; every exception is an accepted outcome.
void loadAs(Format format, const char *name, const std::uint8_t *data, std::size_t size)
{
    const std::string path = writeScratch(name, data, size);
    try {
        LoadOptions o;
        o.format = format;
        o.threads = 1;
        auto set = load(path, o);
        // Touch what a caller would touch: every word and the normalised matrix.
        std::size_t total = 0;
        for (const auto &w : set->words())
            total += w.size();
        if (set->size() > 0)
            total += std::size_t(set->normalized().rows());
        if (total == std::size_t(-1))
            std::abort();
    } catch (const std::exception &) {
    }
}

void detectAndLoad(const std::uint8_t *d, std::size_t n)
{
    loadAs(Format::Auto, "in", d, n);
}
void word2vecText(const std::uint8_t *d, std::size_t n)
{
    loadAs(Format::Word2VecText, "in.txt", d, n);
}
void glove(const std::uint8_t *d, std::size_t n)
{
    loadAs(Format::Glove, "in.glove", d, n);
}
void word2vecBinary(const std::uint8_t *d, std::size_t n)
{
    loadAs(Format::Word2VecBinary, "in.bin", d, n);
}
void fastTextBin(const std::uint8_t *d, std::size_t n)
{
    loadAs(Format::FastTextBin, "in.ftbin", d, n);
}
void embexFile(const std::uint8_t *d, std::size_t n)
{
    loadAs(Format::Embex, "in.embex", d, n);
}

void tsv(const std::uint8_t *d, std::size_t n)
{
    auto [vectors, metadata] = splitTwo(d, n);
    const std::string meta = scratchDir() + "/metadata.tsv";
    std::remove(meta.c_str());
    if (!metadata.empty())
        writeScratch("metadata.tsv", bytes(metadata), metadata.size());
    loadAs(Format::Tsv, "vectors.tsv", bytes(vectors), vectors.size());
}

void npy(const std::uint8_t *d, std::size_t n)
{
    auto [matrix, words] = splitTwo(d, n);
    writeScratch("in.words.txt", bytes(words), words.size());
    loadAs(Format::Npy, "in.npy", bytes(matrix), matrix.size());
}

void corpus(const std::uint8_t *d, std::size_t n)
{
    // The first byte picks the tokenizer options, the rest is the corpus text.
    if (n == 0)
        return;
    TrainingCorpus::Options o;
    o.tokenizer.lowercase = (d[0] & 1) != 0;
    o.tokenizer.punctuation =
        (d[0] & 2) ? TokenizerOptions::Punctuation::Keep : TokenizerOptions::Punctuation::Strip;
    o.tokenizer.sentencePerLine = (d[0] & 4) != 0;
    o.tokenizer.maxSentenceWords = (d[0] & 8) ? 3 : 10000;
    o.vocab.minCount = 1 + ((d[0] >> 4) & 3);
    o.vocab.maxTrackedWords = (d[0] & 64) ? 4 : 1000000;
    o.cacheLimitWords = (d[0] & 128) ? 0 : 1000000;
    const std::string path = writeScratch("corpus.txt", d + 1, n - 1);
    try {
        auto c = TrainingCorpus::open(path, o);
        auto pass = c->pass();
        std::vector<std::uint32_t> ids;
        while (pass.next(ids))
            for (auto id : ids)
                if (id >= c->vocabulary().size())
                    std::abort(); // an id outside the vocabulary is a real bug
    } catch (const std::exception &) {
    }
}

void safetensors(const std::uint8_t *d, std::size_t n)
{
    const std::string path = writeScratch("model.safetensors", d, n);
    try {
        SafetensorsFile file(path);
        for (const auto &t : file.tensors()) {
            try {
                (void)file.toFloat(t, true);
            } catch (const std::exception &) {
                (void)file.toInt64(t);
            }
        }
    } catch (const std::exception &) {
    }
}

void json(const std::uint8_t *d, std::size_t n)
{
    try {
        (void)parseJson(std::string_view(reinterpret_cast<const char *>(d), n));
    } catch (const std::exception &) {
    }
}

void bertConfig(const std::uint8_t *d, std::size_t n)
{
    const std::string path = writeScratch("config.json", d, n);
    try {
        (void)BertConfig::load(path);
    } catch (const std::exception &) {
    }
}

void vocabFiles(const std::uint8_t *d, std::size_t n)
{
    // vocab.txt and tokenizer.json readers on the same bytes.
    const std::string txt = writeScratch("vocab.txt", d, n);
    try {
        WordPieceTokenizer tok(WordPieceTokenizer::readVocabTxt(txt));
        (void)tok.tokenize("Hello, world! [MASK] naïve 東京");
    } catch (const std::exception &) {
    }
    const std::string js = writeScratch("tokenizer.json", d, n);
    try {
        auto tok = WordPieceTokenizer::fromTokenizerJson(js);
        (void)tok.tokenize("Hello, world! [MASK] naïve 東京");
    } catch (const std::exception &) {
    }
}

void wordPiece(const std::uint8_t *d, std::size_t n)
{
    // The BERT uncased vocabulary, on arbitrary text. Offsets must stay inside the text.
    static const WordPieceTokenizer tokenizer(
        WordPieceTokenizer::readVocabTxt(EMBEX_FUZZ_BERT_VOCAB));
    const std::string_view text(reinterpret_cast<const char *>(d), n);
    const Tokenization t = tokenizer.tokenize(text);
    for (const auto &w : t.words)
        if (w.begin > w.end || w.end > n)
            std::abort();
    for (const auto &p : t.pieces)
        if (p.id < 0 || std::size_t(p.id) >= tokenizer.vocabSize() || p.begin > p.end ||
            p.end > n || p.word >= t.words.size())
            std::abort();
}

void evalFiles(const std::uint8_t *d, std::size_t n)
{
    const std::string path = writeScratch("questions.txt", d, n);
    try {
        (void)readAnalogyFile(path);
    } catch (const std::exception &) {
    }
    try {
        (void)readWordPairFile(path);
    } catch (const std::exception &) {
    }
}

} // namespace

const std::vector<TargetInfo> &targets()
{
    static const std::vector<TargetInfo> all = {
        {"detect", detectAndLoad},
        {"word2vec_text", word2vecText},
        {"glove", glove},
        {"word2vec_bin", word2vecBinary},
        {"fasttext_bin", fastTextBin},
        {"embex", embexFile},
        {"tsv", tsv},
        {"npy", npy},
        {"corpus", corpus},
        {"safetensors", safetensors},
        {"json", json},
        {"bert_config", bertConfig},
        {"vocab", vocabFiles},
        {"wordpiece", wordPiece},
        {"eval_files", evalFiles},
    };
    return all;
}

const std::string &scratchDir()
{
    static ScratchCleanup cleanup;
    static const std::string dir = [] {
        std::string base = std::filesystem::temp_directory_path().string() + "/embex-fuzz-" +
                           std::to_string(getpid());
        std::filesystem::create_directories(base);
        cleanup.dir = base;
        return base;
    }();
    return dir;
}

std::string writeScratch(const std::string &name, const std::uint8_t *data, std::size_t size)
{
    const std::string path = scratchDir() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), std::streamsize(size));
    if (!out)
        std::abort(); // the fuzzing machine itself is broken (disk full)
    return path;
}

} // namespace embex::fuzz
