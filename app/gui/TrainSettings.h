#pragma once
// The training lab's settings form: corpus, model and its parameters, each with a one-line
// explanation for students, plus what the live view shows; remembered in QSettings.
#include "gui/TrainRunner.h"

#include <QWidget>

class QComboBox;
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

    /// The shipped teaching corpus (<appdir>/../share/embex/brown.txt.gz), empty if missing.
    static QString defaultCorpusPath();
    /// The classroom watch list: king, queen, man, woman, paris, france, ...
    static QStringList defaultWatchWords();

    /// The corpus file to train on: the chosen file, else the shipped Brown corpus.
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

    QLineEdit *m_corpus;
    QPushButton *m_browse, *m_brown;
    QComboBox *m_model;
    QSpinBox *m_dim, *m_window, *m_epochs, *m_minCount, *m_negative, *m_threads, *m_seed;
    QSpinBox *m_snapshots, *m_topN;
    QLineEdit *m_watch;
};

} // namespace embex::gui
