#pragma once
// The neighbour list (word, cosine, rank) as a model for QTableView.
#include "search/NeighborIndex.h"

#include <QAbstractTableModel>

#include <functional>

namespace embex::gui {

class NeighborModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Rank, Word, Cosine, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setNeighbors(EmbeddingSetPtr set, std::vector<Neighbor> list);
    /// Which words the map shows (empty = do not say): the others are greyed, "not on the
    /// map" in their tooltip, so a short table of marks on the map is never a mystery.
    void setOnMap(std::function<bool(WordId)> onMap);
    void clear();
    const std::vector<Neighbor> &neighbors() const { return m_list; }
    /// Word id shown in a row.
    WordId idAt(int row) const { return m_list[std::size_t(row)].id; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    EmbeddingSetPtr m_set;
    std::vector<Neighbor> m_list;
    std::function<bool(WordId)> m_onMap;
};

} // namespace embex::gui
