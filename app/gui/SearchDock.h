#pragma once
// The Search and neighbours dock: search box with completion (plain or regex), the hits, and the
// selected word's neighbours in the original space.
#include "gui/NeighborModel.h"

#include <QDockWidget>

class QCheckBox;
class QCompleter;
class QLabel;
class QLineEdit;
class QListView;
class QSpinBox;
class QStringListModel;
class QTableView;
class QTimer;

namespace embex::gui {

class SearchDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit SearchDock(QWidget *parent = nullptr);

    NeighborModel *neighborModel() const { return m_neighbors; }
    QStringListModel *hitsModel() const { return m_hitsModel; }
    /// Completion over the vocabulary (sorted case-insensitively by the caller).
    void setVocabulary(const QStringList &sortedWords);
    /// The listed hits (exact matches first), how many match in all and how many exactly.
    void setHits(const QStringList &hits, int total, int exact);
    void setSelectedWord(const QString &word);
    void setMessage(const QString &text);
    int k() const;
    void setK(int k);
    bool regex() const;
    QString query() const;
    void focusSearch();
    void clear();

signals:
    /// The query changed (debounced while typing).
    void queryChanged(const QString &text, bool regex);
    /// A word was chosen: Enter in the box, a completion, a hit or a neighbour.
    void wordChosen(const QString &word);
    void kChanged(int k);

private:
    QLineEdit *m_search;
    QCheckBox *m_regex;
    QCompleter *m_completer;
    QStringListModel *m_vocabulary;
    QStringListModel *m_hitsModel;
    QListView *m_hits;
    QLabel *m_hitCount, *m_selected;
    QSpinBox *m_k;
    NeighborModel *m_neighbors;
    QTableView *m_table;
    QTimer *m_debounce;
};

} // namespace embex::gui
