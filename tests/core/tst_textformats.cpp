#include <QtTest>

class Tsttextformats : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("written in a following commit"); }
};

QTEST_GUILESS_MAIN(Tsttextformats)
#include "tst_textformats.moc"
