// The context lab's files: sentences read from a text file, the window and the occurrences
// exported.
#include "ScatterView.h"
#include "gui/ContextLab.h"
#include "util/Utf8.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QPainter>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSaveFile>

namespace embex::gui {

namespace {
/// Sentences read from a file at most (each one becomes a row of the encoder's batch).
constexpr int kMaxSentences = 2000;
} // namespace

bool ContextLab::loadSentencesFile(const QString &path)
{
    QFile f(path);
    const QFileInfo info(path);
    if (!info.isFile()) {
        showError(tr("Could not read the sentences"),
                  tr("%1 is not a regular file").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    constexpr qint64 kMaxBytes = 16 << 20;
    if (info.size() > kMaxBytes) {
        showError(tr("Could not read the sentences"),
                  tr("%1 has %2 bytes; the context lab reads at most %3 (%4 sentences)")
                      .arg(QDir::toNativeSeparators(path))
                      .arg(info.size())
                      .arg(kMaxBytes)
                      .arg(kMaxSentences));
        return false;
    }
    if (!f.open(QIODevice::ReadOnly)) {
        showError(tr("Could not read the sentences"),
                  tr("%1: %2").arg(QDir::toNativeSeparators(path), f.errorString()));
        return false;
    }
    const QByteArray bytes = f.read(kMaxBytes + 1);
    const std::string_view view(bytes.constData(), std::size_t(bytes.size()));
    if (const std::size_t i = firstInvalidUtf8(view); i < view.size()) {
        showError(tr("Could not read the sentences"),
                  tr("%1: not UTF-8 text (invalid byte 0x%2 at offset %3)")
                      .arg(QDir::toNativeSeparators(path))
                      .arg(uint(std::uint8_t(view[i])), 2, 16, QLatin1Char('0'))
                      .arg(i));
        return false;
    }
    const QString text = QString::fromUtf8(bytes);
    QStringList lines;
    for (const QString &line : text.split('\n')) {
        const QString s = line.trimmed();
        if (!s.isEmpty())
            lines << s;
    }
    if (lines.size() > kMaxSentences) {
        setStatus(tr("Kept the first %1 of %2 sentences.").arg(kMaxSentences).arg(lines.size()),
                  true);
        lines = lines.mid(0, kMaxSentences);
    }
    m_sentences->setPlainText(lines.join('\n'));
    return true;
}

QImage ContextLab::renderWindow()
{
    // The GL views draw their overlays (labels, legend) with QPainter on their own frames, which
    // grab() leaves out: paint each view's full rendering over its place.
    QImage image = grab().toImage();
    QPainter painter(&image);
    for (render::ScatterView *view : {m_contextView, m_staticView})
        if (view && view->isVisible())
            painter.drawImage(view->mapTo(this, QPoint(0, 0)), view->renderImage(view->size()));
    return image;
}

bool ContextLab::exportPng(const QString &path)
{
    QSaveFile file(path);
    const QImage image = renderWindow();
    if (image.isNull() || !file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") ||
        !file.commit()) {
        showError(tr("Export PNG"), tr("%1: could not be written: %2")
                                        .arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    return true;
}

bool ContextLab::exportCsv(const QString &path)
{
    if (!m_study || m_study->occurrences.empty()) {
        showError(tr("Export CSV"), tr("Nothing to export yet: analyse some sentences first."));
        return false;
    }
    const auto quote = [](const QString &field) {
        QString q = field;
        q.replace('"', QStringLiteral("\"\""));
        return field.contains(QRegularExpression(QStringLiteral("[\",\r\n]")))
                   ? QStringLiteral("\"%1\"").arg(q)
                   : field;
    };
    const std::size_t l = std::size_t(layer());
    const RowMatrix vectors = m_study->vectorsAt(l);
    const RowVector mean = vectors.colwise().mean();
    QByteArray out = "occurrence,sentence,word,sense,layer,x,y,cosine_to_mean,nearest_tokens,"
                     "masked_guesses,text\n";
    for (std::size_t k = 0; k < m_study->occurrences.size(); ++k) {
        const Occurrence &o = m_study->occurrences[k];
        const double denom = double(vectors.row(Eigen::Index(k)).norm()) * double(mean.norm());
        const double toMean =
            denom > 0 ? double(vectors.row(Eigen::Index(k)).dot(mean)) / denom : 0.0;
        QStringList nearest, guesses;
        for (const TokenScore &t : o.nearest[l])
            nearest << QString::fromStdString(t.token);
        for (const TokenScore &t : o.predictions)
            guesses << QString::fromStdString(t.token);
        const QStringList fields{
            QString::number(k + 1),
            QString::number(o.target.sentence + 1),
            quote(QString::fromStdString(o.target.word)),
            QString::number(m_senses[k] + 1),
            QString::number(l),
            QString::number(double(m_lab->frames[l](Eigen::Index(k), 0)), 'g', 7),
            QString::number(double(m_lab->frames[l](Eigen::Index(k), 1)), 'g', 7),
            QString::number(toMean, 'g', 7),
            quote(nearest.join(' ')),
            quote(guesses.join(' ')),
            quote(QString::fromStdString(m_study->analysis.sentences[o.target.sentence].text))};
        out += fields.join(',').toUtf8() + '\n';
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(out) != out.size() || !file.commit()) {
        showError(tr("Export CSV"), tr("%1: could not be written: %2")
                                        .arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    return true;
}

void ContextLab::chooseTextFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load sentences (one per line)"), {},
                                                      tr("Text (*.txt);;All files (*)"));
    if (!path.isEmpty() && loadSentencesFile(path))
        analyse();
}

} // namespace embex::gui
