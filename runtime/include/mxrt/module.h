// module.h - compiled modules: load, bind, run on the engine.
//
// A module is what `mxc compile` writes: a shared library of kernels and a
// manifest (mxrt/module_abi.h). Module::load opens and validates it (no
// MLIR, no LLVM, no JSON: the manifest is C data). An Executor binds it to
// NDArrays, as MXNet's Executor binds a symbol: the arguments and
// auxiliary states (checked against the manifest's shapes and dtypes,
// errors naming the argument, expected vs got), optional gradient arrays,
// and outputs (allocated unless given). Intermediates live in an arena of
// one chunk per planned buffer, each with its own engine variable.
// forward() and backward() push each kernel to the engine with the
// variables it reads and writes, so compiled graphs interleave with
// imperative ops and KVStore traffic, and independent branches run in
// parallel; they return at once (wait on the outputs).
#pragma once

#include "mxrt/module_abi.h"
#include "mxrt/ndarray.h"

#include <exception>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace mxrt {

/// The error the fallback kernels (mxrt_kernel_fallback) kept on this
/// thread since the last call, or null; clears it. Kernels never throw
/// through generated code, so whoever runs kernels asks after each one
/// (the Executor does, and rethrows it into the engine).
std::exception_ptr takeKernelError();

class Module {
public:
  /// Opens and validates a module. Errors name the file and what is wrong
  /// (not a module, another ABI version, a corrupt manifest).
  static std::shared_ptr<const Module> load(const std::string &path);
  ~Module();
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;

  const std::string &path() const { return path_; }
  const mxc_manifest &manifest() const { return *manifest_; }

  /// Value indices of one kind (mxc_value_kind), in manifest order.
  std::vector<int> valuesOfKind(int kind) const;
  /// Their names (list_arguments(), list_auxiliary_states(), list_outputs()).
  std::vector<std::string> names(int kind) const;
  TShape shapeOf(int value) const;
  DType dtypeOf(int value) const;
  /// Does the module have kernels for this entry (mxc_entry_kind)?
  bool hasEntry(int entry) const;

  /// A readable summary: target, values, buffers, kernels and their
  /// dependencies (what `mxc info` prints).
  std::string describe() const;

private:
  Module() = default;
  std::string path_;
  void *handle_ = nullptr;
  const mxc_manifest *manifest_ = nullptr;
};

class Executor {
public:
  /// args: one per argument (MXC_VALUE_ARG) in manifest order; aux: one per
  /// auxiliary state; argGrads: empty, or one per argument (a none array
  /// for arguments without a gradient; the executor then keeps a zeroed
  /// array for any gradient the module computes); outputs: empty
  /// (allocated on ctx) or one per output. Arrays must be on ctx, a CPU
  /// context.
  Executor(std::shared_ptr<const Module> module, Context ctx, std::vector<NDArray> args,
           std::vector<NDArray> aux, std::vector<NDArray> argGrads = {},
           std::vector<NDArray> outputs = {});
  ~Executor();
  Executor(const Executor &) = delete;
  Executor &operator=(const Executor &) = delete;

  /// Pushes the forward kernels (is_train picks forward_train: batch
  /// statistics, dropout masks; an Error if the module was compiled for
  /// inference only).
  void forward(bool isTrain = false);
  /// Pushes the backward kernels; headGrads: one per head gradient the
  /// module takes (none for loss outputs), copied in first. An Error if
  /// the module has no backward entry, or if head gradients are missing
  /// (as MXNet). Gradients of grad_req 'add' accumulate into the bound
  /// arrays.
  void backward(std::span<const NDArray> headGrads = {});

  const std::vector<NDArray> &outputs() const { return outputs_; }
  const std::vector<NDArray> &args() const { return args_; }
  const std::vector<NDArray> &aux() const { return aux_; }
  const std::vector<NDArray> &argGrads() const { return grads_; }
  const Module &module() const { return *module_; }
  /// Reseeds the random state of training kernels (Dropout).
  void seed(uint64_t seed);

private:
  struct Plan;
  void push(int entry);

  std::shared_ptr<const Module> module_;
  Context ctx_;
  std::vector<NDArray> args_, aux_, grads_, outputs_, headGrads_;
  std::shared_ptr<Plan> plan_;
};

} // namespace mxrt
