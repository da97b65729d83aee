// The context lab's views: everything that follows the study, the layer and the threshold.
#include "ScatterView.h"
#include "gui/ColorScheme.h"
#include "gui/ContextLab.h"
#include "gui/Heatmap.h"
#include "gui/LineChart.h"
#include "project/Pca.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>
#include <QTableWidget>
#include <QTextBrowser>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace embex::gui {

namespace {

/// Neighbours of the static word shown around it.
constexpr std::size_t kStaticNeighbors = 12;

QString fromStd(const std::string &s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString joinTokens(const std::vector<TokenScore> &tokens, bool probabilities)
{
    QStringList parts;
    for (const TokenScore &t : tokens)
        parts
            << (probabilities
                    ? QStringLiteral("%1 %2").arg(fromStd(t.token)).arg(double(t.score), 0, 'f', 2)
                    : fromStd(t.token));
    return parts.join(QStringLiteral(", "));
}

} // namespace

QString ContextLab::occurrenceText(int k, bool bracket) const
{
    if (!m_study || k < 0 || k >= int(m_study->occurrences.size()))
        return {};
    const ContextTarget &t = m_study->occurrences[std::size_t(k)].target;
    const std::string &text = m_study->analysis.sentences[t.sentence].text;
    if (!bracket)
        return fromStd(text);
    return QStringLiteral("%1: %2[%3]%4")
        .arg(k + 1)
        .arg(fromStd(text.substr(0, t.span.begin)), fromStd(t.word),
             fromStd(text.substr(t.span.end)));
}

void ContextLab::updateViews(bool animate)
{
    const int l = layer();
    m_thresholdLabel->setText(tr("Senses at cosine %1:").arg(threshold(), 0, 'f', 2));
    if (!m_study || m_study->occurrences.empty()) {
        m_layerLabel->setText(tr("Layer -"));
        m_senses.clear();
        m_heatmap->clear();
        m_table->setRowCount(0);
        m_chart->clearPoints();
        emit viewsUpdated(l);
        return;
    }
    const int last = int(m_study->layerCount()) - 1;
    m_layerLabel->setText(l == 0 ? tr("Layer 0 of %1 (embeddings)").arg(last)
                                 : tr("Layer %1 of %2").arg(l).arg(last));
    const Eigen::MatrixXf &cos = m_lab->layers[std::size_t(l)].cosine;
    m_senses = clusterByCosine(cos, threshold());
    const int groups = senseCount();
    m_thresholdLabel->setText(
        tr("Senses at cosine %1: %2").arg(threshold(), 0, 'f', 3).arg(groups));

    const std::size_t n = m_study->occurrences.size();
    QStringList labels, details;
    for (std::size_t k = 0; k < n; ++k) {
        labels << QString::number(k + 1);
        details << occurrenceText(int(k), true);
    }
    if (m_contextView) {
        std::vector<float> xyz(n * 3, 0.0f);
        const RowMatrix &f = m_lab->frames[std::size_t(l)];
        for (std::size_t k = 0; k < n; ++k) {
            xyz[3 * k] = f(Eigen::Index(k), 0);
            xyz[3 * k + 1] = f(Eigen::Index(k), 1);
        }
        std::vector<std::uint32_t> colors(n);
        render::Legend legend;
        legend.kind = render::Legend::Kind::Categorical;
        legend.title = tr("Sense groups");
        std::vector<int> sizes(std::size_t(groups), 0);
        for (std::size_t k = 0; k < n; ++k) {
            colors[k] = categoricalColor(m_senses[k]).rgba();
            ++sizes[std::size_t(m_senses[k])];
        }
        for (int g = 0; g < groups && g < 10; ++g)
            legend.entries.append(
                {tr("sense %1 (%2)").arg(g + 1).arg(sizes[std::size_t(g)]), categoricalColor(g)});
        QStringList pointLabels;
        for (std::size_t k = 0; k < n; ++k) {
            const ContextTarget &t = m_study->occurrences[k].target;
            pointLabels << QStringLiteral("%1 %2").arg(k + 1).arg(fromStd(t.word));
        }
        const bool sameCount = m_contextView->pointCount() == int(n);
        m_contextView->setLayout(std::move(xyz), false, animate && sameCount);
        m_contextView->setLabels(pointLabels);
        m_contextView->setColors(std::move(colors));
        m_contextView->setLegend(std::move(legend));
        if (!sameCount)
            m_contextView->fitView(false);
    }
    // Heatmap ordered by sense (stable: within a sense, sentence order).
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return m_senses[std::size_t(a)] < m_senses[std::size_t(b)];
    });
    m_heatmap->setMatrix(cos, labels, details, order, m_senses);
    updateTable();
    updateChart();
    updateSentenceView();
    emit viewsUpdated(l);
}

void ContextLab::updateTable()
{
    const int l = layer();
    const std::size_t n = m_study->occurrences.size();
    m_table->horizontalHeaderItem(3)->setText(tr("Nearest tokens (layer %1)").arg(l));
    m_table->setColumnHidden(4, !m_study->hasPredictions);
    const int selected = m_table->currentRow();
    m_table->setRowCount(int(n));
    for (std::size_t k = 0; k < n; ++k) {
        const Occurrence &o = m_study->occurrences[k];
        const int row = int(k);
        auto set = [&](int column, const QString &text, const QString &tip = {}) {
            auto *item = m_table->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                m_table->setItem(row, column, item);
            }
            item->setText(text);
            item->setToolTip(tip.isEmpty() ? text : tip);
        };
        set(0, QString::number(k + 1));
        set(1, QString::number(m_senses[k] + 1));
        m_table->item(row, 1)->setForeground(categoricalColor(m_senses[k]));
        set(2, occurrenceText(row, true).section(QStringLiteral(": "), 1));
        set(3, joinTokens(o.nearest[std::size_t(l)], false),
            tr("Vocabulary tokens whose input embeddings are nearest (cosine) to this "
               "occurrence's vector at layer %1")
                .arg(l));
        set(4, joinTokens(o.predictions, true),
            tr("What the model predicts when the word is replaced by [MASK] (probabilities)"));
    }
    if (selected >= 0 && selected < int(n))
        m_table->selectRow(selected);
    m_table->resizeColumnToContents(0);
    m_table->resizeColumnToContents(1);
}

void ContextLab::updateChart()
{
    const std::size_t layers = m_study->layerCount();
    m_chart->setXRange(0, double(std::max<std::size_t>(1, layers - 1)));
    const auto points = [](const std::vector<double> &values) {
        QVector<QPointF> p;
        for (std::size_t l = 0; l < values.size(); ++l)
            if (std::isfinite(values[l]))
                p.append(QPointF(double(l), values[l]));
        return p;
    };
    m_chart->setPoints(m_selfSeries, points(selfSimilarity()));
    m_chart->setPoints(m_baselineSeries, points(m_study->baseline));
    m_chart->setPoints(m_gapSeries, points(senseGaps()));
    m_chart->setMarker(double(layer()));
}

void ContextLab::updateSentenceView()
{
    QString html;
    const auto &sentences = m_study->analysis.sentences;
    // Occurrences per sentence, for highlighting.
    std::vector<std::vector<std::size_t>> bySentence(sentences.size());
    for (std::size_t k = 0; k < m_study->occurrences.size(); ++k)
        bySentence[m_study->occurrences[k].target.sentence].push_back(k);
    for (std::size_t s = 0; s < sentences.size(); ++s) {
        const ContextSentence &cs = sentences[s];
        html +=
            QStringLiteral("<p style='margin:2px'><span style='color:gray'>%1.</span> ").arg(s + 1);
        std::size_t at = 0;
        for (const ByteSpan &w : cs.tokens.words) {
            if (w.begin < at)
                continue;
            html += fromStd(cs.text.substr(at, w.begin - at)).toHtmlEscaped();
            const QString word = fromStd(cs.text.substr(w.begin, w.end - w.begin)).toHtmlEscaped();
            int occurrence = -1;
            for (std::size_t k : bySentence[s]) {
                const ByteSpan &t = m_study->occurrences[k].target.span;
                if (w.begin >= t.begin && w.end <= t.end)
                    occurrence = int(k);
            }
            const QString href = QStringLiteral("w:%1:%2:%3").arg(s).arg(w.begin).arg(w.end);
            if (occurrence >= 0)
                html +=
                    QStringLiteral("<a href='%1' style='color:%2;font-weight:bold;"
                                   "text-decoration:none'>%3<sub>%4</sub></a>")
                        .arg(href, categoricalColor(m_senses[std::size_t(occurrence)]).name(), word)
                        .arg(occurrence + 1);
            else
                html += QStringLiteral("<a href='%1' style='color:palette(text);"
                                       "text-decoration:none'>%2</a>")
                            .arg(href, word);
            at = w.end;
        }
        html += fromStd(cs.text.substr(std::min(at, cs.text.size()))).toHtmlEscaped();
        if (cs.truncated())
            html += QStringLiteral(" <i style='color:gray'>%1</i>").arg(tr("(cut)"));
        html += QStringLiteral("</p>");
    }
    m_sentenceView->setHtml(html);
}

void ContextLab::updateStatic()
{
    m_staticWords.clear();
    // The typed target, else the word of the studied sentences' first [marked] occurrence.
    QString word = m_word->text().trimmed();
    if (word.isEmpty() && m_study && !m_study->occurrences.empty())
        word = fromStd(m_study->occurrences.front().target.word);
    const bool wanted = m_showStatic->isChecked();
    QString message;
    std::optional<WordId> id;
    if (!wanted)
        message = tr("Static vectors hidden");
    else if (!m_staticSet || !m_staticIndex)
        message = tr("Static: open a set in the explorer (File > Open) to see the word as one "
                     "point among its static neighbours");
    else if (word.isEmpty())
        message = tr("Static (%1): type a target word to see it among its nearest words")
                      .arg(m_staticName);
    else {
        id = m_staticSet->find(word.toStdString());
        if (!id)
            id = m_staticSet->find(word.toLower().toStdString());
        if (!id)
            message = tr("Static (%1): '%2' is not in the set").arg(m_staticName, word);
    }
    if (!id) {
        m_staticTitle->setText(message);
        if (m_staticView)
            m_staticView->setLayout({}, false, false);
        return;
    }
    std::vector<WordId> rows{*id};
    for (const Neighbor &nb : neighborsOf(*m_staticIndex, *id, kStaticNeighbors))
        rows.push_back(nb.id);
    for (WordId r : rows)
        m_staticWords << fromStd(m_staticSet->word(r));
    m_staticTitle->setText(tr("Static (%1): '%2' is one point, whatever the sentence; its %3 "
                              "nearest words around it")
                               .arg(m_staticName, m_staticWords.front())
                               .arg(rows.size() - 1));
    if (!m_staticView)
        return;
    PcaOptions po;
    po.components = 2;
    po.normalizeRows = true;
    po.threads = 1;
    const PcaResult p = pca(*m_staticSet, rows, po);
    std::vector<float> xyz(rows.size() * 3, 0.0f);
    for (std::size_t k = 0; k < rows.size(); ++k)
        for (Eigen::Index c = 0; c < p.coords.cols() && c < 2; ++c)
            xyz[3 * k + std::size_t(c)] = p.coords(Eigen::Index(k), c);
    std::vector<std::uint32_t> colors(rows.size(), QColor(127, 127, 127, 220).rgba());
    colors[0] = QColor(214, 39, 40).rgba();
    m_staticView->setLayout(std::move(xyz), false, false);
    m_staticView->setLabels(m_staticWords);
    m_staticView->setColors(std::move(colors));
    m_staticView->setHighlights({0});
    m_staticView->fitView(false);
}

} // namespace embex::gui
