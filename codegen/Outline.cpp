//===- Outline.cpp - the mx-outline-kernels pass --------------------------===//
//
// Algorithm. For each entry function, in order (forward_infer, then
// forward_train, whose `mx.phase = "backward"` ops go to the backward
// entry):
//   1. Give every value a manifest value: arguments (by name; auxiliary
//      states, gradients and head gradients by their marks), results
//      (outputs by MXNet's output names, gradients by `mx.grad_of`), and
//      every other op result a temporary in the arena: the buffer and
//      offset memory planning assigned, or a buffer of its own.
//   2. Turn each op into a kernel call: find or make the kernel function
//      (identical ops share one; a key of op, attributes, types and mode),
//      and record its arguments (reads, then writes).
//      A group mx-fuse formed (an scf.execute_region marked `mx.fused`)
//      is one kernel: it reads the values its ops use from outside, writes
//      its result, and holds its ops in order; the values inside it have
//      no manifest value.
//   3. Derive each kernel's dependencies from the buffers it touches
//      (read after write, write after read or write).
// Then drop the entry functions and attach the manifest to the module.
//
//===----------------------------------------------------------------------===//
#include "codegen/Fallback.h"
#include "codegen/Lowering.h"
#include "codegen/ManifestAttr.h"
#include "codegen/Passes.h"
#include "mx/MxBridge.h"
#include "mx/MxGraph.h"
#include "mx/MxOps.h"
#include "mxrt/arena_blocks.h"
#include "mxrt/op_registry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/StringMap.h"

#include <map>
#include <set>

namespace mxc::codegen {
#define GEN_PASS_DEF_MXOUTLINEKERNELS
#include "codegen/Passes.h.inc"
} // namespace mxc::codegen

using namespace mlir;
using namespace mxc::codegen;

namespace {

constexpr int64_t kAlignment = 64;

int64_t alignUp(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

/// Marks a group of ops mx-fuse made one kernel (passes/Fuse.h).
constexpr StringLiteral kFusedAttr = "mx.fused";

/// Attributes that say where a value lives or which phase an op is in:
/// they do not change what a kernel computes.
bool isPlacementAttr(StringRef name) {
  return name == "mx.buffer" || name == "mx.phase" || name == mlir::mx::kGivenAttr;
}

struct Outliner {
  ModuleOp module;
  Manifest manifest;
  /// Values shared between entries, by kind and name.
  std::map<std::pair<int, std::string>, int32_t> named;
  /// Kernel functions by their key.
  llvm::StringMap<std::string> kernelByKey;
  std::set<std::string> symbols;
  int32_t rngValue = -1;
  /// Sizes of planned slots (merged over entries: the largest wins).
  std::vector<int64_t> plannedSlots;
  /// Remark on each op that falls back to the runtime's kernel.
  bool report = false;

  Outliner(ModuleOp module, bool report) : module(module), report(report) {
    for (func::FuncOp f : module.getOps<func::FuncOp>())
      symbols.insert(f.getSymName().str());
  }

  InFlightDiagnostic error(Operation *op, const Twine &msg) {
    std::string node = mlir::mx::getNodeName(op);
    return op->emitError() << (node.empty() ? "" : "node '" + node + "': ") << msg;
  }

  /// A static, ranked tensor of a known dtype; `what` names it in errors.
  LogicalResult checkType(Type type, Operation *at, const Twine &what) {
    auto t = dyn_cast<RankedTensorType>(type);
    if (!t || !t.hasStaticShape())
      return error(at, what + " has no static shape (" + llvm::Twine(typeString(type)) +
                           "): give every input's shape (--shape)");
    if (mlir::mx::getDType(t.getElementType()) == mxrt::DType::Unknown)
      return error(at, what + " has no known dtype (" + llvm::Twine(typeString(type)) +
                           "): give its dtype (--dtype)");
    return success();
  }

  static std::string typeString(Type t) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << t;
    return s;
  }

  int32_t addValue(ManifestValue v) {
    manifest.values.push_back(std::move(v));
    return int32_t(manifest.values.size() - 1);
  }

  static ManifestValue describe(StringRef name, int kind, Type type) {
    auto t = cast<RankedTensorType>(type);
    ManifestValue v;
    v.name = name.str();
    v.kind = kind;
    v.dtype = int32_t(mlir::mx::getDType(t.getElementType()));
    v.shape.assign(t.getShape().begin(), t.getShape().end());
    return v;
  }

  int64_t byteSize(Type type) {
    auto t = cast<RankedTensorType>(type);
    return t.getNumElements() * int64_t(mxrt::dtypeSize(mlir::mx::getDType(t.getElementType())));
  }

  /// A value shared by name across entries (arguments, outputs, ...).
  FailureOr<int32_t> namedValue(StringRef name, int kind, Type type, Operation *at) {
    auto key = std::make_pair(kind, name.str());
    auto it = named.find(key);
    if (it != named.end()) {
      const ManifestValue &v = manifest.values[it->second];
      auto t = cast<RankedTensorType>(type);
      if (ArrayRef<int64_t>(v.shape) != t.getShape() ||
          v.dtype != int32_t(mlir::mx::getDType(t.getElementType())))
        return error(at, "'" + name + "' differs between entry points");
      return it->second;
    }
    int32_t index = addValue(describe(name, kind, type));
    named[key] = index;
    return index;
  }

  int32_t rng() {
    if (rngValue < 0) {
      ManifestValue v;
      v.name = "rng_state";
      v.kind = MXC_VALUE_RNG;
      v.dtype = int32_t(mxrt::DType::Int64);
      v.shape = {2};
      rngValue = addValue(v);
    }
    return rngValue;
  }

  /// A temporary: where planning put it (`mx.buffer` on the op, one
  /// {slot, offset} per result), else a buffer of its own.
  FailureOr<int32_t> tempValue(Operation *op, unsigned result, StringRef name) {
    Value r = op->getResult(result);
    ManifestValue v = describe(name, MXC_VALUE_TEMP, r.getType());
    int64_t bytes = byteSize(r.getType());
    if (auto placements = op->getAttrOfType<ArrayAttr>("mx.buffer")) {
      auto d = result < placements.size() ? dyn_cast<DictionaryAttr>(placements[result]) : nullptr;
      auto slot = d ? d.getAs<IntegerAttr>("slot") : nullptr;
      auto offset = d ? d.getAs<IntegerAttr>("offset") : nullptr;
      if (!slot || !offset || slot.getInt() < 0 || offset.getInt() < 0)
        return error(op, "mx.buffer: expected {slot, offset} (non-negative) for result " +
                             Twine(result));
      if (size_t(slot.getInt()) >= plannedSlots.size() ||
          offset.getInt() + bytes > plannedSlots[slot.getInt()])
        return error(op, "mx.buffer: result " + Twine(result) + " (" + Twine(bytes) +
                             " bytes at offset " + Twine(offset.getInt()) + ") lies outside slot " +
                             Twine(slot.getInt()) + " of the function's mx.plan");
      v.buffer = int32_t(slot.getInt());
      v.offset = offset.getInt();
      return addValue(v);
    }
    manifest.buffers.push_back({alignUp(std::max<int64_t>(bytes, 1), kAlignment), kAlignment});
    v.buffer = int32_t(manifest.buffers.size() - 1);
    return addValue(v);
  }

  /// A symbol no function uses yet, made from the node name.
  std::string freshSymbol(StringRef base) {
    std::string s;
    for (char c : base)
      s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
      s = "k_" + s;
    std::string candidate = s;
    for (int i = 1; symbols.count(candidate); ++i)
      candidate = s + "_" + std::to_string(i);
    symbols.insert(candidate);
    return candidate;
  }

  /// The kernel function computing `op` (shared with identical ops); with
  /// `fallback`, one calling the runtime's CPU kernel (codegen/Fallback.h).
  FailureOr<std::string> kernelFor(Operation *op, ArrayRef<unsigned> mutated, bool usesRng,
                                   bool fallback) {
    std::string key;
    {
      llvm::raw_string_ostream os(key);
      os << op->getName() << "|";
      for (NamedAttribute a : op->getAttrs())
        if (!isPlacementAttr(a.getName()))
          os << a.getName() << "=" << a.getValue() << ";";
      os << "|";
      for (Type t : op->getOperandTypes())
        os << t << ",";
      os << "|";
      for (Type t : op->getResultTypes())
        os << t << ",";
    }
    auto it = kernelByKey.find(key);
    if (it != kernelByKey.end())
      return it->second;

    std::string node = mlir::mx::getNodeName(op);
    std::string descriptor;
    if (fallback) {
      FailureOr<std::string> d = fallbackDescriptor(op, mutated, usesRng);
      if (failed(d))
        return failure();
      descriptor = std::move(*d);
      if (report)
        emitRemark(op->getLoc()) << "mx-outline-kernels: " << mlir::mx::getOpSpec(op).name
                                 << (node.empty() ? std::string() : " '" + node + "'")
                                 << " has no lowering: its kernel runs the runtime's CPU kernel";
    }
    std::string symbol = freshSymbol(node.empty() ? op->getName().stripDialect() : StringRef(node));
    kernelByKey[key] = symbol;

    MLIRContext *ctx = op->getContext();
    SmallVector<Type> args;
    for (Type t : op->getOperandTypes())
      args.push_back(memrefOf(t));
    for (Type t : op->getResultTypes())
      args.push_back(memrefOf(t));
    for (unsigned m : mutated)
      args.push_back(memrefOf(op->getOperand(m).getType()));
    if (usesRng)
      args.push_back(MemRefType::get({2}, IntegerType::get(ctx, 64)));

    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto func = b.create<func::FuncOp>(op->getLoc(), symbol, FunctionType::get(ctx, args, {}));
    SmallVector<NamedAttribute> kernelAttrs{
        b.getNamedAttr("op", b.getStringAttr(mlir::mx::getOpSpec(op).name.data())),
        b.getNamedAttr("node", b.getStringAttr(node))};
    if (fallback)
      kernelAttrs.push_back(b.getNamedAttr("fallback", b.getUnitAttr()));
    func->setAttr(kKernelAttr, b.getDictionaryAttr(kernelAttrs));
    unsigned nIn = op->getNumOperands(), nOut = op->getNumResults();
    for (auto [i, m] : llvm::enumerate(mutated))
      func.setArgAttr(unsigned(nIn + nOut + i), kMutatesAttr, b.getI64IntegerAttr(m));
    if (usesRng)
      func.setArgAttr(unsigned(args.size() - 1), kRngAttr, b.getUnitAttr());

    if (fallback)
      fillFallbackKernel(module, func, descriptor, freshSymbol(symbol + "_descriptor"));
    else
      fillKernel(func, op->getOperands(), {op}, op->getResults());
    return symbol;
  }

  /// The body of a kernel function: its first arguments hold `inputs`,
  /// then come `outputs`; `ops` (in order, reading `inputs` and each
  /// other) are cloned without their placement attributes.
  static void fillKernel(func::FuncOp func, ValueRange inputs, ArrayRef<Operation *> ops,
                         ValueRange outputs) {
    Location loc = ops.back()->getLoc();
    Block *entry = func.addEntryBlock();
    OpBuilder b = OpBuilder::atBlockBegin(entry);
    IRMapping map;
    for (auto [i, v] : llvm::enumerate(inputs))
      map.map(v, b.create<bufferization::ToTensorOp>(loc, v.getType(), entry->getArgument(i),
                                                     /*restrict=*/true)
                     .getResult());
    for (Operation *op : ops) {
      Operation *clone = b.clone(*op, map);
      for (NamedAttribute a : op->getAttrs())
        if (isPlacementAttr(a.getName()))
          clone->removeAttr(a.getName());
    }
    for (auto [j, v] : llvm::enumerate(outputs))
      b.create<bufferization::MaterializeInDestinationOp>(loc, TypeRange{}, map.lookup(v),
                                                          entry->getArgument(inputs.size() + j),
                                                          /*restrict=*/true, /*writable=*/true);
    b.create<func::ReturnOp>(loc);
  }

  /// The kernel function computing the group `region` of mx-fuse, which
  /// reads `inputs` (shared with identical groups).
  std::string fusedKernelFor(scf::ExecuteRegionOp region, ArrayRef<Value> inputs,
                             StringRef opNames) {
    Block &body = region.getRegion().front();
    SmallVector<Operation *> ops;
    for (Operation &op : body.without_terminator())
      ops.push_back(&op);
    ValueRange outputs = body.getTerminator()->getOperands();
    // The key names each operand by where it comes from: input i, or
    // result j of the group's op k.
    std::string key = "fused";
    {
      llvm::raw_string_ostream os(key);
      DenseMap<Value, std::string> ref;
      for (auto [i, v] : llvm::enumerate(inputs))
        ref[v] = "in" + std::to_string(i);
      for (auto [k, op] : llvm::enumerate(ops)) {
        os << "|" << op->getName() << "(";
        for (Value v : op->getOperands())
          os << ref.lookup(v) << ":" << v.getType() << ",";
        os << ")";
        for (NamedAttribute a : op->getAttrs())
          if (!isPlacementAttr(a.getName()))
            os << a.getName() << "=" << a.getValue() << ";";
        for (OpResult r : op->getResults()) {
          ref[r] = std::to_string(k) + "." + std::to_string(r.getResultNumber());
          os << r.getType() << ",";
        }
      }
      os << "|";
      for (Value v : outputs)
        os << ref.lookup(v) << ",";
    }
    auto it = kernelByKey.find(key);
    if (it != kernelByKey.end())
      return it->second;

    Operation *root = ops.back();
    std::string node = mlir::mx::getNodeName(root);
    std::string symbol =
        freshSymbol(node.empty() ? root->getName().stripDialect() : StringRef(node));
    kernelByKey[key] = symbol;
    SmallVector<Type> args;
    for (Value v : inputs)
      args.push_back(memrefOf(v.getType()));
    for (Value v : outputs)
      args.push_back(memrefOf(v.getType()));
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto func = b.create<func::FuncOp>(region.getLoc(), symbol,
                                       FunctionType::get(region.getContext(), args, {}));
    func->setAttr(kKernelAttr,
                  b.getDictionaryAttr({b.getNamedAttr("op", b.getStringAttr(opNames)),
                                       b.getNamedAttr("node", b.getStringAttr(node))}));
    fillKernel(func, inputs, ops, outputs);
    return symbol;
  }

  static MemRefType memrefOf(Type t) {
    auto rt = cast<RankedTensorType>(t);
    return MemRefType::get(rt.getShape(), rt.getElementType());
  }

  /// The name of result `i`: recorded by mx-entry-points, else derived.
  static std::string outputNameOf(func::FuncOp func, unsigned i) {
    if (auto name = func.getResultAttrOfType<StringAttr>(i, kOutputNameAttr))
      return name.str();
    return graphValueName(func.getBody().front().getTerminator()->getOperand(i));
  }

  LogicalResult readPlan(func::FuncOp func) {
    auto plan = func->getAttrOfType<DictionaryAttr>("mx.plan");
    if (!plan)
      return success();
    auto slots = plan.getAs<DenseI64ArrayAttr>("slots");
    if (!slots)
      return func.emitError("mx.plan: expected `slots = array<i64: bytes...>`");
    ArrayRef<int64_t> sizes = slots.asArrayRef();
    if (plannedSlots.size() < sizes.size())
      plannedSlots.resize(sizes.size(), 0);
    for (size_t i = 0; i < sizes.size(); ++i)
      plannedSlots[i] = std::max(plannedSlots[i], sizes[i]);
    return success();
  }

  LogicalResult outlineEntry(func::FuncOp func, int entry) {
    auto iface = cast<FunctionOpInterface>(func.getOperation());
    DenseMap<Value, int32_t> valueOf;
    // Head gradients and their `mx.head_grad` (the index of the result
    // they belong to, or a unit attribute: the output by name).
    SmallVector<std::pair<BlockArgument, Attribute>> headGrads;
    // Arguments.
    for (BlockArgument arg : func.getArguments()) {
      unsigned i = arg.getArgNumber();
      std::string name = mlir::mx::getArgName(iface, i);
      if (failed(checkType(arg.getType(), func, "argument '" + name + "'")))
        return failure();
      int kind = MXC_VALUE_ARG;
      int32_t gradOf = -1;
      if (auto of = func.getArgAttrOfType<StringAttr>(i, "mx.grad_of")) {
        kind = MXC_VALUE_GRAD;
        auto argIt = named.find({MXC_VALUE_ARG, of.str()});
        if (argIt == named.end())
          return func.emitError() << "argument '" << name << "': mx.grad_of names '" << of.str()
                                  << "', which is no argument before it";
        gradOf = argIt->second;
        name = of.str() + "_grad";
      } else if (Attribute head = func.getArgAttr(i, "mx.head_grad")) {
        kind = MXC_VALUE_HEAD_GRAD;
        headGrads.push_back({arg, head});
      } else if (mlir::mx::isAuxState(arg)) {
        kind = MXC_VALUE_AUX;
      }
      FailureOr<int32_t> v = namedValue(name, kind, arg.getType(), func);
      if (failed(v))
        return failure();
      manifest.values[*v].gradOf = gradOf;
      valueOf[arg] = *v;
    }
    // Results: outputs and gradients. An output that is an argument (an
    // identity canonicalization forwarded) or that repeats another gets a
    // copy kernel of its own, so every output has its own array. A
    // gradient's copy belongs to the backward entry: it reads a head
    // gradient (elemwise_add's gradient is the head gradient itself) or a
    // value the backward entry computes.
    Operation *ret = func.getBody().front().getTerminator();
    {
      OpBuilder b(ret);
      DenseSet<Value> seen;
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        if (!isa<BlockArgument>(v) && seen.insert(v).second)
          continue;
        std::string name = outputNameOf(func, operand.getOperandNumber());
        OperationState state(NameLoc::get(b.getStringAttr(name.substr(0, name.rfind('_')))),
                             "mx._copy");
        state.addOperands(v);
        state.addTypes(v.getType());
        if (func.getResultAttr(operand.getOperandNumber(), "mx.grad_of"))
          state.addAttribute("mx.phase", b.getStringAttr("backward"));
        operand.set(b.create(state)->getResult(0));
      }
    }
    DenseMap<Value, int32_t> resultValue;
    for (auto [i, v] : llvm::enumerate(ret->getOperands())) {
      if (resultValue.count(v))
        return error(v.getDefiningOp(), "the same value is returned twice (outputs " + Twine(i) +
                                            " and an earlier one)");
      if (failed(checkType(v.getType(), v.getDefiningOp(), "output " + Twine(i))))
        return failure();
      FailureOr<int32_t> index = failure();
      if (auto of = func.getResultAttrOfType<StringAttr>(unsigned(i), "mx.grad_of")) {
        auto argIt = named.find({MXC_VALUE_ARG, of.str()});
        if (argIt == named.end())
          return func.emitError() << "result " << i << ": mx.grad_of names '" << of.str()
                                  << "', which is no argument";
        index = namedValue(of.str() + "_grad", MXC_VALUE_GRAD, v.getType(), func);
        if (succeeded(index))
          manifest.values[*index].gradOf = argIt->second;
      } else {
        index = namedValue(outputNameOf(func, unsigned(i)), MXC_VALUE_OUTPUT, v.getType(),
                           v.getDefiningOp());
      }
      if (failed(index))
        return failure();
      resultValue[v] = *index;
    }
    // A head gradient is the gradient of its output (manifest grad_of).
    for (auto [arg, head] : headGrads) {
      int32_t &of = manifest.values[valueOf[arg]].gradOf;
      if (auto index = dyn_cast<IntegerAttr>(head)) {
        if (index.getInt() < 0 || index.getInt() >= int64_t(ret->getNumOperands()))
          return func.emitError() << "argument " << arg.getArgNumber()
                                  << ": mx.head_grad = " << index.getInt() << " names no result";
        of = resultValue[ret->getOperand(unsigned(index.getInt()))];
        continue;
      }
      StringRef name = manifest.values[valueOf[arg]].name;
      name.consume_back("_head_grad");
      auto it = named.find({MXC_VALUE_OUTPUT, name.str()});
      if (it == named.end())
        return func.emitError() << "argument " << arg.getArgNumber() << ": head gradient '"
                                << manifest.values[valueOf[arg]].name
                                << "' belongs to no output (name it <output>_head_grad)";
      of = it->second;
    }
    if (failed(readPlan(func)))
      return failure();
    if (manifest.buffers.size() < plannedSlots.size())
      manifest.buffers.resize(plannedSlots.size());
    for (size_t i = 0; i < plannedSlots.size(); ++i)
      manifest.buffers[i] = {alignUp(std::max<int64_t>(plannedSlots[i], 1), kAlignment),
                             kAlignment};

    for (Operation &op : func.getBody().front().without_terminator()) {
      auto fused = dyn_cast<scf::ExecuteRegionOp>(op);
      if (fused && !fused->hasAttr(kFusedAttr))
        fused = nullptr;
      if (!fused && !isa<mlir::mx::MxDialect>(op.getDialect()))
        return op.emitError() << "expected only mx ops in a graph function, found '" << op.getName()
                              << "'";
      for (auto [i, t] : llvm::enumerate(op.getOperandTypes()))
        if (failed(checkType(t, &op, "input " + Twine(i))))
          return failure();
      for (auto [i, t] : llvm::enumerate(op.getResultTypes()))
        if (failed(checkType(t, &op, "output " + Twine(i))))
          return failure();
      auto phase = op.getAttrOfType<StringAttr>("mx.phase");
      int opEntry = phase && phase.getValue() == "backward" ? int(MXC_ENTRY_BACKWARD) : entry;

      ManifestKernel k;
      SmallVector<Value> inputs;
      SmallVector<unsigned> mutated;
      bool usesRng = false, fallback = false;
      // Where the results come from (inside a fused group: its root).
      ValueRange produced = op.getResults();
      if (fused) {
        llvm::SetVector<Value> captured;
        getUsedValuesDefinedAbove(fused.getRegion(), captured);
        inputs.assign(captured.begin(), captured.end());
        Block &body = fused.getRegion().front();
        produced = body.getTerminator()->getOperands();
        for (Operation &inner : body.without_terminator()) {
          if (!isa<mlir::mx::MxDialect>(inner.getDialect()) || inner.hasAttr(kTrainAttr))
            return inner.emitError() << "a fused group holds only mx ops in inference form, found '"
                                     << inner.getName() << "'";
          if (isFallbackOp(&inner))
            return inner.emitError() << "a fused group holds only ops with a lowering, found '"
                                     << inner.getName() << "' (it runs the runtime's kernel)";
          k.op += (k.op.empty() ? "" : "+") + std::string(mlir::mx::getOpSpec(&inner).name);
        }
        k.name = mlir::mx::getNodeName(produced[0].getDefiningOp());
      } else {
        const mxrt::OpSpec &spec = mlir::mx::getOpSpec(&op);
        bool train = op.hasAttr(kTrainAttr);
        fallback = isFallbackOp(&op);
        // A runtime kernel updates its mutated inputs whatever the mode.
        if (train || fallback)
          for (int m : spec.mutateInputs)
            if (unsigned(m) < op.getNumOperands())
              mutated.push_back(unsigned(m));
        // A training op that draws random numbers gets the random state even
        // when it lowers (Dropout), so a declined configuration (rrelu) can
        // still run the runtime's kernel.
        usesRng = fallback ? mxrt::opImpl(spec).usesRandom
                           : train && (isa<mlir::mx::DropoutOp>(op) || mxrt::opImpl(spec).usesRandom);
        if (fallback)
          k.flags |= MXC_KERNEL_FALLBACK;
        inputs.assign(op.operand_begin(), op.operand_end());
        k.name = mlir::mx::getNodeName(&op);
        k.op = std::string(spec.name);
      }
      for (Value v : inputs)
        k.args.push_back(valueOf.lookup(v));
      k.numReads = int32_t(k.args.size());
      for (OpResult r : op.getResults()) {
        int32_t index;
        if (auto it = resultValue.find(r); it != resultValue.end()) {
          index = it->second;
        } else {
          FailureOr<int32_t> t =
              tempValue(&op, r.getResultNumber(), graphValueName(produced[r.getResultNumber()]));
          if (failed(t))
            return failure();
          index = *t;
        }
        valueOf[r] = index;
        k.args.push_back(index);
      }
      for (unsigned m : mutated)
        k.args.push_back(valueOf.lookup(op.getOperand(m)));
      if (usesRng)
        k.args.push_back(rng());
      if (fused) {
        k.symbol = fusedKernelFor(fused, inputs, k.op);
      } else {
        FailureOr<std::string> symbol = kernelFor(&op, mutated, usesRng, fallback);
        if (failed(symbol))
          return failure();
        k.symbol = std::move(*symbol);
      }
      manifest.entries[opEntry].push_back(std::move(k));
    }
    return success();
  }

  /// What a kernel touches through each value, for dependency tracking
  /// (mxrt/arena_blocks.h, as the executor's engine variables): a
  /// temporary, its block and every block overlapping it; any other value,
  /// itself. Blocks are negative, values not.
  std::vector<std::vector<int64_t>> resources() const {
    std::vector<mxrt::ArenaRange> ranges(manifest.values.size());
    for (auto [i, v] : llvm::enumerate(manifest.values)) {
      if (v.kind != MXC_VALUE_TEMP)
        continue;
      int64_t elements = 1;
      for (int64_t d : v.shape)
        elements *= d;
      ranges[i] = {v.buffer, v.offset,
                   v.offset + elements * int64_t(mxrt::dtypeSize(mxrt::DType(v.dtype)))};
    }
    mxrt::ArenaBlocks blocks = mxrt::arenaBlocks(ranges);
    std::vector<std::vector<int64_t>> res(manifest.values.size());
    for (size_t i = 0; i < res.size(); ++i) {
      if (int block = blocks.blockOf[i]; block < 0)
        res[i] = {int64_t(i)};
      else
        for (int b : blocks.overlapping[size_t(block)])
          res[i].push_back(-1 - int64_t(b));
    }
    return res;
  }

  void computeDeps() {
    std::vector<std::vector<int64_t>> touched = resources();
    for (auto &kernels : manifest.entries) {
      std::map<int64_t, int32_t> lastWriter;
      std::map<int64_t, std::vector<int32_t>> readersSince;
      for (int32_t k = 0; k < int32_t(kernels.size()); ++k) {
        ManifestKernel &kernel = kernels[k];
        std::set<int32_t> deps;
        for (int32_t a = 0; a < int32_t(kernel.args.size()); ++a)
          for (int64_t res : touched[size_t(kernel.args[a])]) {
            if (auto w = lastWriter.find(res); w != lastWriter.end())
              deps.insert(w->second);
            if (a >= kernel.numReads)
              for (int32_t r : readersSince[res])
                deps.insert(r);
          }
        for (int32_t a = 0; a < int32_t(kernel.args.size()); ++a)
          for (int64_t res : touched[size_t(kernel.args[a])]) {
            if (a >= kernel.numReads) {
              lastWriter[res] = k;
              readersSince[res].clear();
            } else {
              readersSince[res].push_back(k);
            }
          }
        deps.erase(k);
        kernel.deps.assign(deps.begin(), deps.end());
      }
    }
  }
};

struct OutlineKernelsPass : mxc::codegen::impl::MxOutlineKernelsBase<OutlineKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp infer = module.lookupSymbol<func::FuncOp>("forward_infer");
    func::FuncOp train = module.lookupSymbol<func::FuncOp>("forward_train");
    if (!infer) {
      module.emitError("no @forward_infer entry function (run mx-entry-points first)");
      return signalPassFailure();
    }
    Outliner outliner(module, report);
    if (failed(outliner.outlineEntry(infer, MXC_ENTRY_FORWARD_INFER)) ||
        (train && failed(outliner.outlineEntry(train, MXC_ENTRY_FORWARD_TRAIN))))
      return signalPassFailure();
    outliner.computeDeps();
    infer.erase();
    if (train)
      train.erase();
    module->setAttr(kManifestAttr, manifestToAttr(&getContext(), outliner.manifest));
  }
};

} // namespace
