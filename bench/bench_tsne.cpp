// Times t-SNE (defaults, seed 42) on the first N words of a vector file, for comparison with
// bench/tsne_sklearn.py on the same words.
// Usage: bench_tsne FILE N OUT [--dims 2|3] [--threads T] [--distance cosine|euclidean]
//                   [--iterations I] [--seed S] [--exact-knn-max M] [--hnsw-build-threads B]
//                   [--hnsw-ef-construction C] [--hnsw-ef-search E] [--kl-every K]
// Writes word<TAB>x<TAB>y[<TAB>z] to OUT; prints the stage times and, last,
// tsne_s=<seconds, affinities included> n=<N> kl=<KL divergence of the final layout>.
#include "io/Formats.h"
#include "project/Tsne.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

/// The first n rows of a GloVe-style text file (no header), for when embex::load fails.
embex::EmbeddingSetPtr readFirstLines(const std::string &path, std::size_t n)
{
    std::ifstream in(path);
    std::vector<std::string> words;
    std::vector<float> data;
    std::size_t dim = 0;
    std::string line;
    while (words.size() < n && std::getline(in, line)) {
        std::istringstream s(line);
        std::string w;
        s >> w;
        std::vector<float> v;
        for (float x; s >> x;)
            v.push_back(x);
        if (dim == 0)
            dim = v.size();
        if (v.size() != dim || dim == 0)
            continue;
        words.push_back(w);
        data.insert(data.end(), v.begin(), v.end());
    }
    return std::make_shared<embex::EmbeddingSet>(std::move(words), std::move(data), dim);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::fprintf(stderr,
                     "usage: bench_tsne FILE N OUT [--dims 2|3] [--threads T] "
                     "[--distance cosine|euclidean] [--iterations I] [--seed S] "
                     "[--exact-knn-max M] [--hnsw-build-threads B] [--hnsw-ef-construction C] "
                     "[--hnsw-ef-search E] [--kl-every K]\n");
        return 2;
    }
    const std::string file = argv[1], out = argv[3];
    const auto n = std::size_t(std::atoll(argv[2]));
    embex::TsneOptions opt;
    std::size_t klEvery = 0;
    for (int i = 4; i + 1 < argc; i += 2) {
        const std::string arg = argv[i], val = argv[i + 1];
        if (arg == "--dims")
            opt.dims = std::atoi(val.c_str());
        else if (arg == "--threads")
            opt.threads = unsigned(std::atoi(val.c_str()));
        else if (arg == "--distance")
            opt.distance =
                val == "euclidean" ? embex::TsneDistance::Euclidean : embex::TsneDistance::Cosine;
        else if (arg == "--iterations")
            opt.maxIterations = std::atoi(val.c_str());
        else if (arg == "--seed")
            opt.seed = std::uint64_t(std::atoll(val.c_str()));
        else if (arg == "--exact-knn-max")
            opt.exactKnnMaxN = std::size_t(std::atoll(val.c_str()));
        else if (arg == "--hnsw-ef-construction")
            opt.hnswEfConstruction = std::size_t(std::atoll(val.c_str()));
        else if (arg == "--hnsw-ef-search")
            opt.hnswEfSearch = std::size_t(std::atoll(val.c_str()));
        else if (arg == "--hnsw-build-threads")
            opt.hnswBuildThreads = unsigned(std::atoi(val.c_str()));
        else if (arg == "--kl-every")
            klEvery = std::size_t(std::atoll(val.c_str()));
        else {
            std::fprintf(stderr, "bench_tsne: unknown option %s\n", arg.c_str());
            return 2;
        }
    }
    try {
        const auto t0 = Clock::now();
        embex::EmbeddingSetPtr set;
        try {
            set = embex::load(file);
        } catch (const std::exception &e) {
            std::fprintf(stderr, "embex::load failed (%s); reading the first lines directly\n",
                         e.what());
            set = readFirstLines(file, n);
        }
        const std::size_t count = std::min(n, set->size());
        std::vector<embex::WordId> rows(count);
        for (std::size_t i = 0; i < count; ++i)
            rows[i] = embex::WordId(i);
        const auto t1 = Clock::now();
        std::printf("loaded %zu x %zu in %.2f s; t-SNE on %zu words, %u threads, %d-D\n",
                    set->size(), set->dim(), seconds(t0, t1), count, opt.threads, opt.dims);

        embex::TsneStatus status = embex::tsneInit(*set, rows, opt);
        const auto t2 = Clock::now();
        std::printf("affinities_s=%.3f nnz=%zu learning_rate=%.1f perplexity=%.2f\n",
                    seconds(t1, t2), status.affinities().cols.size(), status.options().learningRate,
                    status.options().perplexity);
        double klTime = 0;
        if (klEvery == 0) {
            status.runToEnd();
        } else {
            while (!status.finished()) {
                status.run(klEvery);
                const auto k0 = Clock::now();
                const double kl = status.klDivergence();
                const auto k1 = Clock::now();
                klTime += seconds(k0, k1);
                std::printf("iteration %zu kl=%.4f (%.3f s)\n", status.iteration(), kl,
                            seconds(k0, k1));
            }
        }
        const auto t3 = Clock::now();
        const double total = seconds(t1, t3) - klTime;
        std::printf("optimize_s=%.3f (%.2f ms/iteration)\n", seconds(t2, t3) - klTime,
                    1000.0 * (seconds(t2, t3) - klTime) / double(std::max(1, opt.maxIterations)));
        const double kl = status.klDivergence();

        std::FILE *f = std::fopen(out.c_str(), "w");
        if (!f) {
            std::fprintf(stderr, "bench_tsne: cannot write %s\n", out.c_str());
            return 1;
        }
        const embex::RowMatrix &y = status.layout();
        for (std::size_t i = 0; i < count; ++i) {
            std::fprintf(f, "%s", set->word(embex::WordId(i)).c_str());
            for (Eigen::Index d = 0; d < y.cols(); ++d)
                std::fprintf(f, "\t%.9g", double(y(Eigen::Index(i), d)));
            std::fprintf(f, "\n");
        }
        std::fclose(f);
        std::printf("tsne_s=%.3f n=%zu kl=%.4f\n", total, count, kl);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_tsne: %s\n", e.what());
        return 1;
    }
    return 0;
}
