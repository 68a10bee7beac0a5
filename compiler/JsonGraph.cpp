//===- JsonGraph.cpp - read symbol JSON, check it, apply legacy upgrades --===//
//
// What MXNet's loader (nnvm saveload_json.cc + legacy_json_util.cc) accepts
// is accepted here, with the same upgrades for files older than 1.9.1:
//   FixParsing  keys naming a hidden attribute (ctx_group, lr_mult, ...):
//               `k` becomes `__k__`; an operator's `argname_k` moves to the
//               input variable `argname` as `__k__`.
//   Parse       every operator's attributes are parsed (and checked).
//   < 0.9.0     inputs missing from an operator (BatchNorm's auxiliary
//               states) are added as variables `<node>_<argname>` carrying
//               a copy of the node's attributes.
//   < 0.9.5     argmin/argmax lose axis "-1".
// Anything else malformed is an error naming the node, never a crash.
//
//===----------------------------------------------------------------------===//
#include "compiler/JsonGraph.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mxrt/base.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/Regex.h"

using namespace mlir;
using namespace mxc;
using namespace mxc::detail;
namespace json = llvm::json;

int JsonNode::numOutputs() const { return parsed ? mxrt::numOutputs(*parsed) : 1; }

namespace {

/// Line and column of each object in the top-level "nodes" array, so that
/// errors and locations point at the node. A light scan: strings, escapes,
/// nesting.
std::vector<std::pair<unsigned, unsigned>> findNodePositions(StringRef text) {
  std::vector<std::pair<unsigned, unsigned>> positions;
  unsigned line = 1;
  size_t lineStart = 0;
  int depth = 0;
  bool inString = false, inNodes = false;
  size_t keyStart = 0;
  std::string lastKey;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      lineStart = i + 1;
    }
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"') {
        inString = false;
        if (depth == 1)
          lastKey = text.substr(keyStart, i - keyStart).str();
      }
      continue;
    }
    if (c == '"') {
      inString = true;
      keyStart = i + 1;
    } else if (c == '{' || c == '[') {
      if (depth == 2 && c == '{' && inNodes)
        positions.emplace_back(line, unsigned(i - lineStart + 1));
      if (depth == 1)
        inNodes = lastKey == "nodes";
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return positions;
}

class Reader {
public:
  Reader(StringRef text, MLIRContext *ctx, StringRef file) : text(text), ctx(ctx), file(file) {}

  FailureOr<JsonGraph> read();

private:
  Location fileLoc() { return FileLineColLoc::get(ctx, file, 1, 1); }
  Location nodeLoc(size_t i) {
    const JsonNode *n = i < graph.nodes.size() ? &graph.nodes[i] : nullptr;
    return n && n->line ? FileLineColLoc::get(ctx, file, n->line, n->column) : fileLoc();
  }
  InFlightDiagnostic graphError() { return emitError(fileLoc()) << "symbol JSON: "; }
  /// "node 3 'fc1' (FullyConnected): "
  InFlightDiagnostic nodeError(size_t i) {
    InFlightDiagnostic diag = emitError(nodeLoc(i)) << "node " << i;
    if (i < graph.nodes.size()) {
      const JsonNode &n = graph.nodes[i];
      if (!n.name.empty())
        diag << " '" << n.name << "'";
      if (!n.op.empty())
        diag << " (" << (n.isVariable() ? "variable" : n.op) << ")";
    }
    diag << ": ";
    return diag;
  }

  LogicalResult readEntry(const json::Value &v, JsonEntry &e,
                          function_ref<InFlightDiagnostic()> err);
  LogicalResult readStringMap(const json::Value &v, std::map<std::string, std::string> &out,
                              bool overwrite, size_t node, StringRef field);
  LogicalResult readNode(const json::Value &v, size_t i);
  LogicalResult readGraphAttrs(const json::Value &v);
  LogicalResult resolveOps();
  LogicalResult checkEntries();
  void fixParsing(size_t i);
  LogicalResult parseAttrs(size_t i);
  void addMissingInputs(size_t i);
  /// Upgrade 0.9.3 -> 0.9.4: re-run MXNet's FSetInputVarAttrOnCompose on the
  /// node's variable inputs (BatchNorm's moving statistics get `__init__`).
  void setInputVarInits(size_t i);

  StringRef text;
  MLIRContext *ctx;
  std::string file;
  JsonGraph graph;
};

} // namespace

LogicalResult Reader::readEntry(const json::Value &v, JsonEntry &e,
                                function_ref<InFlightDiagnostic()> err) {
  const json::Array *a = v.getAsArray();
  std::optional<int64_t> parts[3];
  if (a && (a->size() == 2 || a->size() == 3))
    for (size_t k = 0; k < a->size(); ++k)
      parts[k] = (*a)[k].getAsInteger();
  bool ok = a && (a->size() == 2 || a->size() == 3) && parts[0] && parts[1] &&
            (a->size() == 2 || parts[2]) && *parts[0] >= 0 && *parts[1] >= 0 &&
            (!parts[2] || *parts[2] >= 0) && *parts[0] <= UINT32_MAX && *parts[1] <= UINT32_MAX;
  if (!ok)
    return err() << "expected an entry [node, index] or [node, index, version] of non-negative "
                    "integers";
  e = JsonEntry{uint32_t(*parts[0]), uint32_t(*parts[1]), uint32_t(parts[2].value_or(0))};
  return success();
}

LogicalResult Reader::readStringMap(const json::Value &v, std::map<std::string, std::string> &out,
                                    bool overwrite, size_t node, StringRef field) {
  const json::Object *o = v.getAsObject();
  if (!o)
    return nodeError(node) << "'" << field << "' must be an object of strings";
  for (const auto &[key, value] : *o) {
    std::optional<StringRef> s = value.getAsString();
    if (!s)
      return nodeError(node) << "attribute '" << key.str() << "' in '" << field
                             << "' must be a string";
    if (overwrite || !out.count(key.str()))
      out[key.str()] = s->str();
  }
  return success();
}

LogicalResult Reader::readNode(const json::Value &v, size_t i) {
  JsonNode &n = graph.nodes[i];
  const json::Object *o = v.getAsObject();
  if (!o)
    return nodeError(i) << "expected an object";
  std::optional<StringRef> op = o->getString("op"), name = o->getString("name");
  if (!op)
    return nodeError(i) << "missing string field 'op'";
  n.op = op->str();
  if (!name)
    return nodeError(i) << "missing string field 'name'";
  n.name = name->str();
  const json::Array *inputs = o->getArray("inputs");
  if (!inputs)
    return nodeError(i) << "missing array field 'inputs'";
  for (const json::Value &in : *inputs) {
    JsonEntry e;
    if (failed(
            readEntry(in, e, [&] { return nodeError(i) << "input " << n.inputs.size() << ": "; })))
      return failure();
    n.inputs.push_back(e);
  }
  // "attrs" (1.x) and "attr" (0.8) fill the dict; legacy "param" only adds
  // keys not there yet, as nnvm's loader does.
  for (StringRef field : {"attrs", "attr"})
    if (const json::Value *a = o->get(field))
      if (failed(readStringMap(*a, n.attrs, /*overwrite=*/true, i, field)))
        return failure();
  if (const json::Value *p = o->get("param"))
    if (failed(readStringMap(*p, n.attrs, /*overwrite=*/false, i, "param")))
      return failure();
  for (const auto &[key, value] : *o) {
    StringRef k = key;
    if (k == "op" || k == "name" || k == "inputs" || k == "attrs" || k == "attr" || k == "param" ||
        k == "backward_source_id")
      continue;
    const json::Array *a = value.getAsArray();
    if (k == "control_deps") {
      if (!a)
        return nodeError(i) << "'control_deps' must be an array";
      if (!a->empty())
        return nodeError(i) << "control dependencies are not supported";
      continue;
    }
    if (k == "subgraphs") {
      if (!a)
        return nodeError(i) << "'subgraphs' must be an array";
      if (!a->empty())
        return nodeError(i) << "subgraphs (control-flow operators such as _foreach, _while_loop, "
                               "_cond) are not supported";
      continue;
    }
    return nodeError(i) << "unknown field '" << k << "'";
  }
  return success();
}

LogicalResult Reader::readGraphAttrs(const json::Value &v) {
  const json::Object *o = v.getAsObject();
  if (!o)
    return graphError() << "'attrs' must be an object";
  // Each value is dmlc's "any": [type_name, value].
  auto intAttr = [&](StringRef key) -> FailureOr<std::optional<int64_t>> {
    const json::Value *a = o->get(key);
    if (!a)
      return std::optional<int64_t>();
    const json::Array *pair = a->getAsArray();
    if (!pair || pair->size() != 2 || (*pair)[0].getAsString() != StringRef("int") ||
        !(*pair)[1].getAsInteger())
      return graphError() << "graph attribute '" << key << "' must be [\"int\", <integer>]";
    return std::optional<int64_t>(*(*pair)[1].getAsInteger());
  };
  FailureOr<std::optional<int64_t>> version = intAttr("mxnet_version");
  FailureOr<std::optional<int64_t>> np = intAttr("is_np_shape");
  if (failed(version) || failed(np))
    return failure();
  if (*version)
    graph.version = int(**version);
  graph.npShape = np->value_or(0) != 0;
  return success();
}

LogicalResult Reader::resolveOps() {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    JsonNode &n = graph.nodes[i];
    if (n.isVariable()) {
      if (!n.inputs.empty())
        return nodeError(i) << "a variable cannot have inputs";
      continue;
    }
    n.spec = mxrt::findOp(n.op);
    if (n.spec)
      continue;
    if (n.op == "Custom") {
      auto type = n.attrs.find("op_type");
      return nodeError(i) << "Custom operators are not supported"
                          << (type == n.attrs.end() ? std::string()
                                                    : " (op_type '" + type->second + "')");
    }
    return nodeError(i) << "unknown operator '" << n.op << "'";
  }
  return success();
}

LogicalResult Reader::checkEntries() {
  size_t count = graph.nodes.size();
  auto check = [&](const JsonEntry &e, auto &&err) -> LogicalResult {
    if (e.node >= count)
      return err() << "refers to node " << e.node << ", but the graph has " << count << " nodes";
    const JsonNode &src = graph.nodes[e.node];
    if (int(e.index) >= src.numOutputs())
      return err() << "refers to output " << e.index << " of node " << e.node << " '" << src.name
                   << "', which has " << src.numOutputs() << " output"
                   << (src.numOutputs() == 1 ? "" : "s");
    return success();
  };
  for (size_t i = 0; i < count; ++i)
    for (auto [k, e] : llvm::enumerate(graph.nodes[i].inputs))
      if (failed(check(e, [&, k = k] { return nodeError(i) << "input " << k << " "; })))
        return failure();
  for (auto [k, e] : llvm::enumerate(graph.heads))
    if (failed(check(e, [&, k = k] { return graphError() << "head " << k << " "; })))
      return failure();
  return success();
}

static constexpr StringRef kHiddenKeys[] = {"ctx_group", "lr_mult", "wd_mult", "force_mirroring",
                                            "mirror_stage"};

void Reader::fixParsing(size_t i) {
  JsonNode &n = graph.nodes[i];
  std::vector<std::pair<std::string, std::string>> moved;
  for (auto it = n.attrs.begin(); it != n.attrs.end();) {
    StringRef key = it->first;
    bool hidden = llvm::any_of(kHiddenKeys, [&](StringRef h) {
      size_t pos = key.rfind(h);
      return pos == 0 || (pos != StringRef::npos && pos == key.size() - h.size());
    });
    if (hidden) {
      moved.emplace_back(it->first, it->second);
      it = n.attrs.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<std::string> inputNames;
  if (n.spec) {
    std::vector<mxrt::Attrs::KeyValue> kv(n.attrs.begin(), n.attrs.end());
    try {
      inputNames = mxrt::listInputNames(mxrt::Attrs::parse(*n.spec, kv, n.name));
    } catch (const mxrt::Error &) {
      // parseAttrs reports it.
    }
  }
  for (auto &[key, value] : moved) {
    bool placed = false;
    for (StringRef h : kHiddenKeys) {
      size_t pos = StringRef(key).rfind(h);
      if (pos == 0 && key.size() == h.size()) {
        n.attrs["__" + h.str() + "__"] = value;
        placed = true;
        break;
      }
      if (pos != StringRef::npos && pos > 1 && pos == key.size() - h.size()) {
        if (n.isVariable())
          break;
        std::string arg = key.substr(0, pos - 1);
        auto it = llvm::find(inputNames, arg);
        size_t idx = size_t(it - inputNames.begin());
        if (it != inputNames.end() && idx < n.inputs.size() &&
            graph.nodes[n.inputs[idx].node].isVariable()) {
          graph.nodes[n.inputs[idx].node].attrs["__" + h.str() + "__"] = value;
          placed = true;
        }
        break;
      }
    }
    if (!placed)
      n.attrs[key] = value;
  }
}

LogicalResult Reader::parseAttrs(size_t i) {
  JsonNode &n = graph.nodes[i];
  if (!n.spec)
    return success();
  std::vector<mxrt::Attrs::KeyValue> kv(n.attrs.begin(), n.attrs.end());
  try {
    n.parsed = mxrt::Attrs::parse(*n.spec, kv, n.name);
    return success();
  } catch (const mxrt::Error &e) {
    return nodeError(i) << e.what();
  }
}

void Reader::setInputVarInits(size_t i) {
  JsonNode &node = graph.nodes[i];
  if (!node.parsed || node.spec->inputInit.empty())
    return;
  std::vector<std::string> names = mxrt::listInputNames(*node.parsed);
  for (size_t k = 0; k < node.inputs.size() && k < names.size(); ++k) {
    JsonNode &input = graph.nodes[node.inputs[k].node];
    std::string init = node.spec->inputInitAttr(names[k]);
    if (input.isVariable() && !init.empty() && !input.attrs.count("__init__"))
      input.attrs["__init__"] = init;
  }
}

void Reader::addMissingInputs(size_t i) {
  if (!graph.nodes[i].parsed)
    return;
  std::vector<std::string> names = mxrt::listInputNames(*graph.nodes[i].parsed);
  for (size_t k = graph.nodes[i].inputs.size(); k < names.size(); ++k) {
    JsonNode var;
    var.op = "null";
    var.name = graph.nodes[i].name + "_" + names[k];
    var.attrs = graph.nodes[i].attrs;
    var.line = graph.nodes[i].line;
    var.column = graph.nodes[i].column;
    graph.nodes.push_back(std::move(var)); // invalidates references into nodes
    graph.nodes[i].inputs.push_back(JsonEntry{uint32_t(graph.nodes.size() - 1), 0, 0});
  }
}

FailureOr<JsonGraph> Reader::read() {
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed) {
    // llvm::json says "[line:col, byte=N]: message".
    std::string msg = llvm::toString(parsed.takeError());
    llvm::SmallVector<StringRef, 5> m;
    if (llvm::Regex("^\\[([0-9]+):([0-9]+), byte=([0-9]+)\\]: (.*)$").match(msg, &m)) {
      unsigned line = 0, col = 0;
      m[1].getAsInteger(10, line);
      m[2].getAsInteger(10, col);
      col = std::max(col, 1u); // at the start of a line llvm::json says 0
      return emitError(FileLineColLoc::get(ctx, file, line, col))
             << "malformed symbol JSON at line " << line << ", column " << col << " (byte " << m[3]
             << "): " << m[4];
    }
    return emitError(fileLoc()) << "malformed symbol JSON: " << msg;
  }
  const json::Object *top = parsed->getAsObject();
  if (!top)
    return graphError() << "expected an object with 'nodes', 'arg_nodes' and 'heads'";
  for (const auto &[key, value] : *top)
    if (!llvm::is_contained({"nodes", "arg_nodes", "node_row_ptr", "heads", "attrs"},
                            StringRef(key)))
      return graphError() << "unknown field '" << StringRef(key) << "'";
  const json::Array *nodes = top->getArray("nodes");
  const json::Array *argNodes = top->getArray("arg_nodes");
  const json::Array *heads = top->getArray("heads");
  if (!nodes || !argNodes || !heads)
    return graphError() << "missing array field '"
                        << (!nodes      ? "nodes"
                            : !argNodes ? "arg_nodes"
                                        : "heads")
                        << "'";
  graph.nodes.resize(nodes->size());
  std::vector<std::pair<unsigned, unsigned>> positions = findNodePositions(text);
  for (size_t i = 0; i < nodes->size() && i < positions.size(); ++i)
    std::tie(graph.nodes[i].line, graph.nodes[i].column) = positions[i];
  for (size_t i = 0; i < nodes->size(); ++i)
    if (failed(readNode((*nodes)[i], i)))
      return failure();
  for (const json::Value &h : *heads) {
    JsonEntry e;
    if (failed(
            readEntry(h, e, [&] { return graphError() << "head " << graph.heads.size() << ": "; })))
      return failure();
    graph.heads.push_back(e);
  }
  if (graph.heads.empty())
    return graphError() << "the graph has no heads (outputs)";
  for (const json::Value &a : *argNodes) {
    std::optional<int64_t> id = a.getAsInteger();
    if (!id || *id < 0 || size_t(*id) >= graph.nodes.size())
      return graphError() << "'arg_nodes' must hold node ids below " << graph.nodes.size();
    if (!graph.nodes[size_t(*id)].isVariable())
      return nodeError(size_t(*id)) << "listed in 'arg_nodes' but is not a variable";
  }
  if (const json::Value *rowPtr = top->get("node_row_ptr"))
    if (!rowPtr->getAsArray())
      return graphError() << "'node_row_ptr' must be an array";
  if (const json::Value *attrs = top->get("attrs"))
    if (failed(readGraphAttrs(*attrs)))
      return failure();
  if (failed(resolveOps()))
    return failure();

  size_t count = graph.nodes.size();
  if (graph.version < kMXNetVersion)
    for (size_t i = 0; i < count; ++i)
      fixParsing(i);
  for (size_t i = 0; i < count; ++i)
    if (failed(parseAttrs(i)))
      return failure();
  if (failed(checkEntries()))
    return failure();
  if (graph.version < 900)
    for (size_t i = 0; i < count; ++i)
      addMissingInputs(i);
  if (graph.version < 904)
    for (size_t i = 0; i < count; ++i)
      setInputVarInits(i);
  if (graph.version < 905)
    for (size_t i = 0; i < count; ++i) {
      JsonNode &n = graph.nodes[i];
      auto axis = n.attrs.find("axis");
      if ((n.op == "argmax" || n.op == "argmin") && axis != n.attrs.end() && axis->second == "-1") {
        n.attrs.erase(axis);
        if (failed(parseAttrs(i)))
          return failure();
      }
    }
  return std::move(graph);
}

FailureOr<JsonGraph> mxc::detail::readSymbolJson(StringRef text, MLIRContext *ctx,
                                                 StringRef fileName) {
  return Reader(text, ctx, fileName).read();
}
