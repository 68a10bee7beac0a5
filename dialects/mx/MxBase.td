//===- MxBase.td - the mx dialect and its attribute kinds ----*- tablegen -*-===//
//
// The mx dialect holds MXNet's symbolic operators, one op per operator, with
// MXNet's operator and attribute names. These records are the single
// definition of every operator: tools/gen_optable.py reads them (through
// `llvm-tblgen --dump-json`) and generates the plain C++ op table that the
// runtime registers its kernels against and that the Python frontend turns
// into mx.nd.* and mx.sym.*.
//
// Besides ODS's own fields, every attribute carries its MXNet kind, its
// default in MXNet's string form and, for enums, its choices; every op
// carries its MXNet name, aliases, input conditions and output naming.
//
//===----------------------------------------------------------------------===//

#ifndef MX_BASE_TD
#define MX_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "MxInterfaces.td"

def Mx_Dialect : Dialect {
  let name = "mx";
  let cppNamespace = "::mlir::mx";
  let summary = "MXNet's symbolic operators";
  let description = [{
    Operators of MXNet 1.x symbol graphs, with MXNet's names and attributes.
    A graph is a `func.func` whose arguments are the symbol's arguments
    followed by its auxiliary states, and whose results are its outputs.
  }];
  // Attributes live in the op's attribute dictionary, so generic code
  // (import, export, the op table bridge) reads them by name.
  let usePropertiesForAttributes = 0;
  let hasConstantMaterializer = 0;
  // !mx.unknown (MxTypes.td), and canonicalization patterns kept with the
  // dialect (dialects/mx/MxCanonicalize.cpp) rather than in each op's def.
  let useDefaultTypePrinterParser = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Attribute kinds. Each wraps an MLIR attribute constraint and records what
// the op table needs: mxKind, mxDefault (MXNet string form, "" if required),
// mxRequired, mxChoices.
//===----------------------------------------------------------------------===//

class MxAttrMeta<string kind, string dflt, bit required, list<string> choices = []> {
  string mxKind = kind;
  string mxDefault = dflt;
  bit mxRequired = required;
  list<string> mxChoices = choices;
}

class MxChoice<list<string> choices> : AttrConstraint<
    CPred<"::llvm::is_contained(::llvm::ArrayRef<::llvm::StringRef>{\"" #
          !interleave(choices, "\", \"") # "\"}, ::llvm::cast<::mlir::StringAttr>($_self).getValue())">,
    "one of '" # !interleave(choices, "', '") # "'">;

// Optional values: "None" or a value. When MXNet's default is None the
// attribute is absent for None. When the default is a value (topk's
// axis=-1) it is absent for the default and a unit attribute for an
// explicit None, so both stay expressible.
class MxOptOf<Attr value, string kind, string d>
    : OptionalAttr<!if(!eq(d, "None"), value, AnyAttrOf<[value, UnitAttr]>)>,
      MxAttrMeta<kind, d, 0>;

// Integers (num_hidden, axis, ...).
class MxInt<string d> : DefaultValuedAttr<I64Attr, d>, MxAttrMeta<"int", d, 0>;
def MxIntReq : ConfinedAttr<I64Attr, []>, MxAttrMeta<"int", "", 1>;
class MxOptInt<string d = "None"> : MxOptOf<I64Attr, "optint", d>;
// Required, but None is a value (slice_axis's end).
def MxOptIntReq : AnyAttrOf<[I64Attr, UnitAttr]>, MxAttrMeta<"optint", "", 1>;

// Floats (eps, momentum, scalar, ...), stored as f64.
class MxFloat<string d> : DefaultValuedAttr<F64Attr, d>, MxAttrMeta<"float", d, 0>;
def MxFloatReq : ConfinedAttr<F64Attr, []>, MxAttrMeta<"float", "", 1>;
class MxOptFloat<string d = "None"> : MxOptOf<F64Attr, "optfloat", d>;

// Booleans; MXNet writes them "True"/"False" (also accepts 1/0/true/false).
class MxBool<string d> : DefaultValuedAttr<BoolAttr, !if(!eq(d, "True"), "true", "false")>,
                         MxAttrMeta<"bool", d, 0>;
// "boolean or None" (Pooling's count_include_pad).
class MxOptBool<string d = "None"> : MxOptOf<BoolAttr, "optbool", d>;

// Strings with a fixed set of values (act_type, pool_type, ...).
class MxEnum<list<string> choices, string d>
    : DefaultValuedAttr<ConfinedAttr<StrAttr, [MxChoice<choices>]>, "\"" # d # "\"">,
      MxAttrMeta<"enum", d, 0, choices>;
class MxEnumReq<list<string> choices>
    : ConfinedAttr<StrAttr, [MxChoice<choices>]>, MxAttrMeta<"enum", "", 1, choices>;
class MxOptEnum<list<string> choices>
    : OptionalAttr<ConfinedAttr<StrAttr, [MxChoice<choices>]>>, MxAttrMeta<"optenum", "None", 0, choices>;

// Free strings (rarely: Custom's op_type, layout names).
class MxStr<string d> : DefaultValuedAttr<StrAttr, "\"" # d # "\"">, MxAttrMeta<"str", d, 0>;

// Shapes and integer tuples, MXNet string form "(3, 3)"; "()" is empty.
class MxShape<string d>
    : DefaultValuedAttr<DenseI64ArrayAttr, !subst("(", "{", !subst(")", "}", !subst(",)", ")", d)))>,
      MxAttrMeta<"shape", d, 0>;
def MxShapeReq : ConfinedAttr<DenseI64ArrayAttr, []>, MxAttrMeta<"shape", "", 1>;
def MxOptShape : OptionalAttr<DenseI64ArrayAttr>, MxAttrMeta<"optshape", "None", 0>;

// Integer tuples whose entries may be None (slice's begin=(None, 2)); a
// None entry is stored as INT64_MIN (mxrt::kNoneIndex in the runtime).
class MxIntOrNoneTuple<string d>
    : DefaultValuedAttr<DenseI64ArrayAttr, !subst("(", "{", !subst(")", "}", d))>,
      MxAttrMeta<"intornonetuple", d, 0>;
def MxIntOrNoneTupleReq : ConfinedAttr<DenseI64ArrayAttr, []>, MxAttrMeta<"intornonetuple", "", 1>;

// dtype names ("float32", ...). Ops accept subsets, given as `choices`;
// optional ones default to None.
defvar MxDTypeNames = ["float32", "float64", "float16", "uint8", "int32", "int8", "int64",
                       "bool", "int16", "uint16", "uint32", "uint64", "bfloat16"];
class MxDType<string d, list<string> choices = MxDTypeNames> : MxEnum<choices, d> {
  let mxKind = "dtype";
}
class MxDTypeReq<list<string> choices = MxDTypeNames> : MxEnumReq<choices> { let mxKind = "dtype"; }
class MxOptDType<list<string> choices = MxDTypeNames> : MxOptEnum<choices> { let mxKind = "optdtype"; }

//===----------------------------------------------------------------------===//
// Op base class.
//===----------------------------------------------------------------------===//

// Every op gets the generic interfaces of MxInterfaces.td (verification,
// shape and type inference, in-place pairs), implemented from the op table.
class Mx_Op<string mnemonic, list<Trait> traits = []>
    : Op<Mx_Dialect, mnemonic,
         !listconcat([Mx_OpInterface, Mx_InferShapeOpInterface, Mx_InferElementTypeOpInterface,
                      Mx_InplaceOpInterface], traits)> {
  // MXNet's registered name (what symbol JSON writes) and its aliases.
  string mxName = mnemonic;
  list<string> mxAliases = [];
  // Inputs that exist only under a condition on attributes, as
  // "input=cond" with cond one of: attr, !attr, attr==value, attr!=value.
  // E.g. FullyConnected: ["bias=!no_bias"].
  list<string> mxInputConds = [];
  // Variadic ops (Concat, add_n): the attribute holding the input count.
  string mxNumArgsAttr = "";
  // Output names as list_outputs() shows them (`<node>_<name>`); empty
  // means "output" for one output, "output<i>" for several. Variadic results
  // take one pattern with "{i}" for the index (SliceChannel: "output{i}",
  // which names even a single output "output0").
  list<string> mxOutputNames = [];
  // The number of outputs, when an attribute decides it (SliceChannel).
  string mxNumOutputsAttr = "";
  // The number of outputs when attributes decide it, as a count expression
  // (below); the ODS results are then the most there can be, the last ones
  // Optional (LeakyReLU: "act_type==rrelu?2:1"). Empty: every ODS result,
  // or mxNumOutputsAttr's value for variadic results.
  string mxNumOutputs = "";
  // Visible outputs when fewer than all (BatchNorm: 1 unless
  // output_mean_var), as a count expression.
  //
  // Count expressions: an integer; an int attribute's name; `len(attr)`, the
  // length of a tuple attribute; or `cond?expr:expr`, where cond is attr
  // (true, non-zero, non-empty), !attr, attr==value or attr!=value, compared
  // in MXNet's string form. Nested conditions group to the right:
  // "state_outputs?mode==lstm?3:2:1".
  string mxVisibleOutputs = "";
  // Outputs that MXNet 1.9.1's symbol JSON counts in node_row_ptr, when more
  // than the op has: its pip build (MKL-DNN) registers max Pooling with a
  // hidden workspace output. A count expression; empty: the op's outputs.
  string mxJsonOutputs = "";
  // Initializers MXNet sets on variables composed into given inputs
  // (FSetInputVarAttrOnCompose), as "input:initializer": BatchNorm gives
  // moving_mean `__init__ = ["zero", {}]` unless the variable has one.
  list<string> mxInputInit = [];
  // Inputs the op mutates: auxiliary states (BatchNorm: [3, 4]).
  list<int> mxMutateInputs = [];
  // Pairs (input, output) that may share a buffer (in-place).
  list<int> mxInplace = [];
  // Loss layers take no head gradient (SoftmaxOutput, *RegressionOutput).
  bit mxIsLoss = 0;
  // The op has no gradient (argmax, one_hot, comparisons, ...).
  bit mxNoGradient = 0;
  // An internal op: passes create it (backward ops of mx-gradient,
  // MxGradOps.td); it is not an MXNet operator, so the Python frontend does
  // not expose it and symbol JSON import does not accept it.
  bit mxInternal = 0;
  // Exposed to Python with this hint for automatic names; default is
  // the lower-cased name as MXNet does.
  string mxNameHint = "";
}

#endif // MX_BASE_TD
