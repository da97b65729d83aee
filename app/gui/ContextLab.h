#pragma once
// The context lab: one word across sentences and layers of a BERT-family model. Sentences and
// the target word on the left; in the centre the occurrences projected together (PCA at the
// chosen layer, animated when the layer changes) beside the word's static vector among its
// static neighbours (from the set open in the explorer), the layer and sense-threshold sliders,
// the cosine heatmap between occurrences and the per-layer chart of self-similarity, the
// anisotropy baseline and the sense gap; on the right, per occurrence, its sense group, its
// nearest vocabulary tokens at the layer and the model's guesses for the masked word.
#include "gui/ContextService.h"
#include "search/NeighborIndex.h"
#include "vectors/EmbeddingSet.h"

#include <QFutureWatcher>
#include <QImage>
#include <QMainWindow>
#include <QTimer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QSplitter;
class QStackedWidget;
class QTableWidget;
class QTextBrowser;

namespace embex::render {
class ScatterView;
}

namespace embex::gui {

class Heatmap;
class LineChart;

class ContextLab : public QMainWindow
{
    Q_OBJECT
public:
    explicit ContextLab(QWidget *parent = nullptr);
    ~ContextLab() override;

    /// The words of the static view: the set open in the explorer (null: none).
    void setStaticSet(EmbeddingSetPtr set, std::shared_ptr<const NeighborIndex> index,
                      const QString &name);

    ContextService *service() const { return m_service; }
    bool isBusy() const;
    /// The last finished study (null before).
    const ContextStudyPtr &study() const { return m_study; }
    /// The layer shown (0 = embedding output).
    int layer() const;
    double threshold() const;
    /// The sense group of each occurrence at the shown layer and threshold.
    const std::vector<int> &senses() const { return m_senses; }
    int senseCount() const;
    /// The 2-D layout of the occurrences per layer (layerFrames()).
    const std::vector<RowMatrix> &frames() const;
    /// Self-similarity, baseline and sense gap per layer, as charted.
    std::vector<double> selfSimilarity() const;
    std::vector<double> senseGaps() const;

    /// Null when OpenGL 3.3 is unavailable.
    render::ScatterView *contextView() const { return m_contextView; }
    render::ScatterView *staticView() const { return m_staticView; }
    /// The words of the static view, the target first (empty when it shows nothing).
    const QStringList &staticWords() const { return m_staticWords; }
    Heatmap *heatmap() const { return m_heatmap; }
    LineChart *chart() const { return m_chart; }
    QTableWidget *table() const { return m_table; }
    QTextBrowser *sentenceView() const { return m_sentenceView; }
    QPlainTextEdit *sentencesEdit() const { return m_sentences; }
    QLineEdit *wordEdit() const { return m_word; }
    QComboBox *presetBox() const { return m_presets; }
    QSlider *layerSlider() const { return m_layerSlider; }
    QSlider *thresholdSlider() const { return m_thresholdSlider; }
    QLabel *statusLabel() const { return m_status; }
    /// The guide shown instead of the contextual view until a model is open.
    QTextBrowser *guide() const { return m_guide; }
    /// The static view's title (what it shows, or what is missing).
    QLabel *staticTitle() const { return m_staticTitle; }
    /// The guide's text (HTML): supported models, the files a folder needs, how to get one.
    static QString guideHtml();

public slots:
    /// Loads a model folder in the worker (progress, cancel); modelLoaded() follows.
    void openModel(const QString &folder);
    /// Studies the sentences of the panel with the target word; studyFinished() follows.
    void analyse();
    /// Cancels the running job.
    void cancel();
    void setLayer(int layer);
    /// Cosine threshold of the sense grouping (0–1).
    void setThreshold(double cosine);
    /// Fills the panel with example k of contextPresets() and analyses it when a model is open.
    void applyPreset(int k);
    /// Reads sentences from a text file (one per line, UTF-8); false with a message on error.
    bool loadSentencesFile(const QString &path);
    /// Makes a word of a studied sentence the target (what clicking it does): markers are
    /// dropped, the word goes to the target field and the sentences are studied again.
    void chooseWord(int sentence, std::size_t begin, std::size_t end);
    /// Sets the threshold to suggestThreshold() of the shown layer (the Suggest button; also done
    /// for every new study).
    void suggestThreshold();
    /// The lab's window as an image, the scatter views' labels and legends included.
    QImage renderWindow();
    /// Writes renderWindow() as PNG, atomically; false with an error box on failure.
    bool exportPng(const QString &path);
    /// Writes the occurrences at the shown layer as CSV (UTF-8, RFC 4180 quoting), atomically:
    /// occurrence, sentence number, word, sense, x, y, cosine to the occurrences' mean, the
    /// nearest tokens and the masked guesses, then the sentence. False with an error box.
    bool exportCsv(const QString &path);
    /// Steps through the layers once, from the first (the Play button).
    void play();

signals:
    void modelLoaded(bool ok, const QString &message);
    void studyFinished(bool ok, const QString &message);
    /// The views show a layer (after a study, a slider move or a threshold change).
    void viewsUpdated(int layer);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void onModelLoaded();
    void onStudied();
    void setBusy(bool busy, const QString &what = {});
    void setStatus(const QString &text, bool error = false);
    void showError(const QString &title, const QString &message);
    void chooseModelFolder();
    void chooseTextFile();
    void updateViews(bool animate);
    void updateSentenceView();
    void updateTable();
    void updateChart();
    void updateStatic();
    QString occurrenceText(int k, bool bracket) const;
    void onLink(const QUrl &url);
    // The constructor's phases: the model row, the sentences panel, the views (with their
    // layer controls and measures), the occurrence table, the menus, then the connections.
    QWidget *createModelRow();
    QWidget *createSentencePanel();
    QSplitter *createViews();
    QWidget *createLayerControls(QWidget *parent); // layer and threshold sliders
    QWidget *createMeasures(QWidget *parent);      // the heatmap and the per-layer chart
    void createOccurrenceTable();
    void createMenus();
    void connectSignals();
    QWidget *createGuidePage(QWidget *parent);
    /// Guide or contextual view, and the model-only views, as a model is open or not.
    void updateModelPages();

    ContextService *m_service;
    QFutureWatcher<LoadedModel> m_loadWatcher;
    QFutureWatcher<LabStudyPtr> m_studyWatcher;
    ContextStudyPtr m_study;
    LabStudyPtr m_lab; // the last study with its per-layer frames and cosines (null before)
    std::vector<int> m_senses;

    EmbeddingSetPtr m_staticSet;
    std::shared_ptr<const NeighborIndex> m_staticIndex;
    QString m_staticName;
    QStringList m_staticWords;

    QPushButton *m_openButton, *m_cancelButton, *m_analyseButton, *m_playButton, *m_suggestButton;
    QLabel *m_modelLabel, *m_status, *m_layerLabel, *m_thresholdLabel, *m_contextTitle,
        *m_staticTitle;
    QProgressBar *m_progress;
    QComboBox *m_presets;
    QLineEdit *m_word;
    QPlainTextEdit *m_sentences;
    QTextBrowser *m_sentenceView;
    render::ScatterView *m_contextView = nullptr, *m_staticView = nullptr;
    QSlider *m_layerSlider, *m_thresholdSlider;
    QCheckBox *m_showStatic;
    Heatmap *m_heatmap;
    LineChart *m_chart;
    int m_selfSeries = 0, m_baselineSeries = 0, m_gapSeries = 0;
    QTableWidget *m_table;
    QTextBrowser *m_guide = nullptr;
    QStackedWidget *m_contextPages = nullptr;
    QList<QWidget *> m_modelOnly; // hidden until a model is open
    QTimer m_playTimer;
    bool m_analyseAfterLoad = false;
    bool m_loadPending = false, m_studyPending = false; // the watched job has not been handled
};

} // namespace embex::gui
