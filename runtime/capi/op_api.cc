// op_api.cc - the C API's operator functions: the op table as C structs and
// attribute parsing (invocation is in invoke_api.cc).
//
// The table (mxrt/op_table.h) holds string_views; the C structs need
// NUL-terminated strings, so the first call copies the whole table once into
// storage that lives as long as the process (a few hundred operators). An
// mxrtOpHandle is a pointer to the table's OpSpec itself.
#include "capi/op_internal.h"
#include "mxrt/op_registry.h"

#include <deque>
#include <memory>
#include <string>
#include <vector>

using namespace mxrt;
using namespace mxrt::capi;

namespace mxrt::capi {

const OpSpec &opOf(mxrtOpHandle op, const char *fn) {
  MXRT_CHECK(op, fn, ": the op handle is null");
  return *reinterpret_cast<const OpSpec *>(op);
}

Attrs parseAttrs(const OpSpec &op, uint32_t numAttrs, const char *const *keys,
                 const char *const *vals, uint32_t numInputs, const char *fn) {
  MXRT_CHECK(numAttrs == 0 || (keys && vals), fn, ": keys or vals is null");
  std::vector<Attrs::KeyValue> kv;
  kv.reserve(numAttrs + 1);
  bool hasNumArgs = false;
  for (uint32_t i = 0; i < numAttrs; ++i) {
    MXRT_CHECK(keys[i] && vals[i], fn, ": attribute ", i, " of op '", op.name, "' is null");
    kv.emplace_back(keys[i], vals[i]);
    hasNumArgs = hasNumArgs || (!op.numArgsAttr.empty() && op.numArgsAttr == keys[i]);
  }
  std::string numArgs;
  if (!op.numArgsAttr.empty() && !hasNumArgs && numInputs != UINT32_MAX) {
    numArgs = std::to_string(numInputs);
    kv.emplace_back(op.numArgsAttr, numArgs);
  }
  return Attrs::parse(op, kv);
}

} // namespace mxrt::capi

namespace {

mxrtOpHandle handleOfOp(const OpSpec &op) { return reinterpret_cast<mxrtOpHandle>(&op); }

/// The C form of the op table, built once.
class InfoTable {
public:
  InfoTable() {
    std::span<const OpSpec> ops = opTable();
    infos_.resize(ops.size());
    for (size_t i = 0; i < ops.size(); ++i)
      fill(ops[i], infos_[i]);
  }

  const mxrtOpInfo &info(const OpSpec &op) const { return infos_[size_t(&op - opTable().data())]; }

private:
  const char *keep(std::string_view s) { return strings_.emplace_back(s).c_str(); }

  template <class T> T *array(size_t n) {
    auto &block = blocks_.emplace_back(std::make_unique<char[]>(sizeof(T) * (n ? n : 1)));
    return reinterpret_cast<T *>(block.get());
  }

  const char *const *stringArray(std::span<const std::string_view> items, uint32_t &count) {
    count = uint32_t(items.size());
    auto *out = array<const char *>(items.size());
    for (size_t i = 0; i < items.size(); ++i)
      out[i] = keep(items[i]);
    return out;
  }

  void fill(const OpSpec &op, mxrtOpInfo &info) {
    info.name = keep(op.name);
    info.summary = keep(op.summary);
    info.description = keep(op.description);
    info.aliases = stringArray(op.aliases, info.num_aliases);

    auto *inputs = array<mxrtOpInputInfo>(op.inputs.size());
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      const InputSpec &in = op.inputs[i];
      inputs[i] = {keep(in.name),     in.optional,  in.variadic,
                   keep(in.condAttr), int(in.cond), keep(in.condValue)};
    }
    info.num_inputs = uint32_t(op.inputs.size());
    info.inputs = inputs;

    auto *attrs = array<mxrtOpAttrInfo>(op.attrs.size());
    for (size_t i = 0; i < op.attrs.size(); ++i) {
      const AttrSpec &a = op.attrs[i];
      mxrtOpAttrInfo &o = attrs[i];
      o.name = keep(a.name);
      o.kind = int(a.kind);
      o.dflt = keep(a.required ? std::string_view() : a.dflt);
      o.required = a.required;
      o.choices = stringArray(a.choices, o.num_choices);
    }
    info.num_attrs = uint32_t(op.attrs.size());
    info.attrs = attrs;

    info.num_outputs = op.numOutputs;
    info.num_outputs_expr = keep(op.numOutputsExpr);
    info.visible_outputs = keep(op.visibleOutputs);
    info.output_names = stringArray(op.outputNames, info.num_output_names);
    info.num_args_attr = keep(op.numArgsAttr);
    auto *mutate = array<int>(op.mutateInputs.size());
    for (size_t i = 0; i < op.mutateInputs.size(); ++i)
      mutate[i] = op.mutateInputs[i];
    info.num_mutate_inputs = uint32_t(op.mutateInputs.size());
    info.mutate_inputs = mutate;
    info.is_loss = op.isLoss;
    info.no_gradient = op.noGradient;
    info.name_hint = keep(op.nameHint);
    info.internal = op.internal;
    info.input_inits = stringArray(op.inputInit, info.num_input_inits);
    info.has_cpu_kernel = opImpl(op).cpu != nullptr;
  }

  std::vector<mxrtOpInfo> infos_;
  std::deque<std::string> strings_; // a deque never moves its elements
  std::vector<std::unique_ptr<char[]>> blocks_;
};

const InfoTable &infoTable() {
  static const InfoTable *table =
      new InfoTable(); // never destroyed: handed-out pointers stay valid
  return *table;
}

} // namespace

extern "C" {

int mxrtOpCount(uint32_t *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtOpCount: out is null");
  *out = uint32_t(opTable().size());
  MXRT_API_END();
}

int mxrtOpGet(uint32_t index, mxrtOpHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtOpGet: out is null");
  MXRT_CHECK(index < opTable().size(), "mxrtOpGet: index ", index, " out of range (",
             opTable().size(), " operators)");
  *out = handleOfOp(opTable()[index]);
  MXRT_API_END();
}

int mxrtOpFind(const char *name, mxrtOpHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out && name, "mxrtOpFind: name or out is null");
  const OpSpec *op = findOp(name);
  MXRT_CHECK(op, "mxrtOpFind: no operator named '", name, "'");
  *out = handleOfOp(*op);
  MXRT_API_END();
}

int mxrtOpGetInfo(mxrtOpHandle op, const mxrtOpInfo **out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtOpGetInfo: out is null");
  *out = &infoTable().info(opOf(op, "mxrtOpGetInfo"));
  MXRT_API_END();
}

int mxrtOpAttrsCreate(mxrtOpHandle op, uint32_t num_attrs, const char *const *keys,
                      const char *const *vals, mxrtOpAttrsHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  const char *fn = "mxrtOpAttrsCreate";
  MXRT_CHECK(out, fn, ": out is null");
  auto attrs = std::make_unique<mxrtOpAttrs>();
  attrs->attrs = parseAttrs(opOf(op, fn), num_attrs, keys, vals, UINT32_MAX, fn);
  for (uint32_t i = 0; i < num_attrs; ++i)
    attrs->strings.emplace_back(keys[i], vals[i]);
  for (const auto &[k, v] : attrs->strings)
    attrs->kv.emplace_back(k, v);
  attrs->visible = numVisibleOutputs(attrs->attrs);
  *out = attrs.release();
  MXRT_API_END();
}

int mxrtOpAttrsFree(mxrtOpAttrsHandle attrs) {
  MXRT_API_BEGIN();
  delete attrs;
  MXRT_API_END();
}

int mxrtOpAttrsNumOutputs(mxrtOpAttrsHandle attrs, int *out_num, int *out_visible) {
  zero(out_num);
  zero(out_visible);
  MXRT_API_BEGIN();
  MXRT_CHECK(attrs && out_num && out_visible, "mxrtOpAttrsNumOutputs: a pointer is null");
  *out_num = numOutputs(attrs->attrs);
  *out_visible = numVisibleOutputs(attrs->attrs);
  MXRT_API_END();
}

int mxrtOpAttrsGraphInfo(mxrtOpAttrsHandle attrs, uint32_t *out_num_inputs,
                         const char *const **out_input_names, int *out_json_outputs,
                         uint32_t *out_num_output_names, const char *const **out_output_names) {
  zero(out_num_inputs);
  zero(out_input_names);
  zero(out_json_outputs);
  zero(out_num_output_names);
  zero(out_output_names);
  MXRT_API_BEGIN();
  MXRT_CHECK(attrs && out_num_inputs && out_input_names && out_json_outputs &&
                 out_num_output_names && out_output_names,
             "mxrtOpAttrsGraphInfo: a pointer is null");
  // Per-thread storage, as the C API's other returned arrays.
  thread_local std::vector<std::string> inputs, outputs;
  thread_local std::vector<const char *> inputPtrs, outputPtrs;
  inputs = listInputNames(attrs->attrs);
  outputs = listOutputNames(attrs->attrs);
  inputPtrs.clear();
  for (const std::string &s : inputs)
    inputPtrs.push_back(s.c_str());
  outputPtrs.clear();
  for (const std::string &s : outputs)
    outputPtrs.push_back(s.c_str());
  *out_num_inputs = uint32_t(inputs.size());
  *out_input_names = inputPtrs.data();
  *out_json_outputs = numJsonOutputs(attrs->attrs);
  *out_num_output_names = uint32_t(outputs.size());
  *out_output_names = outputPtrs.data();
  MXRT_API_END();
}

} // extern "C"
