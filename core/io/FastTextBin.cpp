// fastText .bin / .ftz models, read through libfasttext (Debian's libfasttext 0.9.2).
//
// libfasttext trusts its input: a truncated dictionary makes Dictionary::load loop forever,
// a huge matrix header allocates whatever it says, bucket = 0 divides by zero. So the whole
// file is walked and checked here first (validateModel), and only a file that passes is handed
// to libfasttext, from the same bytes in memory (no second open, no race).
//
// Vocabulary = the dictionary's words in id order; their vectors are getWordVector() (the word
// row averaged with its subword rows), exactly what fastText's own .vec export writes. The
// model stays alive behind the set's OovProvider so unknown words get subword vectors.
#include "io/BinarySupport.h"
#include "io/ReaderSupport.h"
#include "io/Readers.h"
#include "util/FormatError.h"
#include "util/InputStream.h"
#include "util/MappedFile.h"
#include "util/MemoryBudget.h"
#include "util/Parallel.h"

#include "io/FastTextLib.h"

#include <array>
#include <atomic>
#include <istream>
#include <mutex>
#include <streambuf>

namespace embex::detail {

namespace {

constexpr std::int32_t kMagic = 793712314;

/// rows × cols × 4 in decimal, exact even where it does not fit 64 bits (a fuzzer found the
/// overflow in this message).
std::string floatBytes(std::uint64_t rows, std::uint64_t cols)
{
    unsigned __int128 v = static_cast<unsigned __int128>(rows) * cols * 4u;
    std::string out;
    do {
        out.insert(out.begin(), char('0' + int(v % 10)));
        v /= 10;
    } while (v > 0);
    return out;
}
constexpr std::int64_t kKsub = 256; // ProductQuantizer centroids per sub-quantizer
// Bounds on what libfasttext precomputes at load (n-gram ids for every dictionary entry, O(word
// length × maxn) each): real models use maxn ≤ 6 and have about 10^8 n-grams at most.
constexpr std::int32_t kMaxMaxn = 64;
constexpr std::uint64_t kMaxSubwordIds = std::uint64_t(1) << 31;

/// Gives access to the protected checkModel() so a model loads from a stream with its
/// version read (FastText::loadModel(std::istream&) alone leaves the version unset).
class Model : public fasttext::FastText
{
public:
    void load(std::istream &in)
    {
        if (!checkModel(in))
            throw std::invalid_argument("wrong magic number or version");
        loadModel(in);
    }
};

constexpr std::size_t kArgsAt = 8;            // after magic and version
constexpr std::size_t kLossAt = kArgsAt + 24; // Args: dim ws epoch minCount neg wordNgrams loss
constexpr std::size_t kHeadBytes = kArgsAt + 12 * 4 + 8;
constexpr std::int32_t kSoftmaxLoss = 3;

/// A read-only std::streambuf over a model in memory whose header is served from a patched
/// copy: the loss is replaced by softmax. The loss only matters for training and prediction,
/// never for word vectors, and libfasttext builds the negative-sampling loss with a 10^7-entry
/// table (40 MB, built on every load; bench/README.md); softmax needs nothing.
class ModelBuffer : public std::streambuf
{
public:
    ModelBuffer(const unsigned char *p, std::size_t n) : m_rest(p + kHeadBytes), m_end(p + n)
    {
        std::memcpy(m_head.data(), p, kHeadBytes);
        std::memcpy(m_head.data() + kLossAt, &kSoftmaxLoss, 4);
        setg(m_head.data(), m_head.data(), m_head.data() + kHeadBytes);
    }

protected:
    int_type underflow() override
    {
        if (gptr() < egptr())
            return traits_type::to_int_type(*gptr());
        if (m_rest == m_end)
            return traits_type::eof();
        auto *b = const_cast<char *>(reinterpret_cast<const char *>(m_rest));
        auto *e = const_cast<char *>(reinterpret_cast<const char *>(m_end));
        m_rest = m_end;
        setg(b, b, e);
        return traits_type::to_int_type(*gptr());
    }

private:
    std::array<char, kHeadBytes> m_head;
    const unsigned char *m_rest;
    const unsigned char *m_end;
};

/// Walks a model file with bounds checks, failing with the byte offset of the broken field.
class Cursor
{
public:
    Cursor(const unsigned char *p, std::uint64_t size, const std::string &path)
        : m_p(p), m_size(size), m_path(path)
    {}
    [[noreturn]] void fail(std::uint64_t at, const std::string &rule) const
    {
        throw FormatError::atByte(m_path, at, rule);
    }
    std::uint64_t pos() const { return m_pos; }
    std::uint64_t left() const { return m_size - m_pos; }
    const unsigned char *data() const { return m_p; }
    void need(std::uint64_t n, const std::string &what) const
    {
        if (left() < n)
            fail(m_pos, "truncated " + what + ": needs " + std::to_string(n) + " bytes, " +
                            std::to_string(left()) + " left");
    }
    template <typename T> T get(const std::string &what)
    {
        need(sizeof(T), what);
        T v = loadLE<T>(m_p + m_pos);
        m_pos += sizeof(T);
        return v;
    }
    bool getBool(const std::string &what)
    {
        const std::uint64_t at = m_pos;
        auto v = get<std::uint8_t>(what);
        if (v > 1)
            fail(at, what + " must be 0 or 1, found " + std::to_string(v));
        return v == 1;
    }
    void skip(std::uint64_t n, const std::string &what)
    {
        need(n, what);
        m_pos += n;
    }

private:
    const unsigned char *m_p;
    std::uint64_t m_size;
    const std::string &m_path;
    std::uint64_t m_pos = 0;
};

struct ModelInfo
{
    std::int32_t version = 0;
    std::int32_t dim = 0;
    std::int32_t nwords = 0;
    bool quantized = false;
};

void validateProductQuantizer(Cursor &c, std::int64_t dim, const std::string &what)
{
    const std::uint64_t at = c.pos();
    const auto pqDim = c.get<std::int32_t>(what);
    const auto nsubq = c.get<std::int32_t>(what);
    const auto dsub = c.get<std::int32_t>(what);
    const auto lastdsub = c.get<std::int32_t>(what);
    if (pqDim != dim)
        c.fail(at,
               what + ": dimension " + std::to_string(pqDim) + ", expected " + std::to_string(dim));
    if (dsub < 1 || dsub > pqDim)
        c.fail(at + 8, what + ": sub-vector size " + std::to_string(dsub) + " is outside 1.." +
                           std::to_string(pqDim));
    const std::int32_t wantSubq = pqDim / dsub + (pqDim % dsub ? 1 : 0);
    const std::int32_t wantLast = pqDim % dsub ? pqDim % dsub : dsub;
    if (nsubq != wantSubq || lastdsub != wantLast)
        c.fail(at + 4, what + ": " + std::to_string(nsubq) + " sub-quantizers (last of size " +
                           std::to_string(lastdsub) + ") do not split dimension " +
                           std::to_string(pqDim) + " into parts of " + std::to_string(dsub));
    c.skip(static_cast<std::uint64_t>(pqDim) * kKsub * sizeof(float), what + " centroids");
}

/// Validates a DenseMatrix or QuantMatrix; returns its row count.
std::int64_t validateMatrix(Cursor &c, bool quantized, std::int32_t dim, const std::string &what)
{
    if (quantized) {
        const bool qnorm = c.getBool(what + " norm flag");
        const std::uint64_t at = c.pos();
        const auto m = c.get<std::int64_t>(what + " size");
        const auto n = c.get<std::int64_t>(what + " size");
        if (m < 0 || m > INT32_MAX || n != dim)
            c.fail(at, what + " is " + std::to_string(m) + " × " + std::to_string(n) +
                           "; expected up to 2^31-1 rows of dimension " + std::to_string(dim));
        const std::uint64_t codeAt = c.pos();
        const auto codesize = c.get<std::int32_t>(what + " code size");
        // Checked against the quantizer below; bounded by the file first.
        if (codesize < 0)
            c.fail(codeAt, what + ": negative code size");
        c.skip(static_cast<std::uint64_t>(codesize), what + " codes");
        const std::uint64_t pqAt = c.pos();
        validateProductQuantizer(c, n, what + " quantizer");
        const auto nsubq = loadLE<std::int32_t>(c.data() + pqAt + 4);
        if (std::int64_t(codesize) != m * nsubq)
            c.fail(codeAt, what + ": code size " + std::to_string(codesize) + ", expected " +
                               std::to_string(m) + " rows × " + std::to_string(nsubq) + " codes");
        if (qnorm) {
            c.skip(static_cast<std::uint64_t>(m), what + " norm codes");
            validateProductQuantizer(c, 1, what + " norm quantizer");
        }
        return m;
    }
    const std::uint64_t at = c.pos();
    const auto m = c.get<std::int64_t>(what + " size");
    const auto n = c.get<std::int64_t>(what + " size");
    if (n != dim || m < 0)
        c.fail(at, what + " is " + std::to_string(m) + " × " + std::to_string(n) +
                       "; expected rows of dimension " + std::to_string(dim));
    if (static_cast<std::uint64_t>(m) > c.left() / (std::uint64_t(dim) * sizeof(float)))
        c.fail(at, what + " claims " + std::to_string(m) + " × " + std::to_string(n) + " floats (" +
                       floatBytes(std::uint64_t(m), std::uint64_t(n)) + " bytes) but only " +
                       std::to_string(c.left()) + " bytes are left in the file");
    c.skip(static_cast<std::uint64_t>(m) * std::uint64_t(dim) * sizeof(float), what);
    return m;
}

/// Checks every field libfasttext 0.9.2 reads (Args::load, Dictionary::load,
/// DenseMatrix/QuantMatrix::load, FastText::loadModel) so that loading cannot hang, crash or
/// allocate more than the file justifies.
ModelInfo validateModel(const unsigned char *p, std::uint64_t size, const std::string &path)
{
    Cursor c(p, size, path);
    if (size < 4 || loadLE<std::int32_t>(p) != kMagic)
        c.fail(0, "not a fastText model: no magic number (fastText files older than v0.9 are "
                  "not supported by libfasttext)");
    ModelInfo info;
    c.skip(4, "header");
    info.version = c.get<std::int32_t>("header");
    if (info.version != 11 && info.version != 12)
        c.fail(4, "fastText model version " + std::to_string(info.version) +
                      " is not supported (libfasttext reads versions 11 and 12)");

    // Args: 12 × int32 then a double.
    const std::uint64_t argsAt = c.pos();
    c.need(kHeadBytes - kArgsAt, "model arguments");
    auto arg = [&](int i) {
        return loadLE<std::int32_t>(p + argsAt + 4 * std::uint64_t(i));
    };
    info.dim = arg(0);
    const std::int32_t loss = arg(6), model = arg(7), bucket = arg(8), minn = arg(9);
    std::int32_t maxn = arg(10);
    c.skip(kHeadBytes - kArgsAt, "model arguments");
    if (info.dim < 1 || std::size_t(info.dim) > kMaxDim)
        c.fail(argsAt, "dimension " + std::to_string(info.dim) + " is outside 1.." +
                           std::to_string(kMaxDim));
    if (loss < 1 || loss > 4)
        c.fail(argsAt + 24, "unknown loss " + std::to_string(loss) + " (expected 1..4)");
    if (model < 1 || model > 3)
        c.fail(argsAt + 28, "unknown model type " + std::to_string(model) + " (expected 1..3)");
    if (bucket < 0 || minn < 0 || maxn < 0)
        c.fail(argsAt + 32, "negative bucket/minn/maxn");
    const bool supervised = model == 3;
    if (info.version == 11 && supervised)
        maxn = 0; // libfasttext does the same: old supervised models have no char n-grams
    if (maxn > kMaxMaxn)
        c.fail(argsAt + 40, "maxn " + std::to_string(maxn) + " exceeds the limit of " +
                                std::to_string(kMaxMaxn) + " (fastText's default is 6)");
    if (maxn > 0 && bucket == 0)
        c.fail(argsAt + 32, "bucket is 0 but maxn is " + std::to_string(maxn) +
                                "; subword hashing would divide by zero");

    // Dictionary.
    const std::uint64_t dictAt = c.pos();
    const auto dsize = c.get<std::int32_t>("dictionary header");
    info.nwords = c.get<std::int32_t>("dictionary header");
    const auto nlabels = c.get<std::int32_t>("dictionary header");
    c.get<std::int64_t>("dictionary header"); // ntokens
    const auto pruneAt = c.pos();
    const auto pruneSize = c.get<std::int64_t>("dictionary header");
    if (info.nwords < 0 || nlabels < 0 ||
        std::int64_t(dsize) != std::int64_t(info.nwords) + nlabels)
        c.fail(dictAt, "dictionary sizes are inconsistent: " + std::to_string(dsize) +
                           " entries, " + std::to_string(info.nwords) + " words, " +
                           std::to_string(nlabels) + " labels");
    // Each entry is at least a NUL, an int64 count and a type byte.
    if (static_cast<std::uint64_t>(dsize) > c.left() / 10)
        c.fail(dictAt, "dictionary claims " + std::to_string(dsize) + " entries (≥ " +
                           std::to_string(std::uint64_t(dsize) * 10) + " bytes) but only " +
                           std::to_string(c.left()) + " bytes are left in the file");
    if (pruneSize < -1)
        c.fail(pruneAt, "invalid pruned-index size " + std::to_string(pruneSize));
    std::uint64_t subwordIds = 0;
    for (std::int32_t i = 0; i < dsize; ++i) {
        const std::uint64_t at = c.pos();
        const void *nul = std::memchr(p + at, 0, static_cast<std::size_t>(c.left()));
        if (!nul)
            c.fail(at,
                   "truncated dictionary: entry " + std::to_string(i) + " has no terminating NUL");
        const auto len =
            static_cast<std::uint64_t>(static_cast<const unsigned char *>(nul) - (p + at));
        if (c.left() - len - 1 < 9)
            c.fail(at + len + 1, "truncated dictionary: entry " + std::to_string(i) +
                                     " lacks its count and type");
        const std::uint64_t typeAt = at + len + 1 + 8;
        const auto type = static_cast<std::int8_t>(p[typeAt]);
        c.skip(len + 1 + 9, "dictionary entry");
        const std::int8_t want = i < info.nwords ? 0 : 1;
        if (type != want)
            c.fail(typeAt, "dictionary entry " + std::to_string(i) + " has type " +
                               std::to_string(type) + "; the first " + std::to_string(info.nwords) +
                               " entries must be words (0), the rest labels (1)");
        // Dictionary::initNgrams stores every character n-gram id of every entry.
        subwordIds += (len + 2) * std::min<std::uint64_t>(std::uint64_t(maxn), len + 2);
    }
    if (subwordIds > kMaxSubwordIds)
        c.fail(dictAt, "the dictionary's words have about " + std::to_string(subwordIds) +
                           " character n-grams (maxn " + std::to_string(maxn) +
                           "), more than the limit of " + std::to_string(kMaxSubwordIds));
    const std::uint64_t pairsAt = c.pos();
    if (pruneSize > 0) {
        if (static_cast<std::uint64_t>(pruneSize) > c.left() / 8)
            c.fail(pruneAt, "pruned index claims " + std::to_string(pruneSize) +
                                " pairs but only " + std::to_string(c.left()) +
                                " bytes are left in the file");
        c.skip(static_cast<std::uint64_t>(pruneSize) * 8, "pruned index");
    }

    // Input matrix.
    info.quantized = c.getBool("quantization flag");
    if (!info.quantized && pruneSize >= 0)
        c.fail(pruneAt, "pruned dictionary in a model that is not quantized (an obsolete .ftz "
                        "format; download the model again)");
    const std::uint64_t inputAt = c.pos();
    const std::int64_t rows = validateMatrix(c, info.quantized, info.dim, "input matrix");
    // Rows getWordVector() may touch: every word, plus the subword rows.
    std::int64_t needRows = info.nwords;
    if (maxn > 0 && pruneSize < 0)
        needRows += bucket;
    if (rows < needRows)
        c.fail(inputAt, "input matrix has " + std::to_string(rows) + " rows; " +
                            std::to_string(info.nwords) + " words" +
                            (needRows > info.nwords ? " + " + std::to_string(bucket) + " buckets"
                                                    : std::string()) +
                            " need " + std::to_string(needRows));
    if (maxn > 0 && pruneSize > 0)
        for (std::int64_t i = 0; i < pruneSize; ++i) {
            const std::uint64_t at = pairsAt + 8 * std::uint64_t(i) + 4;
            const auto row = loadLE<std::int32_t>(p + at);
            if (row < 0 || row >= rows - info.nwords)
                c.fail(at, "pruned index maps to row " + std::to_string(row) + ", outside the " +
                               std::to_string(rows - info.nwords) +
                               " subword rows of the input matrix");
        }

    // Output matrix.
    const bool qout = c.getBool("output quantization flag");
    validateMatrix(c, info.quantized && qout, info.dim, "output matrix");
    if (c.left() != 0)
        c.fail(c.pos(), std::to_string(c.left()) + " unexpected bytes after the model");
    return info;
}

/// Keeps the model alive for subword vectors of unknown words.
class FastTextOov : public OovProvider
{
public:
    FastTextOov(std::shared_ptr<Model> model, std::size_t dim)
        : m_model(std::move(model)), m_dim(dim)
    {}
    bool vectorFor(std::string_view word, float *out) const override
    {
        const std::string w(word);
        std::lock_guard lock(m_mutex);
        if (m_model->getDictionary()->getSubwords(w).empty())
            return false; // no character n-grams (maxn = 0) or the EOS token
        fasttext::Vector v(static_cast<std::int64_t>(m_dim));
        m_model->getWordVector(v, w);
        std::memcpy(out, v.data(), m_dim * sizeof(float));
        return true;
    }

private:
    std::shared_ptr<Model> m_model;
    std::size_t m_dim;
    mutable std::mutex m_mutex;
};

} // namespace

EmbeddingSetPtr readFastTextBin(const std::string &path, const LoadOptions &opts,
                                Progress &progress)
{
    progress.check();
    progress.report(0.0, "loading model");
    // The bytes: mapped, or decompressed for .gz.
    requireRegularFile(path);
    std::unique_ptr<MappedFile> map = std::make_unique<MappedFile>(path);
    std::string inflated;
    const unsigned char *bytes = map->data();
    std::uint64_t size = map->size();
    if (size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
        InputStream in(path);
        std::vector<char> buf(std::size_t(4) << 20);
        for (std::size_t got; (got = in.read(buf.data(), buf.size())) > 0;) {
            progress.check();
            inflated.append(buf.data(), got);
        }
        map.reset();
        bytes = reinterpret_cast<const unsigned char *>(inflated.data());
        size = inflated.size();
    }
    const ModelInfo info = validateModel(bytes, size, path);
    // libfasttext holds the model's matrices (about the file's size), then the word vectors.
    requireMemory(path,
                  size + std::uint64_t(info.nwords) *
                             (std::uint64_t(info.dim) * sizeof(float) + kWordOverheadBytes),
                  "the model and " + std::to_string(info.nwords) + " × " +
                      std::to_string(info.dim) + " float32 word vectors");

    auto model = std::make_shared<Model>();
    try {
        ModelBuffer buf(bytes, static_cast<std::size_t>(size));
        std::istream in(&buf);
        model->load(in);
        if (!in)
            throw std::runtime_error("the stream ended early");
    } catch (const std::exception &e) {
        if (map)
            map->checkUnchanged();
        throw FormatError(path, std::string("libfasttext could not load the model: ") + e.what());
    }
    if (map)
        map->checkUnchanged();
    map.reset();
    std::string().swap(inflated);

    const auto dict = model->getDictionary();
    const auto dim = static_cast<std::size_t>(model->getArgs().dim);
    if (dict->nwords() != info.nwords || dim != static_cast<std::size_t>(info.dim))
        throw FormatError(path, "libfasttext read a different model than the file describes");
    const auto n = static_cast<std::size_t>(info.nwords);

    std::vector<std::string> raw(n);
    for (std::size_t i = 0; i < n; ++i)
        raw[i] = dict->getWord(static_cast<std::int32_t>(i));

    progress.report(0.5, "computing vectors");
    std::vector<float> data(n * dim);
    std::atomic<std::size_t> done{0};
    parallelRanges(n, opts.threads, [&](std::size_t b, std::size_t e, unsigned t) {
        fasttext::Vector v(static_cast<std::int64_t>(dim));
        for (std::size_t i = b; i < e; ++i) {
            if ((i - b) % 4096 == 0) {
                progress.check();
                if (t == 0)
                    progress.report(0.5 + 0.5 * static_cast<double>(done.load()) /
                                              static_cast<double>(n),
                                    "computing vectors");
            }
            model->getWordVector(v, raw[i]);
            std::memcpy(data.data() + i * dim, v.data(), dim * sizeof(float));
            if ((i - b) % 4096 == 4095)
                done += 4096;
        }
    });
    for (std::size_t i = 0; i < n; ++i)
        if (std::size_t bad = firstNonFinite(data.data() + i * dim, dim); bad != dim)
            throw FormatError(path, "the vector of word " + std::to_string(i) + " ('" +
                                        printable(raw[i]) + "') has " +
                                        nonFiniteName(data[i * dim + bad]) + " at column " +
                                        std::to_string(bad + 1));

    std::vector<std::string> words = std::move(raw);
    std::size_t badUtf8 = 0;
    for (auto &w : words)
        if (!isValidUtf8(w)) {
            w = sanitizeUtf8(w);
            ++badUtf8;
        }
    std::vector<std::size_t> kept;
    const std::size_t dups = dropDuplicateWords(words, data, dim, &kept);

    const std::vector<std::int64_t> counts = dict->getCounts(fasttext::entry_type::word);
    MetadataColumn freq{"frequency", {}};
    freq.values.reserve(kept.size());
    for (std::size_t r : kept)
        freq.values.push_back(std::to_string(counts[r]));

    auto set = std::make_shared<EmbeddingSet>(std::move(words), std::move(data), dim);
    set->setMetadata({std::move(freq)});
    set->setSourceFormat("fasttext-bin");
    set->setOov(std::make_shared<FastTextOov>(model, dim));
    if (badUtf8)
        set->addWarning(std::to_string(badUtf8) +
                        " words had invalid UTF-8; invalid bytes were replaced by U+FFFD");
    if (dups)
        set->addWarning(std::to_string(dups) +
                        " duplicate words were dropped (the first occurrence is kept)");
    if (info.quantized)
        set->addWarning("quantized model (.ftz): vectors are approximations decoded from "
                        "product-quantization codes");
    progress.report(1.0, "computing vectors");
    return set;
}

} // namespace embex::detail
