// The safetensors reader: the real fixture files, F32/F16/BF16/F64 conversion, and the catalogue
// of malformed files, each of which must give a FormatError naming the file, the byte offset and
// the rule.
#include "contextual/Safetensors.h"
#include "util/FormatError.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

using namespace embex;

namespace {

QByteArray u64(std::uint64_t v)
{
    QByteArray out(8, '\0');
    std::memcpy(out.data(), &v, 8);
    return out;
}

template <typename T> QByteArray raw(std::initializer_list<T> values)
{
    QByteArray out;
    for (T v : values)
        out.append(reinterpret_cast<const char *>(&v), sizeof v);
    return out;
}

/// A file: header length, header, data.
QByteArray file(const QByteArray &header, const QByteArray &data)
{
    return u64(std::uint64_t(header.size())) + header + data;
}

} // namespace

class TstSafetensors : public QObject
{
    Q_OBJECT
private slots:
    void readsFixture();
    void convertsDtypes();
    void emptyTensorsAndPadding();
    void malformed_data();
    void malformed();
    void nonFiniteValuesAreNamed();
    void wrongDtypeForConversion();
    void directoryAndMissingFile();

private:
    std::string write(const QString &name, const QByteArray &bytes);
    QTemporaryDir m_dir;
};

std::string TstSafetensors::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
    return path.toStdString();
}

void TstSafetensors::readsFixture()
{
    const SafetensorsFile f(EMBEX_FIXTURES "/bert/bert-mlm-f32/model.safetensors");
    QCOMPARE(f.metadata().at("format"), std::string("pt"));
    const SafetensorsTensor *emb = f.find("bert.embeddings.word_embeddings.weight");
    QVERIFY(emb);
    QCOMPARE(emb->dtype, SafetensorsDtype::F32);
    QCOMPARE(emb->shape.size(), std::size_t(2));
    QCOMPARE(emb->shape[1], std::uint64_t(32));
    QCOMPARE(emb->elements, emb->shape[0] * 32);
    QCOMPARE(emb->end - emb->begin, emb->elements * 4);
    QVERIFY(emb->begin >= f.dataOffset());
    const std::vector<float> v = f.toFloat(*emb);
    QCOMPARE(v.size(), std::size_t(emb->elements));
    float first;
    std::memcpy(&first, f.bytes(*emb).data(), 4);
    QCOMPARE(v[0], first);
    const SafetensorsTensor *pos = f.find("bert.embeddings.position_ids");
    QVERIFY(pos);
    QCOMPARE(pos->dtype, SafetensorsDtype::I64);
    const auto ids = f.toInt64(*pos);
    QCOMPARE(ids.size(), std::size_t(64));
    QCOMPARE(ids[63], std::int64_t(63));
    QVERIFY(!f.find("no.such.tensor"));
}

void TstSafetensors::convertsDtypes()
{
    // F16: 1, -2.5, 65504 (largest), 2^-24 (smallest subnormal), -0.
    const QByteArray f16 = raw<std::uint16_t>({0x3C00, 0xC100, 0x7BFF, 0x0001, 0x8000});
    // BF16: 1, -2.5, 3.3895e38 (largest finite), 2^-133 (a subnormal).
    const QByteArray bf16 = raw<std::uint16_t>({0x3F80, 0xC020, 0x7F7F, 0x0001});
    const QByteArray f64 = raw<double>({0.1, -1e-300, 3e38});
    const QByteArray f32 = raw<float>({1.5f, -0.0f});
    const QByteArray header = R"({"h":{"dtype":"F16","shape":[5],"data_offsets":[0,10]},)"
                              R"("b":{"dtype":"BF16","shape":[2,2],"data_offsets":[10,18]},)"
                              R"("d":{"dtype":"F64","shape":[3],"data_offsets":[18,42]},)"
                              R"("f":{"dtype":"F32","shape":[1,2],"data_offsets":[42,50]}})";
    const SafetensorsFile f(write("dtypes.safetensors", file(header, f16 + bf16 + f64 + f32)));
    QCOMPARE(f.tensors().size(), std::size_t(4));
    QCOMPARE(f.toFloat(*f.find("h")),
             (std::vector<float>{1.0f, -2.5f, 65504.0f, std::ldexp(1.0f, -24), -0.0f}));
    QVERIFY(std::signbit(f.toFloat(*f.find("h"))[4]));
    QCOMPARE(f.toFloat(*f.find("b")),
             (std::vector<float>{1.0f, -2.5f, 0x1.FEp127f, std::ldexp(1.0f, -133)}));
    QCOMPARE(f.toFloat(*f.find("d")), (std::vector<float>{0.1f, -0.0f, 3e38f}));
    QCOMPARE(f.toFloat(*f.find("f")), (std::vector<float>{1.5f, -0.0f}));
    QCOMPARE(f.find("b")->shapeText(), std::string("[2, 2]"));
}

void TstSafetensors::emptyTensorsAndPadding()
{
    // Zero-element tensors may share an offset; the header may be padded with spaces; a scalar
    // has shape [] and one element.
    const QByteArray header = R"({"__metadata__":{"k":"v"},)"
                              R"("e1":{"dtype":"F32","shape":[0,4],"data_offsets":[0,0]},)"
                              R"("e2":{"dtype":"F16","shape":[0],"data_offsets":[0,0]},)"
                              R"("s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}   )";
    const SafetensorsFile f(write("empty.safetensors", file(header, raw<float>({7.0f}))));
    QCOMPARE(f.find("e1")->elements, std::uint64_t(0));
    QCOMPARE(f.toFloat(*f.find("s")), std::vector<float>{7.0f});
    QCOMPARE(f.metadata().at("k"), std::string("v"));
}

void TstSafetensors::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qulonglong>("offset");
    QTest::addColumn<QString>("rule");
    const QByteArray one = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
    const QByteArray data16(16, '\0');

    QTest::newRow("empty file") << QByteArray() << 0ull
                                << "file is 0 bytes, too short for the 8-byte header length";
    QTest::newRow("truncated length")
        << QByteArray(5, '\0') << 0ull << "file is 5 bytes, too short for the 8-byte header length";
    QTest::newRow("header past EOF") << u64(1000) + one << 0ull
                                     << "header length 1000 runs past the end of the file (63 "
                                        "bytes; truncated?)";
    QTest::newRow("huge header length")
        << u64(1ull << 40) + one << 0ull
        << "header length 1099511627776 is larger than the format's limit of 100000000 bytes "
           "(not a safetensors file?)";
    QTest::newRow("not an object")
        << file("[1, 2]", {}) << 8ull << "header must be a JSON object starting with '{'";
    QTest::newRow("bad json") << file("{\"a\": }", {}) << 14ull
                              << "header: unexpected '}', expected a value";
    QTest::newRow("truncated data")
        << file(one, QByteArray(10, '\0')) << 63ull
        << "tensor 'a' data [0, 16) end past the end of the file (the data area holds 10 bytes; "
           "truncated?)";
    QTest::newRow("overlapping offsets")
        << file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                data16)
        << 125ull << "tensors 'a' and 'b' overlap (data [0, 16) and [8, 16))";
    QTest::newRow("wrong dtype size")
        << file(R"({"a":{"dtype":"F16","shape":[4],"data_offsets":[0,16]}})", data16) << 55ull
        << "header: tensor 'a': shape [4] of F16 needs 8 bytes, data_offsets give 16";
    QTest::newRow("unknown dtype")
        << file(R"({"a":{"dtype":"F12","shape":[4],"data_offsets":[0,16]}})", data16) << 22ull
        << "header: tensor 'a': unknown dtype 'F12'";
    QTest::newRow("reversed offsets")
        << file(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[16,0]}})", data16) << 55ull
        << "header: tensor 'a': \"data_offsets\" [16, 0] end before they begin";
    QTest::newRow("negative shape")
        << file(R"({"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", data16) << 37ull
        << "header: tensor 'a': \"shape\" must hold non-negative integers";
    QTest::newRow("missing key") << file(R"({"a":{"dtype":"F32","data_offsets":[0,16]}})", data16)
                                 << 13ull << "header: tensor 'a': lacks \"shape\"";
    QTest::newRow("extra key")
        << file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16],"x":1}})", data16) << 66ull
        << "header: tensor 'a': unexpected key 'x' (a tensor has \"dtype\", \"shape\" and "
           "\"data_offsets\")";
    QTest::newRow("duplicate tensor")
        << file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                R"("a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
                data16)
        << 67ull << "header: duplicate key \"a\"";
    QTest::newRow("shape overflow")
        << file(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})",
                data16)
        << 75ull
        << "header: tensor 'a': shape [4294967296, 4294967296] of F32 needs more than 2^64 bytes, "
           "data_offsets give 16";
    QTest::newRow("metadata value") << file(R"({"__metadata__":{"k":1}})", {}) << 29ull
                                    << "header: \"__metadata__\" value 'k' must be a string";
}

void TstSafetensors::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(qulonglong, offset);
    QFETCH(QString, rule);
    const std::string path = write("bad.safetensors", bytes);
    try {
        SafetensorsFile f(path);
        QFAIL("accepted");
    } catch (const FormatError &e) {
        QCOMPARE(QString::fromStdString(e.rule()), rule);
        QCOMPARE(e.place(), FormatError::Place::Byte);
        QCOMPARE(qulonglong(e.position()), offset);
        QCOMPARE(QString::fromStdString(e.path()), QString::fromStdString(path));
        QVERIFY(QString(e.what()).startsWith(QString::fromStdString(path) + ": byte "));
    }
}

void TstSafetensors::nonFiniteValuesAreNamed()
{
    const QByteArray header = R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
                              R"("h":{"dtype":"F16","shape":[2],"data_offsets":[12,16]}})";
    const std::string path =
        write("nan.safetensors",
              file(header, raw<float>({1.0f, std::numeric_limits<float>::quiet_NaN(), 2.0f}) +
                               raw<std::uint16_t>({0x3C00, 0x7C00})));
    const SafetensorsFile f(path);
    try {
        f.toFloat(*f.find("w"));
        QFAIL("NaN accepted");
    } catch (const FormatError &e) {
        QCOMPARE(QString::fromStdString(e.rule()), QString("tensor 'w' element 1 is NaN"));
        QCOMPARE(e.position(), f.dataOffset() + 4);
    }
    try {
        f.toFloat(*f.find("h"));
        QFAIL("Inf accepted");
    } catch (const FormatError &e) {
        QCOMPARE(QString::fromStdString(e.rule()), QString("tensor 'h' element 1 is infinite"));
        QCOMPARE(e.position(), f.dataOffset() + 14);
    }
    QVERIFY(std::isnan(f.toFloat(*f.find("w"), true)[1]));
}

void TstSafetensors::wrongDtypeForConversion()
{
    const QByteArray header = R"({"i":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},)"
                              R"("f":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
    const SafetensorsFile f(
        write("ints.safetensors", file(header, raw<std::int32_t>({-3, 7}) + raw<float>({1, 2}))));
    QCOMPARE(f.toInt64(*f.find("i")), (std::vector<std::int64_t>{-3, 7}));
    try {
        f.toFloat(*f.find("i"));
        QFAIL("converted I32");
    } catch (const FormatError &e) {
        QCOMPARE(QString::fromStdString(e.rule()),
                 QString("tensor 'i' has dtype I32; expected F32, F16, BF16 or F64"));
    }
    QVERIFY_THROWS_EXCEPTION(FormatError, f.toInt64(*f.find("f")));
}

void TstSafetensors::directoryAndMissingFile()
{
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, SafetensorsFile(m_dir.path().toStdString()));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             SafetensorsFile(m_dir.filePath("none").toStdString()));
}

QTEST_APPLESS_MAIN(TstSafetensors)
#include "tst_safetensors.moc"
