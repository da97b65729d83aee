#include "gui/Subset.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <stdexcept>

namespace embex::gui {

namespace {
const QSet<QString> &stopWords()
{
    static const QSet<QString> words = [] {
        const char *list =
            "a about above after again against all am an and any are as at be because been "
            "before being below between both but by can could did do does doing down during "
            "each few for from further had has have having he her here hers herself him "
            "himself his how i if in into is it its itself just me more most my myself no nor "
            "not now of off on once only or other our ours ourselves out over own same she "
            "should so some such than that the their theirs them themselves then there these "
            "they this those through to too under until up very was we were what when where "
            "which while who whom why will with would you your yours yourself yourselves "
            // Further function words a map labelled for a class should not lead with.
            "also although among another around cannot could either else ever however "
            "like many may might much must neither never nevertheless often onto per perhaps "
            "rather shall since still though thus together toward towards unless upon us "
            "via whatever whenever whereas wherever whether whichever within without yet "
            "i'm i've i'd i'll you're you've we're we've they're they've he's she's it's "
            "that's there's what's isn't aren't wasn't weren't don't doesn't didn't won't "
            "wouldn't can't couldn't shouldn't "
            "'s 's n't , . ; : ! ? \" ' ( ) [ ] { } - -- ... ` `` '' / & *";
        QSet<QString> s;
        for (const auto &w : QString::fromLatin1(list).split(' ', Qt::SkipEmptyParts))
            s.insert(w);
        return s;
    }();
    return words;
}

QRegularExpression compile(const QString &pattern, const char *what)
{
    QRegularExpression re(pattern, QRegularExpression::UseUnicodePropertiesOption);
    if (!re.isValid())
        throw std::invalid_argument(
            std::string(what) + " pattern '" + pattern.toStdString() +
            "' is not a valid regular expression: " + re.errorString().toStdString() +
            " at offset " + std::to_string(re.patternErrorOffset()));
    re.optimize();
    return re;
}
} // namespace

bool isStopWord(const QString &word)
{
    return stopWords().contains(word.toLower());
}

std::vector<WordId> selectSubset(const EmbeddingSet &set, const SubsetOptions &o)
{
    const bool useInclude = !o.include.isEmpty(), useExclude = !o.exclude.isEmpty();
    const QRegularExpression inc =
        useInclude ? compile(o.include, "include") : QRegularExpression();
    const QRegularExpression exc =
        useExclude ? compile(o.exclude, "exclude") : QRegularExpression();
    std::vector<WordId> candidates;
    if (!o.only.empty()) {
        candidates = o.only;
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
        candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                        [&](WordId id) { return id >= set.size(); }),
                         candidates.end());
    } else {
        candidates.reserve(set.size());
        for (std::size_t i = 0; i < set.size(); ++i)
            candidates.push_back(WordId(i));
    }
    std::vector<WordId> out;
    out.reserve(candidates.size());
    for (WordId id : candidates) {
        if (o.topN > 0 && out.size() >= o.topN)
            break;
        if (!useInclude && !useExclude && !o.hideStopWords) {
            out.push_back(id);
            continue;
        }
        const QString w = QString::fromStdString(set.word(id));
        if (o.hideStopWords && isStopWord(w))
            continue;
        if (useInclude && !inc.match(w).hasMatch())
            continue;
        if (useExclude && exc.match(w).hasMatch())
            continue;
        out.push_back(id);
    }
    return out;
}

} // namespace embex::gui
