// Times embex::load on a file: prints load_s_median=<x> over RUNS loads (default 5).
// Usage: bench_load FILE [RUNS]
#include "io/Formats.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_load FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? std::atoi(argv[2]) : 5;
    std::vector<double> times;
    std::size_t words = 0, dim = 0;
    try {
        for (int r = 0; r < runs; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            auto set = embex::load(argv[1]);
            auto t1 = std::chrono::steady_clock::now();
            times.push_back(std::chrono::duration<double>(t1 - t0).count());
            words = set->size();
            dim = set->dim();
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    std::sort(times.begin(), times.end());
    std::printf("load_s_median=%.4f load_s_min=%.4f runs=%d words=%zu dim=%zu\n",
                times[times.size() / 2], times.front(), runs, words, dim);
    return 0;
}
