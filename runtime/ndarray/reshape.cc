// reshape.cc - inferReshape: MXNet's Reshape special values.
//
// A port of InferReshapeShape (src/operator/tensor/matrix_op-inl.h, 1.9):
//   0  copy this dimension from the input
//  -1  infer from the remaining size (at most once)
//  -2  copy all remaining input dimensions
//  -3  merge two consecutive input dimensions
//  -4  split one input dimension into the next two values (either may be -1)
// With reverse the spec and the input are matched from the right. Input
// extents may be unknown (-1) during graph shape inference; what depends on
// them stays -1. Where MXNet would read past the input or divide by zero,
// this raises an Error naming both shapes.
#include "mxrt/base.h"
#include "mxrt/ndarray.h"

#include <algorithm>
#include <vector>

namespace mxrt {
namespace {

std::string specStr(std::span<const int64_t> spec) {
  std::string s = "(";
  for (size_t i = 0; i < spec.size(); ++i)
    s += (i ? "," : "") + std::to_string(spec[i]);
  return s + (spec.size() == 1 ? ",)" : ")");
}

} // namespace

TShape inferReshape(const TShape &in, std::span<const int64_t> spec, bool reverse) {
  auto bad = [&](auto &&...why) {
    fail("Reshape: cannot apply shape ", specStr(spec), reverse ? " (reverse)" : "",
         " to input shape ", in.str(), ": ", why...);
  };
  if (!in.ndimKnown())
    bad("the input rank is unknown");
  std::vector<int64_t> src(in.begin(), in.end()), sp(spec.begin(), spec.end()), out;
  if (reverse) {
    std::reverse(src.begin(), src.end());
    std::reverse(sp.begin(), sp.end());
  }
  size_t s = 0; // next input dimension
  int inferAt = -1;
  for (size_t i = 0; i < sp.size(); ++i) {
    int64_t v = sp[i];
    if (v == 0) {
      if (s >= src.size())
        bad("0 at position ", i, " has no input dimension to copy");
      out.push_back(src[s++]);
    } else if (v == -1) {
      if (inferAt >= 0)
        bad("only one dimension can be -1");
      inferAt = int(out.size());
      out.push_back(1);
      ++s; // as MXNet: -1 stands for one input dimension
    } else if (v == -2) {
      while (s < src.size())
        out.push_back(src[s++]);
    } else if (v == -3) {
      if (s + 1 >= src.size())
        bad("-3 at position ", i, " needs two input dimensions");
      int64_t a = src[s++], b = src[s++];
      out.push_back(a < 0 || b < 0 ? -1 : a * b);
    } else if (v == -4) {
      if (i + 2 >= sp.size())
        bad("-4 at position ", i, " must be followed by two values");
      if (s >= src.size())
        bad("-4 at position ", i, " has no input dimension to split");
      int64_t d0 = src[s++], d1 = sp[++i], d2 = sp[++i];
      if (d1 == -1 && d2 == -1)
        bad("split dims cannot both be -1");
      if (d1 == 0 || d2 == 0 || d1 < -1 || d2 < -1)
        bad("split dims must be positive or -1, got ", d1, " and ", d2);
      if (d1 == -1 && d0 >= 0)
        d1 = d0 / d2;
      if (d2 == -1 && d0 >= 0)
        d2 = d0 / d1;
      if (d0 >= 0 && d1 * d2 != d0)
        bad("split dims ", d1, ", ", d2, " do not divide input dimension ", d0);
      out.push_back(d1);
      out.push_back(d2);
    } else if (v > 0) {
      out.push_back(v);
      ++s;
    } else {
      bad("invalid value ", v, " (special values are 0, -1, -2, -3, -4)");
    }
  }
  if (inferAt >= 0) {
    if (in.known()) {
      int64_t rest = 1;
      for (int64_t d : out)
        rest *= d;
      if (rest == 0 || in.numel() % rest != 0)
        bad("cannot infer the -1 dimension: ", in.numel(), " elements are not a multiple of ",
            rest);
      out[size_t(inferAt)] = in.numel() / rest;
    } else {
      out[size_t(inferAt)] = -1;
    }
  }
  if (reverse)
    std::reverse(out.begin(), out.end());
  TShape result{std::span<const int64_t>(out)};
  if (in.known() && result.known() && result.numel() != in.numel())
    bad("the result ", result.str(), " has ", result.numel(), " elements, the input ", in.numel());
  return result;
}

} // namespace mxrt
