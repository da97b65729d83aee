#include "gui/ReplayControl.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSlider>
#include <QTimer>

#include <cmath>

namespace embex::gui {

ReplayControl::ReplayControl(QSlider *slider, const QString &unit, const QString &units,
                             QWidget *parent)
    : QWidget(parent), m_slider(slider)
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    m_play = new QPushButton(tr("Play"), this);
    m_play->setObjectName("replayPlay");
    m_play->setToolTip(tr("Replay as a film from the %1 shown (from the first when the last is "
                          "shown); Pause keeps the position")
                           .arg(unit));
    m_speed = new QComboBox(this);
    m_speed->setObjectName("replaySpeed");
    m_speed->addItem(tr("½ %1/s").arg(unit), 0.5);
    m_speed->addItem(tr("1 %1/s").arg(unit), 1.0);
    for (double rate : {2.0, 4.0, 8.0})
        m_speed->addItem(tr("%1 %2/s").arg(rate).arg(units), rate);
    m_speed->setCurrentIndex(2);
    m_speed->setToolTip(tr("Replay speed"));
    row->addWidget(m_play);
    row->addWidget(m_speed);
    m_timer = new QTimer(this);
    m_timer->setTimerType(Qt::PreciseTimer);

    connect(m_play, &QPushButton::clicked, this, [this] { isPlaying() ? pause() : play(); });
    connect(m_timer, &QTimer::timeout, this, &ReplayControl::step);
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this] { m_timer->setInterval(intervalMs()); });
}

bool ReplayControl::isPlaying() const
{
    return m_timer->isActive();
}

int ReplayControl::intervalMs() const
{
    return int(std::lround(1000.0 / m_speed->currentData().toDouble()));
}

void ReplayControl::play()
{
    if (!isEnabled() || m_slider->maximum() <= m_slider->minimum())
        return;
    if (m_slider->value() >= m_slider->maximum())
        m_slider->setValue(m_slider->minimum());
    m_timer->start(intervalMs());
    m_play->setText(tr("Pause"));
}

void ReplayControl::pause()
{
    m_timer->stop();
    m_play->setText(tr("Play"));
}

void ReplayControl::step()
{
    if (m_slider->value() < m_slider->maximum())
        m_slider->setValue(m_slider->value() + 1);
    // At the last step the film ends (while training, the lab's view then follows the run).
    if (m_slider->value() >= m_slider->maximum())
        pause();
}

} // namespace embex::gui
