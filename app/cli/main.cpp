// embex-cli: the headless side of Embex (docs/ARCHITECTURE.md, "The command-line tool").
#include "cli/Args.h"
#include "cli/Commands.h"
#include "util/Progress.h"

#include <cstring>
#include <exception>
#include <iostream>
#include <new>

namespace {

const char *kUsage =
    "usage: embex-cli COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  info FILE [--json]                         format, size, norms and warnings\n"
    "  neighbors FILE WORD [-k 10] [--index exact|hnsw] [--json]\n"
    "                                             nearest words by cosine\n"
    "  analogy FILE A B C [-k 5] [--method add|mul] [--json]\n"
    "                                             A is to B as C is to ?\n"
    "  convert IN OUT [--to FORMAT] [--float16]   FORMAT: word2vec word2vec-bin glove vec\n"
    "                                             tsv npy embex (default: from OUT's name);\n"
    "                                             --float16: embex with half-size values\n"
    "  project FILE --method pca|tsne [--dims 2|3] [--limit N] [--seed S] [--perplexity P]\n"
    "          [--iterations I] [--distance cosine|euclidean] [-o coords.tsv] [--json]\n"
    "          [--no-quality]                     word<TAB>x<TAB>y[<TAB>z] for the first N\n"
    "                                             words (default: all for pca, 10000 for\n"
    "                                             tsne); stderr: time, KL, kNN preservation\n"
    "  train CORPUS --model skipgram|cbow|glove|fasttext|fasttext-cbow -o OUT [--dim 100]\n"
    "          [--window W] [--epochs E] [--min-count 5] [--negative 5] [--hs] [--threads T]\n"
    "          [--seed S] [--json]               train vectors on a text corpus (plain or .gz;\n"
    "                                             'brown', 'teaching' = shipped corpora); see\n"
    "                                             'embex-cli train --help' for all options\n"
    "  eval FILE [--analogies F]... [--similarity F]... [--restrict 300000]\n"
    "          [--method add|mul] [--case-sensitive] [--json]\n"
    "                                             analogy accuracy per section and word-\n"
    "                                             similarity Pearson/Spearman, as gensim's\n"
    "                                             evaluate_word_analogies/_pairs (default:\n"
    "                                             the shipped questions-words, WordSim-353,\n"
    "                                             SimLex-999)\n"
    "  context MODEL_DIR [--layer L|all|last4] [--json] \"sentence with [target] word\" ...\n"
    "                                             a word's contextual vectors (BERT-family\n"
    "                                             model folder) and their cosine similarities\n"
    "\n"
    "options for reading: --format FORMAT (skip detection), --metadata FILE (TSV),\n"
    "  --words FILE (NPY), --threads N; --quiet hides warnings.\n"
    "exit status: 0 ok, 1 bad input (one line on stderr), 2 usage error\n";

} // namespace

int main(int argc, char **argv)
{
    std::ios::sync_with_stdio(false);
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
        !std::strcmp(argv[1], "help")) {
        std::cout << kUsage;
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::cout << "embex-cli 0.1.0\n";
        return 0;
    }
    std::string cmd = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (cmd == "info")
            return embex::cli::runInfo(args);
        if (cmd == "neighbors" || cmd == "neighbours")
            return embex::cli::runNeighbors(args);
        if (cmd == "analogy")
            return embex::cli::runAnalogy(args);
        if (cmd == "convert")
            return embex::cli::runConvert(args);
        if (cmd == "project")
            return embex::cli::runProject(args);
        if (cmd == "eval")
            return embex::cli::runEval(args);
        if (cmd == "train")
            return embex::cli::runTrain(args);
        if (cmd == "context")
            return embex::cli::runContext(args);
        std::cerr << "embex-cli: unknown command '" << cmd << "'\n" << kUsage;
        return 2;
    } catch (const embex::cli::UsageError &e) {
        std::cerr << "embex-cli " << cmd << ": " << e.what() << "\n";
        return 2;
    } catch (const embex::Cancelled &) {
        std::cerr << "embex-cli: cancelled\n";
        return 1;
    } catch (const std::bad_alloc &) {
        std::cerr << "embex-cli: out of memory\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
