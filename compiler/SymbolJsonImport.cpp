//===- SymbolJsonImport.cpp - symbol JSON -> one mx graph function --------===//
//
// Takes the checked, upgraded nodes of JsonGraph.cpp and builds the graph
// function the way MXNet lists a symbol:
//   1. post-order DFS from the heads (inputs in order), as nnvm's DFSVisit,
//      which also finds cycles (an input still on the DFS stack);
//   2. variables in that order are the arguments, except those some
//      operator mutates (the op table's mutateInputs), which are the
//      auxiliary states and come last: list_arguments() then
//      list_auxiliary_states();
//   3. one op `mx.<name>` per operator node in that order, named by a NameLoc,
//      with its explicitly given attributes (typed) and hidden ones
//      (strings); results start as `tensor<*x!mx.unknown>`;
//   4. argument types from `__shape__`/`__dtype__`; results are the heads.
// Nothing here names an operator: all it knows comes from the op table.
//
//===----------------------------------------------------------------------===//
#include "compiler/JsonGraph.h"
#include "compiler/SymbolJson.h"
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "mx/MxGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mxc;
using namespace mxc::detail;

namespace {

class Importer {
public:
  Importer(JsonGraph &graph, MLIRContext *ctx, const ImportOptions &options)
      : graph(graph), ctx(ctx), b(ctx), options(options),
        fileLoc(FileLineColLoc::get(ctx, options.fileName, 1, 1)) {}

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult sortNodes();
  FailureOr<Type> variableType(const JsonNode &var);
  LogicalResult buildOp(size_t id);
  /// The node's name, at its place in the file: errors name the node and
  /// point at it.
  Location nodeLoc(const JsonNode &node) {
    return NameLoc::get(
        b.getStringAttr(node.name),
        node.line ? Location(FileLineColLoc::get(ctx, options.fileName, node.line, node.column))
                  : fileLoc);
  }

  JsonGraph &graph;
  MLIRContext *ctx;
  OpBuilder b;
  const ImportOptions &options;
  Location fileLoc;
  std::vector<uint32_t> order;               ///< post-order DFS from the heads
  std::vector<SmallVector<Value, 1>> values; ///< per node, its outputs
};

} // namespace

LogicalResult Importer::sortNodes() {
  enum State : uint8_t { Unseen, OnStack, Done };
  std::vector<State> state(graph.nodes.size(), Unseen);
  std::vector<std::pair<uint32_t, size_t>> stack; // node, next input
  for (const JsonEntry &head : graph.heads) {
    if (state[head.node] != Unseen)
      continue;
    stack.emplace_back(head.node, 0);
    state[head.node] = OnStack;
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      const std::vector<JsonEntry> &inputs = graph.nodes[node].inputs;
      if (next == inputs.size()) {
        state[node] = Done;
        order.push_back(node);
        stack.pop_back();
        continue;
      }
      uint32_t in = inputs[next++].node;
      if (state[in] == OnStack) {
        std::string cycle;
        bool inCycle = false;
        for (auto &[n, k] : stack) {
          inCycle |= n == in;
          if (inCycle)
            cycle += "'" + graph.nodes[n].name + "' -> ";
        }
        return emitError(fileLoc) << "symbol JSON: the graph has a cycle: " << cycle << "'"
                                  << graph.nodes[in].name << "'";
      }
      if (state[in] == Unseen) {
        state[in] = OnStack;
        stack.emplace_back(in, 0);
      }
    }
  }
  return success();
}

FailureOr<Type> Importer::variableType(const JsonNode &var) {
  Type element = mlir::mx::UnknownType::get(ctx);
  if (auto it = var.attrs.find("__dtype__"); it != var.attrs.end()) {
    int code = -1;
    if (StringRef(it->second).trim().getAsInteger(10, code) || !mxrt::isValidDTypeCode(code))
      return emitError(nodeLoc(var)) << "variable '" << var.name << "': __dtype__ '" << it->second
                                     << "' is not an MXNet dtype code";
    element = mlir::mx::getElementType(ctx, mxrt::DType(code));
  }
  if (auto it = var.attrs.find("__shape__"); it != var.attrs.end()) {
    FailureOr<SmallVector<int64_t>> dims = mlir::mx::parseShapeText(it->second, graph.npShape);
    if (failed(dims))
      return emitError(nodeLoc(var))
             << "variable '" << var.name << "': __shape__ '" << it->second << "' is not a shape";
    return Type(RankedTensorType::get(*dims, element));
  }
  return Type(UnrankedTensorType::get(element));
}

LogicalResult Importer::buildOp(size_t id) {
  const JsonNode &node = graph.nodes[id];
  const mxrt::Attrs &attrs = *node.parsed;
  std::optional<RegisteredOperationName> opName = mlir::mx::lookupMxOp(ctx, *node.spec);
  assert(opName && "MxDialect checks that every table entry has an op");
  OperationState state(nodeLoc(node), *opName);
  for (const JsonEntry &in : node.inputs)
    state.operands.push_back(values[in.node][in.index]);
  Type unknown = UnrankedTensorType::get(mlir::mx::UnknownType::get(ctx));
  state.types.assign(size_t(node.numOutputs()), unknown);
  SmallVector<NamedAttribute> given;
  for (const mxrt::AttrSpec &spec : node.spec->attrs) {
    if (!attrs.isSet(spec.name))
      continue;
    StringRef name(spec.name.data(), spec.name.size());
    const mxrt::AttrValue &value = attrs.get(spec.name);
    const std::string &text = node.attrs.at(std::string(name));
    if ((!spec.required && value == mlir::mx::getDefaultValue(spec)) ||
        text != mxrt::Attrs::format(spec.kind, value))
      given.push_back(b.getNamedAttr(name, b.getStringAttr(text)));
    if (Attribute a = mlir::mx::toAttribute(b, spec, value))
      state.addAttribute(name, a);
  }
  if (!given.empty())
    state.addAttribute(mlir::mx::kGivenAttr, b.getDictionaryAttr(given));
  for (const auto &[key, value] : attrs.hidden())
    state.addAttribute(key, b.getStringAttr(value));
  mlir::mx::addSegmentSizes(state, attrs);
  Operation *op = b.create(state);
  values[id].assign(op->result_begin(), op->result_end());
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  if (failed(sortNodes()))
    return nullptr;
  values.resize(graph.nodes.size());

  // Arguments then auxiliary states, each in DFS order.
  std::vector<bool> isAux(graph.nodes.size());
  for (uint32_t id : order) {
    const JsonNode &n = graph.nodes[id];
    if (n.spec)
      for (int i : n.spec->mutateInputs)
        if (size_t(i) < n.inputs.size() && graph.nodes[n.inputs[size_t(i)].node].isVariable())
          isAux[n.inputs[size_t(i)].node] = true;
  }
  std::vector<uint32_t> variables;
  for (bool aux : {false, true})
    for (uint32_t id : order)
      if (graph.nodes[id].isVariable() && isAux[id] == aux)
        variables.push_back(id);

  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  for (uint32_t id : variables) {
    const JsonNode &var = graph.nodes[id];
    FailureOr<Type> type = variableType(var);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    SmallVector<NamedAttribute> attrs{
        b.getNamedAttr(mlir::mx::kArgNameAttr, b.getStringAttr(var.name))};
    if (!var.attrs.empty()) {
      SmallVector<NamedAttribute> kv;
      for (const auto &[key, value] : var.attrs)
        kv.push_back(b.getNamedAttr(key, b.getStringAttr(value)));
      attrs.push_back(b.getNamedAttr(mlir::mx::kArgAttrsAttr, b.getDictionaryAttr(kv)));
    }
    argAttrs.push_back(b.getDictionaryAttr(attrs));
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  auto func = b.create<func::FuncOp>(fileLoc, options.funcName, b.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  if (graph.npShape)
    func->setAttr(mlir::mx::kNpShapeAttr, b.getUnitAttr());
  Block *entry = func.addEntryBlock();
  for (auto [k, id] : llvm::enumerate(variables)) {
    entry->getArgument(unsigned(k)).setLoc(nodeLoc(graph.nodes[id]));
    values[id].push_back(entry->getArgument(unsigned(k)));
  }

  b.setInsertionPointToEnd(entry);
  for (uint32_t id : order)
    if (!graph.nodes[id].isVariable() && failed(buildOp(id)))
      return nullptr;
  SmallVector<Value> results;
  for (const JsonEntry &head : graph.heads)
    results.push_back(values[head.node][head.index]);
  b.create<func::ReturnOp>(fileLoc, results);
  func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));

  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> mxc::importSymbolJson(StringRef json, MLIRContext *ctx,
                                            const ImportOptions &options) {
  ctx->loadDialect<mlir::mx::MxDialect, func::FuncDialect>();
  FailureOr<JsonGraph> graph = readSymbolJson(json, ctx, options.fileName);
  if (failed(graph))
    return nullptr;
  return Importer(*graph, ctx, options).run();
}
