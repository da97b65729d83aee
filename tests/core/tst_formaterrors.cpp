#include <QtTest>

class Tstformaterrors : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("written in a following commit"); }
};

QTEST_GUILESS_MAIN(Tstformaterrors)
#include "tst_formaterrors.moc"
