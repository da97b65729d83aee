// The bad-input catalogue: every kind of input Embex refuses (or accepts with a warning), the
// message the user sees for it (the CLI's stderr line, the window's error dialog), checked here
// and rendered as the README's table. Content rules come from BadInputCases.h (shared with
// tst_formaterrors); this test adds what is not about content: directories, FIFOs, unreadable
// files, files that change while read, loads larger than the memory available and writes
// that hit a full disk.
//
// The README's table (between the bad-input-catalogue markers) must equal what this test
// renders; `EMBEX_UPDATE_README=1 tst_badinput readmeCatalogueIsCurrent` rewrites it.
#include "contextual/BertModel.h"
#include "contextual/Safetensors.h"
#include "io/Formats.h"
#include "io/TextParsing.h"
#include "support/TestSanitizers.h"
#include "util/MappedFile.h"
#include "util/MemoryBudget.h"

#include "support/BadInputCases.h"

#include <QtEndian>
#include <QtTest>

#include <csignal>
#include <fcntl.h>
#include <functional>
#include <future>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace embex;
using test::floats;
using test::writeBytes;

namespace {

// The sanitizers reserve terabytes of address space: RLIMIT_AS cannot be tested under them.
using test::kSanitized;

const char *const kBegin = "<!-- bad-input-catalogue:begin";
const char *const kEnd = "<!-- bad-input-catalogue:end -->";

/// The message of the exception f throws, or "" if it returns.
QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

/// Pretends that only `bytes` of memory are available while it lives.
struct MemoryLimit
{
    explicit MemoryLimit(std::uint64_t bytes) { setAvailableMemoryForTesting(bytes); }
    ~MemoryLimit() { setAvailableMemoryForTesting(0); }
};

/// A file of `size` bytes that starts with `head` and is sparse after it (no disk used).
bool writeSparse(const QString &path, const QByteArray &head, qint64 size)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(head) == head.size() && f.resize(size);
}

/// Appends to the file on the first progress report, as a download still in progress would.
class GrowWhileReading : public Progress
{
public:
    GrowWhileReading(QString path, QByteArray more)
        : m_path(std::move(path)), m_more(std::move(more))
    {}
    void report(double, std::string_view) override
    {
        if (m_done)
            return;
        m_done = true;
        QFile f(m_path);
        if (f.open(QIODevice::Append))
            f.write(m_more);
    }

private:
    QString m_path;
    QByteArray m_more;
    bool m_done = false;
};

/// Runs f in a forked child and returns what it wrote to `out` (its message), or a line saying
/// how the child ended if it did not exit normally.
QString inChild(const std::function<QString()> &f)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return "pipe failed";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        const QByteArray msg = f().toUtf8();
        const ssize_t n = ::write(fds[1], msg.constData(), std::size_t(msg.size()));
        ::_exit(n == msg.size() ? 0 : 3);
    }
    ::close(fds[1]);
    QByteArray got;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
        got.append(buf, n);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "child ended with status " + QString::number(status);
    return QString::fromUtf8(got);
}

/// Saves a small set (5,000 × 100) to each file in a child process whose file size limit (1 MiB)
/// stands for a full disk: the write fails with EFBIG where it would with ENOSPC, as root or
/// not. The errors, a line each.
QString saveOnFullDisk(const QStringList &files)
{
    return inChild([&] {
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit rl{1 << 20, 1 << 20};
        ::setrlimit(RLIMIT_FSIZE, &rl);
        std::vector<std::string> words;
        for (int i = 0; i < 5000; ++i)
            words.push_back("w" + std::to_string(i));
        EmbeddingSet set(std::move(words), std::vector<float>(5000 * 100, 0.5f), 100);
        QStringList errors;
        for (const QString &file : files)
            errors << errorOf([&] { save(set, file.toStdString()); });
        return errors.join('\n');
    });
}

} // namespace

class TstBadInput : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void catalogue_data();
    void catalogue();
    void readmeCatalogueIsCurrent();
    void everyReaderRefusesFifoAndDirectory_data();
    void everyReaderRefusesFifoAndDirectory();
    void realAddressSpaceLimitRefusesLoad();
    void mappedSetSurvivesTruncation();
    void fullDiskKeepsOldFile();

private:
    struct Case
    {
        QString title;
        std::function<QString()> run; ///< the message the user sees
        QStringList expected;
        /// Shown in the table when the case cannot be observed here (see unreadable files).
        std::function<QString()> unobservable;
    };
    std::vector<Case> cases();
    QString path(const QString &name) const { return m_dir.filePath(name); }
    /// A message as the README shows it: the temporary folder left out.
    QString shown(QString message) const { return message.replace(m_dir.path() + "/", QString()); }
    QString render();

    QTemporaryDir m_dir;
};

void TstBadInput::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

std::vector<TstBadInput::Case> TstBadInput::cases()
{
    std::vector<Case> out;
    auto loadError = [this](const QString &name) {
        return errorOf([&] { load(path(name).toStdString()); });
    };
    for (const auto &c : test::badFileCases())
        out.push_back({c.title,
                       [this, c, loadError] {
                           if (!writeBytes(path(c.file), c.bytes))
                               return QString("cannot write the test file");
                           return loadError(c.file);
                       },
                       c.expected,
                       {}});
    auto warning = [this](const QString &name, const QByteArray &bytes) {
        writeBytes(path(name), bytes);
        const auto set = load(path(name).toStdString());
        QString msg = "loads; warning: ";
        for (const auto &w : set->warnings())
            msg += QString::fromStdString(w);
        return msg;
    };
    out.push_back({"invalid UTF-8 in a word (accepted)",
                   [=, this] { return warning("latin1.txt", "2 2\ncaf\xe9 1 2\nthe 3 4\n"); },
                   {"warning", "invalid UTF-8", "line 2"},
                   {}});
    out.push_back({"duplicate words (accepted)",
                   [=, this] { return warning("dup.txt", "3 2\na 1 2\nb 3 4\na 5 6\n"); },
                   {"warning", "duplicate", "'a'", "line 4"},
                   {}});
    out.push_back({"header counts larger than the file could hold",
                   [=, this] {
                       writeBytes(path("huge.txt"), "2000000000 300\nthe 0.1 0.2 0.3\n");
                       return loadError("huge.txt");
                   },
                   {"huge.txt:1", "2000000000", "bytes"},
                   {}});
    out.push_back({"safetensors: header length past the end of the file",
                   [=, this] {
                       QByteArray b(8, '\0');
                       b[0] = char(0xe8);
                       b[1] = char(0x03); // 1000
                       writeBytes(path("short.safetensors"), b + "{}");
                       return errorOf(
                           [&] { SafetensorsFile(path("short.safetensors").toStdString()); });
                   },
                   {"short.safetensors", "byte 0", "1000", "past the end"},
                   {}});
    out.push_back({"a directory",
                   [=, this] {
                       QDir(m_dir.path()).mkpath("folder.vec");
                       return loadError("folder.vec");
                   },
                   {"folder.vec", "is a directory"},
                   {}});
    out.push_back({"a FIFO (named pipe): refused, not waited on",
                   [=, this] {
                       const QString fifo = path("pipe.vec");
                       QFile::remove(fifo);
                       if (::mkfifo(fifo.toLocal8Bit().constData(), 0600) != 0)
                           return QString("mkfifo failed");
                       auto job = std::async(std::launch::async,
                                             [=, this] { return loadError("pipe.vec"); });
                       if (job.wait_for(std::chrono::seconds(10)) == std::future_status::timeout) {
                           // Release the blocked reader so that the test can end.
                           const int fd = ::open(fifo.toLocal8Bit().constData(), O_WRONLY);
                           ::close(fd);
                           return "hung: " + job.get();
                       }
                       return job.get();
                   },
                   {"pipe.vec", "not a regular file"},
                   {}});
    out.push_back({"an unreadable file (no read permission)",
                   [=, this] {
                       writeBytes(path("secret.vec"), "1 2\na 1 2\n");
                       QFile::setPermissions(path("secret.vec"), QFileDevice::Permissions());
                       const QString msg = loadError("secret.vec");
                       QFile::setPermissions(path("secret.vec"),
                                             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
                       return msg;
                   },
                   {"secret.vec", "cannot open", "Permission denied"},
                   // root reads any file: the message open() gives everyone else.
                   [=, this] {
                       return path("secret.vec") + ": cannot open: " + QString(strerror(EACCES));
                   }});
    out.push_back(
        {"a file still growing while it is read (download in progress)",
         [=, this] {
             QByteArray rows;
             for (int i = 0; i < 400; ++i)
                 rows += "w" + QByteArray::number(i) + " 0.5 -0.25 1\n";
             writeBytes(path("growing.glove"), rows);
             GrowWhileReading grow(path("growing.glove"), "late 1 2 3\n");
             // Small blocks: the first report comes before the end of the file.
             detail::setTextBlockBytesForTesting(1024);
             auto restore = qScopeGuard([] { detail::setTextBlockBytesForTesting(0); });
             LoadOptions o;
             o.format = Format::Glove;
             o.threads = 1;
             return errorOf([&] { load(path("growing.glove").toStdString(), o, grow); });
         },
         {"growing.glove", "changed while it was being read", "6690 bytes when opened, 6701 now"},
         {}});
    out.push_back(
        {"a memory-mapped file truncated while it is read",
         [=, this] {
             // One F32 tensor of 4 pages; the file then loses all but its first page.
             QByteArray header = R"({"w":{"dtype":"F32","shape":[4096],)"
                                 R"("data_offsets":[0,16384]}})";
             header = header.leftJustified((header.size() + 7) / 8 * 8, ' ');
             QByteArray len(8, '\0');
             qToLittleEndian<quint64>(quint64(header.size()), len.data());
             const QString file = path("cut.safetensors");
             writeBytes(file, len + header + QByteArray(16384, '\x01'));
             SafetensorsFile st(file.toStdString());
             ::truncate(file.toLocal8Bit().constData(), 4096);
             return errorOf([&] { st.toFloat(*st.find("w"), true); });
         },
         {"cut.safetensors", "changed while it was being read", "16456 bytes", "4096 now"},
         {}});
    out.push_back({"word2vec binary larger than the memory available",
                   [=, this] {
                       // 100,000 rows of 300 floats: sparse, so the file takes no disk space.
                       writeSparse(path("big.bin"), "100000 300\n", 11 + 100000LL * (2 + 1200));
                       MemoryLimit limit(64 << 20);
                       return loadError("big.bin");
                   },
                   {"big.bin", "needs 120.5 MiB", "126400000 bytes", "100000 × 300", "64.0 MiB",
                    "67108864 bytes"},
                   {}});
    out.push_back({"word2vec text (`--format word2vec`) larger than the memory available",
                   [=, this] {
                       // Sparse: zeros after the header, so the format must be named.
                       writeSparse(path("big.txt"), "1000000 300\n", 1000000LL * 601 + 12);
                       MemoryLimit limit(64 << 20);
                       LoadOptions o;
                       o.format = Format::Word2VecText;
                       return errorOf([&] { load(path("big.txt").toStdString(), o); });
                   },
                   {"big.txt: needs", "1264000000 bytes", "67108864 bytes"},
                   {}});
    out.push_back({"GloVe (no header: estimated from the first rows) larger than the memory "
                   "available",
                   [=, this] {
                       QByteArray rows;
                       for (int i = 0; i < 200; ++i) {
                           rows += "w" + QByteArray::number(i);
                           for (int d = 0; d < 100; ++d)
                               rows += " 0.125";
                           rows += '\n';
                       }
                       writeBytes(path("big.glove"), rows);
                       MemoryLimit limit(64 << 10);
                       return loadError("big.glove");
                   },
                   {"big.glove", "200 × 100", "92800 bytes", "65536 bytes"},
                   {}});
    out.push_back({"NumPy matrix larger than the memory available",
                   [=, this] {
                       const QByteArray head =
                           QByteArray("\x93NUMPY\x01\x00\x76\x00", 10) +
                           QByteArray("{'descr': '<f8', 'fortran_order': False, "
                                      "'shape': (200000, 300), }")
                               .leftJustified(117, ' ') +
                           "\n";
                       writeSparse(path("big.npy"), head, head.size() + 200000LL * 300 * 8);
                       MemoryLimit limit(64 << 20);
                       return loadError("big.npy");
                   },
                   {"big.npy", "252800000 bytes", "67108864 bytes"},
                   {}});
    out.push_back({"BERT model whose weights (F16, twice as large as float32) exceed the memory "
                   "available",
                   [=, this] {
                       MemoryLimit limit(100000);
                       return errorOf([&] { BertModel::load(EMBEX_FIXTURES "/bert/bert-f16"); })
                           .replace(EMBEX_FIXTURES "/bert/", QString());
                   },
                   {"bert-f16/model.safetensors", "float32", "100000 bytes"},
                   {}});
    out.push_back({"writing to a full disk (or past the file size limit)",
                   [=, this] {
                       const QString file = path("out.bin");
                       writeBytes(file, "old contents\n");
                       return saveOnFullDisk({file});
                   },
                   {"out.bin", "write failed", "File too large", "full",
                    "existing file, if any, is unchanged"},
                   {}});
    return out;
}

void TstBadInput::catalogue_data()
{
    QTest::addColumn<int>("index");
    const auto all = cases();
    for (std::size_t i = 0; i < all.size(); ++i)
        QTest::newRow(qPrintable(all[i].title)) << int(i);
}

void TstBadInput::catalogue()
{
    QFETCH(int, index);
    const Case c = cases()[std::size_t(index)];
    if (c.unobservable && ::geteuid() == 0)
        QSKIP("running as root, which reads files without read permission");
    const QString msg = c.run();
    QVERIFY2(!msg.isEmpty(), "accepted without a message");
    QVERIFY2(!msg.contains('\n'), qPrintable(msg));
    for (const QString &s : c.expected)
        QVERIFY2(msg.contains(s), qPrintable("'" + s + "' not in: " + msg));
}

QString TstBadInput::render()
{
    QString table = "| input | what the user sees (CLI error line, window's error dialog) |\n"
                    "|---|---|\n";
    for (const Case &c : cases()) {
        const QString msg = shown(c.unobservable && ::geteuid() == 0 ? c.unobservable() : c.run());
        QString cell = msg;
        cell.replace('|', "\\|");
        table += "| " + c.title + " | `" + cell + "` |\n";
    }
    return table;
}

void TstBadInput::readmeCatalogueIsCurrent()
{
    const QString readme = QStringLiteral(EMBEX_README);
    QFile f(readme);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(f.readAll());
    f.close();
    const qsizetype begin = text.indexOf(kBegin);
    QVERIFY2(begin >= 0, "README.md lacks the bad-input-catalogue markers");
    const qsizetype bodyAt = text.indexOf('\n', begin) + 1;
    const qsizetype end = text.indexOf(kEnd, bodyAt);
    QVERIFY2(end > 0, "README.md lacks the bad-input-catalogue end marker");
    const QString rendered = render();
    if (qEnvironmentVariableIntValue("EMBEX_UPDATE_README") == 1) {
        text.replace(bodyAt, end - bodyAt, rendered);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text.toUtf8());
        qInfo("README.md: catalogue rewritten");
        return;
    }
    const QString current = text.mid(bodyAt, end - bodyAt);
    if (current != rendered)
        qWarning().noquote() << "rendered catalogue:\n" << rendered;
    QVERIFY2(current == rendered, "README.md's bad-input catalogue is out of date; run "
                                  "EMBEX_UPDATE_README=1 tst_badinput readmeCatalogueIsCurrent");
}

void TstBadInput::everyReaderRefusesFifoAndDirectory_data()
{
    QTest::addColumn<int>("format");
    for (Format f : {Format::Auto, Format::Word2VecText, Format::Word2VecBinary, Format::Glove,
                     Format::FastTextBin, Format::Tsv, Format::Npy, Format::Embex})
        QTest::newRow(std::string(formatName(f)).c_str()) << int(f);
}

void TstBadInput::everyReaderRefusesFifoAndDirectory()
{
    QFETCH(int, format);
    LoadOptions o;
    o.format = Format(format);
    const QString fifo = path("reader.fifo");
    QFile::remove(fifo);
    QVERIFY(::mkfifo(fifo.toLocal8Bit().constData(), 0600) == 0);
    QDir(m_dir.path()).mkpath("reader.dir");
    for (const QString &target : {fifo, path("reader.dir")}) {
        auto job = std::async(std::launch::async,
                              [&] { return errorOf([&] { load(target.toStdString(), o); }); });
        if (job.wait_for(std::chrono::seconds(10)) == std::future_status::timeout) {
            ::close(::open(fifo.toLocal8Bit().constData(), O_WRONLY));
            QFAIL(qPrintable("blocked on " + target));
        }
        const QString msg = job.get();
        QVERIFY2(msg.startsWith(target + ": "), qPrintable(msg));
        QVERIFY2(msg.contains("not a regular file") || msg.contains("is a directory"),
                 qPrintable(msg));
    }
    // The model loader's files too.
    const QString st = errorOf([&] { SafetensorsFile(fifo.toStdString()); });
    QVERIFY2(st.contains("not a regular file"), qPrintable(st));
}

void TstBadInput::realAddressSpaceLimitRefusesLoad()
{
    if (kSanitized)
        QSKIP("the sanitizers' shadow memory leaves no room for an address-space limit");
    // A real limit, no test hook: a child process with 256 MiB of address space to spare
    // loads a (sparse) file of 2,000,000 × 300 floats, 2.4 GB. It must refuse up front with
    // the numbers, not fail to allocate or get killed.
    const QString file = path("huge-real.bin");
    QVERIFY(writeSparse(file, "2000000 300\n", 12 + 2000000LL * 1202));
    const QString msg = inChild([&] {
        std::uint64_t vm = 0;
        QFile status("/proc/self/status");
        if (status.open(QIODevice::ReadOnly))
            for (const QByteArray &line : status.readAll().split('\n'))
                if (line.startsWith("VmSize:"))
                    vm = line.mid(7).trimmed().split(' ').first().toULongLong() * 1024;
        rlimit rl{};
        rl.rlim_cur = rl.rlim_max = vm + (256 << 20);
        ::setrlimit(RLIMIT_AS, &rl);
        return errorOf([&] { load(file.toStdString()); });
    });
    QVERIFY2(msg.contains("huge-real.bin"), qPrintable(msg));
    QVERIFY2(msg.contains("needs 2.4 GiB of memory (2528000000 bytes)"), qPrintable(msg));
    QVERIFY2(msg.contains("(RLIMIT_AS)"), qPrintable(msg));
    // The available bytes are named and are below the limit given.
    const QRegularExpression avail("only [0-9.]+ MiB \\(([0-9]+) bytes\\) is available");
    const auto m = avail.match(msg);
    QVERIFY2(m.hasMatch(), qPrintable(msg));
    QVERIFY(m.captured(1).toULongLong() <= 256ull << 20);
}

void TstBadInput::mappedSetSurvivesTruncation()
{
    // An Embex float32 set is used in place from its mapping. Another program truncating the
    // file afterwards must not kill Embex with SIGBUS: the lost pages read as zeros and the
    // mapping says it was truncated.
    std::vector<std::string> words;
    for (int i = 0; i < 2000; ++i)
        words.push_back("w" + std::to_string(i));
    const EmbeddingSet original(std::move(words), std::vector<float>(2000 * 64, 0.25f), 64);
    const QString file = path("mapped.embex");
    save(original, file.toStdString());
    const auto set = load(file.toStdString());
    QCOMPARE(set->row(1999)[63], 0.25f);
    QVERIFY(::truncate(file.toLocal8Bit().constData(), 4096) == 0);
    float sum = 0;
    for (std::size_t r = 0; r < set->size(); ++r)
        sum += set->row(WordId(r))[0];
    QVERIFY(sum < 2000 * 0.25f);
    QCOMPARE(set->row(1999)[63], 0.0f);
    // A new load of the short file is refused with the file's own rule.
    const QString msg = errorOf([&] { load(file.toStdString()); });
    QVERIFY2(msg.startsWith(file + ": "), qPrintable(msg));
    // A plain mapping reports the change.
    const QString other = path("mapped.bin");
    QVERIFY(writeBytes(other, QByteArray(3 * 4096, 'x')));
    MappedFile map(other.toStdString());
    QVERIFY(::truncate(other.toLocal8Bit().constData(), 100) == 0);
    QCOMPARE(map.data()[2 * 4096 + 5], 0);
    QVERIFY(map.truncated());
    const QString changed = errorOf([&] { map.checkUnchanged(); });
    QVERIFY2(changed.contains("12288 bytes when opened, 100 now"), qPrintable(changed));
}

void TstBadInput::fullDiskKeepsOldFile()
{
    // The catalogue's full-disk case checks the message; here the files it leaves.
    const QString dir = path("full");
    QDir().mkpath(dir);
    const QString file = dir + "/vectors.embex";
    QVERIFY(writeBytes(file, "old contents\n"));
    const QString msg = saveOnFullDisk({file, file + ".gz"});
    QVERIFY2(msg.count("File too large") == 2, qPrintable(msg));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("old contents\n"));
    QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden), QStringList{"vectors.embex"});
}

QTEST_GUILESS_MAIN(TstBadInput)
#include "tst_badinput.moc"
