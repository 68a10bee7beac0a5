// op_registry.cc - shape/type functions and kernels registered per op.
//
// Implementations are attached to entries of the generated op table, so a
// kernel for an operator the ODS does not define cannot be reached; such
// registrations are collected and a test fails on them.
#include "mxrt/op_registry.h"

#include <string>
#include <vector>

namespace mxrt {
namespace {

std::vector<OpImpl> &impls() {
  static std::vector<OpImpl> v(opTable().size());
  return v;
}

std::vector<std::string> &orphans() {
  static std::vector<std::string> v;
  return v;
}

/// The record for name; registrations for names outside the table land in
/// a scratch record and are listed by orphanRegistrations().
OpImpl &implFor(std::string_view name) {
  const OpSpec *op = findOp(name);
  if (!op) {
    static OpImpl scratch;
    orphans().emplace_back(name);
    return scratch;
  }
  return impls()[size_t(op - opTable().data())];
}

/// "input 'weight': " when a ShapeError locates its slot, else "".
std::string slotOf(const Attrs &attrs, const Error &e) {
  const auto *se = dynamic_cast<const ShapeError *>(&e);
  if (!se || se->index < 0)
    return {};
  std::vector<std::string> names = se->output ? listOutputNames(attrs) : listInputNames(attrs);
  std::string name =
      size_t(se->index) < names.size() ? names[size_t(se->index)] : str("#", se->index);
  return str(se->output ? "output '" : "input '", name, "': ");
}

std::string shapeList(std::span<const TShape> shapes) {
  std::string s;
  for (size_t i = 0; i < shapes.size(); ++i)
    s += str(i ? ", " : "", shapes[i].str());
  return s;
}

bool sameTypeAll(const Attrs &attrs, std::vector<DType> &in, std::vector<DType> &out) {
  DType t = DType::Unknown;
  auto unify = [&](DType d, bool isInput, size_t i) {
    if (d == DType::Unknown)
      return;
    if (t == DType::Unknown) {
      t = d;
      return;
    }
    MXRT_CHECK(t == d, "Type inconsistent in operator ", attrs.op().name, ": ",
               isInput ? "input " : "output ", i, " is ", dtypeName(d), ", expected ",
               dtypeName(t));
  };
  for (size_t i = 0; i < in.size(); ++i)
    unify(in[i], true, i);
  for (size_t i = 0; i < out.size(); ++i)
    unify(out[i], false, i);
  if (t == DType::Unknown)
    return false;
  for (DType &d : in)
    d = t;
  for (DType &d : out)
    d = t;
  return true;
}

} // namespace

void registerShapeFn(std::string_view name, ShapeFn fn) { implFor(name).inferShape = fn; }
void registerTypeFn(std::string_view name, TypeFn fn) { implFor(name).inferType = fn; }

void registerKernel(std::string_view name, DeviceType dev, KernelFn fn, bool usesRandom) {
  OpImpl &impl = implFor(name);
  (dev == DeviceType::GPU ? impl.gpu : impl.cpu) = fn;
  impl.usesRandom = impl.usesRandom || usesRandom;
}

std::vector<std::string> orphanRegistrations() { return orphans(); }

const OpImpl &opImpl(const OpSpec &op) { return impls()[size_t(&op - opTable().data())]; }

bool runShapeFn(const Attrs &attrs, std::vector<TShape> &in, std::vector<TShape> &out) {
  const OpImpl &impl = opImpl(attrs.op());
  MXRT_CHECK(impl.inferShape, "operator ", attrs.op().name, " has no shape function");
  return impl.inferShape(attrs, in, out);
}

bool runTypeFn(const Attrs &attrs, std::vector<DType> &in, std::vector<DType> &out) {
  const OpImpl &impl = opImpl(attrs.op());
  return impl.inferType ? impl.inferType(attrs, in, out) : sameTypeAll(attrs, in, out);
}

void inferOutputs(const Attrs &attrs, std::span<const TShape> inShapes,
                  std::span<const DType> inTypes, std::vector<TShape> &outShapes,
                  std::vector<DType> &outTypes, std::string_view node) {
  const OpSpec &op = attrs.op();
  std::string where = node.empty() ? str("operator ", op.name)
                                   : str("operator ", node, " (", op.name, ")");
  int nout = numOutputs(attrs);
  std::vector<TShape> in(inShapes.begin(), inShapes.end());
  outShapes.assign(size_t(nout), TShape());
  bool done;
  try {
    done = runShapeFn(attrs, in, outShapes);
  } catch (const Error &e) {
    fail("Error in ", where, ": ", slotOf(attrs, e), e.what());
  }
  for (const TShape &s : outShapes)
    done = done && s.known();
  MXRT_CHECK(done, "Error in ", where, ": cannot infer the output shape from input shapes [",
             shapeList(inShapes), "]");

  std::vector<DType> inT(inTypes.begin(), inTypes.end());
  outTypes.assign(size_t(nout), DType::Unknown);
  try {
    done = runTypeFn(attrs, inT, outTypes);
  } catch (const Error &e) {
    fail("Error in ", where, ": ", slotOf(attrs, e), e.what());
  }
  for (DType t : outTypes)
    done = done && t != DType::Unknown;
  MXRT_CHECK(done, "Error in ", where, ": cannot infer the output dtype");
}

} // namespace mxrt
