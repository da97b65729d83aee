#include "gui/NeighborModel.h"

#include <QColor>

namespace embex::gui {

void NeighborModel::setNeighbors(EmbeddingSetPtr set, std::vector<Neighbor> list)
{
    beginResetModel();
    m_set = std::move(set);
    m_list = std::move(list);
    endResetModel();
}

void NeighborModel::setOnMap(std::function<bool(WordId)> onMap)
{
    m_onMap = std::move(onMap);
    if (!m_list.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void NeighborModel::clear()
{
    beginResetModel();
    m_list.clear();
    endResetModel();
}

int NeighborModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_list.size());
}

int NeighborModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NeighborModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_list.size()) || !m_set)
        return {};
    const Neighbor &n = m_list[std::size_t(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Rank:
            return index.row() + 1;
        case Word:
            return QString::fromStdString(m_set->word(n.id));
        case Cosine:
            return QString::number(double(n.similarity), 'f', 4);
        default:
            return {};
        }
    }
    if (role == Qt::UserRole)
        return QVariant::fromValue(n.id);
    if (role == Qt::TextAlignmentRole && index.column() != Word)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    const bool offMap = m_onMap && !m_onMap(n.id);
    if (role == Qt::ForegroundRole && offMap)
        return QColor(130, 130, 130);
    if (role == Qt::ToolTipRole)
        return tr("%1: cosine %2 in the original %3-d space%4")
            .arg(QString::fromStdString(m_set->word(n.id)))
            .arg(double(n.similarity), 0, 'f', 6)
            .arg(m_set->dim())
            .arg(offMap ? tr(" (not on the map: outside the words laid out)") : QString());
    return {};
}

QVariant NeighborModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Rank:
        return tr("Rank");
    case Word:
        return tr("Word");
    case Cosine:
        return tr("Cosine");
    default:
        return {};
    }
}

} // namespace embex::gui
