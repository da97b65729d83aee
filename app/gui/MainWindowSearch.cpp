// MainWindow's word-level state: search, selection, neighbours and box-selected words, and
// how they are drawn on the points of the current layout (see MainWindow.h).
#include "ScatterView.h"
#include "gui/MainWindow.h"
#include "gui/SearchDock.h"
#include "gui/SelectionDock.h"

#include <QRegularExpression>
#include <QStatusBar>

namespace embex::gui {

namespace {
constexpr int kMaxHitsListed = 500;
constexpr std::size_t kMaxHitsHighlighted = 5000;
} // namespace

std::optional<WordId> MainWindow::findWord(const QString &word) const
{
    if (!m_set)
        return std::nullopt;
    if (auto id = m_set->find(word.toStdString()))
        return id;
    // "Einstein" in a lower-cased set is "einstein"; in a cased set without "Einstein" the
    // most frequent spelling that differs only in case.
    if (m_lowerCased) {
        if (auto id = m_set->find(word.toLower().toStdString()))
            return id;
        return std::nullopt;
    }
    for (qsizetype i = 0; i < m_words.size(); ++i)
        if (m_words[i].compare(word, Qt::CaseInsensitive) == 0)
            return WordId(i);
    return std::nullopt;
}

void MainWindow::runSearch(const QString &text, bool regex)
{
    m_hits.clear();
    m_exactHits = 0;
    QStringList listed;
    int total = 0;
    const QString q = text.trimmed();
    if (m_set && !q.isEmpty()) {
        QRegularExpression re;
        if (regex) {
            re = QRegularExpression(q, QRegularExpression::CaseInsensitiveOption |
                                           QRegularExpression::UseUnicodePropertiesOption);
            if (!re.isValid()) {
                m_searchDock->setHits({}, 0, 0);
                m_searchDock->setMessage(
                    tr("invalid regular expression: %1").arg(re.errorString()));
                refreshMarks();
                return;
            }
        }
        // Exact matches (case-insensitive) first, then words starting with the query, then the
        // other matches; each group in frequency order.
        std::vector<WordId> exact, prefix, other;
        for (qsizetype i = 0; i < m_words.size(); ++i) {
            const QString &w = m_words[i];
            if (w.compare(q, Qt::CaseInsensitive) == 0)
                exact.push_back(WordId(i));
            else if (regex ? re.match(w).hasMatch() : w.contains(q, Qt::CaseInsensitive))
                (!regex && w.startsWith(q, Qt::CaseInsensitive) ? prefix : other)
                    .push_back(WordId(i));
        }
        // A pattern's exact hits are the words it matches whole (e.g. "king|queen").
        if (regex) {
            const QRegularExpression whole(QRegularExpression::anchoredPattern(q),
                                           re.patternOptions());
            std::vector<WordId> rest;
            for (WordId id : other)
                (whole.match(m_words[qsizetype(id)]).hasMatch() ? exact : rest).push_back(id);
            std::sort(exact.begin(), exact.end());
            other = std::move(rest);
        }
        m_exactHits = exact.size();
        total = int(exact.size() + prefix.size() + other.size());
        for (const auto *group : {&exact, &prefix, &other})
            for (WordId id : *group) {
                if (m_hits.size() < kMaxHitsHighlighted)
                    m_hits.push_back(id);
                if (listed.size() < kMaxHitsListed)
                    listed << m_words[qsizetype(id)];
            }
        m_exactHits = std::min(m_exactHits, m_hits.size());
    }
    m_searchDock->setHits(listed, total, int(m_exactHits));
    refreshMarks();
}

bool MainWindow::selectWord(const QString &word)
{
    if (!m_set)
        return false;
    const QString trimmed = word.trimmed();
    m_notice.clear(); // a new choice: the note about the last change of set has been read
    if (auto id = findWord(trimmed)) {
        m_selected = *id;
        m_subwordSelection.clear();
        const QString found = QString::fromStdString(m_set->word(*id));
        if (found != trimmed)
            statusBar()->showMessage(
                m_lowerCased ? tr("Showing '%1': every word of this set is lower-case").arg(found)
                             : tr("Showing '%1' (no '%2' in this set)").arg(found, trimmed),
                6000);
    } else if (auto v = m_set->vectorFor(trimmed.toStdString())) {
        m_selected.reset();
        m_subwordSelection = trimmed;
        m_neighbors = m_index->search(v->data(), std::size_t(m_searchDock->k()));
        m_searchDock->neighborModel()->setNeighbors(m_set, m_neighbors);
        m_searchDock->setSelectedWord(trimmed + tr(" (subword vector)"));
        refreshMarks();
        updateStatus();
        return true;
    } else {
        statusBar()->showMessage(tr("'%1' is not in the vocabulary").arg(trimmed), 5000);
        return false;
    }
    updateNeighbors();
    updateStatus();
    return true;
}

void MainWindow::updateNeighbors()
{
    if (!m_set)
        return;
    if (!m_selected) {
        if (!m_subwordSelection.isEmpty())
            selectWord(m_subwordSelection); // k changed: search again
        return;
    }
    m_neighbors = neighborsOf(*m_index, *m_selected, std::size_t(m_searchDock->k()));
    m_searchDock->neighborModel()->setNeighbors(m_set, m_neighbors);
    m_searchDock->setSelectedWord(QString::fromStdString(m_set->word(*m_selected)));
    refreshMarks();
    if (!m_projection.ids.empty() && pointOf(*m_selected) < 0)
        statusBar()->showMessage(tr("'%1' is not in the projected subset")
                                     .arg(QString::fromStdString(m_set->word(*m_selected))),
                                 5000);
}

void MainWindow::clearSelection()
{
    m_selected.reset();
    m_subwordSelection.clear();
    m_neighbors.clear();
    m_searchDock->neighborModel()->clear();
    m_searchDock->setSelectedWord({});
    refreshMarks();
    updateStatus();
}

void MainWindow::markWords(std::vector<WordId> ids)
{
    m_marked = std::move(ids);
    QStringList words;
    for (WordId id : m_marked)
        words << m_words.value(qsizetype(id));
    m_selectionDock->setWords(words);
    if (!m_marked.empty()) {
        m_selectionDock->show();
        m_selectionDock->raise();
        statusBar()->showMessage(tr("%n word(s) selected: listed under Selection; Z zooms to "
                                    "them",
                                    nullptr, int(m_marked.size())),
                                 5000);
    }
    refreshMarks();
}

void MainWindow::refreshMarks()
{
    // The table greys the neighbours the map does not show (outside the words laid out).
    m_searchDock->neighborModel()->setOnMap(
        [this](WordId id) { return m_projection.ids.empty() || pointOf(id) >= 0; });
    if (!m_view)
        return;
    auto points = [this](auto first, auto last) {
        std::vector<int> out;
        for (auto it = first; it != last; ++it)
            if (int p = pointOf(*it); p >= 0)
                out.push_back(p);
        return out;
    };
    const auto split = m_hits.begin() + std::ptrdiff_t(m_exactHits);
    m_view->setHighlights(points(m_hits.begin(), split));
    m_view->setSoftHighlights(points(split, m_hits.end()));
    m_view->setMarked(points(m_marked.begin(), m_marked.end()));
    const int p = m_selected ? pointOf(*m_selected) : -1;
    std::vector<int> nb;
    if (p >= 0)
        for (const auto &n : m_neighbors)
            if (int q = pointOf(n.id); q >= 0)
                nb.push_back(q);
    m_view->setSelection(p, std::move(nb));
}

QString MainWindow::tooltipFor(int point) const
{
    if (!m_set || point < 0 || std::size_t(point) >= m_projection.ids.size())
        return {};
    const WordId id = m_projection.ids[std::size_t(point)];
    auto nb = neighborsOf(*m_index, id, 5);
    QStringList names;
    for (const auto &n : nb)
        names << QString::fromStdString(m_set->word(n.id));
    return tr("<b>%1</b><br>frequency rank %2<br>neighbours: %3")
        .arg(m_projection.labels[point].toHtmlEscaped())
        .arg(id + 1)
        .arg(names.join(", ").toHtmlEscaped());
}

} // namespace embex::gui
