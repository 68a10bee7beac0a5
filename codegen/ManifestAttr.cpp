//===- ManifestAttr.cpp - the manifest as a module attribute --------------===//
#include "codegen/ManifestAttr.h"

#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "mx/MxGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mxc::codegen;

static const char *const kKindNames[] = {"arg",  "aux", "output",   "temp",
                                         "grad", "rng", "head_grad"};

const char *mxc::codegen::valueKindName(int kind) {
  return kind >= 0 && kind < int(std::size(kKindNames)) ? kKindNames[kind] : "?";
}

std::string mxc::codegen::graphValueName(Value v) {
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    if (auto f = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      return mlir::mx::getArgName(f, arg.getArgNumber());
    return "arg" + std::to_string(arg.getArgNumber());
  }
  Operation *op = v.getDefiningOp();
  std::string node = mlir::mx::getNodeName(op);
  unsigned i = cast<OpResult>(v).getResultNumber();
  std::string suffix = "output" + (op->getNumResults() > 1 ? std::to_string(i) : "");
  if (mlir::mx::lookupOpSpec(op->getName())) {
    FailureOr<mxrt::Attrs> attrs = mlir::mx::getRuntimeAttrs(op);
    if (succeeded(attrs)) {
      std::vector<std::string> names = mxrt::listOutputNames(*attrs);
      if (i < names.size())
        suffix = names[i];
    }
  }
  if (node.empty())
    node = op->getName().stripDialect().str();
  return node + "_" + suffix;
}

DictionaryAttr mxc::codegen::manifestToAttr(MLIRContext *ctx, const Manifest &m) {
  Builder b(ctx);
  SmallVector<Attribute> values, buffers;
  for (const ManifestValue &v : m.values)
    values.push_back(b.getDictionaryAttr({
        b.getNamedAttr("name", b.getStringAttr(v.name)),
        b.getNamedAttr("kind", b.getStringAttr(valueKindName(v.kind))),
        b.getNamedAttr("dtype", b.getI32IntegerAttr(v.dtype)),
        b.getNamedAttr("shape", b.getDenseI64ArrayAttr(v.shape)),
        b.getNamedAttr("buffer", b.getI64IntegerAttr(v.buffer)),
        b.getNamedAttr("offset", b.getI64IntegerAttr(v.offset)),
        b.getNamedAttr("grad_of", b.getI64IntegerAttr(v.gradOf)),
    }));
  for (const ManifestBuffer &buf : m.buffers)
    buffers.push_back(b.getDictionaryAttr({
        b.getNamedAttr("bytes", b.getI64IntegerAttr(buf.bytes)),
        b.getNamedAttr("alignment", b.getI64IntegerAttr(buf.alignment)),
    }));
  SmallVector<NamedAttribute> fields{b.getNamedAttr("values", b.getArrayAttr(values)),
                                     b.getNamedAttr("buffers", b.getArrayAttr(buffers))};
  for (int e = 0; e < MXC_NUM_ENTRIES; ++e) {
    SmallVector<Attribute> kernels;
    for (const ManifestKernel &k : m.entries[e])
      kernels.push_back(b.getDictionaryAttr({
          b.getNamedAttr("name", b.getStringAttr(k.name)),
          b.getNamedAttr("op", b.getStringAttr(k.op)),
          b.getNamedAttr("symbol", b.getStringAttr(k.symbol)),
          b.getNamedAttr("args", b.getDenseI32ArrayAttr(k.args)),
          b.getNamedAttr("reads", b.getI64IntegerAttr(k.numReads)),
          b.getNamedAttr("deps", b.getDenseI32ArrayAttr(k.deps)),
          b.getNamedAttr("flags", b.getI64IntegerAttr(k.flags)),
      }));
    fields.push_back(b.getNamedAttr(entryName(e), b.getArrayAttr(kernels)));
  }
  return b.getDictionaryAttr(fields);
}

namespace {
/// Reads typed fields of a dictionary, remembering the first problem.
struct Reader {
  std::string &error;
  template <class T> T get(DictionaryAttr d, StringRef key, StringRef what) {
    auto a = d ? d.getAs<T>(key) : T();
    if (!a && error.empty())
      error = ("mx.manifest: " + what + " has no valid '" + key + "'").str();
    return a;
  }
  int64_t integer(DictionaryAttr d, StringRef key, StringRef what) {
    auto a = get<IntegerAttr>(d, key, what);
    return a ? a.getInt() : 0;
  }
  std::string string(DictionaryAttr d, StringRef key, StringRef what) {
    auto a = get<StringAttr>(d, key, what);
    return a ? a.str() : std::string();
  }
};
} // namespace

FailureOr<Manifest> mxc::codegen::manifestFromAttr(Attribute attr, std::string &error) {
  error.clear();
  auto dict = dyn_cast_or_null<DictionaryAttr>(attr);
  if (!dict) {
    error = "the module has no mx.manifest dictionary (run mx-outline-kernels first)";
    return failure();
  }
  Reader r{error};
  Manifest m;
  if (auto values = r.get<ArrayAttr>(dict, "values", "the manifest"))
    for (Attribute a : values) {
      auto d = dyn_cast<DictionaryAttr>(a);
      ManifestValue v;
      v.name = r.string(d, "name", "a value");
      std::string kind = r.string(d, "kind", "a value");
      auto it = llvm::find(kKindNames, kind);
      if (it == std::end(kKindNames) && error.empty())
        error = "mx.manifest: value '" + v.name + "' has unknown kind '" + kind + "'";
      v.kind = int32_t(it - std::begin(kKindNames));
      v.dtype = int32_t(r.integer(d, "dtype", "a value"));
      if (auto s = r.get<DenseI64ArrayAttr>(d, "shape", "a value"))
        v.shape.assign(s.asArrayRef().begin(), s.asArrayRef().end());
      v.buffer = int32_t(r.integer(d, "buffer", "a value"));
      v.offset = r.integer(d, "offset", "a value");
      v.gradOf = int32_t(r.integer(d, "grad_of", "a value"));
      m.values.push_back(std::move(v));
    }
  if (auto buffers = r.get<ArrayAttr>(dict, "buffers", "the manifest"))
    for (Attribute a : buffers) {
      auto d = dyn_cast<DictionaryAttr>(a);
      m.buffers.push_back(
          {r.integer(d, "bytes", "a buffer"), r.integer(d, "alignment", "a buffer")});
    }
  for (int e = 0; e < MXC_NUM_ENTRIES; ++e)
    if (auto kernels = r.get<ArrayAttr>(dict, entryName(e), "the manifest"))
      for (Attribute a : kernels) {
        auto d = dyn_cast<DictionaryAttr>(a);
        ManifestKernel k;
        k.name = r.string(d, "name", "a kernel");
        k.op = r.string(d, "op", "a kernel");
        k.symbol = r.string(d, "symbol", "a kernel");
        if (auto args = r.get<DenseI32ArrayAttr>(d, "args", "a kernel"))
          k.args.assign(args.asArrayRef().begin(), args.asArrayRef().end());
        k.numReads = int32_t(r.integer(d, "reads", "a kernel"));
        if (auto deps = r.get<DenseI32ArrayAttr>(d, "deps", "a kernel"))
          k.deps.assign(deps.asArrayRef().begin(), deps.asArrayRef().end());
        k.flags = int32_t(r.integer(d, "flags", "a kernel"));
        m.entries[e].push_back(std::move(k));
      }
  if (!error.empty())
    return failure();
  return m;
}
