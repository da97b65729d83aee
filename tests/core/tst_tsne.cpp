#include "project/Tsne.h"
#include <QtTest>
class TestTsne : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() {}
};
QTEST_GUILESS_MAIN(TestTsne)
#include "tst_tsne.moc"
