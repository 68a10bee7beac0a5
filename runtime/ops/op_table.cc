// op_table.cc - the generated operator table and its lookups.
#include "mxrt/op_table.h"

#include <string>
#include <unordered_map>

namespace mxrt {
namespace {
#include "mxc/optable.inc"
} // namespace

const AttrSpec *OpSpec::findAttr(std::string_view attr) const {
  for (const AttrSpec &a : attrs)
    if (a.name == attr)
      return &a;
  return nullptr;
}

std::string OpSpec::inputInitAttr(std::string_view input) const {
  for (std::string_view entry : inputInit) {
    size_t colon = entry.find(':');
    if (entry.substr(0, colon) == input)
      return "[\"" + std::string(entry.substr(colon + 1)) + "\", {}]";
  }
  return "";
}

std::span<const OpSpec> opTable() { return kOpTable; }

const OpSpec *findOp(std::string_view nameOrAlias) {
  static const auto *index = [] {
    auto *m = new std::unordered_map<std::string_view, const OpSpec *>();
    for (const OpSpec &op : kOpTable) {
      m->emplace(op.name, &op);
      for (std::string_view alias : op.aliases)
        m->emplace(alias, &op);
    }
    return m;
  }();
  auto it = index->find(nameOrAlias);
  return it == index->end() ? nullptr : it->second;
}

} // namespace mxrt
