#pragma once
// The training lab's settings form: corpus, model and its parameters, each with a one-line
// explanation for students, plus what the live view shows; remembered in QSettings.
#include "gui/TrainRunner.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSpinBox;

namespace embex::gui {

class TrainSettings : public QWidget
{
    Q_OBJECT
public:
    explicit TrainSettings(QWidget *parent = nullptr);

    /// The shipped Brown corpus (<appdir>/../share/embex/brown.txt.gz), empty if missing.
    static QString defaultCorpusPath();
    /// Where a shipped corpus (embex::shippedCorpora()) is installed, empty if missing.
    static QString shippedCorpusPath(const QString &name);
    /// The blurb shown for a shipped corpus: what it is and the sentences and words a run
    /// reports (ShippedCorpus's counts, checked against a scan by tst_trainlab).
    static QString corpusBlurb(const QString &name);
    /// Choices of the pace box: 0 = full speed, else about that many seconds per run.
    static QList<int> paceChoices();
    /// The classroom watch list: king, queen, man, woman, paris, france, ...
    static QStringList defaultWatchWords();

    /// The corpus file to train on: the file typed or browsed, else the chosen shipped corpus.
    QString corpusPath() const;
    void setCorpusPath(const QString &path);
    /// Everything the runner needs; request().corpusPath may be empty if nothing is installed.
    TrainRequest request() const;
    /// "skipgram on brown.txt.gz (100d)".
    QString runName() const;

    /// Disables the fields while a run goes on.
    void setEditable(bool editable);

    void save(QSettings &s) const;
    void restore(QSettings &s);

signals:
    void changed();

private:
    void chooseCorpus();
    void modelChanged();
    void corpusChanged();
    bool isFastText() const;
    /// The name of the shipped corpus chosen ("brown", "teaching").
    QString shippedChoice() const;

    QComboBox *m_shipped;
    QLineEdit *m_corpus;
    QPushButton *m_browse;
    QLabel *m_corpusHelp;
    QComboBox *m_model, *m_pace;
    QSpinBox *m_dim, *m_window, *m_epochs, *m_minCount, *m_negative, *m_threads, *m_seed;
    QSpinBox *m_snapshots, *m_topN;
    QLineEdit *m_watch;
};

} // namespace embex::gui
