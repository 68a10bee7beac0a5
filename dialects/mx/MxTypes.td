//===- MxTypes.td - the mx dialect's types -------------------*- tablegen -*-===//
//
// Graph values are builtin tensors: ranked with `?` for unknown extents,
// unranked (`tensor<*x...>`) for an unknown rank. The one type of our own is
// the element type that is not known yet: MXNet graphs often say nothing
// about dtypes until infer_type runs, and MLIR accepts a dialect type as a
// tensor element type.
//
//===----------------------------------------------------------------------===//

#ifndef MX_TYPES_TD
#define MX_TYPES_TD

include "MxBase.td"

class Mx_Type<string name, string typeMnemonic> : TypeDef<Mx_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def Mx_UnknownType : Mx_Type<"Unknown", "unknown"> {
  let summary = "an element type not inferred yet";
  let description = [{
    The element type of a tensor whose dtype MXNet's type inference has not
    decided: `tensor<2x3x!mx.unknown>`. mx-infer-type replaces it with a
    builtin type (f32, f16, bf16, f64, i8, ui8, i16, ui16, i32, ui32, i64,
    ui64, i1 for bool).
  }];
}

#endif // MX_TYPES_TD
