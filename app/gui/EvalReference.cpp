#include "gui/EvalReference.h"

#include "io/Formats.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStringList>

#include <map>
#include <mutex>

namespace embex::gui {

namespace {

std::string cacheKey(const std::string &path, const std::vector<std::string> &analogyFiles,
                     const std::vector<std::string> &wordPairFiles, const EvalOptions &o)
{
    std::string key = path;
    for (const auto &f : analogyFiles)
        key += "\na:" + f;
    for (const auto &f : wordPairFiles)
        key += "\np:" + f;
    key += "\n" + std::to_string(o.restrictVocab) + (o.caseInsensitive ? " i" : " c") +
           (o.dummy4unknown ? " d" : " s") + (o.method == AnalogyMethod::Mul ? " mul" : " add");
    return key;
}

// The session's reference set and reports. Reports are few and small (a few dozen numbers).
struct Cache
{
    std::mutex mutex;
    std::string setPath;
    EmbeddingSetPtr set;
    std::map<std::string, std::shared_ptr<const EvaluationReport>> reports;
};

Cache &cache()
{
    static Cache c;
    return c;
}

QString tr(const char *text)
{
    return QCoreApplication::translate("EvalReference", text);
}

QString fileName(const std::string &path)
{
    return QFileInfo(QString::fromStdString(path)).fileName().toHtmlEscaped();
}

} // namespace

bool isReferenceCached(const std::string &path, const std::vector<std::string> &analogyFiles,
                       const std::vector<std::string> &wordPairFiles, const EvalOptions &options)
{
    Cache &c = cache();
    const std::lock_guard lock(c.mutex);
    return c.reports.count(cacheKey(path, analogyFiles, wordPairFiles, options)) > 0;
}

std::shared_ptr<const EvaluationReport>
evaluateReference(const std::string &path, const std::vector<std::string> &analogyFiles,
                  const std::vector<std::string> &wordPairFiles, const EvalOptions &options,
                  Progress &progress)
{
    Cache &c = cache();
    const std::string key = cacheKey(path, analogyFiles, wordPairFiles, options);
    EmbeddingSetPtr set;
    {
        const std::lock_guard lock(c.mutex);
        if (auto it = c.reports.find(key); it != c.reports.end())
            return it->second;
        if (c.setPath == path)
            set = c.set;
    }
    // Two dialogs may both compute a missing report; the results are equal, the first stays.
    if (!set) {
        SubProgress loading(progress, 0.0, 0.1);
        set = load(path, LoadOptions{}, loading);
        const std::lock_guard lock(c.mutex);
        c.setPath = path;
        c.set = set;
    }
    SubProgress evaluating(progress, 0.1, 1.0);
    auto report = std::make_shared<const EvaluationReport>(
        evaluate(*set, analogyFiles, wordPairFiles, options, evaluating));
    const std::lock_guard lock(c.mutex);
    return c.reports.emplace(key, std::move(report)).first->second;
}

QString evalExplanation(const EvaluationReport &report, std::size_t setSize,
                        const EvalOptions &options, ReferenceState reference,
                        const QString &referenceNote)
{
    QStringList paragraphs;
    const QString defaultSet = tr("Embex's default set (GloVe 6B 100d, the 50,000 most frequent "
                                  "words)");
    switch (reference) {
    case ReferenceState::Shown:
        paragraphs << tr("<b>Reference</b> column: %1, evaluated the same way on the same files "
                         "with the same options.")
                          .arg(defaultSet);
        break;
    case ReferenceState::IsThisSet:
        paragraphs << tr("<b>This set is the reference</b>: %1. Evaluate another set to see its "
                         "scores beside these.")
                          .arg(defaultSet);
        break;
    case ReferenceState::Missing:
        paragraphs << tr("<b>No reference column</b>: %1").arg(referenceNote.toHtmlEscaped());
        break;
    }
    paragraphs << tr("<b>What is good:</b> published vectors answer 60–75% of questions-words "
                     "(Pennington et al. 2014: GloVe 300d on 6 billion tokens 71.7%, word2vec "
                     "skip-gram 69.1%); Spearman ρ is about 0.55–0.75 on WordSim-353 and 0.3–0.45 "
                     "on SimLex-999, which rates similarity, not relatedness (people agree at "
                     "about 0.67). Vectors trained on a small corpus such as Brown (1 million "
                     "words) get a few per cent and ρ ≈ 0.1–0.3.");

    const bool restricted = options.restrictVocab < setSize;
    const QString vocabulary =
        restricted ? tr("outside the first %1 words of the set (the vocabulary limit above)")
                         .arg(options.restrictVocab)
                   : tr("not among the set's %1 words").arg(setSize);
    for (const AnalogyResult &r : report.analogies) {
        const AnalogySectionResult &t = r.total;
        if (t.outOfVocabulary == 0) {
            paragraphs << tr("<b>%1</b>: every question was asked (all their words are in the "
                             "vocabulary).")
                              .arg(fileName(r.path));
            continue;
        }
        const QString share = QString::number(r.oovPercent(), 'f', 1) + QLatin1Char('%');
        if (options.dummy4unknown) {
            paragraphs << tr("<b>%1: %2 of the questions skipped</b>: %3 of the %4 questions have "
                             "a word %5; they count as wrong answers.")
                              .arg(fileName(r.path), share)
                              .arg(t.outOfVocabulary)
                              .arg(r.questions)
                              .arg(vocabulary);
            continue;
        }
        const QString accuracy = t.evaluated()
                                     ? tr("the accuracy, %1%, is over the %2 questions asked")
                                           .arg(t.accuracy() * 100.0, 0, 'f', 1)
                                           .arg(t.evaluated())
                                     : tr("no question was left to ask");
        paragraphs << tr("<b>%1: %2 of the questions skipped</b>: %3 of the %4 questions have a "
                         "word %5, so they were not asked; %6. A set that knows fewer of the "
                         "test's words is scored on fewer questions, not marked down for them.")
                          .arg(fileName(r.path), share)
                          .arg(t.outOfVocabulary)
                          .arg(r.questions)
                          .arg(vocabulary, accuracy);
    }
    QStringList pairs;
    for (const WordPairResult &r : report.wordPairs)
        if (r.outOfVocabulary)
            pairs << tr("%1 %2 of %3").arg(fileName(r.path)).arg(r.outOfVocabulary).arg(r.pairs);
    if (!pairs.isEmpty())
        paragraphs << tr("Word pairs with an unknown word are left out the same way (%1); the "
                         "correlations are over the pairs left.")
                          .arg(pairs.join(QStringLiteral(", ")));
    return QStringLiteral("<p>") + paragraphs.join(QStringLiteral("</p><p>")) +
           QStringLiteral("</p>");
}

} // namespace embex::gui
