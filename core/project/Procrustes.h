#pragma once
// Orthogonal Procrustes: the rotation (or reflection), optional uniform scale and translation
// that best map one n × d point set onto another with the same rows. Used to keep successive
// PCA frames of a training run from flipping and spinning (the training lab), and generally
// to compare two layouts or spaces row by row.
#include "vectors/EmbeddingSet.h"

#include <Eigen/Core>

namespace embex {

/// Options of procrustes(). Defaults: rotations and reflections, translation, no scale.
struct ProcrustesOptions
{
    /// Allow reflections (any orthogonal matrix). Off: proper rotations only (det = +1), found
    /// by flipping the weakest singular direction when the best orthogonal map reflects.
    bool allowReflection = true;
    /// Allow a uniform scale factor s > 0. Off: s = 1.
    bool scale = false;
    /// Allow a translation t. Off: both sets are used as they are (no centring), so the map
    /// fixes the origin.
    bool translate = true;
};

/// The map x ↦ s · x R + t (x a row vector) minimising Σ_i ‖s · source_i R + t − target_i‖².
struct ProcrustesResult
{
    Eigen::MatrixXd rotation;       ///< d × d orthogonal R (det +1 unless a reflection won)
    double scale = 1.0;             ///< s (1 when ProcrustesOptions::scale is off)
    Eigen::RowVectorXd translation; ///< 1 × d t (zeros when translation is off)
    double residual = 0.0;          ///< ‖s · source R + t − target‖_F after the fit
};

/// Fits the map from `source` onto `target` (both n × d row-major, row i of one corresponds
/// to row i of the other). Exact solution through the SVD of the d × d cross-covariance
/// (Schönemann 1966; scale as in Umeyama 1991), in double precision. A source with no spread
/// (all rows equal) gets R = I and s = 1. Throws std::invalid_argument when the shapes differ,
/// d is 0, or a value is not finite. n = 0 gives the identity map.
ProcrustesResult procrustes(ConstRowMap source, ConstRowMap target,
                            const ProcrustesOptions &options = {});

/// Applies a fitted map to rows of width rotation.rows(): s · x R + t for every row.
RowMatrix applyProcrustes(ConstRowMap points, const ProcrustesResult &map);

/// procrustes() then applyProcrustes() on `source`: source moved as close to target as the
/// options allow.
RowMatrix alignTo(ConstRowMap source, ConstRowMap target, const ProcrustesOptions &options = {});

} // namespace embex
