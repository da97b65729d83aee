// Training corpora: the tokenizer's rules (whitespace, punctuation, lower-casing of UTF-8
// letters, invalid UTF-8, token and sentence limits), sentence splitting (per line and running
// text), long lines, the vocabulary against a brute-force count (min-count, max-size, pruning),
// cached and streaming passes, gzip input, and the error messages.
#include "train/Corpus.h"

#include <QtTest>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <vector>
#include <zlib.h>

using namespace embex;

namespace {

using Tokens = std::vector<std::string>;

Tokens tokens(std::string_view line, TokenizerOptions o = {})
{
    Tokens out;
    tokenizeLine(line, o, out);
    return out;
}

QStringList toQt(const Tokens &t)
{
    QStringList l;
    for (const auto &s : t)
        l << QString::fromStdString(s);
    return l;
}

void writeText(const std::string &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

void writeGzip(const std::string &path, const std::string &text)
{
    gzFile gz = gzopen(path.c_str(), "wb");
    QVERIFY(gz);
    QCOMPARE(gzwrite(gz, text.data(), unsigned(text.size())), int(text.size()));
    gzclose(gz);
}

std::vector<Tokens> readAll(const std::string &path, TokenizerOptions o = {})
{
    CorpusReader reader(path, o);
    std::vector<Tokens> out;
    Tokens t;
    while (reader.next(t))
        out.push_back(t);
    return out;
}

/// Deterministic pseudo-random text: `lines` lines of words from a skewed vocabulary, with
/// punctuation, capitals and blank lines mixed in.
std::string randomText(int lines, std::uint32_t seed)
{
    std::uint64_t state = seed;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return std::uint32_t(state >> 33);
    };
    const char *decorations[] = {"", "", "", ",", ".", "(", "\"", "!"};
    std::string text;
    for (int l = 0; l < lines; ++l) {
        if (next() % 20 == 0) {
            text += "\n";
            continue;
        }
        const int words = 1 + int(next() % 15);
        for (int w = 0; w < words; ++w) {
            const std::uint32_t r = next() % 1000;
            const std::uint32_t id = r * r / 2000; // skewed towards small ids
            std::string word = "w" + std::to_string(id);
            if (next() % 7 == 0)
                word[0] = 'W';
            const char *d = decorations[next() % 8];
            if (*d == '(' || *d == '"')
                word = d + word;
            else
                word += d;
            text += word;
            text += (next() % 5 == 0) ? "\t" : " ";
        }
        text += "\n";
    }
    return text;
}

} // namespace

class TestCorpus : public QObject
{
    Q_OBJECT

private slots:
    void whitespace();
    void punctuation_data();
    void punctuation();
    void keepPunctuation();
    void lowercase_data();
    void lowercase();
    void keepCase();
    void invalidUtf8();
    void longTokensDropped();
    void sentencePerLine();
    void runningText();
    void maxSentenceWords();
    void longLines();
    void readerRewindAndFraction();
    void vocabularyMatchesBruteForce();
    void minCountAndMaxSize();
    void pruningWarning();
    void cachedAndStreamingPassesAgree();
    void gzipInput();
    void fromSentences();
    void errors();

private:
    std::string path(const char *name) const { return m_dir.filePath(name).toStdString(); }
    QTemporaryDir m_dir;
};

void TestCorpus::whitespace()
{
    QCOMPARE(toQt(tokens("a b\tc\nd\re\vf\fg")), QStringList({"a", "b", "c", "d", "e", "f", "g"}));
    // U+00A0 (no-break space) and U+3000 (ideographic space) separate tokens too.
    QCOMPARE(toQt(tokens("a\xC2\xA0"
                         "b\xE3\x80\x80"
                         "c")),
             QStringList({"a", "b", "c"}));
    QCOMPARE(toQt(tokens("   leading  and   trailing   ")),
             QStringList({"leading", "and", "trailing"}));
    QVERIFY(tokens("").empty());
    QVERIFY(tokens(" \t ").empty());
}

void TestCorpus::punctuation_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("ascii") << "(word, \"quoted\" end." << QStringList({"word", "quoted", "end"});
    QTest::newRow("inner kept") << "don't u.s. term-end 3.14 e-mail"
                                << QStringList({"don't", "u.s", "term-end", "3.14", "e-mail"});
    QTest::newRow("only punctuation dropped") << "a -- ... ?! b" << QStringList({"a", "b"});
    QTest::newRow("brown quotes") << "`` no evidence ''" << QStringList({"no", "evidence"});
    QTest::newRow("unicode quotes")
        << QString::fromUtf8("«bonjour» “hi” ‘yes’ ¿qué? ¡olé!")
        << QStringList(
               {"bonjour", "hi", "yes", QString::fromUtf8("qué"), QString::fromUtf8("olé")});
    QTest::newRow("dashes and ellipsis")
        << QString::fromUtf8("—well… –so ‹x› „y‚") << QStringList({"well", "so", "x", "y"});
    QTest::newRow("inner unicode kept")
        << QString::fromUtf8("rock’n’roll") << QStringList({QString::fromUtf8("rock’n’roll")});
    QTest::newRow("digits kept") << "1,000 (1961)" << QStringList({"1,000", "1961"});
}

void TestCorpus::punctuation()
{
    QFETCH(QString, line);
    QFETCH(QStringList, expected);
    QCOMPARE(toQt(tokens(line.toStdString())), expected);
}

void TestCorpus::keepPunctuation()
{
    TokenizerOptions o;
    o.punctuation = TokenizerOptions::Punctuation::Keep;
    o.lowercase = false;
    QCOMPARE(toQt(tokens("(Word, \"quoted\" end. -- ...", o)),
             QStringList({"(Word,", "\"quoted\"", "end.", "--", "..."}));
}

void TestCorpus::lowercase_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("expected");
    QTest::newRow("ascii") << "HeLLo"
                           << "hello";
    QTest::newRow("latin-1") << QString::fromUtf8("ÉCOLE ÀÖØÞ") << QString::fromUtf8("école àöøþ");
    QTest::newRow("multiplication sign kept")
        << QString::fromUtf8("A×B") << QString::fromUtf8("a×b");
    QTest::newRow("sharp s kept") << QString::fromUtf8("STRAßE") << QString::fromUtf8("straße");
    QTest::newRow("latin extended-a")
        << QString::fromUtf8("ĀĞŁŃŒŠŸŽ") << QString::fromUtf8("āğłńœšÿž");
    QTest::newRow("lower stays") << QString::fromUtf8("āğłńœšÿž") << QString::fromUtf8("āğłńœšÿž");
    QTest::newRow("greek") << QString::fromUtf8("ΑΘΗΝΑ ΣΩΚΡΑΤΗΣ Ά Έ Ό Ώ")
                           << QString::fromUtf8("αθηνα σωκρατησ ά έ ό ώ");
    QTest::newRow("cyrillic") << QString::fromUtf8("МОСКВА ЁЖ Ђ")
                              << QString::fromUtf8("москва ёж ђ");
    QTest::newRow("three-byte kept")
        << QString::fromUtf8("ＡＢＣ Ⅻ") << QString::fromUtf8("ＡＢＣ Ⅻ");
}

void TestCorpus::lowercase()
{
    QFETCH(QString, word);
    QFETCH(QString, expected);
    QCOMPARE(toQt(tokens(word.toStdString())).join(' '), expected);
}

void TestCorpus::keepCase()
{
    TokenizerOptions o;
    o.lowercase = false;
    QCOMPARE(toQt(tokens("The ÉCOLE", o)), QStringList({"The", QString::fromUtf8("ÉCOLE")}));
}

void TestCorpus::invalidUtf8()
{
    // Invalid bytes become U+FFFD (EF BF BD); the rest of the line is unaffected.
    const Tokens t = tokens("caf\xE9 ok \xC3 Bad\xFF"
                            "End");
    QCOMPARE(int(t.size()), 4);
    QCOMPARE(t[0], std::string("caf\xEF\xBF\xBD"));
    QCOMPARE(t[1], std::string("ok"));
    QCOMPARE(t[2], std::string("\xEF\xBF\xBD"));
    QCOMPARE(t[3], std::string("bad\xEF\xBF\xBD"
                               "end"));
}

void TestCorpus::longTokensDropped()
{
    const std::string hundred(100, 'a'), longer(101, 'b');
    QCOMPARE(toQt(tokens(hundred + " " + longer + " c")),
             QStringList({QString::fromStdString(hundred), "c"}));
    // The limit applies after stripping punctuation.
    QCOMPARE(int(tokens("(" + hundred + ")").size()), 1);
    TokenizerOptions o;
    o.maxTokenBytes = 3;
    QCOMPARE(toQt(tokens("abc abcd ab", o)), QStringList({"abc", "ab"}));
}

void TestCorpus::sentencePerLine()
{
    const std::string file = path("lines.txt");
    writeText(file, "First line. Still first!\n\n  \nSecond, line\r\n-- ...\nthird");
    const auto s = readAll(file);
    QCOMPARE(int(s.size()), 3); // blank and punctuation-only lines are no sentences
    QCOMPARE(toQt(s[0]), QStringList({"first", "line", "still", "first"}));
    QCOMPARE(toQt(s[1]), QStringList({"second", "line"}));
    QCOMPARE(toQt(s[2]), QStringList({"third"}));
}

void TestCorpus::runningText()
{
    const std::string file = path("prose.txt");
    writeText(file, "It was a dark night. The rain\nfell! Did it stop? No\n\nnew paragraph "
                    "here\n(\"quoted.\") after ... the end");
    TokenizerOptions o;
    o.sentencePerLine = false;
    const auto s = readAll(file, o);
    std::vector<QStringList> expected{
        {"it", "was", "a", "dark", "night"},
        {"the", "rain", "fell"},
        {"did", "it", "stop"},
        {"no"},                                          // ended by the blank line
        {"new", "paragraph", "here", "quoted", "after"}, // '.")' does not end it
        {"the", "end"}};                                 // '...' does
    QCOMPARE(s.size(), expected.size());
    for (std::size_t i = 0; i < s.size(); ++i)
        QCOMPARE(toQt(s[i]), expected[i]);
}

void TestCorpus::maxSentenceWords()
{
    const std::string file = path("long-sentence.txt");
    writeText(file, "a b c d e f g\nh i\n");
    TokenizerOptions o;
    o.maxSentenceWords = 3;
    auto s = readAll(file, o);
    QCOMPARE(int(s.size()), 4);
    QCOMPARE(toQt(s[0]), QStringList({"a", "b", "c"}));
    QCOMPARE(toQt(s[2]), QStringList({"g"}));
    QCOMPARE(toQt(s[3]), QStringList({"h", "i"}));
    o.sentencePerLine = false;
    s = readAll(file, o);
    QCOMPARE(int(s.size()), 3); // running text: no sentence end, one long sentence cut in 3
    QCOMPARE(toQt(s[2]), QStringList({"g", "h", "i"}));
}

void TestCorpus::longLines()
{
    // A 17 MiB line (over the 16 MiB cap) of "ab " (3 bytes, so the cap falls inside a token):
    // every token survives whole, none is cut at the cap.
    const std::string file = path("long-line.txt");
    const std::size_t repeats = (std::size_t(17) << 20) / 3;
    {
        std::string line;
        line.reserve(repeats * 3 + 8);
        for (std::size_t i = 0; i < repeats; ++i)
            line += "ab ";
        writeText(file, line + "\nlast line\n");
    }
    TokenizerOptions o;
    o.maxSentenceWords = std::size_t(1) << 30;
    CorpusReader reader(file, o);
    Tokens t;
    std::size_t total = 0;
    std::vector<Tokens> other;
    while (reader.next(t)) {
        if (!t.empty() && t[0] == "last") {
            other.push_back(t);
            continue;
        }
        for (const auto &tok : t)
            QCOMPARE(tok, std::string("ab"));
        total += t.size();
    }
    QCOMPARE(total, repeats);
    QCOMPARE(int(other.size()), 1);
    QCOMPARE(toQt(other[0]), QStringList({"last", "line"}));
}

void TestCorpus::readerRewindAndFraction()
{
    const std::string file = path("rewind.txt");
    writeText(file, randomText(500, 3));
    CorpusReader reader(file, {});
    QCOMPARE(reader.fraction(), 0.0);
    std::vector<Tokens> first;
    Tokens t;
    while (reader.next(t))
        first.push_back(t);
    QCOMPARE(reader.fraction(), 1.0);
    QVERIFY(reader.line() >= 500);
    reader.rewind();
    std::vector<Tokens> second;
    while (reader.next(t))
        second.push_back(t);
    QVERIFY(first == second);
    QVERIFY(!first.empty());
}

void TestCorpus::vocabularyMatchesBruteForce()
{
    const std::string text = randomText(3000, 1);
    const std::string file = path("vocab.txt");
    writeText(file, text);
    // Brute force: split the text into lines ourselves and count every token.
    std::map<std::string, std::uint64_t> counts;
    std::uint64_t tokensTotal = 0, sentences = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        const Tokens t = tokens(std::string_view(text).substr(pos, end - pos));
        if (!t.empty())
            ++sentences;
        for (const auto &w : t) {
            ++counts[w];
            ++tokensTotal;
        }
        pos = end + 1;
    }
    TrainingCorpus::Options o;
    o.vocab.minCount = 20;
    const auto corpus = TrainingCorpus::open(file, o);
    const Vocabulary &v = corpus->vocabulary();
    QCOMPARE(v.corpusWords(), tokensTotal);
    QCOMPARE(v.sentences(), sentences);
    QCOMPARE(v.distinctWords(), std::uint64_t(counts.size()));
    std::vector<std::pair<std::string, std::uint64_t>> kept;
    std::uint64_t keptTokens = 0;
    for (const auto &[w, c] : counts)
        if (c >= 20) {
            kept.emplace_back(w, c);
            keptTokens += c;
        }
    std::sort(kept.begin(), kept.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    QCOMPARE(v.size(), kept.size());
    QVERIFY(kept.size() > 100 && kept.size() < counts.size());
    for (std::size_t i = 0; i < kept.size(); ++i) {
        QCOMPARE(v.word(std::uint32_t(i)), kept[i].first);
        QCOMPARE(v.count(std::uint32_t(i)), kept[i].second);
        QCOMPARE(v.find(kept[i].first), std::optional<std::uint32_t>(std::uint32_t(i)));
    }
    QCOMPARE(v.trainWords(), keptTokens);
    QVERIFY(!v.find("w999999"));
    QVERIFY(v.warnings().empty());
    // The cached ids are the kept tokens in order.
    QCOMPARE(std::uint64_t(corpus->cachedIds().size()), keptTokens);
}

void TestCorpus::minCountAndMaxSize()
{
    std::vector<std::pair<std::string, std::uint64_t>> counts{
        {"c", 5}, {"a", 10}, {"b", 10}, {"d", 1}, {"e", 4}};
    VocabOptions o;
    o.minCount = 4;
    Vocabulary v(counts, o);
    QCOMPARE(v.size(), std::size_t(4));
    QCOMPARE(v.words(), (std::vector<std::string>{"a", "b", "c", "e"})); // ties by byte order
    QCOMPARE(v.trainWords(), std::uint64_t(29));
    QCOMPARE(v.corpusWords(), std::uint64_t(30));
    QCOMPARE(v.distinctWords(), std::uint64_t(5));
    o.maxSize = 2;
    Vocabulary capped(counts, o);
    QCOMPARE(capped.words(), (std::vector<std::string>{"a", "b"}));
    QCOMPARE(capped.trainWords(), std::uint64_t(20));
    o.minCount = 1;
    o.maxSize = 0;
    QCOMPARE(Vocabulary(counts, o).size(), std::size_t(5));
}

void TestCorpus::pruningWarning()
{
    // "the" in every line, plus 3,000 distinct rare words: tracking at most 50 words forces
    // word2vec.c-style pruning of the rare ones.
    std::string text;
    for (int i = 0; i < 3000; ++i)
        text += "the rare" + std::to_string(i) + " the\n";
    const std::string file = path("prune.txt");
    writeText(file, text);
    TrainingCorpus::Options o;
    o.vocab.maxTrackedWords = 50;
    o.vocab.minCount = 1;
    const auto corpus = TrainingCorpus::open(file, o);
    const Vocabulary &v = corpus->vocabulary();
    QCOMPARE(int(v.warnings().size()), 1);
    const QString w = QString::fromStdString(v.warnings()[0]);
    QVERIFY2(w.startsWith("more than 50 distinct words: rare words were dropped while counting"),
             qPrintable(w));
    QCOMPARE(v.word(0), std::string("the"));
    QVERIFY(v.count(0) > 5000 && v.count(0) <= 6000);
    QVERIFY(v.size() <= 51);
    QCOMPARE(v.corpusWords(), std::uint64_t(9000));
}

void TestCorpus::cachedAndStreamingPassesAgree()
{
    const std::string file = path("passes.txt");
    writeText(file, randomText(2000, 7));
    TrainingCorpus::Options cachedOptions, streamingOptions;
    cachedOptions.vocab.minCount = 4;
    streamingOptions.vocab.minCount = 4;
    streamingOptions.cacheLimitWords = 0;
    const auto cached = TrainingCorpus::open(file, cachedOptions);
    const auto streaming = TrainingCorpus::open(file, streamingOptions);
    QVERIFY(cached->cached());
    QVERIFY(!streaming->cached());
    QVERIFY(streaming->cachedIds().empty());
    QCOMPARE(cached->vocabulary().words(), streaming->vocabulary().words());
    for (int round = 0; round < 2; ++round) { // a second pass starts again from the top
        auto a = cached->pass();
        auto b = streaming->pass();
        std::vector<std::uint32_t> ia, ib;
        std::size_t sentences = 0;
        for (;;) {
            const bool moreA = a.next(ia);
            // Streaming passes also return sentences whose words were all dropped (empty);
            // the cached ids leave them out.
            bool moreB;
            while ((moreB = b.next(ib)) && ib.empty()) {
            }
            QCOMPARE(moreA, moreB);
            if (!moreA)
                break;
            QVERIFY(!ia.empty());
            QCOMPARE(ia, ib);
            ++sentences;
        }
        QCOMPARE(sentences, cached->cachedOffsets().size() - 1);
        QCOMPARE(a.fraction(), 1.0);
        QCOMPARE(b.fraction(), 1.0);
    }
}

void TestCorpus::gzipInput()
{
    const std::string text = randomText(1000, 5);
    writeText(path("plain.txt"), text);
    writeGzip(path("packed.txt.gz"), text);
    writeGzip(path("packed-no-extension"), text);
    const auto plain = TrainingCorpus::open(path("plain.txt"), {});
    for (const char *name : {"packed.txt.gz", "packed-no-extension"}) {
        const auto gz = TrainingCorpus::open(path(name), {});
        QCOMPARE(gz->vocabulary().words(), plain->vocabulary().words());
        QCOMPARE(gz->vocabulary().counts(), plain->vocabulary().counts());
        QCOMPARE(gz->cachedIds(), plain->cachedIds());
        QCOMPARE(gz->cachedOffsets(), plain->cachedOffsets());
    }
}

void TestCorpus::fromSentences()
{
    VocabOptions o;
    o.minCount = 2;
    const auto c = TrainingCorpus::fromSentences({{"a", "b", "a"}, {"c"}, {"b", "a"}}, o);
    QCOMPARE(c->vocabulary().words(), (std::vector<std::string>{"a", "b"}));
    QCOMPARE(c->vocabulary().sentences(), std::uint64_t(3));
    QCOMPARE(c->vocabulary().corpusWords(), std::uint64_t(6));
    QCOMPARE(c->cachedIds(), (std::vector<std::uint32_t>{0, 1, 0, 1, 0}));
    QCOMPARE(c->cachedOffsets(), (std::vector<std::uint64_t>{0, 3, 5})); // "c" dropped
}

void TestCorpus::errors()
{
    auto message = [](auto &&f) -> QString {
        try {
            f();
        } catch (const std::runtime_error &e) {
            return QString::fromStdString(e.what());
        }
        return {};
    };
    const std::string missing = path("missing.txt");
    QString m = message([&] { TrainingCorpus::open(missing, {}); });
    QVERIFY2(m.startsWith(QString::fromStdString(missing) + ": cannot open"), qPrintable(m));
    m = message([&] { TrainingCorpus::open(m_dir.path().toStdString(), {}); });
    QVERIFY2(m.endsWith("is a directory, not a file"), qPrintable(m));

    writeText(path("empty.txt"), "");
    m = message([&] { TrainingCorpus::open(path("empty.txt"), {}); });
    QCOMPARE(m, QString::fromStdString(path("empty.txt")) + ": the corpus has no words");
    writeText(path("punct.txt"), "-- ... !!\n\n");
    m = message([&] { TrainingCorpus::open(path("punct.txt"), {}); });
    QVERIFY2(m.endsWith(": the corpus has no words"), qPrintable(m));

    writeText(path("rare.txt"), "alpha beta alpha\ngamma alpha beta\n");
    m = message([&] { TrainingCorpus::open(path("rare.txt"), {}); });
    QCOMPARE(m, QString::fromStdString(path("rare.txt")) +
                    ": no word occurs 5 times or more (3 distinct words, most frequent 'alpha' 3 "
                    "times); lower min-count");
    m = message([&] { TrainingCorpus::fromSentences({}, {}); });
    QVERIFY2(m.endsWith("the corpus has no words"), qPrintable(m));
}

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
