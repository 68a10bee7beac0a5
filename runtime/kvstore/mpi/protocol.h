// protocol.h - the messages workers and servers of the distributed KVStore
// exchange over MPI.
//
// Every message is one fixed-size Header on kHeaderTag, followed, when
// Header::bytes > 0, by its payload on the data tag the header names
// (MPI keeps messages of one sender on one tag in order, and the receiver
// posts the payload's receive where the header says the bytes go: straight
// into the stored value, a worker's array, or a receive buffer). Replies
// (Ack, Error, Data) carry the request id of what they answer.
//
// A key's value may be split by element range across servers ("parts":
// values of MXC_KVSTORE_BIGARRAY_BOUND elements or more); every data
// message names its part by offset and count, in elements of the key's
// dtype.
#pragma once

#include <cstdint>

namespace mxrt::kvstore::dist {

enum class Msg : uint16_t {
  Init = 1,  ///< worker rank 0 -> server: a part's first value (payload: the data)
  Push,      ///< worker -> server: a part's pushed sum (payload: the data)
  Pull,      ///< worker -> server: asks for a part's stored value
  Command,   ///< worker -> server: aux = head; payload: body
  Ack,       ///< server -> worker: done
  Error,     ///< server -> worker: failed; payload: the message
  Data,      ///< server -> worker: a pulled part; payload: the data
  Heartbeat, ///< any -> any: still alive (every message counts as one)
  Bye,       ///< any -> any: the sender has closed and sends nothing more
  Fail,      ///< any -> any: the job is broken; payload: why (names the culprit)
};

/// MXNet's server command ids (_send_command_to_servers heads).
enum Command : int {
  kController = 0,        ///< body: a pickled optimizer, run by the Python controller
  kSetMultiPrecision = 1, ///< nothing to do: the updater keeps float32 copies itself
  kStopServer = 2,        ///< nothing to do: servers stop when every worker closed
  kSyncMode = 3,          ///< the store is dist_sync (sent by rank 0 at create)
  kSetGradientCompression = 4,
  kSetProfilerParams = 5,
};

constexpr uint32_t kMagic = 0x4d584b56; // "MXKV"
constexpr int kHeaderTag = 1;
constexpr int kFirstDataTag = 16;
constexpr int kMaxDims = 8;

struct Header {
  uint32_t magic = kMagic;
  Msg type = Msg::Heartbeat;
  int16_t ndim = 0;  ///< Init: the key's rank (up to kMaxDims dims below)
  int32_t store = 0; ///< the worker store's id (stores are numbered per process)
  int32_t key = 0;
  int32_t dtype = 0;
  int32_t tag = 0;    ///< the payload's MPI tag (bytes > 0)
  int64_t aux = 0;    ///< Command: head
  uint64_t req = 0;   ///< request id; replies echo it
  uint64_t bytes = 0; ///< payload size
  int64_t offset = 0; ///< part: first element
  int64_t count = 0;  ///< part: elements
  int64_t total = 0;  ///< the key's elements
  int64_t dims[kMaxDims] = {};
};

} // namespace mxrt::kvstore::dist
