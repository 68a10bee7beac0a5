// kvstore_api.cc - the C API of the KVStore (mxrtKVStore*).
//
// This is the boundary where string keys become ints: every data call takes
// either int keys or names, maps names through the store's dictionary once,
// and hands the store int keys only. Updaters given as C callbacks are
// wrapped into a KVUpdater that owns the callback's user data.
#include "capi/c_api_internal.h"
#include "kvstore/dist_loader.h"
#include "mxrt/kvstore.h"

#include <memory>
#include <string_view>
#include <vector>

/// The object behind mxrtKVStoreHandle.
struct mxrtKVStore {
  std::unique_ptr<mxrt::KVStore> store;
};

using namespace mxrt;
using namespace mxrt::capi;

namespace {

KVStore &storeOf(mxrtKVStoreHandle h, const char *fn) {
  MXRT_CHECK(h && h->store, fn, ": the KVStore handle is null");
  return *h->store;
}

/// The int keys of one call: given ints (after the key-kind check) or the
/// names mapped through the store (created on init).
std::vector<int> keysOf(KVStore &kv, uint32_t num, const int *keys, const char *const *strKeys,
                        bool init, const char *fn) {
  MXRT_CHECK(num == 0 || (keys != nullptr) != (strKeys != nullptr), fn,
             ": give exactly one of keys and str_keys");
  if (num == 0)
    return {};
  if (keys) {
    kv.useIntKeys();
    return std::vector<int>(keys, keys + num);
  }
  std::vector<std::string_view> names;
  for (uint32_t i = 0; i < num; ++i) {
    MXRT_CHECK(strKeys[i], fn, ": str_keys[", i, "] is null");
    names.emplace_back(strKeys[i]);
  }
  return kv.mapStrKeys(names, init);
}

std::vector<NDArray> arraysOf(uint32_t num, const mxrtNDArrayHandle *arrays, const char *fn) {
  MXRT_CHECK(num == 0 || arrays, fn, ": the array list is null");
  std::vector<NDArray> out;
  out.reserve(num);
  for (uint32_t i = 0; i < num; ++i) {
    MXRT_CHECK(arrays[i], fn, ": array ", i, " is null");
    out.push_back(arrays[i]->array);
  }
  return out;
}

/// Owns a C updater's user data; the deleter runs with the last reference.
struct CUpdater {
  CUpdater(mxrtKVUpdaterFn f, void *u, void (*d)(void *)) : fn(f), user(u), deleter(d) {}
  CUpdater(const CUpdater &) = delete;
  CUpdater &operator=(const CUpdater &) = delete;
  mxrtKVUpdaterFn fn;
  void *user;
  void (*deleter)(void *);
  ~CUpdater() {
    if (deleter)
      deleter(user);
  }
};

} // namespace

extern "C" {

int mxrtKVStoreCreate(const char *type, mxrtKVStoreHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(type, "mxrtKVStoreCreate: type is null");
  MXRT_CHECK(out, "mxrtKVStoreCreate: out is null");
  *out = new mxrtKVStore{KVStore::create(type)};
  MXRT_API_END();
}

int mxrtKVStoreFree(mxrtKVStoreHandle handle) {
  MXRT_API_BEGIN();
  delete handle;
  MXRT_API_END();
}

int mxrtKVStoreGetType(mxrtKVStoreHandle handle, const char **out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtKVStoreGetType: out is null");
  *out = storeOf(handle, "mxrtKVStoreGetType").type().c_str();
  MXRT_API_END();
}

int mxrtKVStoreGetRank(mxrtKVStoreHandle handle, int *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtKVStoreGetRank: out is null");
  *out = storeOf(handle, "mxrtKVStoreGetRank").rank();
  MXRT_API_END();
}

int mxrtKVStoreGetNumWorkers(mxrtKVStoreHandle handle, int *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtKVStoreGetNumWorkers: out is null");
  *out = storeOf(handle, "mxrtKVStoreGetNumWorkers").numWorkers();
  MXRT_API_END();
}

int mxrtKVStoreInit(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                    const char *const *str_keys, const mxrtNDArrayHandle *values) {
  MXRT_API_BEGIN();
  const char *fn = "mxrtKVStoreInit";
  KVStore &kv = storeOf(handle, fn);
  std::vector<NDArray> vals = arraysOf(num, values, fn);
  kv.init(keysOf(kv, num, keys, str_keys, true, fn), vals);
  MXRT_API_END();
}

int mxrtKVStorePush(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                    const char *const *str_keys, const mxrtNDArrayHandle *values, int priority) {
  MXRT_API_BEGIN();
  const char *fn = "mxrtKVStorePush";
  KVStore &kv = storeOf(handle, fn);
  std::vector<NDArray> vals = arraysOf(num, values, fn);
  kv.push(keysOf(kv, num, keys, str_keys, false, fn), vals, priority);
  MXRT_API_END();
}

int mxrtKVStorePull(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                    const char *const *str_keys, const mxrtNDArrayHandle *outs, int priority,
                    int ignore_sparse) {
  MXRT_API_BEGIN();
  const char *fn = "mxrtKVStorePull";
  KVStore &kv = storeOf(handle, fn);
  std::vector<NDArray> o = arraysOf(num, outs, fn);
  kv.pull(keysOf(kv, num, keys, str_keys, false, fn), o, priority, ignore_sparse != 0);
  MXRT_API_END();
}

int mxrtKVStorePushPull(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                        const char *const *str_keys, const mxrtNDArrayHandle *values,
                        uint32_t num_out, const int *out_keys, const char *const *out_str_keys,
                        const mxrtNDArrayHandle *outs, int priority) {
  MXRT_API_BEGIN();
  const char *fn = "mxrtKVStorePushPull";
  KVStore &kv = storeOf(handle, fn);
  std::vector<NDArray> vals = arraysOf(num, values, fn), o = arraysOf(num_out, outs, fn);
  std::vector<int> k = keysOf(kv, num, keys, str_keys, false, fn);
  std::vector<int> ok = keysOf(kv, num_out, out_keys, out_str_keys, false, fn);
  kv.pushPull(k, vals, ok, o, priority);
  MXRT_API_END();
}

int mxrtKVStoreBroadcast(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                         const char *const *str_keys, const mxrtNDArrayHandle *values,
                         uint32_t num_out, const int *out_keys, const char *const *out_str_keys,
                         const mxrtNDArrayHandle *outs, int priority) {
  MXRT_API_BEGIN();
  const char *fn = "mxrtKVStoreBroadcast";
  KVStore &kv = storeOf(handle, fn);
  std::vector<NDArray> vals = arraysOf(num, values, fn), o = arraysOf(num_out, outs, fn);
  std::vector<int> k = keysOf(kv, num, keys, str_keys, true, fn);
  kv.init(k, vals);
  kv.pull(keysOf(kv, num_out, out_keys, out_str_keys, false, fn), o, priority, true);
  MXRT_API_END();
}

int mxrtKVStoreSetUpdater(mxrtKVStoreHandle handle, mxrtKVUpdaterFn fn, void *user_data,
                          void (*deleter)(void *)) {
  // Owned from here on, so the deleter runs even if this call fails.
  auto owner = std::make_shared<CUpdater>(fn, user_data, deleter);
  MXRT_API_BEGIN();
  KVStore &kv = storeOf(handle, "mxrtKVStoreSetUpdater");
  if (!fn) {
    kv.setUpdater(nullptr);
    return 0;
  }
  kv.setUpdater([owner](int key, const char *strKey, const NDArray &recv, const NDArray &stored) {
    // The handles are the callee's to free; mxrtNDArrayFree never fails.
    if (owner->fn(key, strKey, newHandle(recv), newHandle(stored), owner->user) != 0)
      throw Error(lastError().empty() ? std::string("the updater returned an error") : lastError());
  });
  MXRT_API_END();
}

int mxrtKVStoreWaitUpdates(mxrtKVStoreHandle handle) {
  MXRT_API_BEGIN();
  storeOf(handle, "mxrtKVStoreWaitUpdates").waitUpdates();
  MXRT_API_END();
}

int mxrtKVStoreBarrier(mxrtKVStoreHandle handle) {
  MXRT_API_BEGIN();
  storeOf(handle, "mxrtKVStoreBarrier").barrier();
  MXRT_API_END();
}

int mxrtKVStoreGetRole(int *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtKVStoreGetRole: out is null");
  *out = kvstore::distLibrary().role();
  MXRT_API_END();
}

int mxrtKVStoreSendCommandToServers(mxrtKVStoreHandle handle, int head, const char *body,
                                    size_t body_len) {
  MXRT_API_BEGIN();
  MXRT_CHECK(body || body_len == 0, "mxrtKVStoreSendCommandToServers: body is null");
  storeOf(handle, "mxrtKVStoreSendCommandToServers")
      .sendCommandToServers(head, std::string_view(body ? body : "", body_len));
  MXRT_API_END();
}

int mxrtKVStoreRunServer(mxrtKVStoreHandle handle, mxrtKVControllerFn controller, void *user_data) {
  MXRT_API_BEGIN();
  KVStore &kv = storeOf(handle, "mxrtKVStoreRunServer");
  kv.runServer([controller, user_data](int head, std::string_view body) {
    MXRT_CHECK(controller, "server command ", head, ": no controller was given");
    if (controller(head, body.data(), body.size(), user_data) != 0)
      throw Error(lastError().empty() ? str("server command ", head, " failed") : lastError());
  });
  MXRT_API_END();
}

} // extern "C"
