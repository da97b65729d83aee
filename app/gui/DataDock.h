#pragma once
// The Data dock: open a file, recent files, load progress with cancel, a summary.
#include <QDockWidget>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace embex::gui {

class DataDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit DataDock(QWidget *parent = nullptr);

    void setRecentFiles(const QStringList &files);
    /// Shows a running load (progress 0–1000) or hides the progress row.
    void setLoading(bool loading, const QString &file = {});
    void setProgress(int value);
    void setSummary(const QString &html);

signals:
    void openRequested();
    void recentRequested(const QString &path);
    void cancelRequested();

private:
    QLabel *m_summary;
    QListWidget *m_recent;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QLabel *m_loadingLabel;
};

} // namespace embex::gui
