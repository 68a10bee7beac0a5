//===- MxInterfaces.cpp - generic verifier, inference and in-place pairs --===//
//
// The default implementations of MxInterfaces.td. None of them names an op:
// each reads the op's entry in the generated op table (inputs and their
// attribute conditions, attribute kinds, output counts, in-place pairs) and
// calls the shape or type function the runtime registered for it, so the
// compiler infers exactly what the runtime's imperative path infers.
//
//===----------------------------------------------------------------------===//
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "mx/MxInterfaces.cpp.inc"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mxrt/op_registry.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::mx;

const mxrt::OpSpec *mlir::mx::lookupOpSpec(OperationName name) {
  if (name.getDialectNamespace() != MxDialect::getDialectNamespace())
    return nullptr;
  StringRef mnemonic = name.stripDialect();
  return mxrt::findOp(std::string_view(mnemonic.data(), mnemonic.size()));
}

const mxrt::OpSpec &mlir::mx::getOpSpec(Operation *op) {
  const mxrt::OpSpec *spec = lookupOpSpec(op->getName());
  if (!spec) // MxDialect::initialize checked every op against the table.
    llvm::report_fatal_error("'" + op->getName().getStringRef() + "' is not in the mx op table");
  return *spec;
}

static std::string nameIn(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (std::string n = nameIn(inner); !n.empty())
        return n;
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return nameIn(call.getCallee());
  return "";
}

std::string mlir::mx::getNodeName(Operation *op) { return nameIn(op->getLoc()); }

SmallVector<std::pair<unsigned, unsigned>> mlir::mx::getInplacePairs(Operation *op) {
  SmallVector<std::pair<unsigned, unsigned>> pairs;
  const mxrt::OpSpec &spec = getOpSpec(op);
  for (size_t i = 0; i + 1 < spec.inplace.size(); i += 2)
    pairs.emplace_back(unsigned(spec.inplace[i]), unsigned(spec.inplace[i + 1]));
  return pairs;
}

//===--- Verifier --------------------------------------------------------===//

/// "'mx.Op' op node 'fc1': " (without the node part when it has no name).
static InFlightDiagnostic nodeError(Operation *op) {
  InFlightDiagnostic diag = op->emitOpError();
  if (std::string node = getNodeName(op); !node.empty())
    diag << "node '" << node << "': ";
  return diag;
}

static std::string joined(ArrayRef<std::string> names) {
  std::string s;
  for (const std::string &n : names)
    s += (s.empty() ? "" : ", ") + n;
  return s;
}

/// Why a conditional input is present or absent, in the attribute's terms.
static std::string describeCondition(const mxrt::InputSpec &in) {
  std::string attr(in.condAttr), value(in.condValue);
  switch (in.cond) {
  case mxrt::CondOp::Always:
    return "";
  case mxrt::CondOp::Truthy:
    return "only when " + attr + " is true";
  case mxrt::CondOp::Falsy:
    return "only when " + attr + " is false";
  case mxrt::CondOp::Eq:
    return "only when " + attr + " is " + value;
  case mxrt::CondOp::Ne:
    return "only when " + attr + " is not " + value;
  }
  return "";
}

static LogicalResult verifyAttributeNames(Operation *op, const mxrt::OpSpec &spec) {
  ArrayRef<StringAttr> odsNames;
  if (std::optional<RegisteredOperationName> info = op->getRegisteredInfo())
    odsNames = info->getAttributeNames();
  for (NamedAttribute attr : op->getAttrs()) {
    StringRef name = attr.getName().strref();
    if (isHiddenAttrName(name) || name.contains('.') ||
        llvm::is_contained(odsNames, attr.getName()))
      continue;
    std::string known;
    for (const mxrt::AttrSpec &a : spec.attrs)
      known += (known.empty() ? "" : ", ") + std::string(a.name);
    return nodeError(op) << "unknown attribute '" << name << "' (" << spec.name << " takes "
                         << (known.empty() ? std::string("no attributes") : known) << ")";
  }
  return success();
}

static LogicalResult verifyInputCount(Operation *op, const mxrt::OpSpec &spec,
                                      const mxrt::Attrs &attrs) {
  std::vector<std::string> names = mxrt::listInputNames(attrs);
  // Optional inputs without a condition may be left out.
  size_t optional = llvm::count_if(spec.inputs, [](const mxrt::InputSpec &in) {
    return in.optional && !in.variadic && in.cond == mxrt::CondOp::Always;
  });
  size_t got = op->getNumOperands(), max = names.size(), min = max - std::min(optional, max);
  if (got >= min && got <= max)
    return success();
  InFlightDiagnostic diag = nodeError(op) << "expects " << max << " inputs (" << joined(names)
                                          << "), got " << got;
  if (!spec.numArgsAttr.empty())
    diag << "; " << spec.numArgsAttr << " = " << attrs.getInt(spec.numArgsAttr)
         << " sets the number of '" << spec.inputs.front().name << "' inputs";
  for (const mxrt::InputSpec &in : spec.inputs)
    if (in.cond != mxrt::CondOp::Always)
      diag << "; '" << in.name << "' is an input " << describeCondition(in);
  return diag;
}

static LogicalResult verifyOutputCount(Operation *op, const mxrt::Attrs &attrs) {
  int want = mxrt::numOutputs(attrs);
  if (int(op->getNumResults()) == want)
    return success();
  InFlightDiagnostic diag = nodeError(op)
                            << "expects " << want << " results, got " << op->getNumResults();
  if (!attrs.op().numOutputsAttr.empty())
    diag << " (" << attrs.op().numOutputsAttr << " = " << attrs.getInt(attrs.op().numOutputsAttr)
         << ")";
  return diag;
}

/// Window attributes must have one entry per spatial dim of `kernel`.
static LogicalResult verifySpatialRanks(Operation *op, const mxrt::Attrs &attrs) {
  const mxrt::AttrSpec *kernelSpec = attrs.op().findAttr("kernel");
  if (!kernelSpec ||
      (kernelSpec->kind != mxrt::AttrKind::Shape && kernelSpec->kind != mxrt::AttrKind::OptShape) ||
      attrs.isNone("kernel"))
    return success();
  const std::vector<int64_t> &kernel = attrs.getShape("kernel");
  if (kernel.empty())
    return success();
  for (std::string_view name : {"stride", "dilate", "pad", "adj"}) {
    const mxrt::AttrSpec *spec = attrs.op().findAttr(name);
    if (!spec || spec->kind != mxrt::AttrKind::Shape || !attrs.isSet(name))
      continue;
    const std::vector<int64_t> &v = attrs.getShape(name);
    if (!v.empty() && v.size() != kernel.size())
      return nodeError(op) << name
                           << " must have the same number of dimensions as kernel, but kernel is "
                           << mxrt::Attrs::format(mxrt::AttrKind::Shape, kernel) << " while "
                           << name << " is " << mxrt::Attrs::format(mxrt::AttrKind::Shape, v);
  }
  return success();
}

static LogicalResult verifyElementTypes(Operation *op) {
  auto check = [&](Type t, StringRef what, unsigned i) -> LogicalResult {
    auto tensor = dyn_cast<TensorType>(t);
    if (tensor && isMxElementType(tensor.getElementType()))
      return success();
    return nodeError(op) << what << " #" << i << " has type " << t
                         << ", which is not a tensor of an MXNet dtype";
  };
  for (auto [i, t] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(t, "operand", i)))
      return failure();
  for (auto [i, t] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(t, "result", i)))
      return failure();
  return success();
}

LogicalResult mlir::mx::verifyMxOp(Operation *op) {
  const mxrt::OpSpec *spec = lookupOpSpec(op->getName());
  if (!spec)
    return op->emitOpError("is not in the mx op table");
  if (failed(verifyAttributeNames(op, *spec)) || failed(verifyElementTypes(op)))
    return failure();
  FailureOr<mxrt::Attrs> attrs = getRuntimeAttrs(op);
  if (failed(attrs))
    return failure();
  try {
    return success(succeeded(verifyInputCount(op, *spec, *attrs)) &&
                   succeeded(verifyOutputCount(op, *attrs)) &&
                   succeeded(verifySpatialRanks(op, *attrs)));
  } catch (const mxrt::Error &e) {
    return nodeError(op) << e.what();
  }
}

//===--- Inference -------------------------------------------------------===//

namespace {
/// Names of the op's inputs and outputs for messages ("input 'weight'").
struct PortNames {
  std::vector<std::string> in, out;
  PortNames(const mxrt::Attrs &attrs) {
    try {
      in = mxrt::listInputNames(attrs);
      out = mxrt::listOutputNames(attrs);
    } catch (const mxrt::Error &) {
    }
  }
  std::string input(size_t i) const {
    return "input " + (i < in.size() ? "'" + in[i] + "'" : std::to_string(i));
  }
  std::string output(size_t i) const {
    return "output " + (i < out.size() ? "'" + out[i] + "'" : std::to_string(i));
  }
  /// " (input 'weight')" for an error about one slot, else "".
  std::string at(const mxrt::ShapeError &e) const {
    if (e.index < 0)
      return "";
    return " (" + (e.output ? output(size_t(e.index)) : input(size_t(e.index))) + ")";
  }
};
} // namespace

/// Runs one of the runtime's inference functions on the op: converts the
/// operand and result types to runtime values with `get`, calls `run`, then
/// lets `refine` update each type from what came back (or fail, naming the
/// input or output). Errors are MXNet's, prefixed "Error in operator <node>".
template <class T>
static LogicalResult
runInference(Operation *op, SmallVectorImpl<Type> &operandTypes, SmallVectorImpl<Type> &resultTypes,
             function_ref<T(Type)> get,
             function_ref<void(const mxrt::Attrs &, std::vector<T> &, std::vector<T> &)> run,
             function_ref<LogicalResult(Type &, const T &, const std::string &)> refine) {
  FailureOr<mxrt::Attrs> attrs = getRuntimeAttrs(op);
  if (failed(attrs))
    return failure();
  std::vector<T> in, out;
  for (Type t : operandTypes)
    in.push_back(get(t));
  for (Type t : resultTypes)
    out.push_back(get(t));
  PortNames ports(*attrs);
  try {
    run(*attrs, in, out);
  } catch (const mxrt::ShapeError &e) {
    return op->emitError() << errorInOperator(op) << e.what() << ports.at(e);
  } catch (const mxrt::Error &e) {
    return op->emitError() << errorInOperator(op) << e.what();
  }
  if (in.size() != operandTypes.size() || out.size() != resultTypes.size())
    return op->emitError() << errorInOperator(op) << "the inference function of "
                           << getOpSpec(op).name << " changed the number of inputs or outputs";
  for (size_t i = 0; i < in.size(); ++i)
    if (failed(refine(operandTypes[i], in[i], ports.input(i))))
      return failure();
  for (size_t i = 0; i < out.size(); ++i)
    if (failed(refine(resultTypes[i], out[i], ports.output(i))))
      return failure();
  return success();
}

LogicalResult mlir::mx::inferShapesFromRuntime(Operation *op, SmallVectorImpl<Type> &operandTypes,
                                               SmallVectorImpl<Type> &resultTypes) {
  const mxrt::OpSpec &spec = getOpSpec(op);
  mxrt::ShapeFn fn = mxrt::opImpl(spec).inferShape;
  if (!fn)
    return op->emitError() << errorInOperator(op) << "operator " << spec.name
                           << " has no shape function registered in the runtime";
  return runInference<mxrt::TShape>(
      op, operandTypes, resultTypes, getTShape,
      [&](const mxrt::Attrs &attrs, std::vector<mxrt::TShape> &in, std::vector<mxrt::TShape> &out) {
        fn(attrs, in, out);
      },
      [&](Type &type, const mxrt::TShape &inferred, const std::string &port) -> LogicalResult {
        mxrt::TShape current = getTShape(type);
        FailureOr<mxrt::TShape> merged = mergeShapes(current, inferred);
        if (failed(merged))
          return op->emitError() << errorInOperator(op) << "Shape inconsistent, Provided = "
                                 << formatProvidedShape(current)
                                 << ", inferred shape=" << inferred.str() << " (" << port << ")";
        type = getTensorType(*merged, cast<TensorType>(type).getElementType());
        return success();
      });
}

LogicalResult mlir::mx::inferElementTypesFromRuntime(Operation *op,
                                                     SmallVectorImpl<Type> &operandTypes,
                                                     SmallVectorImpl<Type> &resultTypes) {
  return runInference<mxrt::DType>(
      op, operandTypes, resultTypes,
      [](Type t) { return getDType(cast<TensorType>(t).getElementType()); },
      // The op's type function, or the default rule (one dtype for all).
      [](const mxrt::Attrs &attrs, std::vector<mxrt::DType> &in, std::vector<mxrt::DType> &out) {
        mxrt::runTypeFn(attrs, in, out);
      },
      [&](Type &type, const mxrt::DType &inferred, const std::string &port) -> LogicalResult {
        auto tensor = cast<TensorType>(type);
        mxrt::DType current = getDType(tensor.getElementType());
        if (inferred == mxrt::DType::Unknown || inferred == current)
          return success();
        if (current != mxrt::DType::Unknown)
          return op->emitError() << errorInOperator(op)
                                 << "Type inconsistent, Provided = " << mxrt::dtypeName(current)
                                 << ", inferred type=" << mxrt::dtypeName(inferred) << " (" << port
                                 << ")";
        type = tensor.clone(getElementType(op->getContext(), inferred));
        return success();
      });
}
