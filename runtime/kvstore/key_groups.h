// key_groups.h - MXNet's key/array pairing, shared by every store: keys[i]
// goes with arrays[i], a key may repeat, and a call's work runs per key in
// ascending key order (MXNet's order for updates within one call).
#pragma once

#include "mxrt/base.h"
#include "mxrt/ndarray.h"

#include <algorithm>
#include <span>
#include <utility>
#include <vector>

namespace mxrt::kvstore {

/// The arrays given for one key, in the order given.
struct Group {
  int key;
  std::vector<NDArray> arrays;
};

/// Pairs keys[i] with arrays[i] and groups them by key, in ascending key
/// order. `what` names the call in the error for mismatched lengths.
inline std::vector<Group> groupByKey(std::span<const int> keys, std::span<const NDArray> arrays,
                                     const char *what) {
  MXRT_CHECK(keys.size() == arrays.size(), "KVStore ", what, ": ", keys.size(), " keys but ",
             arrays.size(), " arrays");
  std::vector<std::pair<int, size_t>> order;
  for (size_t i = 0; i < keys.size(); ++i)
    order.emplace_back(keys[i], i);
  std::sort(order.begin(), order.end()); // by key, then by position
  std::vector<Group> groups;
  for (auto [key, i] : order) {
    if (groups.empty() || groups.back().key != keys[i])
      groups.push_back({keys[i], {}});
    groups.back().arrays.push_back(arrays[i]);
  }
  return groups;
}

} // namespace mxrt::kvstore
