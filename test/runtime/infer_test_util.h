// infer_test_util.h - running one op's shape and type functions in tests.
//
// run() parses MXNet attribute strings against the op table, runs the op's
// registered function the way the graph pass does (until nothing changes,
// never once everything is known) and returns the completed shapes or the
// error text. The expectations in the infer_*_test.cc files were obtained
// from MXNet 1.9.1 (Symbol.infer_shape_partial / infer_type_partial on the
// same op and attributes) unless a comment says otherwise.
#pragma once

#include "mxrt/attrs.h"
#include "mxrt/op_registry.h"

#include <string>
#include <utility>
#include <vector>

namespace mxrt::testing {

using KV = std::vector<std::pair<std::string, std::string>>;

template <class T> struct Inferred {
  std::vector<T> in, out;
  std::string error; ///< empty on success
  bool complete = false;
};

inline Attrs parseAttrs(std::string_view op, const KV &kv) {
  const OpSpec *spec = findOp(op);
  MXRT_CHECK(spec, "no operator ", op);
  std::vector<Attrs::KeyValue> pairs(kv.begin(), kv.end());
  return Attrs::parse(*spec, pairs);
}

template <class T>
Inferred<T> runInference(std::string_view op, const KV &kv, std::vector<T> in,
                         std::vector<T> givenOut, T unknown,
                         bool (*fn)(const Attrs &, std::vector<T> &, std::vector<T> &),
                         bool (*isKnown)(const T &)) {
  Attrs attrs = parseAttrs(op, kv);
  Inferred<T> r;
  r.in = std::move(in);
  r.out.assign(size_t(numOutputs(attrs)), unknown);
  for (size_t i = 0; i < givenOut.size(); ++i)
    r.out[i] = givenOut[i];
  auto allKnown = [&] {
    for (const T &x : r.in)
      if (!isKnown(x))
        return false;
    for (const T &x : r.out)
      if (!isKnown(x))
        return false;
    return true;
  };
  try {
    for (int round = 0; round < 8 && !allKnown(); ++round) {
      auto in0 = r.in, out0 = r.out;
      fn(attrs, r.in, r.out);
      if (r.in == in0 && r.out == out0)
        break;
    }
  } catch (const Error &e) {
    r.error = e.what();
  }
  r.complete = allKnown();
  return r;
}

inline Inferred<TShape> inferShapes(std::string_view op, const KV &kv, std::vector<TShape> in,
                                    std::vector<TShape> givenOut = {}) {
  return runInference<TShape>(op, kv, std::move(in), std::move(givenOut), TShape(), runShapeFn,
                              [](const TShape &s) { return s.known(); });
}

inline Inferred<DType> inferTypes(std::string_view op, const KV &kv, std::vector<DType> in,
                                  std::vector<DType> givenOut = {}) {
  return runInference<DType>(op, kv, std::move(in), std::move(givenOut), DType::Unknown, runTypeFn,
                             [](const DType &t) { return t != DType::Unknown; });
}

/// An unknown shape, for readability.
inline const TShape kUnknown{};

} // namespace mxrt::testing
