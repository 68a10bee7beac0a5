// server.h - a server process of the distributed KVStore.
//
// Two threads share the work. The communication thread receives every
// message and keeps each key's state: it lands pushed data in a buffer per
// worker, answers pulls from the stored value, and sends the answers. The
// main thread (the one in runServer, MXNet's too: the updater is Python)
// runs the updates and the commands, one at a time, from a task queue:
//
//   dist_sync   once every worker pushed a key, the pushes are summed in
//               worker order (the single-process sum exactly) and the
//               updater runs (no updater: the sum is stored); then every
//               pusher gets its Ack.
//   dist_async  each push is applied as it arrives, and requires an updater.
//
// A key never has an update and a pull's send in flight together: pulls
// that arrive while an update is due or running wait for it, and an update
// waits for the sends in flight. A bad message (unknown key, wrong size or
// dtype, a duplicate init) gets its sender an Error naming what is wrong;
// the server goes on serving the others. runServer returns once every
// worker has closed, and throws if the transport fails.
#pragma once

#include "kvstore/mpi/transport.h"
#include "mxrt/kvstore.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace mxrt::kvstore::dist {

class Server final : public Endpoint {
public:
  /// The process's server; the transport is started and this process
  /// must be a server.
  static Server &get();
  Transport &transport() { return tr_; }

  /// Serves (main thread) until every worker closed; throws on failure.
  void run(const KVStore::KVController &controller);
  /// Main thread: the updater of the store whose command runs (store 0
  /// outside commands).
  void setUpdater(KVUpdater updater);
  bool hasUpdater() const;

  void onMessage(int src, const Header &h) override;
  void onPeerClosed(int src) override;
  void onFailure(const std::exception_ptr &error) override;

private:
  explicit Server(Transport &t);

  /// A request waiting for its answer.
  struct Pending {
    int src;
    uint64_t req;
  };
  struct Key {
    int id = 0;
    int store = 0;
    bool ready = false; ///< the init's data landed
    NDArray stored;     ///< this server's part of the value
    int64_t offset = 0, count = 0, total = 0;
    DType dtype = DType::Float32;
    std::string what;          ///< "key 3 (2,4)" for messages
    std::vector<NDArray> recv; ///< the last push of each worker
    NDArray merged;            ///< dist_sync: the sum handed to the updater
    std::vector<int> round;    ///< dist_sync: the workers that pushed this round
    std::vector<Pending> roundReqs;
    std::deque<std::pair<int, Pending>> queue; ///< dist_async: (worker, push) to apply
    std::vector<Pending> applying;             ///< the pushes the running update answers
    std::deque<Pending> pulls;                 ///< pulls waiting for an update
    int sending = 0;
    bool updating = false;
  };
  struct Store {
    bool sync = false;
    std::unordered_map<int, Key> keys;
  };

  // Communication thread.
  Key *find(int src, const Header &h, const char *what);
  void onInit(int src, const Header &h);
  void onPush(int src, const Header &h);
  void onPull(int src, const Header &h);
  void onCommand(int src, const Header &h);
  void reply(int dst, uint64_t req, std::exception_ptr error);
  void reject(int src, const Header &h, const std::string &why);
  bool updateDue(const Store &s, const Key &k) const;
  void maybeUpdate(Store &s, Key &k);
  void updated(Store &s, Key &k, std::exception_ptr error);
  void sendValue(Store &s, Key &k, const Pending &p);

  // Main thread.
  void task(UniqueFunction<void()> fn);
  void update(int store, int key, bool sync, std::vector<NDArray> inputs, NDArray merged,
              NDArray stored);

  Transport &tr_;
  const std::string name_; ///< "KVStore server 0"
  std::unordered_map<int, Store> stores_;
  std::vector<bool> workerClosed_;
  int closedWorkers_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<UniqueFunction<void()>> tasks_;
  bool allClosed_ = false;
  std::exception_ptr failure_;

  // Main thread only.
  std::unordered_map<int, std::shared_ptr<const KVUpdater>> updaters_;
  int commandStore_ = 0;
  const KVStore::KVController *controller_ = nullptr;
};

} // namespace mxrt::kvstore::dist
