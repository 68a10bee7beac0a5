// kernel_props.cc - the alias-safety marks of kernels (see kernel_props.h).
#include "kernels/kernel_props.h"

#include <vector>

namespace mxrt::kernels {
namespace {
std::vector<bool> &marks() {
  static std::vector<bool> v(opTable().size());
  return v;
}
} // namespace

void markAliasSafe(std::string_view op) {
  if (const OpSpec *s = findOp(op))
    marks()[size_t(s - opTable().data())] = true;
}

bool aliasSafe(const OpSpec &op) { return marks()[size_t(&op - opTable().data())]; }

} // namespace mxrt::kernels
