// kernel_props.h - what the invocation path needs to know about a kernel
// beyond op_registry.h: whether its output may be its input's memory.
//
// Elementwise kernels (unary, binary with broadcasting, scalar, cast) read
// element i before writing element i, so `out=` the input itself works in
// place. Any other kernel whose output aliases an input runs into a
// temporary that is copied back (runtime/imperative/invoke.cc).
#pragma once

#include "mxrt/op_table.h"

#include <string_view>

namespace mxrt::kernels {

/// Marks op (by name or alias) as safe to run with an output that is
/// exactly one of its inputs (same memory, same shape).
void markAliasSafe(std::string_view op);
bool aliasSafe(const OpSpec &op);

} // namespace mxrt::kernels
