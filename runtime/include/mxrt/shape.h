// shape.h - TShape: an array shape of any rank, possibly partly unknown.
//
// Unknown is -1 throughout the runtime and the compiler: ndim() == -1 for a
// shape of unknown rank, a dim of -1 for an unknown extent. MXNet 1.x's
// legacy convention (0 for unknown) is converted at the Python boundary.
// Up to kInline dims live inline, so small shapes never allocate.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace mxrt {

class TShape {
public:
  static constexpr int kInline = 6;

  /// A shape of unknown rank.
  TShape() = default;
  TShape(std::initializer_list<int64_t> dims) : TShape(std::span(dims.begin(), dims.size())) {}
  explicit TShape(std::span<const int64_t> dims);
  /// ndim dims, each `fill` (-1: unknown extents of a known rank).
  TShape(int ndim, int64_t fill);
  TShape(const TShape &other) { *this = other; }
  TShape &operator=(const TShape &other);

  int ndim() const { return ndim_; }
  bool ndimKnown() const { return ndim_ >= 0; }
  /// Rank and every extent known.
  bool known() const;
  int64_t operator[](int i) const { return data()[i]; }
  int64_t &operator[](int i) { return data()[i]; }
  const int64_t *data() const { return ndim_ > kInline ? heap_.data() : inline_; }
  int64_t *data() { return ndim_ > kInline ? heap_.data() : inline_; }
  const int64_t *begin() const { return data(); }
  const int64_t *end() const { return data() + (ndim_ > 0 ? ndim_ : 0); }
  std::span<const int64_t> dims() const { return {begin(), end()}; }
  /// Product of the extents (1 for rank 0); only meaningful when known().
  int64_t numel() const;
  /// Product of dims[begin, end).
  int64_t prod(int begin, int end) const;

  friend bool operator==(const TShape &a, const TShape &b);
  /// "(2,3)" as MXNet prints inferred shapes; "(2,)" for rank 1, "()" for 0.
  std::string str() const;

private:
  int ndim_ = -1;
  int64_t inline_[kInline] = {};
  std::vector<int64_t> heap_;
};

} // namespace mxrt
