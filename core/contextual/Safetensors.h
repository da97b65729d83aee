#pragma once
// Hugging Face safetensors files, memory-mapped and validated before any tensor is read.
//
//   8 bytes   N, the header length (unsigned little-endian)
//   N bytes   JSON object: "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]},
//             optionally "__metadata__": {"key": "string value"}; may be padded with spaces
//   ...       the byte buffer; tensor data at [b, e) relative to its start, little-endian, C order
#include "util/MappedFile.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace embex {

/// Element types of the format. Only the floating ones convert to float32 (toFloat); the others
/// are known so that their sizes can be validated (position_ids buffers are I64).
enum class SafetensorsDtype {
    F64,
    F32,
    F16,
    BF16,
    F8_E4M3,
    F8_E5M2,
    I64,
    I32,
    I16,
    I8,
    U64,
    U32,
    U16,
    U8,
    Bool,
};

/// Bytes per element.
std::size_t dtypeSize(SafetensorsDtype dtype);
/// The name used in the header ("F32", "BF16"...).
const char *dtypeName(SafetensorsDtype dtype);

/// One tensor of the header.
struct SafetensorsTensor
{
    std::string name;
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<std::uint64_t> shape;
    /// Number of elements (product of shape; 1 for a scalar).
    std::uint64_t elements = 1;
    /// Absolute byte range in the file.
    std::uint64_t begin = 0, end = 0;

    /// "[768, 3072]"
    std::string shapeText() const;
};

/// A validated safetensors file. The constructor maps the file and checks, naming the file,
/// the byte offset and the rule on failure (FormatError):
/// - the file holds at least the 8-byte length, the header length is at most 100,000,000
///   (the format's limit) and the header lies inside the file;
/// - the header is strict JSON (UTF-8), an object, starting with '{', whose members are
///   "__metadata__" (an object of strings) or tensors with exactly "dtype" (a known name),
///   "shape" (non-negative integers) and "data_offsets" ([begin, end], begin <= end);
/// - every tensor's bytes lie inside the file, shape x dtype size equals its byte length, and
///   no two tensors overlap.
///
/// Move-only; const members are thread-safe. Tensor data stay mapped while the object lives.
class SafetensorsFile
{
public:
    explicit SafetensorsFile(const std::string &path);

    const std::string &path() const { return m_file->path(); }
    /// Tensors in header order.
    const std::vector<SafetensorsTensor> &tensors() const { return m_tensors; }
    /// The tensor called name, or nullptr.
    const SafetensorsTensor *find(std::string_view name) const;
    /// "__metadata__" (empty if absent).
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }
    /// Offset of the byte buffer (8 + header length).
    std::uint64_t dataOffset() const { return m_dataOffset; }

    /// The raw bytes of a tensor of this file.
    std::span<const unsigned char> bytes(const SafetensorsTensor &t) const;

    /// Converts a F32, F16, BF16 or F64 tensor to float32 into out[0, t.elements). Throws
    /// FormatError for another dtype, and for Inf/NaN values (naming the element) unless
    /// allowNonFinite.
    void toFloat(const SafetensorsTensor &t, float *out, bool allowNonFinite = false) const;
    std::vector<float> toFloat(const SafetensorsTensor &t, bool allowNonFinite = false) const;
    /// Converts an integer tensor (I64, I32, I16, I8, U32, U16, U8, Bool) to int64; values of
    /// a U64 tensor must fit. Throws FormatError for a floating dtype.
    std::vector<std::int64_t> toInt64(const SafetensorsTensor &t) const;

    /// Bytes the float tensors take once converted to float32 (F16/BF16: twice their size in
    /// the file).
    std::uint64_t float32Bytes() const;
    /// Throws std::runtime_error if the file changed since it was opened (MappedFile).
    void checkUnchanged() const { m_file->checkUnchanged(); }

    /// The format's limit on the header length.
    static constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

private:
    std::unique_ptr<MappedFile> m_file;
    std::vector<SafetensorsTensor> m_tensors;
    std::map<std::string, std::string> m_metadata;
    std::uint64_t m_dataOffset = 0;
};

} // namespace embex
