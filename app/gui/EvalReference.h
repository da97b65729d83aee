#pragma once
// Context for evaluation scores: the same scores of a reference set (the default GloVe set
// shipped with Embex) and the sentences that say what the numbers mean. Used by EvalDialog.
#include "eval/Evaluation.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace embex::gui {

/// The evaluation of the reference set at `path` on the same files with the same options
/// (threads aside), as core's evaluate() computes it. Computed once per session and key (path,
/// files, restrictVocab, case, dummy4unknown, method); the reference set itself is loaded once
/// and kept. Thread-safe; meant for a worker thread. Throws what load() and evaluate() throw
/// (FormatError, Cancelled...).
std::shared_ptr<const EvaluationReport>
evaluateReference(const std::string &path, const std::vector<std::string> &analogyFiles,
                  const std::vector<std::string> &wordPairFiles, const EvalOptions &options,
                  Progress &progress = nullProgress());

/// Whether evaluateReference() would answer these arguments from its cache without work.
bool isReferenceCached(const std::string &path, const std::vector<std::string> &analogyFiles,
                       const std::vector<std::string> &wordPairFiles, const EvalOptions &options);

/// What the reference column is beside a report.
enum class ReferenceState {
    Shown,     ///< the reference's scores are in the column
    IsThisSet, ///< the set evaluated is the reference itself: no column
    Missing,   ///< no reference: the default set is not installed, or it failed to evaluate
};

/// The explanation under the results (HTML, one paragraph per point): what the reference is
/// (or that this set is the reference), which scores are good (published numbers), and, per
/// analogy file, what "N% of questions skipped" means with this report's numbers.
/// `setSize` is the number of words of the set evaluated; `referenceNote` says why a reference is
/// missing (with ReferenceState::Missing).
QString evalExplanation(const EvaluationReport &report, std::size_t setSize,
                        const EvalOptions &options, ReferenceState reference,
                        const QString &referenceNote = {});

} // namespace embex::gui
