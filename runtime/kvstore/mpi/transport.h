// transport.h - the process's MPI endpoint for the distributed KVStore.
//
// One communication thread per process makes every MPI call (it calls
// MPI_Init_thread, so MPI_THREAD_FUNNELED is all it needs from MPI): it
// starts the sends and receives other threads hand it with post(), probes
// for incoming headers, drives MPI's progress by polling (non-blocking
// calls only, so nothing can block it), and watches the peers.
//
// Roles: every process is a worker or a server. DMLC_ROLE, when set, says
// which; otherwise the last S ranks of MPI_COMM_WORLD are servers, with S
// from MXC_NUM_SERVERS, else DMLC_NUM_SERVER, else 1 (0 for a job of one
// process). Workers and servers are numbered in rank order.
//
// Liveness: each process hears from the peers it waits on (workers and
// servers both ways, worker 0 and the other workers both ways): any message
// counts, and a heartbeat goes out when nothing else did for a while. A
// peer silent for MXC_KVSTORE_TIMEOUT seconds (default 60), or one on this
// host whose process is gone, fails the transport: the reason, naming the
// peer, goes to stderr and to every other process (so all of them fail
// within the timeout, not only those that were watching), every pending and
// later operation completes with it, and at exit the process calls
// MPI_Abort instead of MPI_Finalize (a dead peer would hang MPI_Finalize).
//
// Exit: at process exit every process says Bye to every other and waits for
// all of theirs (MXNet's barrier before exit), then calls MPI_Finalize.
#pragma once

#include "kvstore/mpi/protocol.h"
#include "mxrt/engine.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mxrt::kvstore::dist {

/// Completion of a send, a receive or a request: null on success.
using Done = UniqueFunction<void(std::exception_ptr)>;

enum class Role : int32_t { Worker = 0, Server = 1 };

/// What receives messages: the worker's client or the server. Every call
/// comes on the communication thread.
class Endpoint {
public:
  virtual ~Endpoint() = default;
  /// A header from src. A payload (h.bytes > 0) must be received with
  /// Transport::receive, before or after returning.
  virtual void onMessage(int src, const Header &h) = 0;
  /// src said Bye: it sends nothing more.
  virtual void onPeerClosed(int src) = 0;
  /// The transport failed: fail whatever waits.
  virtual void onFailure(const std::exception_ptr &error) = 0;
};

class Transport {
public:
  /// The process's transport: MPI up, roles known. The first call starts
  /// it (MPI_Init_thread waits for every process of the job, up to the
  /// timeout); an Error then is the Error of every later call.
  static Transport &get();
  /// Whether get() succeeded already (for the exit handler).
  static Transport *ifStarted();

  Role role() const { return role_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  int numWorkers() const { return int(workers_.size()); }
  int numServers() const { return int(servers_.size()); }
  /// This process's number among the workers or among the servers.
  int roleRank() const { return roleRank_[size_t(rank_)]; }
  int workerRank(int w) const { return workers_[size_t(w)]; }
  int serverRank(int s) const { return servers_[size_t(s)]; }
  /// The worker number of MPI rank r, or -1 for a server.
  int workerOf(int r) const {
    return roles_[size_t(r)] == Role::Worker ? roleRank_[size_t(r)] : -1;
  }
  /// "worker 1 (MPI rank 1, pid 4242 on host)".
  std::string name(int r) const;
  /// MXC_KVSTORE_TIMEOUT in seconds.
  double timeout() const { return timeout_; }

  /// Installs the receiver of messages (once); messages that came before
  /// it are handed to it then.
  void setEndpoint(Endpoint *e);
  /// Runs fn on the communication thread (at once on this thread after
  /// the transport closed: fn's sends then fail).
  void post(UniqueFunction<void()> fn);

  // ---- communication thread only -----------------------------------------

  /// Sends h (its tag and magic are filled in) and h.bytes of payload;
  /// done runs when both left this process (the payload may be reused).
  void send(int dest, Header h, const void *payload, Done done = nullptr);
  /// Receives the payload announced by h from src into dst (h.bytes bytes;
  /// null dst drops them); done runs when they landed.
  void receive(int src, const Header &h, void *dst, Done done);
  /// Receives a text payload (an Error or Fail message).
  void receiveText(int src, const Header &h, UniqueFunction<void(std::string)> done);
  /// Fails the transport (see above); why names the culprit.
  void fail(const std::string &why);

  // ---- any thread --------------------------------------------------------

  /// The failure, or null while the transport is healthy.
  std::exception_ptr failure() const;
  /// Waits for every worker (workers only); throws on failure.
  void barrier();
  /// Says Bye, waits for everyone's, then MPI_Finalize (MPI_Abort after a
  /// failure). Runs at process exit.
  void shutdown();

  ~Transport();

private:
  Transport();
  struct Op;
  struct PeerInfo;

  void threadMain();
  void initMPI();
  void loop();
  bool pollHeaders();
  bool pollRequests();
  void tick();
  void handleHeader(int src, const Header &h);
  void isend(int dest, int tag, const void *data, size_t bytes, const std::shared_ptr<Op> &op);
  void failPending();
  bool peerExited(int r) const;
  bool allClosed() const;
  void finish();

  // Fixed once init completes.
  double timeout_ = 60;
  double heartbeat_ = 1;
  Role role_ = Role::Worker;
  int rank_ = 0, size_ = 1;
  long tagUB_ = 32767;
  std::vector<Role> roles_;
  std::vector<int> roleRank_, workers_, servers_;
  std::vector<PeerInfo> peers_;
  std::vector<bool> watched_; ///< peers this process hears from and sends heartbeats to
  struct MPIState;            ///< communicators and requests (MPI's types stay in the .cc)
  std::unique_ptr<MPIState> mpi_;
  bool ownsMPI_ = true; ///< MPI_Init was ours (so is MPI_Finalize)
  int pid_ = 0;

  // Communication thread state.
  Endpoint *endpoint_ = nullptr;
  std::vector<std::pair<int, Header>> early_; ///< messages that came before the endpoint
  std::vector<std::shared_ptr<Op>> owners_;   ///< owners_[i] waits for request i
  using Clock = std::chrono::steady_clock;
  std::vector<Clock::time_point> lastHeard_, lastSent_;
  std::vector<bool> closed_;
  Clock::time_point lastTick_, lastPidCheck_, lastBusy_;
  int nextTag_ = kFirstDataTag;
  bool closing_ = false;
  bool brokenJob_ = false; ///< failed for a reason (not merely closed): MPI_Abort at exit

  // Shared with other threads.
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_; ///< the post queue, init, shutdown
  std::vector<UniqueFunction<void()>> queue_;
  bool ready_ = false;    ///< MPI is up
  bool stopped_ = false;  ///< the thread takes no more posts (they run inline, and fail)
  bool finished_ = false; ///< MPI_Finalize returned
  std::exception_ptr initError_;
  std::atomic<bool> failed_{false};
  std::exception_ptr failure_; ///< set once, before failed_
  std::atomic<bool> stop_{false};
};

} // namespace mxrt::kvstore::dist
