// The context lab's model: opening and loading a folder, and the empty state. Until a model is
// open, a guide takes the contextual view's place (which models work, which files a folder
// needs, how to get one), the model-only views are hidden, and the static view beside it
// already shows the typed word.
#include "gui/ContextLab.h"

#include "gui/FutureResult.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace embex::gui {

QString ContextLab::guideHtml()
{
    // What core/contextual reads: BertConfig (model_type bert/distilbert, absolute positions,
    // gelu/gelu_new/relu), WordPiece (vocab.txt or tokenizer.json), BertModel (model.safetensors
    // or its sharded index; F32/F16/BF16). Sizes are the model.safetensors files on the Hub.
    return tr(
        "<h2>Open a contextual model to start</h2>"
        "<p>The context lab runs a BERT-family model on this computer's CPU and shows how one "
        "word gets a different vector in every sentence. No such model ships with Embex, and "
        "Embex never downloads anything: get a model folder once, on a machine with network, "
        "copy it here and open it with <b>Open model folder…</b>.</p>"
        "<h3>Models that work</h3><ul>"
        "<li><b>BERT</b>: <tt>bert-base-uncased</tt> (440 MB, 12 layers), "
        "<tt>bert-base-cased</tt>, <tt>bert-large-uncased</tt> and other BERT checkpoints. With "
        "the masked-language-model head (as these are published) the lab also shows the model's "
        "guesses for the word replaced by [MASK].</li>"
        "<li><b>DistilBERT</b>: <tt>distilbert-base-uncased</tt> (268 MB, 6 layers, about twice "
        "as fast), <tt>distilbert-base-cased</tt>.</li>"
        "<li><b>BERT-shaped sentence-transformers</b> such as "
        "<tt>sentence-transformers/all-MiniLM-L6-v2</tt> (91 MB, 6 layers, 384 dimensions: the "
        "quickest to try; no [MASK] guesses).</li></ul>"
        "<p>Other architectures (RoBERTa, ALBERT, ELECTRA, GPT…) are refused with a message "
        "naming their <tt>model_type</tt>.</p>"
        "<h3>What the folder needs</h3><ul>"
        "<li><tt>config.json</tt>: the architecture (<tt>model_type</tt> bert or distilbert);</li>"
        "<li><tt>vocab.txt</tt> or <tt>tokenizer.json</tt>: the WordPiece vocabulary;</li>"
        "<li><tt>model.safetensors</tt> (or the shards named in "
        "<tt>model.safetensors.index.json</tt>): the weights, in F32, F16 or BF16. A folder with "
        "only <tt>pytorch_model.bin</tt> or <tt>tf_model.h5</tt> is not read.</li></ul>"
        "<p>Other files in the folder are ignored.</p>"
        "<h3>How to get one</h3>"
        "<p>On a machine with network, download the three files from the model's page on "
        "Hugging Face (<tt>https://huggingface.co/distilbert-base-uncased</tt>, tab "
        "<i>Files and versions</i>) into one folder named after the model, or:</p>"
        "<pre>pip install huggingface_hub\n"
        "huggingface-cli download distilbert-base-uncased \\\n"
        "  config.json vocab.txt model.safetensors \\\n"
        "  --local-dir distilbert-base-uncased</pre>"
        "<p>or with git (add <tt>GIT_LFS_SKIP_SMUDGE=1</tt> and then <tt>git lfs pull --include "
        "model.safetensors</tt> to skip the other weight formats):</p>"
        "<pre>git lfs install\n"
        "git clone \\\n"
        "  https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2</pre>"
        "<p>Then copy the folder here and open it, or start <tt>embex --context FOLDER</tt>.</p>"
        "<h3>Meanwhile</h3>"
        "<p>Type a word in <b>Target word</b> (or choose an example): the view on the right shows "
        "its <b>static</b> vector, from the set open in the explorer, among its nearest "
        "neighbours: one point whatever the sentence. With a model, the lab adds one point per "
        "occurrence.</p>");
}

QWidget *ContextLab::createGuidePage(QWidget *parent)
{
    auto *page = new QWidget(parent);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(2, 2, 2, 2);
    m_guide = new QTextBrowser(page);
    m_guide->setObjectName("contextGuide");
    m_guide->setOpenExternalLinks(true);
    m_guide->setHtml(guideHtml());
    layout->addWidget(m_guide, 1);
    auto *row = new QHBoxLayout;
    auto *open = new QPushButton(tr("Open model folder..."), page);
    open->setObjectName("guideOpenButton");
    connect(open, &QPushButton::clicked, this, &ContextLab::chooseModelFolder);
    row->addWidget(open);
    row->addStretch(1);
    layout->addLayout(row);
    return page;
}

void ContextLab::updateModelPages()
{
    const bool model = m_service->hasModel();
    m_contextPages->setCurrentIndex(model ? 1 : 0);
    for (QWidget *w : m_modelOnly)
        w->setVisible(model);
}

void ContextLab::chooseModelFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Open a BERT-family model folder (config.json, vocab.txt, model.safetensors)"),
        QSettings().value(QStringLiteral("contextLab/lastModel")).toString());
    if (!dir.isEmpty())
        openModel(dir);
}

void ContextLab::openModel(const QString &folder)
{
    if (isBusy())
        cancel();
    setBusy(true, tr("loading"));
    setStatus(tr("Loading %1...").arg(QDir::toNativeSeparators(folder)));
    m_loadPending = true;
    m_loadWatcher.setFuture(m_service->load(folder));
}

void ContextLab::onModelLoaded()
{
    setBusy(isBusy());
    std::optional<LoadedModel> result =
        takeFinished(m_loadWatcher, m_loadPending, [this](const QString &message, bool error) {
            if (error)
                showError(tr("Could not open the model"), message);
            else
                setStatus(tr("Loading cancelled"));
            emit modelLoaded(false, error ? message : tr("cancelled"));
        });
    if (!result)
        return;
    LoadedModel loaded = std::move(*result);
    const BertConfig &c = loaded.model->config();
    m_modelLabel->setText(
        tr("%1: %2, %3 layers, hidden %4, %5 tokens%6")
            .arg(QFileInfo(loaded.folder).fileName(), QString::fromStdString(c.modelType))
            .arg(c.layers)
            .arg(c.hiddenSize)
            .arg(loaded.model->tokenizer().vocabSize())
            .arg(loaded.model->hasMlmHead() ? tr(", MLM head") : QString()));
    m_modelLabel->setToolTip(QDir::toNativeSeparators(loaded.folder));
    QSettings().setValue(QStringLiteral("contextLab/lastModel"), loaded.folder);
    m_service->adopt(std::move(loaded));
    updateModelPages();
    setStatus(tr("Model loaded."));
    emit modelLoaded(true, {});
    if (m_analyseAfterLoad || !m_sentences->toPlainText().trimmed().isEmpty()) {
        m_analyseAfterLoad = false;
        analyse();
    }
}

} // namespace embex::gui
