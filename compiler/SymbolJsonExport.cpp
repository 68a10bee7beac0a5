//===- SymbolJsonExport.cpp - one mx graph function -> symbol JSON --------===//
//
// Writes what MXNet 1.9.1's Symbol.tojson() writes for the same graph:
//   * nodes in post-order DFS from the outputs (operands in order), each
//     once: arguments as "null" nodes named by `mx.name` with their
//     `mx.attrs`; ops with their MXNet name, node name (NameLoc, or a fresh
//     `<hint><n>` as MXNet's NameManager would give) and the attributes
//     present in their dictionary, in MXNet's string form, sorted;
//   * input entries [node, output, version], where version counts the
//     mutations of a variable so far (nnvm bumps it each time an op that
//     mutates the variable is composed: BatchNorm's moving stats get 1);
//   * arg_nodes, node_row_ptr (every output, hidden ones included), heads
//     and attrs {"mxnet_version": ["int", 10901]};
//   * dmlc's whitespace (DmlcJsonWriter.h).
//
//===----------------------------------------------------------------------===//
#include "compiler/DmlcJsonWriter.h"
#include "compiler/JsonGraph.h"
#include "compiler/SymbolJson.h"
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "mx/MxGraph.h"

#include "mxrt/base.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

#include <map>

using namespace mlir;
using namespace mxc;
using namespace mxc::detail;

namespace {

struct ExportNode {
  Operation *op = nullptr; ///< null for a variable
  unsigned arg = 0;        ///< the argument number of a variable
  std::string opName = "null", name;
  std::map<std::string, std::string> attrs;
  std::vector<JsonEntry> inputs;
  unsigned numOutputs = 1;
};

class Exporter {
public:
  explicit Exporter(func::FuncOp func) : func(func) {}
  FailureOr<std::string> run();

private:
  /// Operation* for op results, the argument's opaque pointer for arguments.
  static void *keyOf(Value v) {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return arg.getAsOpaquePointer();
    return v.getDefiningOp();
  }
  LogicalResult collect();
  LogicalResult describeOp(ExportNode &node);
  LogicalResult describeVariable(ExportNode &node);
  JsonEntry entryOf(Value v) {
    unsigned index = isa<OpResult>(v) ? cast<OpResult>(v).getResultNumber() : 0;
    return JsonEntry{ids.lookup(keyOf(v)), index, 0};
  }
  std::string write();

  func::FuncOp func;
  std::vector<ExportNode> nodes;
  llvm::DenseMap<void *, uint32_t> ids;
  std::vector<JsonEntry> heads;
};

} // namespace

LogicalResult Exporter::collect() {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  // Post-order DFS as nnvm's DFSVisit: a node is numbered after its inputs.
  llvm::DenseMap<void *, bool> seen;
  std::vector<std::pair<Value, unsigned>> stack;
  auto visit = [&](Value v) -> LogicalResult {
    if (seen.count(keyOf(v)))
      return success();
    Operation *def = v.getDefiningOp();
    if (def && !isa<mlir::mx::MxOpInterface>(def))
      return def->emitOpError("cannot be written as symbol JSON: only mx ops and graph "
                              "arguments can");
    if (!def && cast<BlockArgument>(v).getOwner() != &func.getBody().front())
      return func.emitOpError("cannot be written as symbol JSON: a value is a block argument "
                              "other than a graph argument");
    seen[keyOf(v)] = true;
    stack.emplace_back(v, 0);
    return success();
  };
  for (Value head : ret.getOperands()) {
    if (failed(visit(head)))
      return failure();
    while (!stack.empty()) {
      auto [v, next] = stack.back();
      Operation *def = v.getDefiningOp();
      if (def && next < def->getNumOperands()) {
        ++stack.back().second;
        if (failed(visit(def->getOperand(next))))
          return failure();
        continue;
      }
      stack.pop_back();
      ExportNode node;
      node.op = def;
      if (def)
        node.numOutputs = def->getNumResults();
      else
        node.arg = cast<BlockArgument>(v).getArgNumber();
      ids[keyOf(v)] = uint32_t(nodes.size());
      nodes.push_back(std::move(node));
    }
    heads.push_back(entryOf(head));
  }
  return success();
}

LogicalResult Exporter::describeVariable(ExportNode &node) {
  node.name = mlir::mx::getArgName(cast<FunctionOpInterface>(func.getOperation()), node.arg);
  if (auto attrs = func.getArgAttrOfType<DictionaryAttr>(node.arg, mlir::mx::kArgAttrsAttr)) {
    for (NamedAttribute a : attrs) {
      auto s = dyn_cast<StringAttr>(a.getValue());
      if (!s)
        return func.emitOpError() << "argument '" << node.name << "': " << mlir::mx::kArgAttrsAttr
                                  << " entry '" << a.getName().strref() << "' is not a string";
      node.attrs[a.getName().str()] = s.str();
    }
  }
  return success();
}

LogicalResult Exporter::describeOp(ExportNode &node) {
  Operation *op = node.op;
  const mxrt::OpSpec &opSpec = mlir::mx::getOpSpec(op);
  node.opName = std::string(opSpec.name);
  node.name = mlir::mx::getNodeName(op);
  // Declared attributes: those not at their default, in MXNet's string form,
  // or as the graph wrote them (mx.given) while that text still means the
  // attribute's value. Absent means default.
  auto given = op->getAttrOfType<DictionaryAttr>(mlir::mx::kGivenAttr);
  for (const mxrt::AttrSpec &spec : opSpec.attrs) {
    StringRef key(spec.name.data(), spec.name.size());
    Attribute attr = op->getAttr(key);
    mxrt::AttrValue value =
        attr ? mlir::mx::fromAttribute(spec, attr) : mlir::mx::getDefaultValue(spec);
    if (auto text = given ? given.getAs<StringAttr>(key) : StringAttr()) {
      try {
        if (mxrt::parseAttrValue(spec, text.getValue()) == value) {
          node.attrs[key.str()] = text.str();
          continue;
        }
      } catch (const mxrt::Error &) {
        // A stale or edited text: fall back to the value.
      }
    }
    if (spec.required || value != mlir::mx::getDefaultValue(spec))
      node.attrs[key.str()] = mxrt::Attrs::format(spec.kind, value);
  }
  for (NamedAttribute a : op->getAttrs()) {
    StringRef key = a.getName().strref();
    if (!mlir::mx::isHiddenAttrName(key))
      continue;
    auto s = dyn_cast<StringAttr>(a.getValue());
    if (!s)
      return op->emitOpError() << "hidden attribute '" << key << "' must be a string";
    node.attrs[key.str()] = s.str();
  }
  for (Value v : op->getOperands())
    node.inputs.push_back(entryOf(v));
  // node_row_ptr counts what MXNet registers, hidden outputs included.
  FailureOr<mxrt::Attrs> attrs = mlir::mx::getRuntimeAttrs(op);
  if (failed(attrs))
    return failure();
  node.numOutputs = unsigned(mxrt::numJsonOutputs(*attrs));
  return success();
}

std::string Exporter::write() {
  std::string out;
  DmlcJsonWriter w(out);
  auto entries = [&](const std::vector<JsonEntry> &list) {
    w.beginArray(list.size() > 10);
    for (const JsonEntry &e : list) {
      w.item();
      w.beginArray(false);
      for (uint32_t x : {e.node, e.index, e.version}) {
        w.item();
        w.number(x);
      }
      w.endArray();
    }
    w.endArray();
  };
  auto ints = [&](const std::vector<uint32_t> &list) {
    w.beginArray(list.size() > 10);
    for (uint32_t x : list) {
      w.item();
      w.number(x);
    }
    w.endArray();
  };
  w.beginObject();
  w.key("nodes");
  w.beginArray(true);
  std::vector<uint32_t> argNodes, rowPtr{0};
  for (auto [id, node] : llvm::enumerate(nodes)) {
    if (!node.op)
      argNodes.push_back(uint32_t(id));
    rowPtr.push_back(rowPtr.back() + node.numOutputs);
    w.item();
    w.beginObject();
    w.key("op");
    w.string(node.opName);
    w.key("name");
    w.string(node.name);
    if (!node.attrs.empty()) {
      w.key("attrs");
      w.beginObject(node.attrs.size() > 1);
      for (const auto &[k, v] : node.attrs) {
        w.key(k);
        w.string(v);
      }
      w.endObject();
    }
    w.key("inputs");
    entries(node.inputs);
    w.endObject();
  }
  w.endArray();
  w.key("arg_nodes");
  ints(argNodes);
  w.key("node_row_ptr");
  ints(rowPtr);
  w.key("heads");
  entries(heads);
  // Graph attributes: a std::map of dmlc "any" values, [type, value].
  std::map<std::string, int> graphAttrs{{"mxnet_version", kMXNetVersion}};
  if (func->hasAttr(mlir::mx::kNpShapeAttr))
    graphAttrs["is_np_shape"] = 1;
  w.key("attrs");
  w.beginObject(graphAttrs.size() > 1);
  for (const auto &[k, v] : graphAttrs) {
    w.key(k);
    w.beginArray(false);
    w.item();
    w.string("int");
    w.item();
    w.number(v);
    w.endArray();
  }
  w.endObject();
  w.endObject();
  return out;
}

FailureOr<std::string> Exporter::run() {
  if (func.isExternal() || !func.getBody().hasOneBlock())
    return func.emitOpError("is not a graph: symbol JSON needs a body of one block");
  if (failed(collect()))
    return failure();
  llvm::StringSet<> used;
  for (ExportNode &node : nodes)
    if (failed(node.op ? describeOp(node) : describeVariable(node)))
      return failure();
  for (ExportNode &node : nodes)
    used.insert(node.name);
  // Ops a pass created have no name: MXNet's NameManager would call them
  // <hint><counter>, per hint, from 0.
  llvm::StringMap<unsigned> counters;
  for (ExportNode &node : nodes) {
    if (!node.op || !node.name.empty())
      continue;
    std::string hint(mlir::mx::getOpSpec(node.op).nameHint);
    unsigned &n = counters[hint];
    do
      node.name = hint + std::to_string(n++);
    while (!used.insert(node.name).second);
  }
  // Versions: each op that mutates a variable input bumps its count; other
  // readers see the count so far.
  llvm::DenseMap<uint32_t, uint32_t> mutations;
  for (ExportNode &node : nodes) {
    if (!node.op)
      continue;
    const mxrt::OpSpec &spec = mlir::mx::getOpSpec(node.op);
    for (auto [i, e] : llvm::enumerate(node.inputs)) {
      if (nodes[e.node].op)
        continue;
      e.version = llvm::is_contained(spec.mutateInputs, int(i)) ? ++mutations[e.node]
                                                                : mutations.lookup(e.node);
    }
  }
  return write();
}

FailureOr<std::string> mxc::exportSymbolJson(func::FuncOp func) { return Exporter(func).run(); }

FailureOr<std::string> mxc::exportSymbolJson(ModuleOp module) {
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  func::FuncOp graph = module.lookupSymbol<func::FuncOp>("main");
  if (!graph && funcs.size() == 1)
    graph = funcs.front();
  if (!graph)
    return module.emitError("symbol JSON export: expected one function or one named @main, found ")
           << funcs.size() << " functions";
  return exportSymbolJson(graph);
}
