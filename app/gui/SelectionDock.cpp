#include "gui/SelectionDock.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace embex::gui {

SelectionDock::SelectionDock(QWidget *parent) : QDockWidget(tr("Selection"), parent)
{
    setObjectName("SelectionDock");
    auto *w = new QWidget(this);
    auto *layout = new QVBoxLayout(w);
    m_count = new QLabel(w);
    m_count->setObjectName("selectionCount");
    m_count->setWordWrap(true);
    layout->addWidget(m_count);
    m_list = new QListWidget(w);
    m_list->setObjectName("selectionList");
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    layout->addWidget(m_list, 1);
    auto *row = new QHBoxLayout;
    m_copy = new QPushButton(tr("Copy"), w);
    m_copy->setObjectName("copySelection");
    m_copy->setToolTip(tr("Copy the words, one a line"));
    m_isolate = new QPushButton(tr("Isolate"), w);
    m_isolate->setObjectName("isolateSelection");
    m_isolate->setToolTip(tr("Lay out only these words"));
    m_clear = new QPushButton(tr("Clear"), w);
    m_clear->setObjectName("clearSelection");
    row->addWidget(m_copy);
    row->addWidget(m_isolate);
    row->addWidget(m_clear);
    layout->addLayout(row);
    setWidget(w);
    setWords({});

    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(clipboardText());
        emit copied(int(m_words.size()));
    });
    connect(m_isolate, &QPushButton::clicked, this, &SelectionDock::isolateRequested);
    connect(m_clear, &QPushButton::clicked, this, &SelectionDock::clearRequested);
    connect(m_list, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { emit wordChosen(item->text()); });
}

void SelectionDock::setWords(const QStringList &words)
{
    m_words = words;
    m_list->clear();
    m_list->addItems(words);
    m_count->setText(words.isEmpty()
                         ? tr("Shift+drag in the view to select words with a box.")
                         : tr("%Ln word(s) selected with the box:", nullptr, int(words.size())));
    for (auto *b : {m_copy, m_isolate, m_clear})
        b->setEnabled(!words.isEmpty());
}

QString SelectionDock::clipboardText() const
{
    return m_words.join('\n') + (m_words.isEmpty() ? QString() : QStringLiteral("\n"));
}

} // namespace embex::gui
