//===- GradientDriver.cpp - reverse-mode differentiation of an mx graph ---===//
//
// Algorithm (nnvm's Gradient pass, as MXNet's executor runs it):
// 1. Forward sweep: a value "depends" on the requested arguments if an op
//    whose gradient is not Zero reads one that does.
// 2. Head gradients: one new argument per result that takes one.
// 3. Reverse sweep over the ops in program order: an op whose inputs depend
//    and whose outputs got gradients (or a live loss layer, which needs
//    none) calls its gradient rule; each input gradient is recorded as one
//    contribution to that input. A value's contributions are summed when its
//    producer is reached, so each forward value's gradient exists once.
// 4. Per requested argument: the sum of its contributions (zeros if none),
//    plus the incoming gradient for grad_req add, becomes a new result.
// The backward ops are appended after the forward ops, so memory planning
// sees forward values live until their last backward use.
//
//===----------------------------------------------------------------------===//
#include "passes/Gradient.h"
#include "passes/GradientRules.h"
#include "passes/InferenceDriver.h"

#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "mx/MxGraph.h"

#include "mxrt/dtype.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace mlir::mx;

std::optional<GradReq> mlir::mx::parseGradReq(StringRef text) {
  if (text == "null")
    return GradReq::Null;
  if (text == "write" || text == "inplace")
    return GradReq::Write;
  if (text == "add")
    return GradReq::Add;
  return std::nullopt;
}

StringRef mlir::mx::gradReqName(GradReq req) {
  switch (req) {
  case GradReq::Null:
    return "null";
  case GradReq::Write:
    return "write";
  case GradReq::Add:
    return "add";
  }
  return "null";
}

namespace {

static bool isComplete(Type t) {
  auto ranked = dyn_cast<RankedTensorType>(t);
  return ranked && ranked.hasStaticShape() && !isa<UnknownType>(ranked.getElementType());
}

/// MXNet's name of output `index` of op: "<node>_<output name>".
static std::string outputName(Operation *op, unsigned index) {
  std::string node = getNodeName(op);
  FailureOr<mxrt::Attrs> attrs = getRuntimeAttrs(op);
  std::vector<std::string> names;
  if (succeeded(attrs))
    names = mxrt::listOutputNames(*attrs);
  std::string out = index < names.size() ? names[index] : "output" + std::to_string(index);
  return node.empty() ? out : node + "_" + out;
}

class Differentiator {
public:
  Differentiator(func::FuncOp func, const GradientOptions &options)
      : func(func), options(options), builder(func.getContext()) {}

  FailureOr<GradientResult> run();

private:
  LogicalResult checkTypes();
  void markDependents();
  /// Does result `index` of the function take a head gradient?
  bool takesHeadGrad(Value result);
  LogicalResult differentiateOp(Operation *op);
  /// The sum of a value's contributions (null if none).
  Value gradientOf(Value v, Location loc);
  /// A backward op of a known result type.
  Operation *createBackwardOp(Location loc, StringRef name, ValueRange operands, Type type,
                              ArrayRef<NamedAttribute> attrs = {});
  void eraseDeadBackwardOps();

  func::FuncOp func;
  const GradientOptions &options;
  OpBuilder builder;
  llvm::DenseSet<Value> dependent;
  llvm::DenseMap<Value, SmallVector<Value, 2>> contributions;
  SmallVector<Operation *> forwardOps;
  /// Loss layers whose output is a function result.
  llvm::DenseSet<Operation *> liveLosses;
};

LogicalResult Differentiator::checkTypes() {
  auto iface = cast<FunctionOpInterface>(func.getOperation());
  for (BlockArgument arg : func.getArguments())
    if (!isComplete(arg.getType()))
      return func.emitError("mx-gradient needs static shapes and known dtypes (run "
                            "mx-infer-shape and mx-infer-type first): argument '")
             << getArgName(iface, arg.getArgNumber()) << "' has type " << arg.getType();
  if (!func.getBody().hasOneBlock())
    return func.emitError("mx-gradient expects a graph function of one block");
  for (Operation &op : func.getBody().front()) {
    if (isa<func::ReturnOp>(op))
      continue;
    if (op.getNumRegions() != 0)
      return op.emitError("mx-gradient: ops with regions are not supported");
    for (Value r : op.getResults())
      if (!isComplete(r.getType()))
        return op.emitError("mx-gradient needs static shapes and known dtypes (run "
                            "mx-infer-shape and mx-infer-type first): result has type ")
               << r.getType();
    forwardOps.push_back(&op);
  }
  return success();
}

void Differentiator::markDependents() {
  for (BlockArgument arg : func.getArguments())
    if (options.reqs[arg.getArgNumber()] != GradReq::Null)
      dependent.insert(arg);
  for (Operation *op : forwardOps) {
    const mxrt::OpSpec *spec = lookupOpSpec(op->getName());
    const GradRule *rule = spec ? findGradRule(spec->name) : nullptr;
    if (rule && rule->kind == GradKind::Zero)
      continue;
    if (llvm::any_of(op->getOperands(), [&](Value v) { return dependent.contains(v); }))
      for (Value r : op->getResults())
        dependent.insert(r);
  }
}

bool Differentiator::takesHeadGrad(Value result) {
  Operation *op = result.getDefiningOp();
  const mxrt::OpSpec *spec = op ? lookupOpSpec(op->getName()) : nullptr;
  if (!spec)
    return true; // an argument returned as is, or a non-mx op
  if (spec->isLoss) {
    // SoftmaxOutput(out_grad=True) multiplies its gradient by the head's.
    auto outGrad = op->getAttrOfType<BoolAttr>("out_grad");
    return outGrad && outGrad.getValue();
  }
  const GradRule *rule = findGradRule(spec->name);
  return !(rule && rule->kind == GradKind::Zero);
}

Operation *Differentiator::createBackwardOp(Location loc, StringRef name, ValueRange operands,
                                            Type type, ArrayRef<NamedAttribute> attrs) {
  OperationState state(loc, name);
  state.addOperands(operands);
  state.addTypes(type);
  state.addAttributes(attrs);
  state.addAttribute(kPhaseAttr, builder.getStringAttr(kPhaseBackward));
  return builder.create(state);
}

Value Differentiator::gradientOf(Value v, Location loc) {
  auto it = contributions.find(v);
  if (it == contributions.end() || it->second.empty())
    return Value();
  SmallVector<Value, 2> &terms = it->second;
  if (terms.size() > 1) {
    // MXNet aggregates with ElementWiseSum; two terms are a plain add.
    std::string node = isa<OpResult>(v) ? getNodeName(v.getDefiningOp()) : "";
    Location sumLoc =
        NameLoc::get(builder.getStringAttr((node.empty() ? "arg" : node) + "_grad_sum"), loc);
    Operation *sum =
        terms.size() == 2
            ? createBackwardOp(sumLoc, "mx.elemwise_add", terms, v.getType())
            : createBackwardOp(sumLoc, "mx.add_n", terms, v.getType(),
                               {builder.getNamedAttr(
                                   "num_args", builder.getI64IntegerAttr(int64_t(terms.size())))});
    terms.assign({sum->getResult(0)});
  }
  return terms.front();
}

LogicalResult Differentiator::differentiateOp(Operation *op) {
  if (!llvm::any_of(op->getOperands(), [&](Value v) { return dependent.contains(v); }))
    return success();
  const mxrt::OpSpec *spec = lookupOpSpec(op->getName());
  SmallVector<Value> dOut;
  bool anyGrad = false;
  for (Value r : op->getResults()) {
    dOut.push_back(gradientOf(r, op->getLoc()));
    anyGrad |= bool(dOut.back());
  }
  bool liveLoss = spec && spec->isLoss && (anyGrad || liveLosses.contains(op));
  if (!anyGrad && !liveLoss)
    return success();
  if (!spec)
    return op->emitError("mx-gradient: no gradient for the non-mx op ") << op->getName();
  const GradRule *rule = findGradRule(spec->name);
  if (!rule || rule->kind == GradKind::Undefined) {
    InFlightDiagnostic diag = op->emitError("mx-gradient: operator ")
                              << spec->name << (getNodeName(op).empty() ? "" : " (node '")
                              << getNodeName(op) << (getNodeName(op).empty() ? "" : "')")
                              << " is non-differentiable, and a gradient must flow through it";
    if (rule && !rule->note.empty())
      diag << " (" << rule->note << ")";
    return diag;
  }
  if (rule->kind == GradKind::Zero)
    return success();
  FailureOr<mxrt::Attrs> attrs = getRuntimeAttrs(op);
  if (failed(attrs))
    return failure();
  SmallVector<bool> wanted;
  for (Value v : op->getOperands())
    wanted.push_back(dependent.contains(v));
  GradBuilder g(builder, op, *attrs, wanted, options.training);
  SmallVector<Value> dIn(op->getNumOperands());
  rule->fn(g, dOut, dIn);
  if (g.failed())
    return failure();
  for (auto [i, grad] : llvm::enumerate(dIn)) {
    if (!grad || !wanted[i])
      continue;
    Value operand = op->getOperand(unsigned(i));
    if (grad.getType() != operand.getType())
      return g.error() << "the gradient rule built " << grad.getType() << " for input " << i
                       << " of type " << operand.getType() << " (a bug in the rule)";
    contributions[operand].push_back(grad);
  }
  return success();
}

void Differentiator::eraseDeadBackwardOps() {
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body))) {
    auto phase = op.getAttrOfType<StringAttr>(kPhaseAttr);
    if (phase && phase.getValue() == kPhaseBackward && op.use_empty())
      op.erase();
  }
}

FailureOr<GradientResult> Differentiator::run() {
  if (options.reqs.size() != func.getNumArguments())
    return func.emitError("mx-gradient: ") << options.reqs.size() << " grad_req entries for "
                                           << func.getNumArguments() << " arguments";
  if (failed(checkTypes()))
    return failure();
  auto iface = cast<FunctionOpInterface>(func.getOperation());
  for (BlockArgument arg : func.getArguments())
    if (options.reqs[arg.getArgNumber()] != GradReq::Null && isAuxState(arg))
      return func.emitError("mx-gradient: '")
             << getArgName(iface, arg.getArgNumber())
             << "' is an auxiliary state; auxiliary states take no gradient (grad_req null)";

  MLIRContext *ctx = func.getContext();
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  if (options.training)
    func->setAttr(kTrainAttr, UnitAttr::get(ctx));
  for (Operation *op : forwardOps)
    if (lookupOpSpec(op->getName()))
      op->setAttr(kPhaseAttr, StringAttr::get(ctx, kPhaseForward));

  GradientResult result;
  bool anyRequested = llvm::any_of(options.reqs, [](GradReq r) { return r != GradReq::Null; });
  if (!anyRequested)
    return result;
  markDependents();

  // Head gradients, one argument each, after the existing arguments.
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    if (Operation *producer = value.getDefiningOp()) {
      const mxrt::OpSpec *spec = lookupOpSpec(producer->getName());
      if (spec && spec->isLoss)
        liveLosses.insert(producer);
    }
    if (!takesHeadGrad(value))
      continue;
    std::string name =
        isa<BlockArgument>(value)
            ? getArgName(iface, cast<BlockArgument>(value).getArgNumber())
            : outputName(value.getDefiningOp(), cast<OpResult>(value).getResultNumber());
    unsigned index = func.getNumArguments();
    SmallVector<NamedAttribute> attrs{
        NamedAttribute(StringAttr::get(ctx, kArgNameAttr),
                       StringAttr::get(ctx, name + "_head_grad")),
        NamedAttribute(StringAttr::get(ctx, kHeadGradAttr),
                       IntegerAttr::get(IntegerType::get(ctx, 64), int64_t(i)))};
    func.insertArgument(index, value.getType(), DictionaryAttr::get(ctx, attrs), value.getLoc());
    contributions[value].push_back(func.getArgument(index));
    result.headGradOf.push_back(unsigned(i));
  }

  builder.setInsertionPoint(ret);
  for (Operation *op : llvm::reverse(forwardOps))
    if (failed(differentiateOp(op)))
      return failure();

  // Per requested argument: the gradient result (and the incoming one for add).
  SmallVector<Value> results(ret.getOperands());
  SmallVector<DictionaryAttr> resultAttrs;
  for (unsigned i = 0, e = unsigned(results.size()); i < e; ++i)
    resultAttrs.push_back(func.getResultAttrDict(i) ? func.getResultAttrDict(i)
                                                    : DictionaryAttr::get(ctx));
  unsigned numForwardArgs = unsigned(options.reqs.size());
  for (unsigned i = 0; i < numForwardArgs; ++i) {
    GradReq req = options.reqs[i];
    if (req == GradReq::Null)
      continue;
    BlockArgument arg = func.getArgument(i);
    std::string name = getArgName(iface, i);
    Value grad;
    if (Value v = gradientOf(arg, arg.getLoc())) {
      grad = v;
    } else if (req == GradReq::Write) {
      // No gradient reaches the argument: MXNet writes zeros.
      auto type = cast<RankedTensorType>(arg.getType());
      grad = createBackwardOp(
                 NameLoc::get(builder.getStringAttr(name + "_zero_grad"), arg.getLoc()),
                 "mx._zeros", {}, type,
                 {builder.getNamedAttr("shape", builder.getDenseI64ArrayAttr(type.getShape())),
                  builder.getNamedAttr("dtype", builder.getStringAttr(mxrt::dtypeName(
                                                    getDType(type.getElementType()))))})
                 ->getResult(0);
    }
    if (req == GradReq::Add) {
      unsigned index = func.getNumArguments();
      SmallVector<NamedAttribute> attrs{
          NamedAttribute(StringAttr::get(ctx, kArgNameAttr), StringAttr::get(ctx, name + "_grad")),
          NamedAttribute(StringAttr::get(ctx, kGradOfAttr), StringAttr::get(ctx, name))};
      func.insertArgument(index, arg.getType(), DictionaryAttr::get(ctx, attrs), arg.getLoc());
      Value incoming = func.getArgument(index);
      if (grad) {
        grad =
            createBackwardOp(NameLoc::get(builder.getStringAttr(name + "_grad_add"), arg.getLoc()),
                             "mx.elemwise_add", {incoming, grad}, arg.getType())
                ->getResult(0);
      } else {
        grad = incoming;
      }
    }
    // A result is computed by an op of its own: an argument (a head
    // gradient passed through) or a value already returned gets a copy, as
    // each gradient array is written separately.
    if (isa<BlockArgument>(grad) || llvm::is_contained(results, grad))
      grad =
          createBackwardOp(NameLoc::get(builder.getStringAttr(name + "_grad_copy"), arg.getLoc()),
                           "mx._copy", {grad}, grad.getType())
              ->getResult(0);
    results.push_back(grad);
    resultAttrs.push_back(DictionaryAttr::get(
        ctx, {NamedAttribute(StringAttr::get(ctx, kGradOfAttr), StringAttr::get(ctx, name)),
              NamedAttribute(StringAttr::get(ctx, kGradReqAttr),
                             StringAttr::get(ctx, gradReqName(req)))}));
    result.gradOf.push_back(i);
  }
  ret->setOperands(results);
  updateFunctionType(func);
  func.setAllResultAttrs(resultAttrs);
  eraseDeadBackwardOps();
  return result;
}

} // namespace

FailureOr<GradientResult> mlir::mx::buildGradient(func::FuncOp func,
                                                  const GradientOptions &options) {
  return Differentiator(func, options).run();
}
