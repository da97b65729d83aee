// The WordPiece tokenizer against Hugging Face's: the 46 reference tokenizations of llama.cpp's
// BERT vocabulary test (accents, CJK, emoji, whitespace runs, punctuation), then offsets back to
// the text, special tokens, the unknown-word rules, the vocabulary files and the JSON parser
// that reads tokenizer.json.
#include "contextual/JsonValue.h"
#include "contextual/WordPiece.h"
#include "util/FormatError.h"

#include <QtTest>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace embex;

namespace {

const std::string kFixtures = EMBEX_FIXTURES "/bert/";

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const WordPieceTokenizer &uncased()
{
    static const WordPieceTokenizer tok(
        WordPieceTokenizer::readVocabTxt(kFixtures + "bert-base-uncased-vocab.txt"));
    return tok;
}

/// The pieces' tokens, "##" included, joined by spaces.
QString pieces(const WordPieceTokenizer &tok, const Tokenization &t)
{
    QStringList out;
    for (const auto &p : t.pieces)
        out << QString::fromStdString(tok.token(p.id));
    return out.join(' ');
}

/// The text of each piece's byte range, joined by '|'.
QString spans(std::string_view text, const Tokenization &t)
{
    QStringList out;
    for (const auto &p : t.pieces)
        out << QString::fromUtf8(text.substr(p.begin, p.end - p.begin));
    return out.join('|');
}

} // namespace

class TstWordPiece : public QObject
{
    Q_OBJECT
private slots:
    void huggingFaceReference_data();
    void huggingFaceReference();
    void offsetsAndWords_data();
    void offsetsAndWords();
    void specialTokensAreMatchedVerbatim();
    void unknownWords();
    void casedTokenizerKeepsCaseAndAccents();
    void decomposedAndComposedAccentsAgree();
    void invalidUtf8IsDropped();
    void vocabTxtLineEndings();
    void tokenizerJsonMatchesVocabTxt();
    void folderWithoutVocabularyIsAnError();
    void jsonAcceptsValidDocuments();
    void jsonErrors_data();
    void jsonErrors();
    void jsonDepthLimit();
};

void TstWordPiece::huggingFaceReference_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");
    const std::string inp = readAll(kFixtures + "ggml-vocab-bert-bge.gguf.inp");
    const std::string out = readAll(kFixtures + "ggml-vocab-bert-bge.gguf.out");
    const std::string sep = "\n__ggml_vocab_test__\n";
    std::vector<std::string> inputs, outputs;
    for (std::size_t pos = 0, next; (next = inp.find(sep, pos)) != std::string::npos;
         pos = next + sep.size())
        inputs.push_back(inp.substr(pos, next - pos));
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
        outputs.push_back(line);
    QCOMPARE(inputs.size(), std::size_t(46));
    QCOMPARE(outputs.size(), inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i)
        QTest::addRow("%02zu", i) << QByteArray::fromStdString(inputs[i])
                                  << QString::fromStdString(outputs[i]).trimmed();
}

void TstWordPiece::huggingFaceReference()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    const Tokenization t = uncased().tokenize(input.toStdString());
    QStringList ids;
    for (std::int32_t id : t.ids())
        ids << QString::number(id);
    QCOMPARE(ids.join(' '), expected);
}

void TstWordPiece::offsetsAndWords_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("tokens");
    QTest::addColumn<QString>("pieceText");
    QTest::addColumn<int>("words");
    QTest::newRow("ascii") << "The bank's unaffable."
                           << "the bank ' s una ##ffa ##ble ."
                           << "The|bank|'|s|una|ffa|ble|." << 6;
    QTest::newRow("accents") << "Äpfel über"
                             << "ap ##fe ##l uber"
                             << "Äp|fe|l|über" << 2;
    QTest::newRow("cjk") << "我想在apple"
                         << "我 [UNK] [UNK] apple"
                         << "我|想|在|apple" << 4;
    QTest::newRow("dotted capital I") << "İstanbul"
                                      << "istanbul"
                                      << "İstanbul" << 1;
    QTest::newRow("spaces") << "  a\u2028b\u3000c "
                            << "a b c"
                            << "a|b|c" << 3;
    QTest::newRow("hangul") << "한"
                            << "ᄒ ##ᅡ ##ᆫ"
                            << "한|한|한" << 1;
}

void TstWordPiece::offsetsAndWords()
{
    QFETCH(QString, text);
    QFETCH(QString, tokens);
    QFETCH(QString, pieceText);
    QFETCH(int, words);
    const std::string utf8 = text.toStdString();
    const Tokenization t = uncased().tokenize(utf8);
    QCOMPARE(pieces(uncased(), t), tokens);
    QCOMPARE(spans(utf8, t), pieceText);
    QCOMPARE(int(t.words.size()), words);
    for (const auto &p : t.pieces) { // each piece lies inside its word
        QVERIFY(p.word < t.words.size());
        QVERIFY(t.words[p.word].begin <= p.begin && p.end <= t.words[p.word].end);
    }
}

void TstWordPiece::specialTokensAreMatchedVerbatim()
{
    const std::string text = "[CLS] The [MASK] flows.[SEP][mask]";
    const Tokenization t = uncased().tokenize(text);
    QCOMPARE(pieces(uncased(), t), QString("[CLS] the [MASK] flows . [SEP] [ mask ]"));
    QCOMPARE(t.pieces[2].id, uncased().maskId());
    QCOMPARE(spans(text, t), QString("[CLS]|The|[MASK]|flows|.|[SEP]|[|mask|]"));
    QCOMPARE(uncased().clsId(), 101);
    QCOMPARE(uncased().sepId(), 102);
    QCOMPARE(uncased().maskId(), 103);
    QCOMPARE(uncased().padId(), 0);
    QCOMPARE(uncased().unkId(), 100);
}

void TstWordPiece::unknownWords()
{
    // Over 100 characters: one [UNK] for the whole word, whatever it holds.
    const std::string longWord(101, 'a');
    Tokenization t = uncased().tokenize("x " + longWord + " y");
    QCOMPARE(pieces(uncased(), t), QString("x [UNK] y"));
    QCOMPARE(t.pieces[1].begin, std::size_t(2));
    QCOMPARE(t.pieces[1].end, std::size_t(103));
    t = uncased().tokenize(std::string(100, 'a'));
    QVERIFY(t.pieces.size() > 1);
    QVERIFY(t.pieces[0].id != uncased().unkId());
    // A word with a character no piece covers becomes a single [UNK] (not a partial split).
    const std::string text = "abc\u2603def";
    t = uncased().tokenize(text);
    QCOMPARE(pieces(uncased(), t), QString("[UNK]"));
    QCOMPARE(spans(text, t), QString::fromStdString(text));
}

void TstWordPiece::casedTokenizerKeepsCaseAndAccents()
{
    std::vector<std::string> vocab = {"[UNK]", "Hello", "hello", "wörld", "world", "##s", "!"};
    WordPieceOptions o;
    o.lowercase = false;
    const WordPieceTokenizer cased(vocab, o);
    QCOMPARE(pieces(cased, cased.tokenize("Hello wörlds!")), QString("Hello wörld ##s !"));
    o.stripAccents = true;
    const WordPieceTokenizer stripped(vocab, o);
    QCOMPARE(pieces(stripped, stripped.tokenize("Hello wörlds!")), QString("Hello world ##s !"));
    o.lowercase = true;
    o.stripAccents = false;
    const WordPieceTokenizer lowerOnly(vocab, o);
    QCOMPARE(pieces(lowerOnly, lowerOnly.tokenize("HELLO WÖRLD")), QString("hello wörld"));
}

void TstWordPiece::decomposedAndComposedAccentsAgree()
{
    // é precomposed, e + U+0301, and marks in non-canonical order all strip to "e".
    const auto a = uncased().tokenize("caf\u00e9").ids();
    QCOMPARE(uncased().tokenize("cafe\u0301").ids(), a);
    QCOMPARE(uncased().tokenize("cafe\u0301\u0323").ids(), uncased().tokenize("cafe").ids());
    QCOMPARE(a, uncased().tokenize("cafe").ids());
}

void TstWordPiece::invalidUtf8IsDropped()
{
    const std::string text = "good\xff\xfe day\xc3";
    const Tokenization t = uncased().tokenize(text);
    QCOMPARE(pieces(uncased(), t), QString("good day"));
    QCOMPARE(t.pieces[1].begin, std::size_t(7));
    QCOMPARE(t.pieces[1].end, std::size_t(10));
}

void TstWordPiece::vocabTxtLineEndings()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("vocab.txt").toStdString();
    std::ofstream(path, std::ios::binary) << "[UNK]\r\nfoo\rbar\n\nbaz";
    const auto vocab = WordPieceTokenizer::readVocabTxt(path);
    QCOMPARE(vocab, (std::vector<std::string>{"[UNK]", "foo", "bar", "", "baz"}));
    std::ofstream(path, std::ios::binary) << "[UNK]\nok\n\xc3\x28\n";
    try {
        WordPieceTokenizer::readVocabTxt(path);
        QFAIL("invalid UTF-8 accepted");
    } catch (const FormatError &e) {
        QCOMPARE(e.place(), FormatError::Place::Line);
        QCOMPARE(e.position(), std::uint64_t(3));
    }
    std::ofstream(path, std::ios::binary) << "";
    QVERIFY_THROWS_EXCEPTION(FormatError, WordPieceTokenizer::readVocabTxt(path));
}

void TstWordPiece::tokenizerJsonMatchesVocabTxt()
{
    // The fixture's tokenizer.json and vocab.txt hold the same vocabulary.
    const auto fromJson = WordPieceTokenizer::fromFolder(kFixtures + "bert-f16");
    const auto fromTxt = WordPieceTokenizer::fromFolder(kFixtures + "bert-mlm-f32");
    QCOMPARE(fromJson.vocabSize(), fromTxt.vocabSize());
    QVERIFY(fromJson.options().lowercase);
    QVERIFY(fromTxt.options().lowercase); // decided from the vocabulary: no uppercase tokens
    for (const char *s : {"The river bank was steep.", "She went to the [MASK] to get money!",
                          "Unknowable ÉLAN, 42 times"})
        QCOMPARE(fromJson.tokenize(s).ids(), fromTxt.tokenize(s).ids());
    QCOMPARE(fromJson.maskId(), fromTxt.maskId());
}

void TstWordPiece::folderWithoutVocabularyIsAnError()
{
    QTemporaryDir dir;
    try {
        WordPieceTokenizer::fromFolder(dir.path().toStdString());
        QFAIL("no error");
    } catch (const std::runtime_error &e) {
        QVERIFY2(std::string(e.what()).find("no tokenizer.json or vocab.txt") != std::string::npos,
                 e.what());
    }
}

void TstWordPiece::jsonAcceptsValidDocuments()
{
    const JsonValue v = parseJson(
        R"( {"a": [1, -2, 3.5e2, true, false, null], "s": "x\u00e9\ud83d\ude00\n\"",
             "big": 18446744073709551615, "neg": -9223372036854775808, "e": {}} )");
    QVERIFY(v.isObject());
    const JsonValue *a = v.find("a");
    QVERIFY(a && a->isArray() && a->asArray().size() == 6);
    QCOMPARE(a->asArray()[1].asInt64().value(), std::int64_t(-2));
    QCOMPARE(a->asArray()[2].asDouble(), 350.0);
    QVERIFY(!a->asArray()[2].asInt64());
    QVERIFY(a->asArray()[5].isNull());
    QCOMPARE(v.find("s")->asString(), std::string("x\xc3\xa9\xf0\x9f\x98\x80\n\""));
    QCOMPARE(v.find("big")->asUint64().value(), UINT64_MAX);
    QCOMPARE(v.find("neg")->asInt64().value(), INT64_MIN);
    QVERIFY(!v.find("big")->asInt64());
    QVERIFY(v.find("e")->asObject().empty());
    QCOMPARE(v.find("a")->offset(), std::size_t(7));
}

void TstWordPiece::jsonErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("trailing comma") << QByteArray("{\"a\": 1,}")
                                    << "line 1, column 9: expected "
                                       "a string key, found '}'";
    QTest::newRow("second line") << QByteArray("{\n  \"a\": tru}")
                                 << "line 2, column 8: unexpected 't', expected a value";
    QTest::newRow("comment") << QByteArray("{} // x")
                             << "line 1, column 4: unexpected '/' after "
                                "the end of the JSON value";
    QTest::newRow("leading zero") << QByteArray("[01]")
                                  << "line 1, column 2: number with a leading zero";
    QTest::newRow("nan") << QByteArray("[NaN]")
                         << "line 1, column 2: unexpected 'N', expected a "
                            "value";
    QTest::newRow("control char") << QByteArray("[\"a\tb\"]")
                                  << "line 1, column 4: unescaped control character (byte 0x09) "
                                     "in a string";
    QTest::newRow("bad utf8") << QByteArray("[\"\xc3\x28\"]")
                              << "line 1, column 3: invalid UTF-8 in a string";
    QTest::newRow("lone surrogate")
        << QByteArray("[\"\\udc00\"]") << "line 1, column 3: lone low surrogate in a \\u escape";
    QTest::newRow("duplicate key")
        << QByteArray("{\"a\": 1, \"a\": 2}") << "line 1, column 15: duplicate key \"a\"";
    QTest::newRow("overflow") << QByteArray("[1e999]")
                              << "line 1, column 2: number 1e999 is out of the double precision "
                                 "range";
    QTest::newRow("unterminated") << QByteArray("[\"abc")
                                  << "line 1, column 2: unterminated "
                                     "string";
    QTest::newRow("empty") << QByteArray("  ")
                           << "line 1, column 3: empty text, expected a JSON "
                              "value";
}

void TstWordPiece::jsonErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    try {
        parseJson(text.toStdString());
        QFAIL("no error");
    } catch (const JsonError &e) {
        QCOMPARE(QString::fromUtf8(e.what()), message);
    }
}

void TstWordPiece::jsonDepthLimit()
{
    const std::string deep = std::string(64, '[') + std::string(64, ']');
    QVERIFY(parseJson(deep).isArray());
    const std::string deeper = std::string(65, '[') + std::string(65, ']');
    QVERIFY_THROWS_EXCEPTION(JsonError, parseJson(deeper));
    JsonLimits small;
    small.maxBytes = 4;
    QVERIFY_THROWS_EXCEPTION(JsonError, parseJson("[1, 2]", small));
    // A million nested brackets fail on the limit, not on the stack.
    QVERIFY_THROWS_EXCEPTION(JsonError, parseJson(std::string(1000000, '[')));
}

QTEST_APPLESS_MAIN(TstWordPiece)
#include "tst_wordpiece.moc"
