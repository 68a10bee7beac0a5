// kvstore.cc - KVStore::create, the key boundary (string keys mapped to
// ints once per store), and the calls built from init/push/pull.
#include "mxrt/kvstore.h"

#include "kvstore/dist_loader.h"
#include "kvstore/kvstore_local.h"
#include "mxrt/base.h"

#include <algorithm>
#include <cctype>

namespace mxrt {

KVStore::~KVStore() = default;

std::unique_ptr<KVStore> KVStore::create(std::string_view type) {
  std::string t(type);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  MXRT_CHECK(!t.empty(), "KVStore: empty type (try 'local' or 'device')");
  if (t.find("dist") != std::string::npos)
    return std::unique_ptr<KVStore>(kvstore::distLibrary().create(t.c_str()));
  bool onDevices = t.find("device") != std::string::npos || t.find("nccl") != std::string::npos;
  return std::make_unique<kvstore::KVStoreLocal>(std::move(t), onDevices);
}

void KVStore::runServer(const KVController &) {
  fail("KVStore '", type_,
       "' has no server to run: only a distributed store in a server "
       "process serves (see mxc-launch)");
}

// ---- keys --------------------------------------------------------------------

namespace {
const char *kindName(KVStore::KeyKind k) { return k == KVStore::KeyKind::Str ? "str" : "int"; }
} // namespace

void KVStore::useIntKeys() {
  std::lock_guard<std::mutex> lock(keyMu_);
  MXRT_CHECK(keyKind_ != KeyKind::Str, "Mixed key types are not allowed: this store uses ",
             kindName(keyKind_), " keys, got int keys");
  keyKind_ = KeyKind::Int;
}

std::vector<int> KVStore::mapStrKeys(std::span<const std::string_view> names, bool create) {
  std::lock_guard<std::mutex> lock(keyMu_);
  MXRT_CHECK(keyKind_ != KeyKind::Int, "Mixed key types are not allowed: this store uses ",
             kindName(keyKind_), " keys, got str keys");
  std::vector<int> keys;
  keys.reserve(names.size());
  // Check before creating: an unknown name leaves the dictionary unchanged.
  if (!create)
    for (std::string_view n : names)
      MXRT_CHECK(strToKey_.count(std::string(n)), "key ", n, " doesn't exist. Did you init?");
  keyKind_ = KeyKind::Str;
  for (std::string_view n : names) {
    auto [it, added] = strToKey_.try_emplace(std::string(n), int(keyToStr_.size()));
    if (added)
      keyToStr_.emplace_back(n);
    keys.push_back(it->second);
  }
  return keys;
}

KVStore::KeyKind KVStore::keyKind() const {
  std::lock_guard<std::mutex> lock(keyMu_);
  return keyKind_;
}

std::string KVStore::keyName(int key) const {
  std::lock_guard<std::mutex> lock(keyMu_);
  if (keyKind_ == KeyKind::Str && key >= 0 && size_t(key) < keyToStr_.size())
    return keyToStr_[size_t(key)];
  return std::to_string(key);
}

// ---- composite calls ---------------------------------------------------------

void KVStore::pushPull(std::span<const int> keys, std::span<const NDArray> values,
                       std::span<const int> outKeys, std::span<const NDArray> outs, int priority) {
  push(keys, values, priority);
  pull(outKeys, outs, priority, true);
}

void KVStore::broadcast(std::span<const int> keys, std::span<const NDArray> values,
                        std::span<const int> outKeys, std::span<const NDArray> outs, int priority) {
  init(keys, values);
  pull(outKeys, outs, priority, true);
}

} // namespace mxrt
