#include "gui/SearchDock.h"

#include "gui/WheelGuard.h"

#include <QCheckBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSpinBox>
#include <QStringListModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace embex::gui {

SearchDock::SearchDock(QWidget *parent) : QDockWidget(tr("Search and neighbours"), parent)
{
    setObjectName("SearchDock");
    auto *w = new QWidget(this);
    auto *layout = new QVBoxLayout(w);
    auto *row = new QHBoxLayout;
    m_search = new QLineEdit(w);
    m_search->setObjectName("search");
    m_search->setPlaceholderText(tr("Search words (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_regex = new QCheckBox(tr("Regex"), w);
    m_regex->setObjectName("regex");
    row->addWidget(m_search, 1);
    row->addWidget(m_regex);
    layout->addLayout(row);

    m_vocabulary = new QStringListModel(this);
    m_completer = new QCompleter(m_vocabulary, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setModelSorting(QCompleter::CaseInsensitivelySortedModel);
    m_completer->setMaxVisibleItems(12);
    m_search->setCompleter(m_completer);

    m_hitCount = new QLabel(w);
    m_hitCount->setWordWrap(true); // never widens the dock
    layout->addWidget(m_hitCount);
    m_hitsModel = new QStringListModel(this);
    m_hits = new QListView(w);
    m_hits->setObjectName("hits");
    m_hits->setModel(m_hitsModel);
    m_hits->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_hits->setMaximumHeight(120);
    layout->addWidget(m_hits);

    m_selected = new QLabel(w);
    m_selected->setObjectName("selectedWord");
    m_selected->setWordWrap(true);
    layout->addWidget(m_selected);
    auto *krow = new QHBoxLayout;
    krow->addWidget(new QLabel(tr("Neighbours (k):"), w));
    m_k = new QSpinBox(w);
    m_k->setObjectName("k");
    m_k->setRange(1, 200);
    m_k->setValue(10);
    krow->addWidget(m_k);
    krow->addStretch(1);
    layout->addLayout(krow);

    m_neighbors = new NeighborModel(this);
    m_table = new QTableView(w);
    m_table->setObjectName("neighbors");
    m_table->setModel(m_neighbors);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(NeighborModel::Word, QHeaderView::Stretch);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_table, 1);
    // Never wider than the dock: the neighbour table's Cosine column stays in view.
    setWidget(verticalScrollArea(w, this));

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_search, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_regex, &QCheckBox::toggled, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this,
            [this] { emit queryChanged(m_search->text(), m_regex->isChecked()); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_debounce->stop();
        emit queryChanged(m_search->text(), m_regex->isChecked());
        if (m_search->text().trimmed().isEmpty())
            return;
        // Plain: the word typed. Pattern: the first word it finds (whole matches first).
        if (!m_regex->isChecked())
            emit wordChosen(m_search->text().trimmed());
        else if (m_hitsModel->rowCount() > 0)
            emit wordChosen(m_hitsModel->index(0).data().toString());
    });
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this,
            &SearchDock::wordChosen);
    connect(m_hits, &QListView::activated, this,
            [this](const QModelIndex &i) { emit wordChosen(i.data().toString()); });
    connect(m_hits, &QListView::clicked, this,
            [this](const QModelIndex &i) { emit wordChosen(i.data().toString()); });
    // One click on a neighbour goes to it (as in the hits list); so do Enter and a double click.
    for (auto signal : {&QTableView::activated, &QTableView::clicked})
        connect(m_table, signal, this, [this](const QModelIndex &i) {
            emit wordChosen(m_neighbors->index(i.row(), NeighborModel::Word).data().toString());
        });
    connect(m_k, &QSpinBox::valueChanged, this, &SearchDock::kChanged);
}

void SearchDock::setVocabulary(const QStringList &sortedWords)
{
    m_vocabulary->setStringList(sortedWords);
}

void SearchDock::setHits(const QStringList &hits, int total, int exact)
{
    m_hitsModel->setStringList(hits);
    if (m_search->text().trimmed().isEmpty()) {
        m_hitCount->clear();
        return;
    }
    const bool regex = m_regex->isChecked();
    const QString exactText = exact == 0 ? (regex ? tr("none matched whole") : tr("no exact match"))
                              : regex    ? tr("%Ln matched whole first", nullptr, exact)
                              : exact == 1 ? tr("exact match first")
                                           : tr("%1 exact matches first").arg(exact);
    if (total > hits.size())
        m_hitCount->setText(
            tr("%L1 matches, %2 (first %L3 listed)").arg(total).arg(exactText).arg(hits.size()));
    else
        m_hitCount->setText(tr("%Ln match(es)", nullptr, total) + ", " + exactText);
}

void SearchDock::setSelectedWord(const QString &word)
{
    m_selected->setText(word.isEmpty() ? QString()
                                       : tr("Neighbours of <b>%1</b> (cosine in the original "
                                            "space):")
                                             .arg(word.toHtmlEscaped()));
}

void SearchDock::setMessage(const QString &text)
{
    m_hitCount->setText(text);
}
int SearchDock::k() const
{
    return m_k->value();
}
void SearchDock::setK(int k)
{
    m_k->setValue(k);
}
bool SearchDock::regex() const
{
    return m_regex->isChecked();
}
QString SearchDock::query() const
{
    return m_search->text();
}

void SearchDock::focusSearch()
{
    raise();
    m_search->setFocus();
    m_search->selectAll();
}

void SearchDock::clear()
{
    m_search->clear();
    m_hitsModel->setStringList({});
    m_hitCount->clear();
    m_neighbors->clear();
    setSelectedWord({});
}

} // namespace embex::gui
