// shape.cc - TShape storage and printing.
#include "mxrt/shape.h"

#include <algorithm>

namespace mxrt {

TShape::TShape(std::span<const int64_t> dims) : TShape(int(dims.size()), 0) {
  std::copy(dims.begin(), dims.end(), data());
}

TShape::TShape(int ndim, int64_t fill) : ndim_(ndim) {
  if (ndim_ > kInline)
    heap_.assign(size_t(ndim_), fill);
  else if (ndim_ > 0)
    std::fill(inline_, inline_ + ndim_, fill);
}

TShape &TShape::operator=(const TShape &other) {
  if (this == &other)
    return *this;
  ndim_ = other.ndim_;
  if (ndim_ > kInline) {
    heap_ = other.heap_;
  } else {
    heap_.clear();
    std::copy(other.inline_, other.inline_ + std::max(ndim_, 0), inline_);
  }
  return *this;
}

bool TShape::known() const {
  return ndim_ >= 0 && std::all_of(begin(), end(), [](int64_t d) { return d >= 0; });
}

int64_t TShape::numel() const { return prod(0, std::max(ndim_, 0)); }

int64_t TShape::prod(int b, int e) const {
  int64_t p = 1;
  for (int i = b; i < e; ++i)
    p *= data()[i];
  return p;
}

bool operator==(const TShape &a, const TShape &b) {
  return a.ndim_ == b.ndim_ && std::equal(a.begin(), a.end(), b.begin());
}

std::string TShape::str() const {
  if (ndim_ < 0)
    return "None";
  std::string s = "(";
  for (int i = 0; i < ndim_; ++i) {
    if (i)
      s += ',';
    s += std::to_string(data()[i]);
  }
  if (ndim_ == 1)
    s += ',';
  return s + ")";
}

} // namespace mxrt
