// kvstore.h - the key-value store: values pushed to a key from several
// devices are summed, an updater merges the sum into the stored value, and
// pulls broadcast the stored value to every device (MXNet's KVStore).
//
// Everything is asynchronous on the engine: push and pull check their
// arguments, push engine ops with read/write dependencies on the arrays
// involved and return at once, so communication overlaps computation. A
// store works on int keys; string keys are mapped to ints once, at the
// boundary (mapStrKeys), and a store uses one kind of key for its life.
//
// Kinds (create): "local" reduces on the CPU; "device" reduces on the
// devices the values live on (peer copies between GPUs). Distributed kinds
// (a type containing "dist": "dist_sync", "dist_async", "dist_device_sync",
// ...) live in libmxrt_mpi, loaded on first use (libmxrt needs no MPI):
// workers push to and pull from server processes over MPI, and the servers
// run the updater (docs/distributed.md).
#pragma once

#include "mxrt/ndarray.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mxrt {

/// updater(key, strKey, recv, stored) merges recv (the sum of one push's
/// values for key) into stored; strKey is the key's name in a store with
/// string keys, else null. It runs inside an engine op that reads recv and writes
/// stored, in push order across all keys of the store, so it may read and
/// write their memory directly or push engine ops on them (and on arrays of
/// its own, such as optimizer states); the update counts as done when those
/// ops have run. recv and stored are aliases of the store's memory valid
/// for that update only; waiting on them from inside the updater is an
/// Error (it would wait for itself). A throw fails the update: the error
/// surfaces at the next wait on a pulled array.
using KVUpdater =
    std::function<void(int key, const char *strKey, const NDArray &recv, const NDArray &stored)>;

class KVStore {
public:
  /// MXNet's kv.create: the type is lower-cased; one containing "dist" is
  /// distributed (Error when libmxrt_mpi cannot be loaded); one containing
  /// "device" or "nccl" reduces on the devices; anything else ("local",
  /// "local_allreduce_cpu") on the CPU.
  static std::unique_ptr<KVStore> create(std::string_view type);
  virtual ~KVStore();

  /// The lower-cased type given to create.
  const std::string &type() const { return type_; }
  /// This worker's rank and the number of workers (1 for local stores).
  virtual int rank() const { return 0; }
  virtual int numWorkers() const { return 1; }

  // ---- keys: the boundary between named and numbered keys ---------------

  enum class KeyKind : uint8_t { None, Int, Str };
  /// Declares that the caller uses int keys; Error "Mixed key types are not
  /// allowed" when this store already uses string keys.
  void useIntKeys();
  /// The int key of each name. With create, new names get new keys (init);
  /// otherwise an unknown name is Error "key NAME doesn't exist. Did you
  /// init?". Error when the store already uses int keys.
  std::vector<int> mapStrKeys(std::span<const std::string_view> names, bool create);
  KeyKind keyKind() const;
  /// How errors and string-keyed updaters name a key: "3", or the string.
  std::string keyName(int key) const;

  // ---- data: keys[i] goes with values[i]; a key may repeat --------------

  /// Stores a copy of each value. Error "duplicate init of key K" when a
  /// key was initialized before (or appears twice).
  virtual void init(std::span<const int> keys, std::span<const NDArray> values) = 0;
  /// Sums the values given for each key (any devices), then runs the
  /// updater, or assigns the sum when there is none. Errors name the key:
  /// never initialized, or a shape other than the stored one.
  virtual void push(std::span<const int> keys, std::span<const NDArray> values,
                    int priority = 0) = 0;
  /// Copies each key's stored value into every out array given for it.
  /// ignoreSparse is MXNet's flag; mxc has dense arrays only.
  virtual void pull(std::span<const int> keys, std::span<const NDArray> outs, int priority = 0,
                    bool ignoreSparse = true) = 0;
  /// push, then pull of outKeys into outs.
  void pushPull(std::span<const int> keys, std::span<const NDArray> values,
                std::span<const int> outKeys, std::span<const NDArray> outs, int priority = 0);
  /// init, then pull of outKeys into outs.
  void broadcast(std::span<const int> keys, std::span<const NDArray> values,
                 std::span<const int> outKeys, std::span<const NDArray> outs, int priority = 0);

  /// Replaces the updater (null: assignment). Pushes made before keep the
  /// updater they were pushed with.
  virtual void setUpdater(KVUpdater updater) = 0;
  virtual bool hasUpdater() const = 0;
  /// Blocks until every update pushed so far has run (e.g. before saving
  /// optimizer states); rethrows an update's error.
  virtual void waitUpdates() = 0;
  /// Waits for every worker (local stores: nothing to wait for).
  virtual void barrier() {}

  /// A server command's handler: MXNet's head (0: a pickled optimizer) and
  /// body, as the worker sent them. A throw is the worker's error.
  using KVController = std::function<void(int head, std::string_view body)>;
  /// MXNet's _send_command_to_servers: returns once every server ran the
  /// command. Stores without servers have nothing to do.
  virtual void sendCommandToServers(int head, std::string_view body) {}
  /// In a server process of a distributed job: serves the workers until
  /// every one has closed, calling controller for the commands the server
  /// does not handle itself. Error for every other store.
  virtual void runServer(const KVController &controller);

protected:
  explicit KVStore(std::string type) : type_(std::move(type)) {}

private:
  std::string type_;
  mutable std::mutex keyMu_;
  KeyKind keyKind_ = KeyKind::None;
  std::unordered_map<std::string, int> strToKey_;
  std::vector<std::string> keyToStr_;
};

} // namespace mxrt
