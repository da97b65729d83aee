#pragma once
// Where tests find the data files the repository keeps once: test-only files in tests/fixtures/
// (EMBEX_FIXTURES) and the files Embex ships, which tests read from resources/ (EMBEX_RESOURCES).
#include <QString>

namespace embex::test {

/// A shipped evaluation set (resources/eval/): questions-words.txt, wordsim353.tsv, simlex999.txt.
inline QString evalSet(const char *name)
{
    return QStringLiteral(EMBEX_RESOURCES "/eval/") + QString::fromUtf8(name);
}

} // namespace embex::test
