// module.cc - loading a compiled module and validating its manifest.
//
// Everything a later step relies on is checked here, once: the ABI
// version, the checksum (the data is what the compiler wrote), and the
// structure (indices in range, dtypes known, temporaries inside their
// buffers, every kernel with a function). A module that passes never makes
// the executor index out of bounds.
#include "mxrt/module.h"

#include "mxrt/base.h"

#include <dlfcn.h>

#include <sstream>

namespace mxrt {

static_assert(sizeof(mxc_value) == 48 && sizeof(mxc_buffer) == 16 && sizeof(mxc_kernel) == 56 &&
                  sizeof(mxc_entry) == 24 && sizeof(mxc_manifest) == 72,
              "module_abi.h layouts changed: bump MXC_MODULE_ABI_VERSION and the emitter");

namespace {

const char *kindName(int kind) {
  static const char *const names[] = {"arg", "aux", "output", "temp", "grad", "rng", "head_grad"};
  return kind >= 0 && kind < 7 ? names[kind] : "?";
}

void validate(const std::string &path, const mxc_manifest &m) {
  auto bad = [&](auto &&...what) { fail("module '", path, "': corrupt manifest: ", what...); };
  if (m.abi_version != MXC_MODULE_ABI_VERSION)
    fail("module '", path, "' was built for module ABI version ", m.abi_version,
         ", this runtime reads version ", MXC_MODULE_ABI_VERSION, ": recompile it with this mxc");
  if (mxc_manifest_checksum(&m) != m.checksum)
    bad("checksum mismatch");
  if (m.num_entries != MXC_NUM_ENTRIES)
    bad(m.num_entries, " entries, expected ", MXC_NUM_ENTRIES);
  for (uint32_t i = 0; i < m.num_values; ++i) {
    const mxc_value &v = m.values[i];
    if (v.kind < MXC_VALUE_ARG || v.kind > MXC_VALUE_HEAD_GRAD)
      bad("value ", i, " has kind ", v.kind);
    if (!isValidDTypeCode(v.dtype))
      bad("value '", v.name, "' has dtype code ", v.dtype);
    if (v.ndim < 0 || (v.ndim > 0 && !v.shape))
      bad("value '", v.name, "' has no shape");
    int64_t bytes = int64_t(dtypeSize(DType(v.dtype)));
    for (int d = 0; d < v.ndim; ++d) {
      if (v.shape[d] < 0)
        bad("value '", v.name, "' has extent ", v.shape[d]);
      bytes *= v.shape[d];
    }
    if (v.kind == MXC_VALUE_TEMP) {
      if (v.buffer < 0 || uint32_t(v.buffer) >= m.num_buffers)
        bad("value '", v.name, "' is in buffer ", v.buffer, " of ", m.num_buffers);
      if (v.offset < 0 || v.offset + bytes > m.buffers[v.buffer].bytes)
        bad("value '", v.name, "' (", bytes, " bytes at ", v.offset, ") exceeds buffer ", v.buffer);
    }
    if ((v.kind == MXC_VALUE_GRAD || v.kind == MXC_VALUE_HEAD_GRAD) &&
        (v.grad_of < 0 || uint32_t(v.grad_of) >= m.num_values))
      bad("value '", v.name, "' is the gradient of value ", v.grad_of);
  }
  for (uint32_t e = 0; e < m.num_entries; ++e)
    for (int32_t k = 0; k < m.entries[e].num_kernels; ++k) {
      const mxc_kernel &kernel = m.entries[e].kernels[k];
      if (!kernel.fn)
        bad("kernel '", kernel.name, "' has no function");
      if (kernel.num_reads < 0 || kernel.num_reads > kernel.num_args)
        bad("kernel '", kernel.name, "' reads ", kernel.num_reads, " of ", kernel.num_args);
      for (int32_t a = 0; a < kernel.num_args; ++a)
        if (kernel.args[a] < 0 || uint32_t(kernel.args[a]) >= m.num_values)
          bad("kernel '", kernel.name, "' argument ", a, " is value ", kernel.args[a]);
      for (int32_t d = 0; d < kernel.num_deps; ++d)
        if (kernel.deps[d] < 0 || kernel.deps[d] >= k)
          bad("kernel '", kernel.name, "' depends on kernel ", kernel.deps[d]);
    }
}

} // namespace

std::shared_ptr<const Module> Module::load(const std::string &path) {
  std::shared_ptr<Module> m(new Module());
  m->path_ = path;
  m->handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!m->handle_) {
    const char *err = ::dlerror();
    fail("cannot load module '", path, "': ", err ? err : "dlopen failed");
  }
  auto fn =
      reinterpret_cast<mxc_module_manifest_fn>(::dlsym(m->handle_, MXC_MODULE_MANIFEST_SYMBOL));
  if (!fn)
    fail("'", path, "' is not an mxc module (it exports no ", MXC_MODULE_MANIFEST_SYMBOL, ")");
  m->manifest_ = fn();
  if (!m->manifest_)
    fail("module '", path, "': ", MXC_MODULE_MANIFEST_SYMBOL, "() returned null");
  validate(path, *m->manifest_);
  return m;
}

Module::~Module() {
  if (handle_)
    ::dlclose(handle_);
}

std::vector<int> Module::valuesOfKind(int kind) const {
  std::vector<int> out;
  for (uint32_t i = 0; i < manifest_->num_values; ++i)
    if (manifest_->values[i].kind == kind)
      out.push_back(int(i));
  return out;
}

std::vector<std::string> Module::names(int kind) const {
  std::vector<std::string> out;
  for (int i : valuesOfKind(kind))
    out.emplace_back(manifest_->values[i].name);
  return out;
}

TShape Module::shapeOf(int value) const {
  const mxc_value &v = manifest_->values[value];
  return TShape(std::span<const int64_t>(v.shape, size_t(v.ndim)));
}

DType Module::dtypeOf(int value) const { return DType(manifest_->values[value].dtype); }

bool Module::hasEntry(int entry) const {
  return entry >= 0 && uint32_t(entry) < manifest_->num_entries &&
         manifest_->entries[entry].num_kernels > 0;
}

std::string Module::describe() const {
  const mxc_manifest &m = *manifest_;
  std::ostringstream os;
  os << "module:   " << path_ << "\n"
     << "compiler: " << m.compiler_version << " (module ABI " << m.abi_version << ")\n"
     << "target:   " << m.target << "\n"
     << "key:      " << m.graph_hash << "\n";
  for (int kind :
       {MXC_VALUE_ARG, MXC_VALUE_AUX, MXC_VALUE_OUTPUT, MXC_VALUE_GRAD, MXC_VALUE_HEAD_GRAD}) {
    std::vector<int> vs = valuesOfKind(kind);
    if (vs.empty())
      continue;
    os << kindName(kind) << "s:\n";
    for (int i : vs)
      os << "  " << m.values[i].name << " " << shapeOf(i).str() << " " << dtypeName(dtypeOf(i))
         << "\n";
  }
  int64_t arena = 0;
  for (uint32_t b = 0; b < m.num_buffers; ++b)
    arena += m.buffers[b].bytes;
  os << "arena: " << m.num_buffers << " buffers, " << arena << " bytes ("
     << valuesOfKind(MXC_VALUE_TEMP).size() << " intermediates)\n";
  for (uint32_t e = 0; e < m.num_entries; ++e) {
    const mxc_entry &entry = m.entries[e];
    if (entry.num_kernels == 0)
      continue;
    os << entry.name << ": " << entry.num_kernels << " kernels\n";
    for (int32_t k = 0; k < entry.num_kernels; ++k) {
      const mxc_kernel &kernel = entry.kernels[k];
      os << "  [" << k << "] " << kernel.name << " (" << kernel.op << ")"
         << ((kernel.flags & MXC_KERNEL_FALLBACK)  ? " fallback"
             : (kernel.flags & MXC_KERNEL_LIBRARY) ? " library"
                                                   : "")
         << "  reads";
      for (int32_t a = 0; a < kernel.num_reads; ++a)
        os << " " << m.values[kernel.args[a]].name;
      os << "  writes";
      for (int32_t a = kernel.num_reads; a < kernel.num_args; ++a)
        os << " " << m.values[kernel.args[a]].name;
      if (kernel.num_deps) {
        os << "  after";
        for (int32_t d = 0; d < kernel.num_deps; ++d)
          os << " " << kernel.deps[d];
      }
      os << "\n";
    }
  }
  return os.str();
}

} // namespace mxrt
