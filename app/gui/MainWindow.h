#pragma once
#include "search/ExactIndex.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace embex::gui {

/// The first Embex window: open a vector file (menu, drag and drop, command line), see its
/// summary, and look up nearest neighbours. The scatter view arrives with the explorer issue.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

public slots:
    void openFile(const QString &path);

signals:
    /// Emitted when a load ends: ok, or failed with a one-line message.
    void loadFinished(bool ok, const QString &message);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void chooseFile();
    void onLoaded();
    void updateNeighbors();
    void showSummary();

    QFutureWatcher<EmbeddingSetPtr> m_watcher;
    QString m_loadingPath;
    QString m_path;
    EmbeddingSetPtr m_set;
    std::unique_ptr<ExactIndex> m_index;

    QLabel *m_summary = nullptr;
    QLineEdit *m_search = nullptr;
    QSpinBox *m_k = nullptr;
    QTableWidget *m_table = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
};

} // namespace embex::gui
