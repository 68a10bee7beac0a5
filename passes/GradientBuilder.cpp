//===- GradientBuilder.cpp - building backward ops for one forward op -----===//
//
// Ops are created generically: `mx.<name>` from the op table, attributes
// converted by the bridge (MxBridge.h), segment sizes and the output count
// from the table, and result types from the op's own shape and type
// functions (the interfaces every mx op carries). So a gradient built from
// forward ops has exactly the types mx-infer-shape would give it.
//
//===----------------------------------------------------------------------===//
#include "passes/GradientBuilder.h"
#include "passes/Gradient.h"

#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "mxrt/base.h"
#include "mxrt/dtype.h"
#include "mxrt/op_table.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::mx;

/// "fc1_backward" for the ops that make up the gradient of node fc1, so
/// errors and exported graphs say where a backward op comes from.
static Location backwardLoc(Operation *fwd) {
  std::string node = getNodeName(fwd);
  if (node.empty())
    node = fwd->getName().stripDialect().str();
  return NameLoc::get(StringAttr::get(fwd->getContext(), node + "_backward"), fwd->getLoc());
}

GradBuilder::GradBuilder(OpBuilder &builder, Operation *forward, const mxrt::Attrs &attrs,
                         ArrayRef<bool> wanted, bool training)
    : b(builder), fwd(forward), fwdAttrs(attrs), wanted(wanted), isTraining(training),
      loc(backwardLoc(forward)) {}

Value GradBuilder::in(unsigned i) const { return fwd->getOperand(i); }
Value GradBuilder::out(unsigned i) const { return fwd->getResult(i); }
unsigned GradBuilder::numIn() const { return fwd->getNumOperands(); }

InFlightDiagnostic GradBuilder::error() {
  hasFailed = true;
  InFlightDiagnostic diag = fwd->emitError("mx-gradient: ");
  if (std::string node = getNodeName(fwd); !node.empty())
    diag << "node '" << node << "' (" << fwd->getName() << "): ";
  else
    diag << fwd->getName() << ": ";
  return diag;
}

SmallVector<Value> GradBuilder::createAll(std::string_view name, ValueRange operands,
                                          ArrayRef<GradAttr> attrs, TypeRange types) {
  if (hasFailed)
    return {};
  if (llvm::any_of(operands, [](Value v) { return !v; })) {
    error() << "the gradient rule passed a missing value to " << name;
    return {};
  }
  const mxrt::OpSpec *spec = mxrt::findOp(name);
  std::optional<RegisteredOperationName> opName =
      spec ? lookupMxOp(b.getContext(), *spec) : std::nullopt;
  if (!opName) {
    error() << "the gradient rule names '" << name << "', which is not an mx op";
    return {};
  }
  mxrt::Attrs rtAttrs;
  try {
    rtAttrs = mxrt::Attrs::fromValues(*spec, attrs);
  } catch (const mxrt::Error &e) {
    error() << "bad attributes for " << name << ": " << e.what();
    return {};
  }
  OperationState state(loc, *opName);
  state.addOperands(operands);
  for (const auto &[attrName, value] : attrs) {
    const mxrt::AttrSpec *attrSpec = spec->findAttr(attrName);
    if (Attribute a = toAttribute(b, *attrSpec, value))
      state.addAttribute(StringRef(attrName.data(), attrName.size()), a);
  }
  state.addAttribute(kPhaseAttr, b.getStringAttr(kPhaseBackward));
  addSegmentSizes(state, rtAttrs);
  int numResults = mxrt::numOutputs(rtAttrs);
  if (!types.empty()) {
    state.addTypes(types);
  } else {
    Type unknown = UnrankedTensorType::get(UnknownType::get(b.getContext()));
    state.types.assign(size_t(numResults), unknown);
  }
  Operation *op = b.create(state);
  if (types.empty()) {
    // The op's own inference, as mx-infer-shape and mx-infer-type would run it.
    SmallVector<Type> operandTypes(op->getOperandTypes()), resultTypes(op->getResultTypes());
    if (::mlir::failed(cast<InferShapeOpInterface>(op).inferShapes(operandTypes, resultTypes)) ||
        ::mlir::failed(
            cast<InferElementTypeOpInterface>(op).inferElementTypes(operandTypes, resultTypes))) {
      error() << "could not infer the result types of the backward op " << name;
      return {};
    }
    for (auto [result, type] : llvm::zip(op->getResults(), resultTypes)) {
      auto ranked = dyn_cast<RankedTensorType>(type);
      if (!ranked || !ranked.hasStaticShape() || isa<UnknownType>(ranked.getElementType())) {
        error() << "the backward op " << name << " gets the incomplete type " << type;
        return {};
      }
      result.setType(type);
    }
  }
  return SmallVector<Value>(op->getResults());
}

Value GradBuilder::create(std::string_view name, ValueRange operands, ArrayRef<GradAttr> attrs) {
  SmallVector<Value> results = createAll(name, operands, attrs);
  return results.empty() ? Value() : results.front();
}

//===--- Shapes ----------------------------------------------------------===//

ArrayRef<int64_t> GradBuilder::shape(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

int64_t GradBuilder::numel(Value v) {
  int64_t n = 1;
  for (int64_t d : shape(v))
    n *= d;
  return n;
}

Type GradBuilder::elementType(Value v) { return cast<TensorType>(v.getType()).getElementType(); }

bool GradBuilder::isFloat(Value v) { return isa<FloatType>(elementType(v)); }

std::string GradBuilder::dtypeName(Value v) {
  return std::string(mxrt::dtypeName(getDType(elementType(v))));
}

//===--- Arithmetic ------------------------------------------------------===//

Value GradBuilder::scalar(std::string_view op, Value a, double s) {
  return create(op, {a}, {{"scalar", s}, {"is_int", false}});
}

Value GradBuilder::bcast(std::string_view op, Value a, Value bv) {
  return create("broadcast_" + std::string(op), {a, bv});
}

Value GradBuilder::sum(ArrayRef<Value> terms) {
  if (terms.empty())
    return Value();
  if (terms.size() == 1)
    return terms.front();
  if (terms.size() == 2)
    return add(terms[0], terms[1]);
  return create("add_n", terms, {{"num_args", int64_t(terms.size())}});
}

//===--- Shape ops -------------------------------------------------------===//

Value GradBuilder::reshape(Value v, ArrayRef<int64_t> newShape) {
  if (!v || shape(v) == newShape)
    return v;
  return create("Reshape", {v}, {{"shape", Dims(newShape.begin(), newShape.end())}});
}

Value GradBuilder::transpose(Value v, ArrayRef<int64_t> axes) {
  bool identity = true;
  for (auto [i, a] : llvm::enumerate(axes))
    identity &= int64_t(i) == a;
  if (!v || identity)
    return v;
  return create("transpose", {v}, {{"axes", Dims(axes.begin(), axes.end())}});
}

Value GradBuilder::reduceSum(Value v, ArrayRef<int64_t> axes, bool keepdims) {
  if (!v || axes.empty())
    return v;
  return create("sum", {v}, {{"axis", Dims(axes.begin(), axes.end())}, {"keepdims", keepdims}});
}

Value GradBuilder::sumTo(Value g, ArrayRef<int64_t> target) {
  if (!g)
    return g;
  ArrayRef<int64_t> gs = shape(g);
  if (gs == target)
    return g;
  int64_t lead = int64_t(gs.size()) - int64_t(target.size());
  Dims axes;
  for (int64_t i = 0; i < int64_t(gs.size()); ++i)
    if (i < lead || (target[size_t(i - lead)] == 1 && gs[size_t(i)] != 1))
      axes.push_back(i);
  return reshape(reduceSum(g, axes, /*keepdims=*/true), target);
}

Value GradBuilder::broadcastTo(Value v, ArrayRef<int64_t> target) {
  if (!v || shape(v) == target)
    return v;
  return create("broadcast_to", {v}, {{"shape", Dims(target.begin(), target.end())}});
}

Value GradBuilder::zeros(ArrayRef<int64_t> zshape, Type elementType) {
  return create("_zeros", {},
                {{"shape", Dims(zshape.begin(), zshape.end())},
                 {"dtype", std::string(mxrt::dtypeName(getDType(elementType)))}});
}

Value GradBuilder::cast(Value v, Type elementType) {
  if (!v || GradBuilder::elementType(v) == elementType)
    return v;
  return create("Cast", {v}, {{"dtype", std::string(mxrt::dtypeName(getDType(elementType)))}});
}

Value GradBuilder::castLike(Value v, Value like) { return cast(v, elementType(like)); }
