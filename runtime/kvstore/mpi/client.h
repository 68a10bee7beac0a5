// client.h - a worker's requests to the servers: one call is one message
// answered by Ack, Data or Error; Gather completes an operation made of
// several calls (one per part of a key, or one per server).
#pragma once

#include "kvstore/mpi/transport.h"

#include <memory>
#include <unordered_map>

namespace mxrt::kvstore::dist {

/// Runs done once every part has completed, with the first error.
class Gather : public std::enable_shared_from_this<Gather> {
public:
  Gather(size_t parts, Done done) : left_(parts), done_(std::move(done)) {}
  /// The completion of one part (call it once per part).
  Done part() {
    return [self = shared_from_this()](std::exception_ptr e) {
      if (e && !self->error_)
        self->error_ = e;
      if (--self->left_ == 0)
        if (Done d = std::move(self->done_))
          d(self->error_);
    };
  }

private:
  size_t left_;
  Done done_;
  std::exception_ptr error_;
};

/// The worker's endpoint (one per process). Everything but get() runs on
/// the communication thread.
class Client final : public Endpoint {
public:
  /// The process's client; the transport is started, and this process
  /// must be a worker.
  static Client &get();
  Transport &transport() { return tr_; }

  /// Sends h with its payload to the server at MPI rank dest; done runs on
  /// the answer: Ack, or Data whose payload lands in dst (dstBytes bytes
  /// expected), or Error. The payload must stay valid until done.
  void call(int dest, Header h, const void *payload, void *dst, uint64_t dstBytes, Done done);

  void onMessage(int src, const Header &h) override;
  void onPeerClosed(int src) override;
  void onFailure(const std::exception_ptr &error) override;

private:
  explicit Client(Transport &t) : tr_(t) {}
  struct Call {
    int dest;
    void *dst;
    uint64_t bytes;
    Done done;
  };
  void finish(uint64_t req, std::exception_ptr error);

  Transport &tr_;
  std::unordered_map<uint64_t, Call> calls_;
  uint64_t nextReq_ = 1;
};

} // namespace mxrt::kvstore::dist
