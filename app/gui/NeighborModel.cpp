#include "gui/NeighborModel.h"

namespace embex::gui {

void NeighborModel::setNeighbors(EmbeddingSetPtr set, std::vector<Neighbor> list)
{
    beginResetModel();
    m_set = std::move(set);
    m_list = std::move(list);
    endResetModel();
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
    if (role == Qt::ToolTipRole)
        return tr("%1: cosine %2 in the original %3-d space")
            .arg(QString::fromStdString(m_set->word(n.id)))
            .arg(double(n.similarity), 0, 'f', 6)
            .arg(m_set->dim());
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
