// Times ExactIndex neighbour queries (top-10, the word itself excluded) on a vector file and
// prints the results, for comparison with bench/neighbors_gensim.py on the same file.
// Usage: bench_neighbors FILE [WORD...] [--reps N] [--threads T]
// Prints per word: the median time and the top-10 words; last line neighbors_ms_median=<x>
// (median over all timed queries).
#include "io/Formats.h"
#include "search/ExactIndex.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_neighbors FILE [WORD...] [--reps N] [--threads T]\n");
        return 2;
    }
    std::vector<std::string> words;
    int reps = 50;
    unsigned threads = embex::defaultThreads();
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--reps" && i + 1 < argc)
            reps = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--threads" && i + 1 < argc)
            threads = unsigned(std::max(1, std::atoi(argv[++i])));
        else
            words.push_back(arg);
    }
    if (words.empty())
        words = {"king", "computer", "river", "france", "happy", "music", "science", "water"};

    try {
        const auto t0 = std::chrono::steady_clock::now();
        const embex::EmbeddingSetPtr set = embex::load(argv[1]);
        const embex::ExactIndex index(set, threads);
        const auto t1 = std::chrono::steady_clock::now();
        std::printf("loaded %zu x %zu in %.2f s; %u threads, %d repetitions per word\n",
                    set->size(), set->dim(), std::chrono::duration<double>(t1 - t0).count(),
                    threads, reps);

        std::vector<double> all;
        for (const auto &w : words) {
            const auto id = set->find(w);
            if (!id) {
                std::printf("%s: not in the vocabulary\n", w.c_str());
                continue;
            }
            std::vector<embex::Neighbor> result;
            for (int i = 0; i < 3; ++i) // warm-up
                result = embex::neighborsOf(index, *id, 10);
            std::vector<double> times;
            for (int r = 0; r < reps; ++r) {
                const auto a = std::chrono::steady_clock::now();
                result = embex::neighborsOf(index, *id, 10);
                const auto b = std::chrono::steady_clock::now();
                times.push_back(std::chrono::duration<double, std::milli>(b - a).count());
            }
            all.insert(all.end(), times.begin(), times.end());
            std::printf("%s (%.3f ms):", w.c_str(), median(times));
            for (const auto &n : result)
                std::printf(" %s", set->word(n.id).c_str());
            std::printf("\n");
        }
        std::printf("neighbors_ms_median=%.3f\n", median(all));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
