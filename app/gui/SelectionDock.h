#pragma once
// The Selection dock: the words chosen with a box (Shift+drag in the view), listed, with Copy
// (one word a line, to the clipboard), Isolate (lay out only these words) and Clear.
#include <QDockWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace embex::gui {

class SelectionDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit SelectionDock(QWidget *parent = nullptr);

    void setWords(const QStringList &words);
    QStringList words() const { return m_words; }
    /// The words, one a line, as Copy puts them on the clipboard.
    QString clipboardText() const;

signals:
    void isolateRequested();
    /// Copy put `count` words on the clipboard.
    void copied(int count);
    void clearRequested();
    /// A listed word was activated (the window selects it).
    void wordChosen(const QString &word);

private:
    QStringList m_words;
    QLabel *m_count;
    QListWidget *m_list;
    QPushButton *m_copy, *m_isolate, *m_clear;
};

} // namespace embex::gui
