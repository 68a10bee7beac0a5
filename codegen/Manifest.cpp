//===- Manifest.cpp - the manifest's checksum, as the loader computes it --===//
//
// Builds a temporary mxc_manifest view over the C++ containers and runs the
// ABI header's checksum on it, so compiler and loader share one definition.
//
//===----------------------------------------------------------------------===//
#include "codegen/Manifest.h"

using namespace mxc::codegen;

const char *mxc::codegen::entryName(int entry) {
  static const char *const names[MXC_NUM_ENTRIES] = {"forward_infer", "forward_train", "backward"};
  return entry >= 0 && entry < MXC_NUM_ENTRIES ? names[entry] : "?";
}

uint64_t Manifest::checksum() const {
  std::vector<mxc_value> vals;
  for (const ManifestValue &v : values)
    vals.push_back({v.name.c_str(), v.kind, v.dtype, int32_t(v.shape.size()), v.buffer,
                    v.shape.data(), v.offset, v.gradOf, 0});
  std::vector<mxc_buffer> bufs;
  for (const ManifestBuffer &b : buffers)
    bufs.push_back({b.bytes, b.alignment});
  std::array<std::vector<mxc_kernel>, MXC_NUM_ENTRIES> kernels;
  std::vector<mxc_entry> ents;
  for (int e = 0; e < MXC_NUM_ENTRIES; ++e) {
    for (const ManifestKernel &k : entries[e])
      kernels[e].push_back({k.name.c_str(), k.op.c_str(), nullptr, k.args.data(), k.deps.data(),
                            int32_t(k.args.size()), k.numReads, int32_t(k.deps.size()), k.flags});
    ents.push_back({entryName(e), kernels[e].data(), int32_t(kernels[e].size()), 0});
  }
  mxc_manifest m{};
  m.abi_version = MXC_MODULE_ABI_VERSION;
  m.num_values = uint32_t(vals.size());
  m.compiler_version = compilerVersion.c_str();
  m.target = target.c_str();
  m.graph_hash = graphHash.c_str();
  m.values = vals.data();
  m.buffers = bufs.data();
  m.entries = ents.data();
  m.num_buffers = uint32_t(bufs.size());
  m.num_entries = uint32_t(ents.size());
  return mxc_manifest_checksum(&m);
}
