// op_table.h - the operator table, generated from the mx dialect's ODS.
//
// Every operator is defined once, in dialects/mx/*.td. tools/gen_optable.py
// turns those records into the constant table declared here: names and
// aliases, inputs (with attribute conditions), attributes (MXNet kind,
// default in MXNet's string form, enum choices) and output naming. The
// runtime registers kernels and shape functions against it, the compiler
// checks its dialect against it and Python builds mx.nd/mx.sym from it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mxrt {

/// How an attribute's MXNet string form is parsed. Opt* kinds accept "None".
/// IntOrNoneTuple: an integer tuple whose entries may be None ("(None, 2)",
/// slice's begin), None entries held as kNoneIndex.
enum class AttrKind : uint8_t {
  Int, OptInt, Float, OptFloat, Bool, Enum, OptEnum, Str, Shape, OptShape, DType, OptDType,
  OptBool, IntOrNoneTuple,
};

/// A None entry of an IntOrNoneTuple attribute.
inline constexpr int64_t kNoneIndex = INT64_MIN;

struct AttrSpec {
  std::string_view name;
  AttrKind kind{};
  std::string_view dflt;  ///< MXNet string form; meaningless when required
  bool required = false;
  std::span<const std::string_view> choices;  ///< Enum/DType kinds only
};

/// When an input exists, as a condition on one attribute.
enum class CondOp : uint8_t { Always, Truthy, Falsy, Eq, Ne };

struct InputSpec {
  std::string_view name;
  bool optional = false;
  bool variadic = false;  ///< one entry standing for num_args inputs
  std::string_view condAttr;
  CondOp cond = CondOp::Always;
  std::string_view condValue;
};

struct OpSpec {
  std::string_view name;  ///< MXNet's registered name, as symbol JSON writes it
  std::string_view summary;
  std::string_view description;
  std::span<const std::string_view> aliases;
  std::span<const InputSpec> inputs;
  std::span<const AttrSpec> attrs;
  int numOutputs = 1;                ///< number of ODS results
  bool variadicOutputs = false;      ///< then numOutputsAttr holds the count
  std::string_view numOutputsAttr;
  /// The output count when attributes decide it, as a count expression
  /// (dialects/mx/MxBase.td): "act_type==rrelu?2:1", "num_outputs". Empty:
  /// numOutputs.
  std::string_view numOutputsExpr;
  std::string_view visibleOutputs;   ///< "" (all) or a count expression
  std::span<const std::string_view> outputNames;
  std::span<const int> mutateInputs; ///< auxiliary-state inputs
  std::span<const int> inplace;      ///< flattened (input, output) pairs
  std::string_view numArgsAttr;      ///< variadic inputs: the count attribute
  bool isLoss = false;
  bool noGradient = false;
  std::string_view nameHint;         ///< automatic node names: hint + counter
  /// Created by compiler passes only (mx-gradient's backward ops): not an
  /// MXNet operator, hidden from Python and from symbol JSON.
  bool internal = false;
  /// Outputs symbol JSON's node_row_ptr counts, when more than the op's own
  /// (a count expression; see mxJsonOutputs in MxBase.td). Empty: numOutputs.
  std::string_view jsonOutputs;
  /// "input:initializer" pairs MXNet sets as `__init__` on variables composed
  /// into those inputs (BatchNorm: moving_mean:zero, moving_var:one).
  std::span<const std::string_view> inputInit;

  const AttrSpec *findAttr(std::string_view attr) const;
  /// The `__init__` value MXNet gives a variable composed into `input`
  /// ('["zero", {}]'), or "" when it sets none.
  std::string inputInitAttr(std::string_view input) const;
};

/// All operators, sorted by name.
std::span<const OpSpec> opTable();

/// The operator with this name or alias, or nullptr.
const OpSpec *findOp(std::string_view nameOrAlias);

} // namespace mxrt
