#include "gui/ShippedLayout.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cmath>

namespace embex::gui {

namespace {
constexpr std::size_t kShippedWords = 10000;
}

ProjectionSettings shippedLayoutSettings()
{
    ProjectionSettings s;
    s.method = ProjectionSettings::Method::Tsne;
    s.dims = 2;
    s.tsne = TsneOptions{};
    s.tsne.dims = 2;
    s.subset.topN = kShippedWords;
    return s;
}

bool isShippedLayoutRequest(const ProjectionSettings &s)
{
    const ProjectionSettings d = shippedLayoutSettings();
    return s.method == d.method && s.dims == d.dims && s.subset.topN == d.subset.topN &&
           s.subset.include.isEmpty() && s.subset.exclude.isEmpty() && !s.subset.hideStopWords &&
           s.subset.only.empty() && !s.onlyHitsAndNeighbors &&
           s.tsne.perplexity == d.tsne.perplexity && s.tsne.learningRate == d.tsne.learningRate &&
           s.tsne.maxIterations == d.tsne.maxIterations &&
           s.tsne.exaggeration == d.tsne.exaggeration && s.tsne.seed == d.tsne.seed &&
           s.tsne.distance == d.tsne.distance;
}

QString shippedLayoutPath()
{
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString &folder : {QStringLiteral("/../share/embex/"), QStringLiteral("/")}) {
        const QString p = QDir::cleanPath(dir + folder + "default-glove-50k.tsne.tsv");
        if (QFileInfo(p).isFile())
            return p;
    }
    return {};
}

std::optional<ProjectionResult> readShippedLayout(const QString &path, const EmbeddingSet &set)
{
    QFile f(path);
    if (path.isEmpty() || !f.open(QIODevice::ReadOnly))
        return std::nullopt;
    ProjectionResult r;
    r.method = ProjectionSettings::Method::Tsne;
    std::vector<float> xy;
    bool header = true;
    while (!f.atEnd()) {
        QByteArray line = f.readLine();
        if (line.endsWith('\n'))
            line.chop(1);
        // Comment lines only open the file: "#" is a word of the set.
        if (header && line.startsWith('#'))
            continue;
        header = false;
        const QList<QByteArray> parts = line.split('\t');
        const WordId id = WordId(r.ids.size());
        if (parts.size() != 3 || id >= set.size() ||
            QString::fromUtf8(parts[0]) != QString::fromStdString(set.word(id)))
            return std::nullopt;
        bool okx = false, oky = false;
        const float x = parts[1].toFloat(&okx), y = parts[2].toFloat(&oky);
        if (!okx || !oky || !std::isfinite(x) || !std::isfinite(y))
            return std::nullopt;
        r.ids.push_back(id);
        r.labels << QString::fromUtf8(parts[0]);
        xy.push_back(x);
        xy.push_back(y);
    }
    if (r.ids.size() != std::min(kShippedWords, set.size()))
        return std::nullopt;
    r.coords = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, 2, Eigen::RowMajor>>(
        xy.data(), Eigen::Index(r.ids.size()), 2);
    return r;
}

} // namespace embex::gui
