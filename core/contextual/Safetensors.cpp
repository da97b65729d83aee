#include "contextual/Safetensors.h"
#include "contextual/JsonValue.h"
#include "util/FormatError.h"
#include "util/Half.h"

#include <sys/stat.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <unordered_map>

namespace embex {

static_assert(std::endian::native == std::endian::little,
              "safetensors data are little-endian and read in place");

namespace {

struct DtypeInfo
{
    SafetensorsDtype dtype;
    const char *name;
    std::size_t size;
};

constexpr DtypeInfo kDtypes[] = {
    {SafetensorsDtype::F64, "F64", 8},         {SafetensorsDtype::F32, "F32", 4},
    {SafetensorsDtype::F16, "F16", 2},         {SafetensorsDtype::BF16, "BF16", 2},
    {SafetensorsDtype::F8_E4M3, "F8_E4M3", 1}, {SafetensorsDtype::F8_E5M2, "F8_E5M2", 1},
    {SafetensorsDtype::I64, "I64", 8},         {SafetensorsDtype::I32, "I32", 4},
    {SafetensorsDtype::I16, "I16", 2},         {SafetensorsDtype::I8, "I8", 1},
    {SafetensorsDtype::U64, "U64", 8},         {SafetensorsDtype::U32, "U32", 4},
    {SafetensorsDtype::U16, "U16", 2},         {SafetensorsDtype::U8, "U8", 1},
    {SafetensorsDtype::Bool, "BOOL", 1},
};

const DtypeInfo &info(SafetensorsDtype d)
{
    for (const DtypeInfo &i : kDtypes)
        if (i.dtype == d)
            return i;
    return kDtypes[1];
}

std::string quoted(std::string_view s)
{
    std::string out = "'";
    for (char c : s.substr(0, 80))
        out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    if (s.size() > 80)
        out += "...";
    return out + "'";
}

template <typename T> T load(const unsigned char *p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// Validates one tensor entry of the header; positions in errors are file offsets.
SafetensorsTensor parseTensor(const std::string &path, std::uint64_t base, const std::string &name,
                              const JsonValue &v)
{
    auto fail = [&](const JsonValue &at, const std::string &rule) -> FormatError {
        return FormatError::atByte(path, base + at.offset(),
                                   "header: tensor " + quoted(name) + ": " + rule);
    };
    if (!v.isObject())
        throw fail(v, std::string("must be an object, found ") + JsonValue::typeName(v.type()));
    SafetensorsTensor t;
    t.name = name;
    const JsonValue *dtype = nullptr, *shape = nullptr, *offsets = nullptr;
    for (const auto &[key, value] : v.asObject()) {
        if (key == "dtype")
            dtype = &value;
        else if (key == "shape")
            shape = &value;
        else if (key == "data_offsets")
            offsets = &value;
        else
            throw fail(value, "unexpected key " + quoted(key) +
                                  " (a tensor has \"dtype\", \"shape\" and \"data_offsets\")");
    }
    if (!dtype || !shape || !offsets)
        throw fail(v, std::string("lacks \"") +
                          (!dtype   ? "dtype"
                           : !shape ? "shape"
                                    : "data_offsets") +
                          "\"");
    if (!dtype->isString())
        throw fail(*dtype, "\"dtype\" must be a string");
    const DtypeInfo *di = nullptr;
    for (const DtypeInfo &i : kDtypes)
        if (dtype->asString() == i.name)
            di = &i;
    if (!di)
        throw fail(*dtype, "unknown dtype " + quoted(dtype->asString()));
    t.dtype = di->dtype;

    if (!shape->isArray())
        throw fail(*shape, "\"shape\" must be an array of integers");
    bool overflow = false;
    for (const JsonValue &d : shape->asArray()) {
        const auto n = d.asUint64();
        if (!n)
            throw fail(d, "\"shape\" must hold non-negative integers");
        t.shape.push_back(*n);
        if (*n != 0 && t.elements > UINT64_MAX / *n)
            overflow = true;
        else
            t.elements *= *n;
    }
    if (!offsets->isArray() || offsets->asArray().size() != 2)
        throw fail(*offsets, "\"data_offsets\" must be [begin, end]");
    const auto b = offsets->asArray()[0].asUint64(), e = offsets->asArray()[1].asUint64();
    if (!b || !e)
        throw fail(*offsets, "\"data_offsets\" must hold non-negative integers");
    if (*b > *e)
        throw fail(*offsets, "\"data_offsets\" [" + std::to_string(*b) + ", " + std::to_string(*e) +
                                 "] end before they begin");
    const std::uint64_t bytes = *e - *b;
    if (overflow || t.elements > UINT64_MAX / di->size || t.elements * di->size != bytes)
        throw fail(*offsets, "shape " + t.shapeText() + " of " + di->name + " needs " +
                                 (overflow || t.elements > UINT64_MAX / di->size
                                      ? std::string("more than 2^64")
                                      : std::to_string(t.elements * di->size)) +
                                 " bytes, data_offsets give " + std::to_string(bytes));
    t.begin = *b;
    t.end = *e;
    return t;
}

} // namespace

std::size_t dtypeSize(SafetensorsDtype dtype)
{
    return info(dtype).size;
}

const char *dtypeName(SafetensorsDtype dtype)
{
    return info(dtype).name;
}

std::string SafetensorsTensor::shapeText() const
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

SafetensorsFile::SafetensorsFile(const std::string &path)
{
    struct stat st
    {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw std::runtime_error(path + ": is a directory, not a file");
    m_file = std::make_unique<MappedFile>(path);
    const std::uint64_t size = m_file->size();
    const unsigned char *data = m_file->data();
    if (size < 8)
        throw FormatError::atByte(path, 0,
                                  "file is " + std::to_string(size) +
                                      " bytes, too short for the 8-byte header length");
    const auto headerLen = load<std::uint64_t>(data);
    if (headerLen > kMaxHeaderBytes)
        throw FormatError::atByte(path, 0,
                                  "header length " + std::to_string(headerLen) +
                                      " is larger than the format's limit of " +
                                      std::to_string(kMaxHeaderBytes) +
                                      " bytes (not a safetensors file?)");
    if (headerLen > size - 8)
        throw FormatError::atByte(path, 0,
                                  "header length " + std::to_string(headerLen) +
                                      " runs past the end of the file (" + std::to_string(size) +
                                      " bytes; truncated?)");
    if (headerLen < 2 || data[8] != '{')
        throw FormatError::atByte(path, 8, "header must be a JSON object starting with '{'");
    m_dataOffset = 8 + headerLen;
    const std::string_view text(reinterpret_cast<const char *>(data + 8), headerLen);
    JsonValue root;
    try {
        root = parseJson(text);
    } catch (const JsonError &e) {
        throw FormatError::atByte(path, 8 + e.offset(), "header: " + e.rule());
    }
    if (!root.isObject())
        throw FormatError::atByte(path, 8, "header must be a JSON object");

    const std::uint64_t bufferSize = size - m_dataOffset;
    for (const auto &[name, value] : root.asObject()) {
        if (name == "__metadata__") {
            if (!value.isObject())
                throw FormatError::atByte(path, 8 + value.offset(),
                                          "header: \"__metadata__\" must be an object");
            for (const auto &[k, v] : value.asObject()) {
                if (!v.isString())
                    throw FormatError::atByte(path, 8 + v.offset(),
                                              "header: \"__metadata__\" value " + quoted(k) +
                                                  " must be a string");
                m_metadata.emplace(k, v.asString());
            }
            continue;
        }
        SafetensorsTensor t = parseTensor(path, 8, name, value);
        if (t.end > bufferSize)
            throw FormatError::atByte(path, m_dataOffset + std::min(t.begin, bufferSize),
                                      "tensor " + quoted(name) + " data [" +
                                          std::to_string(t.begin) + ", " + std::to_string(t.end) +
                                          ") end past the end of the file (the data area holds " +
                                          std::to_string(bufferSize) + " bytes; truncated?)");
        t.begin += m_dataOffset;
        t.end += m_dataOffset;
        m_tensors.push_back(std::move(t));
    }

    // Overlaps: sort by start; each non-empty tensor must begin at or after the previous end.
    std::vector<const SafetensorsTensor *> order;
    for (const auto &t : m_tensors)
        if (t.end > t.begin)
            order.push_back(&t);
    std::sort(order.begin(), order.end(), [](auto *a, auto *b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    for (std::size_t i = 1; i < order.size(); ++i)
        if (order[i]->begin < order[i - 1]->end)
            throw FormatError::atByte(
                path, order[i]->begin,
                "tensors " + quoted(order[i - 1]->name) + " and " + quoted(order[i]->name) +
                    " overlap (data [" + std::to_string(order[i - 1]->begin - m_dataOffset) + ", " +
                    std::to_string(order[i - 1]->end - m_dataOffset) + ") and [" +
                    std::to_string(order[i]->begin - m_dataOffset) + ", " +
                    std::to_string(order[i]->end - m_dataOffset) + "))");
}

const SafetensorsTensor *SafetensorsFile::find(std::string_view name) const
{
    for (const auto &t : m_tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

std::span<const unsigned char> SafetensorsFile::bytes(const SafetensorsTensor &t) const
{
    return {m_file->data() + t.begin, std::size_t(t.end - t.begin)};
}

void SafetensorsFile::toFloat(const SafetensorsTensor &t, float *out, bool allowNonFinite) const
{
    const unsigned char *p = m_file->data() + t.begin;
    const std::size_t n = t.elements;
    switch (t.dtype) {
    case SafetensorsDtype::F32:
        std::memcpy(out, p, n * 4);
        break;
    case SafetensorsDtype::F16:
        decodeHalves(p, n, out);
        break;
    case SafetensorsDtype::BF16:
        // bfloat16 is the top half of a float32.
        for (std::size_t i = 0; i < n; ++i)
            out[i] = std::bit_cast<float>(std::uint32_t(load<std::uint16_t>(p + 2 * i)) << 16);
        break;
    case SafetensorsDtype::F64:
        for (std::size_t i = 0; i < n; ++i) {
            const double d = load<double>(p + 8 * i);
            if (std::isfinite(d) && std::fabs(d) > double(std::numeric_limits<float>::max()))
                throw FormatError::atByte(path(), t.begin + 8 * i,
                                          "tensor " + quoted(t.name) + " element " +
                                              std::to_string(i) + " is beyond the float32 range");
            out[i] = static_cast<float>(d);
        }
        break;
    default:
        throw FormatError::atByte(path(), t.begin,
                                  "tensor " + quoted(t.name) + " has dtype " + dtypeName(t.dtype) +
                                      "; expected F32, F16, BF16 or F64");
    }
    // A file truncated under the mapping reads as zeros past its new end (see MappedFile).
    if (m_file->truncated())
        m_file->checkUnchanged();
    if (allowNonFinite)
        return;
    // A branch-free sweep first (vectorises); the position only when something is wrong.
    std::uint32_t bad = 0;
    for (std::size_t i = 0; i < n; ++i)
        bad |= std::uint32_t((std::bit_cast<std::uint32_t>(out[i]) & 0x7f800000u) == 0x7f800000u);
    if (!bad)
        return;
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(out[i]))
            throw FormatError::atByte(path(), t.begin + i * dtypeSize(t.dtype),
                                      "tensor " + quoted(t.name) + " element " + std::to_string(i) +
                                          " is " + (std::isnan(out[i]) ? "NaN" : "infinite"));
}

std::uint64_t SafetensorsFile::float32Bytes() const
{
    std::uint64_t total = 0;
    for (const SafetensorsTensor &t : m_tensors)
        if (t.dtype == SafetensorsDtype::F32 || t.dtype == SafetensorsDtype::F16 ||
            t.dtype == SafetensorsDtype::BF16 || t.dtype == SafetensorsDtype::F64)
            total += t.elements * sizeof(float);
    return total;
}

std::vector<float> SafetensorsFile::toFloat(const SafetensorsTensor &t, bool allowNonFinite) const
{
    std::vector<float> out(t.elements);
    toFloat(t, out.data(), allowNonFinite);
    return out;
}

std::vector<std::int64_t> SafetensorsFile::toInt64(const SafetensorsTensor &t) const
{
    const unsigned char *p = m_file->data() + t.begin;
    std::vector<std::int64_t> out(t.elements);
    for (std::size_t i = 0; i < out.size(); ++i) {
        switch (t.dtype) {
        case SafetensorsDtype::I64:
            out[i] = load<std::int64_t>(p + 8 * i);
            break;
        case SafetensorsDtype::U64: {
            const auto u = load<std::uint64_t>(p + 8 * i);
            if (u > std::uint64_t(INT64_MAX))
                throw FormatError::atByte(path(), t.begin + 8 * i,
                                          "tensor " + quoted(t.name) + " element " +
                                              std::to_string(i) + " does not fit int64");
            out[i] = std::int64_t(u);
            break;
        }
        case SafetensorsDtype::I32:
            out[i] = load<std::int32_t>(p + 4 * i);
            break;
        case SafetensorsDtype::U32:
            out[i] = load<std::uint32_t>(p + 4 * i);
            break;
        case SafetensorsDtype::I16:
            out[i] = load<std::int16_t>(p + 2 * i);
            break;
        case SafetensorsDtype::U16:
            out[i] = load<std::uint16_t>(p + 2 * i);
            break;
        case SafetensorsDtype::I8:
            out[i] = load<std::int8_t>(p + i);
            break;
        case SafetensorsDtype::U8:
        case SafetensorsDtype::Bool:
            out[i] = p[i];
            break;
        default:
            throw FormatError::atByte(path(), t.begin,
                                      "tensor " + quoted(t.name) + " has dtype " +
                                          dtypeName(t.dtype) + "; expected an integer dtype");
        }
    }
    return out;
}

} // namespace embex
