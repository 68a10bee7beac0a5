// context.h - devices: cpu(i), gpu(i), cpu_pinned(i), and how many GPUs exist.
#pragma once

#include <cstdint>
#include <string>

namespace mxrt {

/// Device type codes as MXNet writes them in NDArray files.
enum class DeviceType : int32_t { CPU = 1, GPU = 2, CPUPinned = 3, CPUShared = 5 };

struct Context {
  DeviceType type = DeviceType::CPU;
  int32_t id = 0;

  static constexpr Context cpu(int32_t id = 0) { return {DeviceType::CPU, id}; }
  static constexpr Context gpu(int32_t id = 0) { return {DeviceType::GPU, id}; }
  static constexpr Context cpuPinned(int32_t id = 0) { return {DeviceType::CPUPinned, id}; }

  /// Host memory (cpu, cpu_pinned, cpu_shared): kernels run on CPU workers.
  constexpr bool isHost() const { return type != DeviceType::GPU; }
  constexpr bool isGPU() const { return type == DeviceType::GPU; }
  friend constexpr bool operator==(const Context &, const Context &) = default;
  /// "cpu(0)", "gpu(1)", "cpu_pinned(0)", "cpu_shared(0)" as MXNet prints them.
  std::string str() const;
};

/// Number of usable CUDA devices: 0 when built without CUDA, when no driver is
/// installed or when no GPU is present. Never throws, never aborts.
int numGPUs();

/// Throws an Error naming the context when it cannot be used here (a GPU
/// context on a machine or build without that GPU).
void checkContext(const Context &ctx);

} // namespace mxrt
