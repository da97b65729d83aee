#include "gui/DataDock.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace embex::gui {

DataDock::DataDock(QWidget *parent) : QDockWidget(tr("Data"), parent)
{
    setObjectName("DataDock");
    auto *w = new QWidget(this);
    auto *layout = new QVBoxLayout(w);
    auto *open = new QPushButton(tr("Open vectors..."), w);
    open->setToolTip(tr("word2vec text/binary, GloVe, fastText .vec/.bin, TensorFlow Projector "
                        "TSV, NumPy .npy, Embex (Ctrl+O; or drop a file on the window)"));
    layout->addWidget(open);

    m_loadingLabel = new QLabel(w);
    m_progress = new QProgressBar(w);
    m_progress->setRange(0, 1000);
    m_cancel = new QPushButton(tr("Cancel"), w);
    m_cancel->setObjectName("cancelLoad");
    auto *row = new QHBoxLayout;
    row->addWidget(m_progress, 1);
    row->addWidget(m_cancel);
    layout->addWidget(m_loadingLabel);
    layout->addLayout(row);

    m_summary = new QLabel(w);
    m_summary->setObjectName("summary");
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);

    layout->addWidget(new QLabel(tr("Recent files:"), w));
    m_recent = new QListWidget(w);
    m_recent->setObjectName("recentFiles");
    m_recent->setMaximumHeight(90); // the Projection dock below needs the height more
    layout->addWidget(m_recent, 1);
    // In a scroll area so the dock's content never forces the window (and so the scatter
    // view) to change size when labels grow or progress bars appear.
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(w);
    setWidget(scroll);
    setLoading(false);

    connect(open, &QPushButton::clicked, this, &DataDock::openRequested);
    connect(m_cancel, &QPushButton::clicked, this, &DataDock::cancelRequested);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        emit recentRequested(item->data(Qt::UserRole).toString());
    });
}

void DataDock::setRecentFiles(const QStringList &files)
{
    m_recent->clear();
    for (const auto &f : files) {
        auto *item = new QListWidgetItem(QFileInfo(f).fileName(), m_recent);
        item->setToolTip(f);
        item->setData(Qt::UserRole, f);
    }
}

void DataDock::setLoading(bool loading, const QString &file)
{
    m_progress->setVisible(loading);
    m_cancel->setVisible(loading);
    m_loadingLabel->setVisible(loading);
    m_loadingLabel->setText(tr("Loading %1...").arg(QFileInfo(file).fileName()));
    m_progress->setValue(0);
}

void DataDock::setProgress(int value)
{
    m_progress->setValue(value);
}

void DataDock::setSummary(const QString &html)
{
    m_summary->setText(html);
}

} // namespace embex::gui
