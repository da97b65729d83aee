#pragma once
// Evaluate a set: analogy accuracy per section and word-similarity correlation, computed in a
// worker (QtConcurrent + QPromise) with progress and Cancel, shown as a table beside the same
// scores of a reference set, with a few sentences on what the numbers mean.
#include "eval/Evaluation.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QStringList>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace embex::gui {

/// What one evaluation job gives: the set's report and the reference's (null when there is no
/// reference, or it failed: referenceProblem says why).
struct EvalOutcome
{
    EvaluationReport report;
    std::shared_ptr<const EvaluationReport> reference;
    QString referenceProblem;
};

/// A dialog that evaluates one set against analogy files (questions-words) and word-pair files
/// (WordSim-353, SimLex-999), with gensim's semantics (core/eval/Evaluation.h). It lists the
/// test files shipped in <appdir>/../share/embex/eval by default; the user can add others.
/// Beside each score it shows the reference's (setReference(): Embex's default GloVe set,
/// evaluated in the same job on the same files with the same options, cached for the session)
/// and, under the table, what is good and what the skipped share means (evalExplanation()).
/// Typical use: `auto *d = new EvalDialog(set, name, this); d->setReference(path);
/// d->show(); d->startDefault();`
class EvalDialog : public QDialog
{
    Q_OBJECT
public:
    EvalDialog(std::shared_ptr<const EmbeddingSet> set, const QString &setName,
               QWidget *parent = nullptr);
    /// Cancels a running evaluation and waits for it.
    ~EvalDialog() override;

    /// The shipped test files that are installed (questions-words.txt, wordsim353.tsv,
    /// simlex999.txt in <appdir>/../share/embex/eval), as {analogy files, word-pair files}.
    static std::pair<QStringList, QStringList> shippedFiles();
    /// Whether a test file holds analogies (its first line that is not blank starts with ':'),
    /// rather than word pairs.
    static bool looksLikeAnalogies(const QString &path);

    QStringList analogyFiles() const;
    QStringList similarityFiles() const;
    /// Replaces the listed test files.
    void setFiles(const QStringList &analogies, const QStringList &similarity);
    EvalOptions options() const;
    /// Sets the vocabulary limit, case handling and method shown (threads are the dialog's).
    void setOptions(const EvalOptions &options);

    /// The reference set's file (MainWindow::defaultSetPath()); empty: none installed. With
    /// isThisSet, the set evaluated is that file: no reference column, the explanation says so.
    /// Without a call (or with an empty path) the dialog says that no reference is installed.
    void setReference(const QString &path, bool isThisSet = false);

    bool isRunning() const;
    /// The last finished evaluation, if any.
    const std::optional<EvaluationReport> &report() const { return m_report; }
    /// The reference's report from the last finished evaluation (null: none shown).
    const std::shared_ptr<const EvaluationReport> &referenceReport() const { return m_reference; }
    /// The explanation under the table (HTML), empty before an evaluation.
    QString explanationText() const;
    /// The results table as tab-separated text with a header line (what Copy copies).
    QString resultsText() const;
    /// The line under the progress bar ("Done in 2.1 s", an error, "Cancelled").
    QString statusText() const;

public slots:
    /// Evaluates with the listed files and options.
    void start();
    /// Evaluates the listed files; with none listed (nothing shipped), asks for files first.
    void startDefault();
    void cancel();
    /// Copies resultsText() to the clipboard.
    void copyResults();
    /// Close: cancels a running evaluation and waits for it first.
    void reject() override;

signals:
    /// An evaluation ended: ok, or the message shown (an error naming the file and line, or
    /// "Cancelled").
    void evaluationFinished(bool ok, const QString &message);

private:
    void addFiles(bool analogies);
    void removeSelectedFiles();
    void addFileItem(const QString &path, bool analogies);
    void onFinished();
    void showReport(const EvaluationReport &report);
    void setRunning(bool running);

    std::shared_ptr<const EmbeddingSet> m_set;
    QString m_setName;
    QString m_referencePath;
    bool m_isReference = false;
    std::optional<EvaluationReport> m_report;
    std::shared_ptr<const EvaluationReport> m_reference;
    QString m_referenceProblem;
    QFutureWatcher<EvalOutcome> m_watcher;
    qint64 m_startedMs = 0;

    QListWidget *m_files = nullptr;
    QSpinBox *m_restrict = nullptr;
    QCheckBox *m_caseInsensitive = nullptr;
    QComboBox *m_method = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_addAnalogies = nullptr;
    QPushButton *m_addPairs = nullptr;
    QPushButton *m_remove = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_explanation = nullptr;
};

} // namespace embex::gui
