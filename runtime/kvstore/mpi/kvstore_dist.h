// kvstore_dist.h - the distributed stores as workers and servers see them.
//
// KVStoreDist is a worker's store ("dist_sync", "dist_async",
// "dist_device_sync", ...). A push first sums the values given for a key in
// this process (one host value of the key's dtype goes as it is; several
// are reduced by a local store, on the devices for "device" kinds), then an
// engine op sends the sum's parts to the servers that own them and
// completes when every server acknowledged (in dist_sync: once every worker
// pushed and the update ran). A pull is an engine op that asks the servers
// for the parts and lands them in the out array (or the key's buffer, then
// copied to each out). Push and pull of a key are ordered by a variable of
// the key; they return at once.
//
// init: rank 0 sends the values and waits for the servers; every worker
// then waits at a barrier (MXNet). A process may create several dist
// stores; each has an id (creation order), the same on every worker.
//
// KVStoreDistServer is the store `import mxc` creates in a server process:
// runServer serves; its updater is the one the servers run.
#pragma once

#include "kvstore/key_groups.h"
#include "kvstore/kvstore_local.h"
#include "kvstore/mpi/client.h"

#include <memory>
#include <mutex>
#include <unordered_map>

namespace mxrt::kvstore::dist {

class KVStoreDist final : public KVStore {
public:
  explicit KVStoreDist(std::string type);
  ~KVStoreDist() override;

  int rank() const override { return tr_.roleRank(); }
  int numWorkers() const override { return tr_.numWorkers(); }

  void init(std::span<const int> keys, std::span<const NDArray> values) override;
  void push(std::span<const int> keys, std::span<const NDArray> values, int priority) override;
  void pull(std::span<const int> keys, std::span<const NDArray> outs, int priority,
            bool ignoreSparse) override;
  /// Kept, as MXNet's workers keep it, but unused: the servers update.
  void setUpdater(KVUpdater updater) override;
  bool hasUpdater() const override;
  /// Waits for every push and pull of this store pushed so far.
  void waitUpdates() override;
  void barrier() override;
  void sendCommandToServers(int head, std::string_view body) override;

private:
  /// A key's slice held by one server.
  struct Part {
    int server; ///< MPI rank
    int64_t offset, count;
  };
  struct Key {
    TShape shape;
    DType dtype;
    std::vector<Part> parts;
    VarHandle var = nullptr; ///< orders this key's pushes and pulls
    NDArray buf;             ///< host memory: the sum sent, the value pulled
    bool inLocal = false;    ///< inited in local_ (several values reduced there)
  };
  using KeyMap = std::unordered_map<int, Key>;

  std::vector<Part> partition(int key, int64_t numel) const;
  /// Every group's key, after checking it was inited with the arrays' shape.
  std::vector<Key *> checkGroups(const std::vector<Group> &groups, const char *what,
                                 const char *role);
  /// The key's host buffer (allocated on first use).
  NDArray &bufferOf(Key &k);
  /// The host array holding the sum of values for the key, in its dtype.
  NDArray sumOf(int key, Key &k, const std::vector<NDArray> &values, int priority);
  /// Runs the calls of one operation (one per part) on the communication
  /// thread and completes done when all are answered.
  void callParts(const Key &k, Header h, const NDArray &data, bool pull, Done done);

  Client &client_;
  Transport &tr_;
  const int id_;
  const bool onDevices_;
  const Context hostCtx_;
  const int64_t bigArrayBound_;
  mutable std::mutex mu_;
  KeyMap keys_;
  std::unique_ptr<KVStoreLocal> local_; ///< sums several values of one push
  std::shared_ptr<const KVUpdater> updater_;
};

class Server;

class KVStoreDistServer final : public KVStore {
public:
  explicit KVStoreDistServer(std::string type);

  int rank() const override;
  int numWorkers() const override;
  void init(std::span<const int>, std::span<const NDArray>) override;
  void push(std::span<const int>, std::span<const NDArray>, int) override;
  void pull(std::span<const int>, std::span<const NDArray>, int, bool) override;
  /// The updater the servers run for the store whose command is running
  /// (set_optimizer on a worker runs the controller, which sets it).
  void setUpdater(KVUpdater updater) override;
  bool hasUpdater() const override;
  void waitUpdates() override {}
  void runServer(const KVController &controller) override;

private:
  [[noreturn]] void notForServers(const char *what) const;
  Server &server_;
};

} // namespace mxrt::kvstore::dist
