#include <QtTest>

class Tstcli : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("written in a following commit"); }
};

QTEST_GUILESS_MAIN(Tstcli)
#include "tst_cli.moc"
