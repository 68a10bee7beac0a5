// indexing.cc - ops that read elements at computed positions: take,
// Embedding, pick, batch_take, one_hot, gather_nd/scatter_nd,
// _ravel_multi_index/_unravel_index, and topk/sort/argsort.
//
// Index arrays may have any dtype (MXNet passes float32 indices); values
// are truncated to integers, then clipped or wrapped as the op's `mode`
// says. Rows move with memcpy, so the data dtype only matters for its size.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace mxrt::kernels::cpu {
namespace {

/// Index values of any dtype as int64 (truncating, as MXNet's casts).
std::vector<int64_t> readIndices(const TBlob &idx) {
  std::vector<int64_t> r(static_cast<size_t>(idx.numel()));
  MXRT_DTYPE_SWITCH(idx.dtype, T, {
    const T *p = idx.ptr<T>();
    for (size_t i = 0; i < r.size(); ++i)
      r[i] = int64_t(load<compute_t<T>>(p[i]));
  });
  return r;
}

int64_t applyMode(IndexMode mode, int64_t i, int64_t n, const char *op) {
  if (i >= 0 && i < n)
    return i;
  switch (mode) {
  case IndexMode::Clip:
    return i < 0 ? 0 : n - 1;
  case IndexMode::Wrap:
    return ((i % n) + n) % n;
  case IndexMode::Raise:
    break;
  }
  fail("operator ", op, ": index ", i, " is out of bounds for an axis of extent ", n);
}

/// The row gather_nd reads (scatter_nd writes) for each of the count
/// columns of indices (M, count...): rows of `inner` elements of `full`,
/// the array the M indices address. Checks the shapes; errors name op.
struct NdRows {
  std::vector<int64_t> row; ///< per column, the flat row in full
  int64_t inner = 1;
};
NdRows ndRows(const TShape &full, const TBlob &indices, int64_t other, const char *op) {
  MXRT_CHECK(indices.shape.ndim() >= 1, "operator ", op, ": indices must have rank >= 1");
  const int64_t m = indices.shape[0];
  MXRT_CHECK(m <= full.ndim(), "operator ", op, ": indices ", indices.shape.str(),
             " index more axes than ", full.str(), " has");
  const int64_t count = indices.numel() / std::max<int64_t>(1, m);
  NdRows r;
  r.inner = full.prod(int(m), full.ndim());
  MXRT_CHECK(other == count * r.inner, "operator ", op, ": ", other, " elements for ", count,
             " rows of ", r.inner, " (indices ", indices.shape.str(), ", array ", full.str(), ")");
  if (other == 0)
    return r;
  std::vector<int64_t> idx = readIndices(indices);
  r.row.resize(size_t(count));
  for (int64_t j = 0; j < count; ++j) {
    int64_t off = 0;
    for (int64_t d = 0; d < m; ++d) {
      int64_t i = idx[size_t(d * count + j)], n = full[int(d)];
      MXRT_CHECK(i >= -n && i < n, "operator ", op, ": index ", i, " is out of bounds for axis ", d,
                 " of extent ", n);
      off = off * n + (i < 0 ? i + n : i);
    }
    r.row[size_t(j)] = off;
  }
  return r;
}

} // namespace

void take(const TBlob &a, const TBlob &indices, int64_t axis, IndexMode mode, const TBlob &out) {
  checkDType(out, a.dtype, "take", "out");
  const int nd = a.shape.ndim();
  const int ax = normalizeAxis(axis, nd, "take");
  const int64_t outer = a.shape.prod(0, ax), n = a.shape[ax], inner = a.shape.prod(ax + 1, nd);
  const int64_t ni = indices.numel();
  MXRT_CHECK(out.numel() == outer * ni * inner, "operator take: output has ", out.numel(),
             " elements, expected ", outer * ni * inner);
  if (out.numel() == 0)
    return;
  MXRT_CHECK(n > 0, "operator take: cannot take from an empty axis of ", a.shape.str());
  std::vector<int64_t> idx = readIndices(indices);
  for (int64_t &i : idx)
    i = applyMode(mode, i, n, "take");
  const size_t es = dtypeSize(a.dtype), row = size_t(inner) * es;
  const char *src = static_cast<const char *>(a.dptr);
  char *dst = static_cast<char *>(out.dptr);
  parallel(outer * ni, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, inner)),
           [&](int64_t lo, int64_t hi) {
             for (int64_t t = lo; t < hi; ++t) {
               const int64_t o = t / ni, j = t % ni;
               std::memcpy(dst + t * row, src + (o * n + idx[size_t(j)]) * int64_t(row), row);
             }
           });
}

void pick(const TBlob &data, const TBlob &index, int64_t axis, IndexMode mode, const TBlob &out) {
  checkDType(out, data.dtype, "pick", "out");
  const int nd = data.shape.ndim();
  const int ax = normalizeAxis(axis, nd, "pick");
  const int64_t outer = data.shape.prod(0, ax), n = data.shape[ax],
                inner = data.shape.prod(ax + 1, nd);
  MXRT_CHECK(index.numel() == outer * inner && out.numel() == outer * inner,
             "operator pick: index has shape ", index.shape.str(), ", expected ", outer * inner,
             " elements for data ", data.shape.str(), " and axis ", axis);
  if (out.numel() == 0)
    return;
  std::vector<int64_t> idx = readIndices(index);
  MXRT_DTYPE_SWITCH(data.dtype, T, {
    const T *x = data.ptr<T>();
    T *y = out.ptr<T>();
    parallel(outer * inner, kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t t = lo; t < hi; ++t) {
        const int64_t j = applyMode(mode, idx[size_t(t)], n, "pick");
        y[t] = x[(t / inner * n + j) * inner + t % inner];
      }
    });
  });
}

void oneHot(const TBlob &indices, int64_t depth, double on, double off, const TBlob &out) {
  MXRT_CHECK(depth >= 0 && out.numel() == indices.numel() * depth, "operator one_hot: output has ",
             out.numel(), " elements, expected ", indices.numel() * depth);
  std::vector<int64_t> idx = readIndices(indices);
  fill(out, off);
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    T v = store<T>(on);
    T *y = out.ptr<T>();
    for (size_t i = 0; i < idx.size(); ++i)
      if (idx[i] >= 0 && idx[i] < depth) // out of range: a row of off_value
        y[int64_t(i) * depth + idx[i]] = v;
  });
}

void gatherNd(const TBlob &data, const TBlob &indices, const TBlob &out) {
  checkDType(out, data.dtype, "gather_nd", "out");
  const NdRows r = ndRows(data.shape, indices, out.numel(), "gather_nd");
  const int64_t bytes = r.inner * int64_t(dtypeSize(data.dtype));
  for (size_t j = 0; j < r.row.size(); ++j)
    std::memcpy(static_cast<char *>(out.dptr) + int64_t(j) * bytes,
                static_cast<const char *>(data.dptr) + r.row[j] * bytes, size_t(bytes));
}

void scatterNd(const TBlob &data, const TBlob &indices, const TBlob &out) {
  checkDType(out, data.dtype, "scatter_nd", "out");
  MXRT_CHECK(indices.shape.ndim() >= 2, "operator scatter_nd: indices must have rank >= 2, got ",
             indices.shape.str());
  const NdRows r = ndRows(out.shape, indices, data.numel(), "scatter_nd");
  fill(out, 0);
  const int64_t bytes = r.inner * int64_t(dtypeSize(data.dtype));
  // In order: where indices repeat, the last row wins, as NumPy's x[i] = v
  // (mx.nd's advanced setitem relies on it) and MXNet's CPU kernel on one
  // thread. The gradient, gather_nd, is exact only without repeats (MXNet
  // says the same).
  for (size_t j = 0; j < r.row.size(); ++j)
    std::memcpy(static_cast<char *>(out.dptr) + r.row[j] * bytes,
                static_cast<const char *>(data.dptr) + int64_t(j) * bytes, size_t(bytes));
}

void batchTake(const TBlob &a, const TBlob &indices, const TBlob &out) {
  checkDType(out, a.dtype, "batch_take", "out");
  const int64_t n = indices.numel();
  MXRT_CHECK(out.numel() == n && (n == 0 || a.numel() % n == 0), "operator batch_take: a ",
             a.shape.str(), ", indices ", indices.shape.str(), " and output ", out.shape.str(),
             " do not agree (one index per row of a)");
  if (n == 0)
    return;
  const int64_t m = a.numel() / n;
  const std::vector<int64_t> idx = readIndices(indices);
  const size_t es = dtypeSize(a.dtype);
  // MXNet clips each index into its row.
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(static_cast<char *>(out.dptr) + size_t(i) * es,
                static_cast<const char *>(a.dptr) +
                    size_t(i * m + std::clamp<int64_t>(idx[size_t(i)], 0, m - 1)) * es,
                es);
}

void ravelMultiIndex(const TBlob &data, std::span<const int64_t> shape, const TBlob &out) {
  const int64_t k = int64_t(shape.size());
  MXRT_CHECK(k > 0 && data.shape.ndim() >= 1 && data.shape[0] == k,
             "operator _ravel_multi_index: data ", data.shape.str(), " must have ", k,
             " rows, one per axis of shape");
  const int64_t n = data.numel() / k;
  MXRT_CHECK(out.numel() == n, "operator _ravel_multi_index: output has ", out.numel(),
             " elements, expected ", n);
  const std::vector<int64_t> idx = readIndices(data);
  std::vector<int64_t> flat(static_cast<size_t>(n), 0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t d = 0; d < k; ++d)
      flat[size_t(i)] = flat[size_t(i)] * shape[size_t(d)] + idx[size_t(d * n + i)];
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    for (int64_t i = 0; i < n; ++i)
      out.ptr<T>()[i] = store<T>(double(flat[size_t(i)]));
  });
}

void unravelIndex(const TBlob &data, std::span<const int64_t> shape, const TBlob &out) {
  const int64_t k = int64_t(shape.size()), n = data.numel();
  MXRT_CHECK(k > 0 && out.numel() == k * n, "operator _unravel_index: output has shape ",
             out.shape.str(), ", expected ", k, " rows of ", n);
  const std::vector<int64_t> idx = readIndices(data);
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    T *y = out.ptr<T>();
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = idx[size_t(i)];
      for (int64_t d = k - 1; d >= 0; --d) { // as MXNet: the remainder keeps v's sign
        const int64_t q = v / shape[size_t(d)];
        y[d * n + i] = store<T>(double(v - q * shape[size_t(d)]));
        v = q;
      }
    }
  });
}

void sortAlong(const TBlob &data, std::optional<int64_t> axis, int64_t k, bool ascend,
               const TBlob *values, const TBlob *indices, const TBlob *mask) {
  const char *op = "topk";
  const int nd = data.shape.ndim();
  int64_t outer = 1, n = data.numel(), inner = 1;
  if (axis) {
    const int ax = normalizeAxis(*axis, nd, op);
    outer = data.shape.prod(0, ax);
    n = data.shape[ax];
    inner = data.shape.prod(ax + 1, nd);
  }
  if (k < 1 || k > n) // MXNet: k < 1 sorts the whole axis
    k = n;
  for (const TBlob *b : {values, indices})
    if (b)
      MXRT_CHECK(b->numel() == outer * k * inner, "operator ", op, ": output has ", b->numel(),
                 " elements, expected ", outer * k * inner);
  if (values)
    checkDType(*values, data.dtype, op, "values");
  if (mask) {
    checkDType(*mask, data.dtype, op, "mask");
    fill(*mask, 0);
  }
  if (outer * inner == 0 || n == 0)
    return;
  MXRT_DTYPE_SWITCH(data.dtype, T, {
    using C = compute_t<T>;
    const T *x = data.ptr<T>();
    parallel(outer * inner, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, n)),
             [&](int64_t lo, int64_t hi) {
               std::vector<int64_t> order(static_cast<size_t>(n));
               std::vector<C> key(static_cast<size_t>(n));
               for (int64_t t = lo; t < hi; ++t) {
                 const int64_t base = t / inner * n * inner + t % inner;
                 for (int64_t i = 0; i < n; ++i)
                   key[size_t(i)] = load<C>(x[base + i * inner]);
                 std::iota(order.begin(), order.end(), 0);
                 // NaN sorts as the largest value, which keeps the order strict.
                 auto less = [](C a, C b) {
                   return fn::isNan(b) ? !fn::isNan(a) : (!fn::isNan(a) && a < b);
                 };
                 auto cmp = [&](int64_t a, int64_t b) {
                   C ka = key[size_t(a)], kb = key[size_t(b)];
                   if (!ascend)
                     std::swap(ka, kb);
                   return less(ka, kb) || (!less(kb, ka) && a < b); // ties: by index
                 };
                 std::sort(order.begin(), order.end(), cmp);
                 const int64_t ob = t / inner * k * inner + t % inner;
                 for (int64_t i = 0; i < k; ++i) {
                   const int64_t src = order[size_t(i)];
                   if (values)
                     values->ptr<T>()[ob + i * inner] = x[base + src * inner];
                   if (indices)
                     MXRT_DTYPE_SWITCH(indices->dtype, TI,
                                       indices->ptr<TI>()[ob + i * inner] = store<TI>(double(src)));
                   if (mask)
                     mask->ptr<T>()[base + src * inner] = store<T>(1.0);
                 }
               }
             });
  });
}

// ---- op registration -----------------------------------------------------------

namespace {

IndexMode indexMode(const Attrs &a) {
  const std::string &m = a.getStr("mode");
  return m == "wrap" ? IndexMode::Wrap : m == "raise" ? IndexMode::Raise : IndexMode::Clip;
}

std::optional<int64_t> optAxis(const Attrs &a) { return a.getOptInt("axis"); }

const KernelRegistrar registrations([] {
  using In = std::span<const TBlob>;
  registerKernel("take", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    take(in[0], in[1], a.getInt("axis"), indexMode(a), out[0]);
  });
  registerKernel("Embedding", DeviceType::CPU, [](const OpContext &, const Attrs &, In in, In out) {
    take(in[1], in[0], 0, IndexMode::Clip, out[0]);
  });
  registerKernel("pick", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    std::optional<int64_t> axis = optAxis(a);
    if (axis) {
      pick(in[0], in[1], *axis, indexMode(a), out[0]);
    } else { // None: over the flattened array
      TBlob flat = in[0];
      flat.shape = TShape{in[0].numel()};
      pick(flat, in[1], 0, indexMode(a), out[0]);
    }
  });
  registerKernel("one_hot", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    oneHot(in[0], a.getInt("depth"), a.getFloat("on_value"), a.getFloat("off_value"), out[0]);
  });
  registerKernel("gather_nd", DeviceType::CPU, [](const OpContext &, const Attrs &, In in, In out) {
    gatherNd(in[0], in[1], out[0]);
  });
  registerKernel(
      "scatter_nd", DeviceType::CPU,
      [](const OpContext &, const Attrs &, In in, In out) { scatterNd(in[0], in[1], out[0]); });
  registerKernel(
      "batch_take", DeviceType::CPU,
      [](const OpContext &, const Attrs &, In in, In out) { batchTake(in[0], in[1], out[0]); });
  registerKernel("_ravel_multi_index", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   ravelMultiIndex(in[0], a.getShape("shape"), out[0]);
                 });
  registerKernel("_unravel_index", DeviceType::CPU,
                 [](const OpContext &, const Attrs &a, In in, In out) {
                   unravelIndex(in[0], a.getShape("shape"), out[0]);
                 });
  registerKernel("topk", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    const std::string &ret = a.getStr("ret_typ");
    const TBlob *values = nullptr, *indices = nullptr, *mask = nullptr;
    if (ret == "value")
      values = &out[0];
    else if (ret == "indices")
      indices = &out[0];
    else if (ret == "mask")
      mask = &out[0];
    else { // both: [values, indices]
      values = &out[0];
      indices = &out[1];
    }
    sortAlong(in[0], optAxis(a), a.getInt("k"), a.getBool("is_ascend"), values, indices, mask);
  });
  registerKernel("sort", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    sortAlong(in[0], optAxis(a), 0, a.getBool("is_ascend"), &out[0], nullptr, nullptr);
  });
  registerKernel("argsort", DeviceType::CPU, [](const OpContext &, const Attrs &a, In in, In out) {
    sortAlong(in[0], optAxis(a), 0, a.getBool("is_ascend"), nullptr, &out[0], nullptr);
  });
});

} // namespace
} // namespace mxrt::kernels::cpu
