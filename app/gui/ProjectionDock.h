#pragma once
// The Projection dock: method and the Project / Pause / Stop buttons first (in view at any
// window size), then the method's parameters and the subset. Appearance is AppearanceBar.
#include "gui/Subset.h"
#include "project/TsneOptions.h"

#include <QDockWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QVBoxLayout;
class QSettings;

namespace embex::gui {

struct ProjectionSettings
{
    enum class Method { Pca, Tsne };
    Method method = Method::Pca;
    TsneOptions tsne;        ///< perplexity, learning rate, iterations... (t-SNE only)
    int dims = 2;            ///< 2 or 3
    int axis[3] = {0, 1, 2}; ///< which principal component goes on x, y, z (0 = PC1)
    bool center = true;      ///< subtract the mean before PCA
    bool spherize = false;   ///< unit-normalise each vector before PCA
    SubsetOptions subset;    ///< subset.only is filled by the window when asked
    bool onlyHitsAndNeighbors = false;
};

class ProjectionDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit ProjectionDock(QWidget *parent = nullptr);

    ProjectionSettings settings() const;
    void setBusy(bool busy);
    /// t-SNE: a run is going (pause/stop enabled); KL divergence and iteration shown.
    void setTsneRunning(bool running);
    /// t-SNE progress: the status line and the progress bar both say "iteration N of M".
    void setTsneStatus(int iteration, int total, double kl);
    /// Forgets every status line of the previous set or layout (t-SNE iterations, explained
    /// variance, progress).
    void clearStatus();
    bool isTsne() const;
    void setProgress(int value, const QString &stage);
    /// Explained variance ratio of each computed component (shown next to PC1..PC10).
    void setExplainedVariance(const std::vector<double> &ratios);

    void save(QSettings &s) const;
    void restore(QSettings &s);

signals:
    void runRequested();
    void cancelRequested();
    void pauseToggled(bool paused);
    /// A t-SNE parameter changed (a running t-SNE restarts with it).
    void tsneParametersChanged();
    /// Axis choice or 2-D/3-D changed: re-slice the computed components, no recompute.
    void axesChanged();
    /// The user chose another method (the window projects at once).
    void methodChanged();
    /// A subset control changed: Top N, include, exclude, stop words, only hits (the window
    /// projects again after a short pause, so typing a number or a pattern is one layout).
    void subsetChanged();

private:
    // The constructor's phases: method, layout and the run buttons; the PCA, t-SNE and subset
    // groups; the connections.
    void createRunControls(QWidget *w, QVBoxLayout *layout);
    QGroupBox *createPcaBox(QWidget *w);
    QGroupBox *createTsneBox(QWidget *w);
    QGroupBox *createSubsetBox(QWidget *w);
    void connectSignals();
    void updateAxisLabels();
    /// Shows the chosen method's parameters and swaps in its own Top N.
    void updateMethodBoxes();

    QSpinBox *m_topN;
    QLineEdit *m_include, *m_exclude;
    QCheckBox *m_stopWords, *m_onlyHits, *m_center, *m_spherize;
    QComboBox *m_method, *m_dims, *m_axis[3];
    QWidget *m_pcaBox, *m_tsneBox;
    QDoubleSpinBox *m_perplexity, *m_learningRate, *m_exaggeration;
    QSpinBox *m_iterations, *m_seed;
    QComboBox *m_distance;
    QLabel *m_tsneStatus;
    QPushButton *m_pause;
    QLabel *m_variance;
    QPushButton *m_run, *m_cancel;
    QProgressBar *m_progress;
    std::vector<double> m_ratios;
    // Each method keeps its own "Top N words" (PCA: all; t-SNE: 10,000): a value set for one
    // never silently applies to the other.
    int m_topNOf[2] = {0, 10000};
    int m_shownMethod = 0;
};

} // namespace embex::gui
