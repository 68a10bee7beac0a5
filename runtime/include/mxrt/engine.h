// engine.h - the asynchronous dependency engine (MXNet's threaded engine).
//
// Every operation on data is pushed with the variables it reads and writes.
// Per variable, operations run in push order; readers of one version may
// run together, a writer runs alone. Work runs on per-device worker pools:
// CPU threads (MXC_CPU_WORKER_NTHREADS, default: all cores) and, when built
// with CUDA, one stream per GPU worker. MXC_ENGINE_TYPE=naive runs every op
// synchronously at push, for debugging.
//
// Errors: an exception thrown by an op (or passed to its completion
// callback) becomes an mxrt::Error "op 'NAME' failed on cpu(0): WHAT" (the
// original exception nested inside, see std::rethrow_if_nested) and is
// stored on every variable the op writes. An op that reads or writes a
// variable holding an error is skipped -- a write may be read-modify-write
// (`a += b` lists `a` only as written), so it is no clean overwrite -- and
// stores that same error on the variables it writes. The error is rethrown
// by the next waitForVar on any variable holding it and by waitForAll.
//
// When an error is cleared: rethrowing it once reports it to the user, and
// a reported error is cleared on every variable that holds it (as MXNet
// 1.6+ does). Ops pushed before the report are still skipped -- the answer
// does not depend on timing -- ops pushed after it run normally, and the
// first of them to write a variable leaves it clean. waitForAll reports
// every error not yet reported (rethrowing the first). deleteVar's onDelete
// always runs, error or not. No abort, no hang, no lost error.
#pragma once

#include "mxrt/context.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mxrt {

/// An engine variable: the unit of dependency tracking. Owned by the engine;
/// released with Engine::deleteVar once no op needs it.
class Var;
using VarHandle = Var *;

/// The variables an op reads or writes, as a view: a braced list
/// (`{a, b}`), a vector, an array or a span. Only valid during the call.
class VarList {
public:
  VarList() = default;
  VarList(std::initializer_list<VarHandle> l) : data_(l.begin()), size_(l.size()) {}
  template <class R>
  requires(
      std::is_convertible_v<decltype(std::data(std::declval<const R &>())), const VarHandle *> &&
      !std::is_same_v<std::remove_cvref_t<R>, VarList>) VarList(const R &r)
      : data_(std::data(r)), size_(std::size(r)) {}
  operator std::span<const VarHandle>() const { return {data_, size_}; }
  const VarHandle *begin() const { return data_; }
  const VarHandle *end() const { return data_ + size_; }
  size_t size() const { return size_; }

private:
  const VarHandle *data_ = nullptr;
  size_t size_ = 0;
};

/// What a running op is given: its device and, on GPUs, its CUDA stream.
struct RunContext {
  Context ctx;
  void *stream = nullptr; ///< cudaStream_t on GPU workers
};

/// The completion callback of an async op; call it exactly once, from any
/// thread, with the error if the op failed.
class OnComplete {
public:
  using Fn = void (*)(void *engine, void *opr, std::exception_ptr error);
  OnComplete(Fn fn, void *engine, void *opr) : fn_(fn), engine_(engine), opr_(opr) {}
  void operator()(std::exception_ptr error = nullptr) const { fn_(engine_, opr_, error); }

private:
  Fn fn_;
  void *engine_;
  void *opr_;
};

/// A move-only callable (like C++23's std::move_only_function) that keeps
/// callables of up to kInlineBytes inline: pushing an op whose lambda
/// captures a few pointers, sizes or a shared_ptr allocates nothing.
/// Larger callables live on the heap.
template <class Sig> class UniqueFunction;

template <class R, class... Args> class UniqueFunction<R(Args...)> {
public:
  static constexpr size_t kInlineBytes = 48;

  UniqueFunction() noexcept = default;
  UniqueFunction(std::nullptr_t) noexcept {}

  template <class F, class D = std::decay_t<F>>
  requires(!std::is_same_v<D, UniqueFunction> && std::is_invocable_r_v<R, D &, Args...>)
      UniqueFunction(F &&f) {
    if constexpr (std::is_constructible_v<bool, const D &>)
      if (!static_cast<bool>(f))
        return; // a null function pointer or an empty std::function
    if constexpr (kFitsInline<D>) {
      ::new (static_cast<void *>(buf_)) D(std::forward<F>(f));
      vt_ = &kInlineVT<D>;
    } else {
      *reinterpret_cast<D **>(buf_) = new D(std::forward<F>(f));
      vt_ = &kHeapVT<D>;
    }
  }

  UniqueFunction(UniqueFunction &&o) noexcept { take(o); }
  UniqueFunction &operator=(UniqueFunction &&o) noexcept {
    if (this != &o) {
      reset();
      take(o);
    }
    return *this;
  }
  UniqueFunction &operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  ~UniqueFunction() { reset(); }

  explicit operator bool() const noexcept { return vt_ != nullptr; }
  R operator()(Args... args) { return vt_->call(buf_, std::forward<Args>(args)...); }

  void reset() noexcept {
    if (vt_ && vt_->destroy)
      vt_->destroy(buf_);
    vt_ = nullptr;
  }

private:
  struct VTable {
    R (*call)(void *, Args &&...);
    void (*move)(void *dst, void *src) noexcept; ///< null: bytes are enough
    void (*destroy)(void *) noexcept;            ///< null: nothing to do
  };
  template <class D>
  static constexpr bool kFitsInline = sizeof(D) <= kInlineBytes &&
                                      alignof(D) <= 16 && std::is_nothrow_move_constructible_v<D>;
  template <class D>
  static constexpr bool kTrivial =
      std::is_trivially_copyable_v<D> &&std::is_trivially_destructible_v<D>;

  template <class D>
  static constexpr VTable kInlineVT = {
      [](void *p, Args &&...a) -> R { return (*static_cast<D *>(p))(std::forward<Args>(a)...); },
      kTrivial<D> ? nullptr
                  : +[](void *dst, void *src) noexcept {
                      ::new (dst) D(std::move(*static_cast<D *>(src)));
                      static_cast<D *>(src)->~D();
                    },
      kTrivial<D> ? nullptr : +[](void *p) noexcept { static_cast<D *>(p)->~D(); }};
  template <class D>
  static constexpr VTable kHeapVT = {
      [](void *p, Args &&...a) -> R { return (**static_cast<D **>(p))(std::forward<Args>(a)...); },
      nullptr, [](void *p) noexcept { delete *static_cast<D **>(p); }};

  void take(UniqueFunction &o) noexcept {
    vt_ = o.vt_;
    if (!vt_)
      return;
    if (vt_->move)
      vt_->move(buf_, o.buf_);
    else
      std::memcpy(buf_, o.buf_, kInlineBytes);
    o.vt_ = nullptr;
  }

  alignas(16) unsigned char buf_[kInlineBytes];
  const VTable *vt_ = nullptr;
};

/// A non-owning reference to a callable, two words, never allocates. The
/// callable must outlive the call it is passed to.
template <class Sig> class FunctionRef;

template <class R, class... Args> class FunctionRef<R(Args...)> {
public:
  template <class F>
  requires(!std::is_same_v<std::decay_t<F>, FunctionRef> && std::is_invocable_r_v<R, F &, Args...>)
      FunctionRef(F &&f)
  noexcept
      : obj_(const_cast<void *>(static_cast<const void *>(std::addressof(f)))),
        call_([](void *o, Args... a) -> R {
          return (*static_cast<std::remove_reference_t<F> *>(o))(std::forward<Args>(a)...);
        }) {}
  R operator()(Args... a) const { return call_(obj_, std::forward<Args>(a)...); }

private:
  void *obj_;
  R (*call_)(void *, Args...);
};

using SyncFn = UniqueFunction<void(RunContext)>;
using AsyncFn = UniqueFunction<void(RunContext, OnComplete)>;

/// Scheduling hints, as MXNet's FnProperty.
enum class FnProperty {
  Normal,         ///< runs on the device's compute workers
  CopyFromGPU,    ///< device-to-host copy: the GPU's copy worker
  CopyToGPU,      ///< host-to-device copy: the GPU's copy worker
  CPUPrioritized, ///< small CPU work that should not queue behind compute
  Async,          ///< returns at once and calls OnComplete later (I/O, KVStore)
};

/// The two engines; MXC_ENGINE_TYPE picks the process-wide one.
enum class EngineKind {
  Threaded, ///< asynchronous, per-device worker pools ("threaded", the default)
  Naive,    ///< every op runs at push on the pushing thread ("naive")
};

class Engine {
public:
  /// The process-wide engine, created on first use from MXC_ENGINE_TYPE
  /// ("threaded", the default, or "naive").
  static Engine *get();
  /// A private engine besides the process-wide one (tests, embedders).
  /// numCPUWorkers <= 0 means MXC_CPU_WORKER_NTHREADS, or all cores.
  /// Destroying it waits for its pending ops.
  static std::unique_ptr<Engine> create(EngineKind kind, int numCPUWorkers = 0);
  virtual ~Engine() = default;

  virtual EngineKind kind() const = 0;

  virtual VarHandle newVar() = 0;

  /// Schedules fn after every earlier op that writes one of `reads` or reads
  /// or writes one of `writes`. A variable listed in both lists counts as
  /// written; one listed twice counts once. Ops with priority > 0 or
  /// CPUPrioritized go ahead of the ordinary ops still queued for their
  /// device (dependencies are never reordered).
  /// `name` names the op in errors and must stay valid until the op ran.
  /// Throws Error at once for a null variable or an unusable context.
  virtual void pushAsync(AsyncFn fn, Context ctx, VarList reads, VarList writes,
                         FnProperty prop = FnProperty::Normal, int priority = 0,
                         std::string_view name = {}) = 0;

  /// pushAsync for a function that completes when it returns (or throws).
  /// On a GPU worker the op's stream is synchronized after fn returns; a
  /// CUDA error becomes the op's error.
  virtual void push(SyncFn fn, Context ctx, VarList reads, VarList writes,
                    FnProperty prop = FnProperty::Normal, int priority = 0,
                    std::string_view name = {}) = 0;

  /// Runs onDelete (e.g. freeing the variable's memory) after every op
  /// pushed so far on var, then releases var. var must not be used again.
  virtual void deleteVar(UniqueFunction<void()> onDelete, Context ctx, VarHandle var) = 0;

  /// Blocks until every op pushed so far that writes var has run; rethrows
  /// the error stored on var, if any. Throws Error when called from inside
  /// an op of this engine (it would wait for itself).
  virtual void waitForVar(VarHandle var) = 0;

  /// Blocks until every op pushed so far has run; rethrows the first error
  /// not yet reported (then forgets them all).
  virtual void waitForAll() = 0;

  /// Number of CPU worker threads (0 for the naive engine, which has none).
  virtual int numCPUWorkers() const = 0;
};

using RangeFn = FunctionRef<void(int64_t, int64_t)>;

namespace detail {
void parallelForSplit(int64_t n, int64_t grain, RangeFn fn);
} // namespace detail

/// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items (but
/// the last), spread over idle CPU workers with the caller taking part, so
/// kernels use every core without oversubscribing the engine: the helpers
/// are the workers of the engine whose op calls it (else the process-wide
/// engine's), and caller plus helpers never outnumber those workers. Nested
/// calls run inline, and so does n < 2 * grain (no synchronization at all).
/// The first exception thrown by fn propagates to the caller once every
/// chunk started has finished; chunks not yet started are dropped.
inline void parallelFor(int64_t n, int64_t grain, RangeFn fn) {
  if (n <= 0)
    return;
  if (n <= grain || n == 1) {
    fn(0, n);
    return;
  }
  detail::parallelForSplit(n, grain, fn);
}

} // namespace mxrt
