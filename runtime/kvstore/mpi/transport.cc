// transport.cc - the communication thread: MPI start-up and roles, sends
// and receives, heartbeats and failure, Bye and MPI_Finalize.
#include "kvstore/mpi/transport.h"

#include "mxrt/base.h"

#include <mpi.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

namespace mxrt::kvstore::dist {

/// MPI's objects, kept out of the header.
struct Transport::MPIState {
  MPI_Comm comm = MPI_COMM_NULL;     ///< a duplicate of MPI_COMM_WORLD, errors returned
  MPI_Comm roleComm = MPI_COMM_NULL; ///< the workers, or the servers
  std::vector<MPI_Request> reqs;     ///< reqs[i] belongs to owners_[i]
  std::vector<int> indices;
  std::vector<MPI_Status> statuses;
};

/// One send, receive or barrier: done runs when its last request completes.
struct Transport::Op {
  int remaining = 0;
  Done done;
  Header hdr;                ///< the header being sent (MPI reads it until completion)
  std::vector<char> scratch; ///< dropped or text payloads land here
  std::exception_ptr error;
};

/// Who a process is, exchanged once at start-up.
struct Transport::PeerInfo {
  int32_t role = 0;
  int32_t pid = 0;
  char host[64] = {};
  char pidns[48] = {}; ///< /proc/self/ns/pid: same host and namespace -> kill(pid, 0) works
};

namespace {

constexpr size_t kChunk = size_t(1) << 30; // MPI counts are ints: payloads go in 1 GiB pieces
using Clock = std::chrono::steady_clock;

std::string mpiError(int rc) {
  char buf[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, buf, &len) != MPI_SUCCESS)
    return str("MPI error ", rc);
  return std::string(buf, size_t(len));
}

double envSeconds(const char *name, double dflt) {
  std::string v = envStr(name, "");
  if (v.empty())
    return dflt;
  char *end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  MXRT_CHECK(end && *end == '\0' && d > 0, name, "='", v, "' is not a positive number of seconds");
  return d;
}

/// An integer from the environment (any name), or dflt.
long envCount(const char *name, long dflt) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return dflt;
  char *end = nullptr;
  long n = std::strtol(v, &end, 10);
  MXRT_CHECK(end && *end == '\0' && n >= 0, name, "='", v, "' is not a count");
  return n;
}

std::chrono::duration<double> seconds(double s) { return std::chrono::duration<double>(s); }

} // namespace

// ---- start-up ------------------------------------------------------------------

Transport::Transport() : mpi_(std::make_unique<MPIState>()) {
  timeout_ = envSeconds("MXC_KVSTORE_TIMEOUT", 60);
  heartbeat_ = std::clamp(timeout_ / 6, 0.05, 2.0);
  pid_ = int(getpid());
}

Transport::~Transport() = default;

namespace {
Transport *gInstance = nullptr;
} // namespace

Transport *Transport::ifStarted() { return gInstance; }

Transport &Transport::get() {
  static std::once_flag once;
  static std::exception_ptr error;
  std::call_once(once, [] {
    try {
      // Leaked on purpose: the thread may still sit in MPI_Init (see below),
      // and the exit handler needs the object after static destructors.
      auto *t = new Transport();
      t->thread_ = std::thread([t] { t->threadMain(); });
      std::unique_lock<std::mutex> lock(t->mu_);
      bool up = t->cv_.wait_for(lock, seconds(t->timeout_),
                                [t] { return t->ready_ || t->initError_ != nullptr; });
      if (!up) {
        // MPI_Init waits for every process of the job; one never came (it
        // exited, crashed, or never created a distributed store).
        t->thread_.detach();
        mxrt::fail("MPI_Init did not complete within ", t->timeout_,
                   " s (MXC_KVSTORE_TIMEOUT): every process of the job must import mxc (or create "
                   "the distributed KVStore) at start-up; one exited, crashed or is late");
      }
      if (t->initError_) {
        lock.unlock();
        t->thread_.join();
        std::rethrow_exception(t->initError_);
      }
      gInstance = t;
      std::atexit([] {
        if (Transport *tr = ifStarted())
          tr->shutdown();
      });
    } catch (...) {
      error = std::current_exception();
    }
  });
  if (error)
    std::rethrow_exception(error);
  return *gInstance;
}

void Transport::threadMain() {
  try {
    initMPI();
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    initError_ = std::current_exception();
    cv_.notify_all();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ready_ = true;
  }
  cv_.notify_all();
  loop();
  finish();
}

void Transport::initMPI() {
  int inited = 0;
  MPI_Initialized(&inited);
  if (inited) {
    // Someone else (mpi4py, the host program) started MPI: every thread
    // must be allowed to call it, and MPI_Finalize stays theirs.
    int level = 0;
    MPI_Query_thread(&level);
    MXRT_CHECK(
        level == MPI_THREAD_MULTIPLE,
        "the distributed KVStore: MPI was initialized before mxc with a thread level "
        "below MPI_THREAD_MULTIPLE; initialize it with MPI_THREAD_MULTIPLE or let mxc do it");
    ownsMPI_ = false;
  } else {
    int provided = 0;
    int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MXRT_CHECK(rc == MPI_SUCCESS,
               "the distributed KVStore: MPI_Init_thread failed: ", mpiError(rc));
    MXRT_CHECK(provided >= MPI_THREAD_FUNNELED,
               "the distributed KVStore: MPI provides no MPI_THREAD_FUNNELED (got level ", provided,
               ")");
  }
  MPI_Comm_dup(MPI_COMM_WORLD, &mpi_->comm);
  MPI_Comm_set_errhandler(mpi_->comm, MPI_ERRORS_RETURN);
  MPI_Comm_rank(mpi_->comm, &rank_);
  MPI_Comm_size(mpi_->comm, &size_);
  void *ub = nullptr;
  int flag = 0;
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &ub, &flag);
  if (flag && ub)
    tagUB_ = *static_cast<int *>(ub);

  // Roles: DMLC_ROLE where given, else the last S ranks serve.
  long wantServers = envCount("MXC_NUM_SERVERS", -1);
  if (wantServers < 0)
    wantServers = envCount("DMLC_NUM_SERVER", -1);
  long defaultServers = wantServers >= 0 ? wantServers : (size_ >= 2 ? 1 : 0);
  PeerInfo me;
  std::string roleEnv = envStr("DMLC_ROLE", "");
  if (roleEnv.empty())
    me.role = rank_ >= size_ - defaultServers ? int32_t(Role::Server) : int32_t(Role::Worker);
  else if (roleEnv == "worker" || roleEnv == "server")
    me.role = roleEnv == "server" ? int32_t(Role::Server) : int32_t(Role::Worker);
  else
    mxrt::fail("DMLC_ROLE='", roleEnv,
               "': mxc's processes are 'worker' or 'server' (no scheduler: "
               "MPI connects them)");
  me.pid = int32_t(getpid());
  gethostname(me.host, sizeof me.host - 1);
  ssize_t n = readlink("/proc/self/ns/pid", me.pidns, sizeof me.pidns - 1);
  if (n < 0)
    me.pidns[0] = '\0';
  peers_.resize(size_t(size_));
  int rc = MPI_Allgather(&me, sizeof me, MPI_BYTE, peers_.data(), sizeof me, MPI_BYTE, mpi_->comm);
  MXRT_CHECK(rc == MPI_SUCCESS, "the distributed KVStore: MPI_Allgather failed: ", mpiError(rc));

  roles_.resize(size_t(size_));
  roleRank_.resize(size_t(size_));
  for (int r = 0; r < size_; ++r) {
    roles_[size_t(r)] = Role(peers_[size_t(r)].role);
    auto &list = roles_[size_t(r)] == Role::Worker ? workers_ : servers_;
    roleRank_[size_t(r)] = int(list.size());
    list.push_back(r);
  }
  role_ = roles_[size_t(rank_)];
  // Collective: before any check that could differ between processes.
  MPI_Comm_split(mpi_->comm, int(role_), rank_, &mpi_->roleComm);
  MXRT_CHECK(!workers_.empty(), "the distributed KVStore: none of the ", size_,
             " processes is a worker (MXC_NUM_SERVERS/DMLC_NUM_SERVER=", wantServers,
             ", DMLC_ROLE): keep at least one");
  MXRT_CHECK(wantServers < 0 || long(servers_.size()) == wantServers,
             "the distributed KVStore: ", servers_.size(),
             " processes are servers (DMLC_ROLE) but MXC_NUM_SERVERS/DMLC_NUM_SERVER says ",
             wantServers);
  long wantWorkers = envCount("DMLC_NUM_WORKER", -1);
  MXRT_CHECK(wantWorkers < 0 || long(workers_.size()) == wantWorkers,
             "the distributed KVStore: DMLC_NUM_WORKER=", wantWorkers, " but the job has ",
             workers_.size(), " workers (", size_, " processes, ", servers_.size(), " servers)");

  // Who hears from whom: workers and servers both ways; worker 0 and the
  // other workers both ways (barriers; the rest learn through Fail).
  watched_.assign(size_t(size_), false);
  for (int r = 0; r < size_; ++r) {
    bool otherRole = roles_[size_t(r)] != role_;
    bool workerStar = role_ == Role::Worker && roles_[size_t(r)] == Role::Worker &&
                      (rank_ == workers_[0] || r == workers_[0]);
    watched_[size_t(r)] = r != rank_ && (otherRole || workerStar);
  }
  auto now = Clock::now();
  lastHeard_.assign(size_t(size_), now);
  lastSent_.assign(size_t(size_), now);
  closed_.assign(size_t(size_), false);
  lastTick_ = lastPidCheck_ = lastBusy_ = now;
}

std::string Transport::name(int r) const {
  if (r < 0 || size_t(r) >= peers_.size())
    return str("MPI rank ", r);
  const PeerInfo &p = peers_[size_t(r)];
  return str(roles_[size_t(r)] == Role::Worker ? "worker " : "server ", roleRank_[size_t(r)],
             " (MPI rank ", r, ", pid ", p.pid, " on ", p.host, ")");
}

void Transport::setEndpoint(Endpoint *e) {
  // On the communication thread: the messages that came first (a worker's
  // init may beat the server's start-up) go to it in arrival order.
  post([this, e] {
    endpoint_ = e;
    std::vector<std::pair<int, Header>> early;
    early.swap(early_);
    for (auto &[src, h] : early)
      handleHeader(src, h);
  });
}

// ---- the queue and the loop -------------------------------------------------------

void Transport::post(UniqueFunction<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_) {
      queue_.push_back(std::move(fn));
      cv_.notify_all();
      return;
    }
  }
  fn(); // closed: its sends and receives fail at once, touching no MPI
}

std::exception_ptr Transport::failure() const {
  if (!failed_.load(std::memory_order_acquire))
    return nullptr;
  return failure_;
}

void Transport::loop() {
  std::vector<UniqueFunction<void()>> work;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      work.swap(queue_);
    }
    bool busy = !work.empty();
    for (auto &fn : work)
      fn();
    work.clear();
    if (!failed_.load(std::memory_order_relaxed)) {
      busy |= pollHeaders();
      busy |= pollRequests();
      tick();
    }
    if (closing_ && (failed_.load() || allClosed()))
      break;
    auto now = Clock::now();
    if (busy) {
      lastBusy_ = now;
      continue;
    }
    // Poll MPI fast while traffic is recent or requests are in flight (MPI
    // progresses only inside our calls); back off to 1 ms when idle, waking
    // at once for posted work.
    auto sinceBusy = now - lastBusy_;
    if (sinceBusy < std::chrono::microseconds(200)) {
      sched_yield();
      continue;
    }
    bool active = !mpi_->reqs.empty() || sinceBusy < std::chrono::milliseconds(20);
    auto pause = active ? std::chrono::microseconds(20) : std::chrono::microseconds(1000);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, pause, [this] { return !queue_.empty(); });
  }
  // No more posts: later ones run inline and fail (the store is closed).
  std::vector<UniqueFunction<void()>> rest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_.load()) {
      failure_ = std::make_exception_ptr(
          Error("the distributed KVStore is closed (the process is exiting)"));
      failed_.store(true, std::memory_order_release);
    }
    stopped_ = true;
    rest.swap(queue_);
  }
  for (auto &fn : rest)
    fn();
}

bool Transport::allClosed() const {
  for (int r = 0; r < size_; ++r)
    if (r != rank_ && !closed_[size_t(r)])
      return false;
  return true;
}

bool Transport::pollHeaders() {
  bool any = false;
  for (int n = 0; n < 256 && !failed_.load(std::memory_order_relaxed); ++n) {
    int flag = 0;
    MPI_Status st;
    int rc = MPI_Iprobe(MPI_ANY_SOURCE, kHeaderTag, mpi_->comm, &flag, &st);
    if (rc != MPI_SUCCESS) {
      fail(str("MPI_Iprobe failed: ", mpiError(rc)));
      return true;
    }
    if (!flag)
      break;
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    Header h;
    int src = st.MPI_SOURCE;
    if (count != int(sizeof h)) {
      fail(str(name(src), " sent a ", count, "-byte header where mxc's are ", sizeof h,
               " bytes: do all processes run the same mxc?"));
      return true;
    }
    rc = MPI_Recv(&h, sizeof h, MPI_BYTE, src, kHeaderTag, mpi_->comm, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) {
      fail(str("MPI_Recv of a header from ", name(src), " failed: ", mpiError(rc)));
      return true;
    }
    any = true;
    handleHeader(src, h);
  }
  return any;
}

void Transport::handleHeader(int src, const Header &h) {
  if (h.magic != kMagic) {
    fail(str(name(src), " sent a message that is not mxc's (bad magic): do all processes run "
                        "the same mxc?"));
    return;
  }
  lastHeard_[size_t(src)] = Clock::now();
  switch (h.type) {
  case Msg::Heartbeat:
    return;
  case Msg::Bye:
    closed_[size_t(src)] = true;
    if (endpoint_)
      endpoint_->onPeerClosed(src);
    else
      early_.emplace_back(src, h);
    return;
  case Msg::Fail:
    receiveText(src, h, [this](std::string why) { fail(why); });
    return;
  default:
    if (endpoint_)
      endpoint_->onMessage(src, h);
    else
      early_.emplace_back(src, h); // its payload waits in MPI until the endpoint takes it
  }
}

bool Transport::pollRequests() {
  auto &m = *mpi_;
  int n = int(m.reqs.size());
  if (n == 0)
    return false;
  m.indices.resize(size_t(n));
  m.statuses.resize(size_t(n));
  int outcount = 0;
  int rc = MPI_Testsome(n, m.reqs.data(), &outcount, m.indices.data(), m.statuses.data());
  if (rc != MPI_SUCCESS && rc != MPI_ERR_IN_STATUS) {
    fail(str("MPI_Testsome failed: ", mpiError(rc)));
    return true;
  }
  if (outcount == MPI_UNDEFINED || outcount == 0)
    return false;
  std::vector<std::shared_ptr<Op>> finished;
  for (int i = 0; i < outcount; ++i) {
    size_t k = size_t(m.indices[size_t(i)]);
    auto &op = owners_[k];
    int err = m.statuses[size_t(i)].MPI_ERROR;
    if (rc == MPI_ERR_IN_STATUS && err != MPI_SUCCESS && !op->error)
      op->error = std::make_exception_ptr(Error(str("MPI transfer failed: ", mpiError(err))));
    if (--op->remaining == 0)
      finished.push_back(op);
  }
  // Completed requests are MPI_REQUEST_NULL now: drop them.
  size_t w = 0;
  for (size_t k = 0; k < m.reqs.size(); ++k) {
    if (m.reqs[k] == MPI_REQUEST_NULL)
      continue;
    m.reqs[w] = m.reqs[k];
    owners_[w] = std::move(owners_[k]);
    ++w;
  }
  m.reqs.resize(w);
  owners_.resize(w);
  for (auto &op : finished)
    if (Done d = std::move(op->done))
      d(op->error);
  return true;
}

// ---- sends and receives -------------------------------------------------------------

void Transport::isend(int dest, int tag, const void *data, size_t bytes,
                      const std::shared_ptr<Op> &op) {
  const char *p = static_cast<const char *>(data);
  do {
    size_t n = std::min(bytes, kChunk);
    MPI_Request req;
    int rc = MPI_Isend(p, int(n), MPI_BYTE, dest, tag, mpi_->comm, &req);
    if (rc != MPI_SUCCESS)
      throw Error(str("MPI_Isend to ", name(dest), " failed: ", mpiError(rc)));
    mpi_->reqs.push_back(req);
    owners_.push_back(op);
    ++op->remaining;
    p += n;
    bytes -= n;
  } while (bytes > 0);
}

void Transport::send(int dest, Header h, const void *payload, Done done) {
  if (auto err = failure()) {
    if (done)
      done(err);
    return;
  }
  auto op = std::make_shared<Op>();
  h.magic = kMagic;
  h.tag = 0;
  if (h.bytes > 0) {
    h.tag = nextTag_;
    nextTag_ = nextTag_ >= tagUB_ ? kFirstDataTag : nextTag_ + 1;
  }
  op->hdr = h;
  op->done = std::move(done);
  try {
    isend(dest, kHeaderTag, &op->hdr, sizeof(Header), op);
    if (h.bytes > 0)
      isend(dest, h.tag, payload, h.bytes, op);
  } catch (const Error &e) {
    fail(e.what()); // fails op if it got a request in
    if (Done d = std::move(op->done))
      d(failure());
    return;
  }
  lastSent_[size_t(dest)] = Clock::now();
}

void Transport::receive(int src, const Header &h, void *dst, Done done) {
  if (auto err = failure()) {
    if (done)
      done(err);
    return;
  }
  if (h.bytes == 0) {
    if (done)
      done(nullptr);
    return;
  }
  auto op = std::make_shared<Op>();
  op->done = std::move(done);
  if (!dst) {
    op->scratch.resize(h.bytes);
    dst = op->scratch.data();
  }
  char *p = static_cast<char *>(dst);
  uint64_t left = h.bytes;
  while (left > 0) {
    size_t n = size_t(std::min<uint64_t>(left, kChunk));
    MPI_Request req;
    int rc = MPI_Irecv(p, int(n), MPI_BYTE, src, h.tag, mpi_->comm, &req);
    if (rc != MPI_SUCCESS) {
      fail(str("MPI_Irecv from ", name(src), " failed: ", mpiError(rc)));
      if (Done d = std::move(op->done))
        d(failure());
      return;
    }
    mpi_->reqs.push_back(req);
    owners_.push_back(op);
    ++op->remaining;
    p += n;
    left -= n;
  }
}

void Transport::receiveText(int src, const Header &h, UniqueFunction<void(std::string)> done) {
  auto text = std::make_shared<std::string>(size_t(h.bytes), '\0');
  receive(src, h, text->data(), [text, done = std::move(done)](std::exception_ptr e) mutable {
    done(e ? std::string("(the message was lost: the transport failed)") : *text);
  });
}

// ---- liveness and failure -----------------------------------------------------------

bool Transport::peerExited(int r) const {
  const PeerInfo &p = peers_[size_t(r)];
  const PeerInfo &me = peers_[size_t(rank_)];
  if (std::strcmp(p.host, me.host) != 0 || !p.pidns[0] || std::strcmp(p.pidns, me.pidns) != 0)
    return false; // another machine or pid namespace: heartbeats tell
  if (kill(pid_t(p.pid), 0) != 0)
    return errno == ESRCH;
  // A zombie (not reaped yet by mpirun) has exited too.
  std::ifstream stat(str("/proc/", p.pid, "/stat"));
  std::string line;
  std::getline(stat, line);
  size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

void Transport::tick() {
  auto now = Clock::now();
  if (now - lastTick_ < std::chrono::milliseconds(10))
    return;
  lastTick_ = now;
  for (int r = 0; r < size_; ++r) {
    if (!watched_[size_t(r)] || closed_[size_t(r)])
      continue;
    if (now - lastSent_[size_t(r)] >= seconds(heartbeat_)) {
      Header h;
      h.type = Msg::Heartbeat;
      send(r, h, nullptr);
    }
    if (now - lastHeard_[size_t(r)] > seconds(timeout_)) {
      fail(str(name(r), " sent nothing for ", timeout_,
               " s (MXC_KVSTORE_TIMEOUT): it died, hangs or cannot be reached"));
      return;
    }
  }
  if (now - lastPidCheck_ >= std::chrono::milliseconds(100)) {
    lastPidCheck_ = now;
    for (int r = 0; r < size_; ++r)
      if (r != rank_ && !closed_[size_t(r)] && peerExited(r)) {
        fail(str(name(r), " exited"));
        return;
      }
  }
}

void Transport::fail(const std::string &why) {
  if (failed_.load())
    return;
  brokenJob_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failure_ = std::make_exception_ptr(Error(str("distributed KVStore: ", why)));
    failed_.store(true, std::memory_order_release);
  }
  std::fprintf(stderr, "mxc: distributed KVStore on %s: %s\n", name(rank_).c_str(), why.c_str());
  std::fflush(stderr);
  // Tell every other process, then let those notices leave (bounded): a
  // peer that did not see the culprit itself fails as soon as one arrives.
  std::string text =
      why.find("[seen by") == std::string::npos ? str(why, " [seen by ", name(rank_), "]") : why;
  auto keep = std::make_shared<std::string>(std::move(text));
  for (int r = 0; r < size_; ++r) {
    if (r == rank_ || closed_[size_t(r)])
      continue;
    auto op = std::make_shared<Op>();
    op->hdr.type = Msg::Fail;
    op->hdr.bytes = keep->size();
    op->hdr.tag = nextTag_;
    nextTag_ = nextTag_ >= tagUB_ ? kFirstDataTag : nextTag_ + 1;
    try {
      isend(r, kHeaderTag, &op->hdr, sizeof(Header), op);
      isend(r, op->hdr.tag, keep->data(), keep->size(), op);
    } catch (const Error &) {
      // that peer is unreachable: the others still get theirs
    }
    op->done = [keep](std::exception_ptr) {};
  }
  auto until = Clock::now() + std::chrono::milliseconds(200);
  while (!mpi_->reqs.empty() && Clock::now() < until) {
    int n = int(mpi_->reqs.size()), flag = 0;
    MPI_Testall(n, mpi_->reqs.data(), &flag, MPI_STATUSES_IGNORE);
    if (flag)
      break;
    sched_yield();
  }
  failPending();
  if (endpoint_)
    endpoint_->onFailure(failure_);
  cv_.notify_all();
}

void Transport::failPending() {
  // The requests are abandoned: no MPI call touches them again, so nothing
  // lands in the buffers of the operations failed here.
  std::vector<std::shared_ptr<Op>> ops;
  for (auto &op : owners_)
    if (op->remaining > 0) {
      op->remaining = 0;
      ops.push_back(op);
    }
  mpi_->reqs.clear();
  owners_.clear();
  for (auto &op : ops)
    if (Done d = std::move(op->done))
      d(failure_);
}

// ---- barrier and exit ----------------------------------------------------------------

void Transport::barrier() {
  MXRT_CHECK(role_ == Role::Worker, "KVStore barrier: ", name(rank_), " is not a worker");
  std::promise<void> done;
  auto fut = done.get_future();
  post([this, &done] {
    if (auto err = failure()) {
      done.set_exception(err);
      return;
    }
    MPI_Request req;
    int rc = MPI_Ibarrier(mpi_->roleComm, &req);
    if (rc != MPI_SUCCESS) {
      fail(str("MPI_Ibarrier failed: ", mpiError(rc)));
      done.set_exception(failure());
      return;
    }
    auto op = std::make_shared<Op>();
    op->remaining = 1;
    op->done = [&done](std::exception_ptr e) {
      if (e)
        done.set_exception(e);
      else
        done.set_value();
    };
    mpi_->reqs.push_back(req);
    owners_.push_back(op);
  });
  fut.get();
}

void Transport::shutdown() {
  if (int(getpid()) != pid_)
    return; // a forked child: the thread and MPI belong to the parent
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ready_ || stopped_)
      return;
  }
  post([this] {
    closing_ = true;
    for (int r = 0; r < size_; ++r)
      if (r != rank_) {
        Header h;
        h.type = Msg::Bye;
        send(r, h, nullptr);
      }
  });
  thread_.join();
}

void Transport::finish() {
  if (brokenJob_) {
    // A peer died or hangs: MPI_Finalize would wait for it forever. Abort
    // the job (mpirun then ends every process; the reason is on stderr).
    MPI_Abort(MPI_COMM_WORLD, 1);
    std::_Exit(1);
  }
  // Let the last sends (Byes, heartbeats) leave, then finalize.
  auto until = Clock::now() + std::chrono::seconds(10);
  while (!mpi_->reqs.empty() && Clock::now() < until) {
    int flag = 0;
    MPI_Testall(int(mpi_->reqs.size()), mpi_->reqs.data(), &flag, MPI_STATUSES_IGNORE);
    if (flag)
      break;
    sched_yield();
  }
  if (ownsMPI_) {
    MPI_Comm_free(&mpi_->roleComm);
    MPI_Comm_free(&mpi_->comm);
    MPI_Finalize();
  }
  std::lock_guard<std::mutex> lock(mu_);
  finished_ = true;
}

} // namespace mxrt::kvstore::dist
