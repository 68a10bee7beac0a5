// attrs.h - an operator's attributes, parsed from MXNet's string forms.
//
// Symbol JSON and the Python frontend give attributes as strings exactly as
// MXNet prints them ("128", "True", "(3, 3)", "None", "relu"). Attrs::parse
// checks them against the op table (unknown name, bad value, missing
// required one: an Error naming the op and the attribute), fills defaults
// and keeps typed values. Hidden attributes (`__key__`) pass through as
// strings; they never reach kernels.
#pragma once

#include "mxrt/op_table.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mxrt {

/// None (monostate) for unset optional attributes.
using AttrValue = std::variant<std::monostate, int64_t, double, bool, std::string, std::vector<int64_t>>;

class Attrs {
public:
  using KeyValue = std::pair<std::string_view, std::string_view>;

  Attrs() = default;
  /// Parses kv against op's attributes. `node` (optional) names the graph
  /// node in error messages.
  static Attrs parse(const OpSpec &op, std::span<const KeyValue> kv, std::string_view node = {});
  /// From typed values (the compiler's side); missing ones get defaults.
  static Attrs fromValues(const OpSpec &op, std::span<const std::pair<std::string_view, AttrValue>> kv);

  const OpSpec &op() const { return *op_; }
  /// Value of a declared attribute (default filled in).
  const AttrValue &get(std::string_view name) const;
  int64_t getInt(std::string_view name) const;
  double getFloat(std::string_view name) const;
  bool getBool(std::string_view name) const;
  const std::string &getStr(std::string_view name) const;
  const std::vector<int64_t> &getShape(std::string_view name) const;
  bool isNone(std::string_view name) const;
  std::optional<int64_t> getOptInt(std::string_view name) const;
  std::optional<double> getOptFloat(std::string_view name) const;
  /// Was the attribute given explicitly (else it holds its default)?
  bool isSet(std::string_view name) const;

  /// MXNet's string form of a value ("True", "(3, 3)", "None", "0.9").
  static std::string format(AttrKind kind, const AttrValue &value);
  /// The explicitly given attributes in MXNet's string form, sorted by key,
  /// hidden ones included: what symbol JSON writes.
  std::map<std::string, std::string> explicitStrings() const;
  const std::map<std::string, std::string> &hidden() const { return hidden_; }

private:
  const OpSpec *op_ = nullptr;
  std::vector<AttrValue> values_; ///< aligned with op_->attrs
  std::vector<bool> set_;
  std::map<std::string, std::string> hidden_;
};

/// Parses one value of the given kind; Error text says what was expected.
AttrValue parseAttrValue(const AttrSpec &spec, std::string_view text);

/// The op's input names for these attributes (conditions applied, variadic
/// inputs expanded to arg0, arg1, ... for num_args inputs).
std::vector<std::string> listInputNames(const Attrs &attrs);
/// All outputs (BatchNorm: 3) and visible outputs (BatchNorm: 1).
int numOutputs(const Attrs &attrs);
int numVisibleOutputs(const Attrs &attrs);
/// Outputs symbol JSON counts for this node (node_row_ptr): numOutputs, or
/// more where MXNet 1.9.1 registers hidden outputs (max Pooling's workspace).
int numJsonOutputs(const Attrs &attrs);
/// Output names as list_outputs() suffixes: "output", "output0", "mean", ...
std::vector<std::string> listOutputNames(const Attrs &attrs);

} // namespace mxrt
