#pragma once
// Play/Pause and a speed box that step a slider as a film: the training lab's replay of its
// snapshots (any slider of frames can use it). The slider stays the one source of the
// position: playing moves it one step per interval, pausing leaves it where it is.
#include <QWidget>

class QComboBox;
class QPushButton;
class QSlider;
class QTimer;

namespace embex::gui {

class ReplayControl : public QWidget
{
    Q_OBJECT
public:
    /// `slider` is stepped; `unit` names one step in the speed box ("snapshot").
    ReplayControl(QSlider *slider, const QString &unit, const QString &units,
                  QWidget *parent = nullptr);

    bool isPlaying() const;
    /// Milliseconds between two steps at the chosen speed (½, 1, 2, 4 or 8 steps a second).
    int intervalMs() const;

public slots:
    /// Plays from the slider's position (from its minimum when it is at the maximum); stops at
    /// the maximum.
    void play();
    void pause();

private:
    void step();

    QSlider *m_slider;
    QPushButton *m_play;
    QComboBox *m_speed;
    QTimer *m_timer;
};

} // namespace embex::gui
