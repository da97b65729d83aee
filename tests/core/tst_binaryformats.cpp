#include <QtTest>

class Tstbinaryformats : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("written in a following commit"); }
};

QTEST_GUILESS_MAIN(Tstbinaryformats)
#include "tst_binaryformats.moc"
