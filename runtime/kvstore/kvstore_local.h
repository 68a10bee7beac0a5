// kvstore_local.h - the single-process stores: "local" (reduce on the CPU)
// and "device" (reduce on the devices the values come from).
//
// Per key the store keeps the stored value and, when an updater is set, a
// merge buffer the pushed values are summed into. A push is a chain of
// engine ops: copies of the values that are not on the reduce device (or
// not of the stored dtype) into per-key staging buffers, one sum op, then
// either the sum lands in the stored value (no updater) or an update op
// runs the updater. Pulls are copies out of the stored value. The engine
// orders them all through the arrays' variables, so push and pull return
// at once.
//
// Updates run in push order across keys: every update op also writes the
// store's sequence variable, which keeps an updater (an optimizer with a
// learning-rate schedule, a Python callable printing keys) deterministic.
// The updater works on aliases of recv and stored that carry variables of
// their own: ops it pushes on them can run while the update op still holds
// the real arrays, and the update completes only after them (see
// runUpdate), so a pull pushed after the push always sees the update.
//
// Where the stored value lives: "local" keeps it in host memory
// (cpu_pinned when GPUs exist). "device" moves it, at a key's first push,
// to the least loaded GPU among those the values come from, and sums there
// (peer copies into staging buffers, then a CUDA sum); with host values
// only it stays in host memory.
#pragma once

#include "mxrt/kvstore.h"

#include <mutex>
#include <unordered_map>
#include <vector>

namespace mxrt::kvstore {

class KVStoreLocal final : public KVStore {
public:
  KVStoreLocal(std::string type, bool onDevices);
  ~KVStoreLocal() override;

  void init(std::span<const int> keys, std::span<const NDArray> values) override;
  void push(std::span<const int> keys, std::span<const NDArray> values, int priority) override;
  void pull(std::span<const int> keys, std::span<const NDArray> outs, int priority,
            bool ignoreSparse) override;
  void setUpdater(KVUpdater updater) override;
  bool hasUpdater() const override;
  void waitUpdates() override;

private:
  struct Entry {
    NDArray stored;
    NDArray merged;               ///< the sum handed to the updater
    std::vector<NDArray> staging; ///< values copied to the reduce device
    bool placed = false;          ///< device mode: the reduce device is chosen
  };
  using UpdaterPtr = std::shared_ptr<const KVUpdater>;

  /// The entry of each group's key, after checking that it was inited and
  /// that every array of the group has the stored shape.
  template <class Groups>
  std::vector<Entry *> checkGroups(const Groups &groups, const char *what, const char *role);
  /// Device mode: moves the stored value to its reduce device.
  void place(Entry &e, std::span<const NDArray> values);
  /// Sums values into dst (on dst's device, in dst's dtype).
  void reduceInto(Entry &e, std::span<const NDArray> values, const NDArray &dst, int priority);
  /// The sum the updater receives: a lone value as it is when it already
  /// sits on the stored value's device in its dtype (MXNet hands the
  /// pushed array itself to the updater), else the merge buffer.
  NDArray reduceForUpdate(Entry &e, std::span<const NDArray> values, int priority);
  void pushUpdate(int key, const NDArray &recv, const NDArray &stored, UpdaterPtr updater,
                  int priority);

  const bool onDevices_;
  const Context hostCtx_;
  /// Recursive: under the naive engine an update (and a Python updater
  /// calling back into the store) runs inside push, on this thread.
  mutable std::recursive_mutex mu_;
  std::unordered_map<int, Entry> store_;
  UpdaterPtr updater_;
  VarHandle seq_ = nullptr;        ///< written by every update op, in push order
  std::vector<size_t> deviceLoad_; ///< device mode: bytes placed per GPU
};

} // namespace mxrt::kvstore
