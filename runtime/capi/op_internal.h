// op_internal.h - what op_api.cc and invoke_api.cc share: the object behind
// mxrtOpAttrsHandle, and attribute parsing with MXNet's num_args rule.
#pragma once

#include "capi/c_api_internal.h"
#include "mxrt/attrs.h"
#include "mxrt/op_table.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

/// The object behind mxrtOpAttrsHandle: the parsed attributes (checked
/// once) and their strings, which mxrt::invoke looks up in its per-thread
/// cache of parsed attributes (one hash, no parse, no copy per call).
struct mxrtOpAttrs {
  mxrt::Attrs attrs;
  std::vector<std::pair<std::string, std::string>> strings;
  std::vector<mxrt::Attrs::KeyValue> kv; ///< views of strings
  int visible = 0;                       ///< visible outputs
};

namespace mxrt::capi {

/// The OpSpec behind a handle (Error naming fn if null).
const OpSpec &opOf(mxrtOpHandle op, const char *fn);

/// Parses string attributes against op. A variadic op whose count attribute
/// (num_args) is not among the keys gets numInputs, as MXNet's
/// MXImperativeInvoke does; UINT32_MAX leaves it out.
Attrs parseAttrs(const OpSpec &op, uint32_t numAttrs, const char *const *keys,
                 const char *const *vals, uint32_t numInputs, const char *fn);

} // namespace mxrt::capi
