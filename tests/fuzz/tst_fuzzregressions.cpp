// Replays every committed fuzz seed and every past fuzzer finding through the fuzzed entry
// points (tests/fuzz/FuzzTargets.cpp) in every build, so a fixed crash stays fixed even where
// libFuzzer is not available. A crash, sanitizer report or hang here fails the test.
#include "FuzzTargets.h"

#include <QtTest>

#include <fstream>
#include <iterator>

namespace {

std::vector<std::uint8_t> readAll(const QString &path)
{
    std::ifstream in(path.toStdString(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

class TestFuzzRegressions : public QObject
{
    Q_OBJECT
private slots:
    void replay_data()
    {
        QTest::addColumn<int>("target");
        for (int i = 0; i < int(embex::fuzz::targets().size()); ++i)
            QTest::newRow(embex::fuzz::targets()[std::size_t(i)].name) << i;
    }

    void replay()
    {
        QFETCH(int, target);
        const auto &t = embex::fuzz::targets()[std::size_t(target)];
        int seeds = 0;
        for (const char *kind : {"seeds", "regressions"}) {
            QDir dir(QStringLiteral(EMBEX_FUZZ_DIR "/%1/%2").arg(kind, t.name));
            for (const auto &file : dir.entryInfoList(QDir::Files, QDir::Name)) {
                auto bytes = readAll(file.filePath());
                t.run(bytes.data(), bytes.size());
                // Every prefix of a seed is a truncated file: the commonest bad input.
                if (kind == QStringLiteral("seeds")) {
                    ++seeds;
                    for (std::size_t n = 0; n < bytes.size(); n += 1 + bytes.size() / 16)
                        t.run(bytes.data(), n);
                }
            }
        }
        // A target without seeds would be fuzzed from nothing and replay nothing here.
        QVERIFY2(seeds > 0, t.name);
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
