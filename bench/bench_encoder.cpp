// Times the encoder's forward pass on the batch bench/encoder_torch.py prepared (BERT-base-shaped
// random weights, 8 sentences x 32 tokens) and compares every hidden state with PyTorch's.
// Usage: bench_encoder MODEL_DIR [RUNS] [--threads T]
// Prints the load time, each run, then
// encoder_s_median=… tokens_per_s_median=… max_abs_diff=<vs reference.safetensors>.
#include "contextual/BertModel.h"
#include "contextual/Encoder.h"
#include "contextual/Safetensors.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

/// CPU time of the process (all threads), which a busy machine inflates less than wall time.
double cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_encoder MODEL_DIR [RUNS] [--threads T]\n");
        return 2;
    }
    const std::string dir = argv[1];
    int runs = 10;
    unsigned threads = 2;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc)
            threads = unsigned(std::atoi(argv[++i]));
        else
            runs = std::max(1, std::atoi(argv[i]));
    }
    try {
        const auto t0 = Clock::now();
        const embex::BertModelPtr model = embex::BertModel::load(dir);
        const auto t1 = Clock::now();
        std::printf("load_s=%.3f parameters=%zu\n", seconds(t0, t1), model->parameterCount());

        const embex::SafetensorsFile batchFile(dir + "/batch.safetensors");
        const embex::SafetensorsTensor *idsTensor = batchFile.find("input_ids");
        if (!idsTensor || idsTensor->shape.size() != 2)
            throw std::runtime_error(dir + "/batch.safetensors: no input_ids [batch, length]");
        const auto flat = batchFile.toInt64(*idsTensor);
        const std::size_t batch = idsTensor->shape[0], length = idsTensor->shape[1];
        std::vector<std::vector<std::int32_t>> ids(batch);
        for (std::size_t s = 0; s < batch; ++s)
            for (std::size_t t = 0; t < length; ++t)
                ids[s].push_back(std::int32_t(flat[s * length + t]));

        embex::Encoder encoder(model, embex::EncoderOptions{threads});
        embex::EncodedBatch out;
        for (int i = 0; i < 2; ++i)
            encoder.encodeInto(ids, out);
        std::vector<double> times, cpu;
        std::printf("runs");
        for (int i = 0; i < runs; ++i) {
            const auto a = Clock::now();
            const double c = cpuSeconds();
            encoder.encodeInto(ids, out);
            times.push_back(seconds(a, Clock::now()));
            cpu.push_back(cpuSeconds() - c);
            std::printf(" %.3f", times.back());
            std::fflush(stdout);
        }
        std::printf(" s\n");
        std::sort(times.begin(), times.end());
        std::sort(cpu.begin(), cpu.end());
        const double median = times[times.size() / 2];

        double maxDiff = -1;
        try {
            const embex::SafetensorsFile ref(dir + "/reference.safetensors");
            const embex::SafetensorsTensor *hs = ref.find("hidden_states");
            const std::vector<float> want = ref.toFloat(*hs);
            const std::size_t h = model->config().hiddenSize;
            maxDiff = 0;
            for (std::size_t l = 0; l < out.layerCount(); ++l)
                for (std::size_t r = 0; r < out.totalTokens(); ++r)
                    for (std::size_t j = 0; j < h; ++j)
                        maxDiff = std::max(
                            maxDiff,
                            std::fabs(double(out.layer(l)(Eigen::Index(r), Eigen::Index(j))) -
                                      double(want[(l * out.totalTokens() + r) * h + j])));
        } catch (const std::exception &e) {
            std::fprintf(stderr, "no comparison: %s\n", e.what());
        }
        std::printf("threads=%u encoder_s_median=%.4f cpu_s_median=%.4f tokens_per_s_median=%.1f "
                    "max_abs_diff=%.3g\n",
                    threads, median, cpu[cpu.size() / 2], double(batch * length) / median, maxDiff);
        return maxDiff > 1e-4 ? 1 : 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_encoder: %s\n", e.what());
        return 1;
    }
}
