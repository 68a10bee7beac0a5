//===- MxInterfaces.td - what passes ask of an mx op ----------*- tablegen -*-===//
//
// Four op interfaces that every mx op carries (MxBase.td adds them to the
// Mx_Op class). Their default implementations are generic: they look the op
// up in the op table generated from the same ODS (mxrt::findOp), convert its
// attributes to mxrt::Attrs and call what the runtime registered for it
// (mxrt::opImpl). So an op needs no C++ of its own to be verified, to infer
// shapes and types, or to tell whether it may run in place, and the compiler
// and the runtime answer these questions with the same code.
//
//===----------------------------------------------------------------------===//

#ifndef MX_INTERFACES_TD
#define MX_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Mx_OpInterface : OpInterface<"MxOpInterface"> {
  let cppNamespace = "::mlir::mx";
  let description = [{
    An MXNet operator: its op table entry (MXNet name, inputs, attributes,
    outputs), its graph node name and its attributes as the runtime sees
    them. The interface's verifier checks what ODS cannot: attribute names,
    input counts against attribute conditions (`no_bias`, `num_args`),
    output counts, and the ranks of spatial attributes (`kernel`, `stride`,
    `dilate`, `pad`, `adj`).
  }];
  let methods = [
    InterfaceMethod<"The op's entry in the generated op table.",
      "const ::mxrt::OpSpec &", "getOpSpec", (ins), [{}], [{
        return ::mlir::mx::getOpSpec($_op.getOperation());
      }]>,
    InterfaceMethod<[{
        The MXNet node name: the first name in the op's location, or "" for
        an op a pass created without one.
      }],
      "std::string", "getNodeName", (ins), [{}], [{
        return ::mlir::mx::getNodeName($_op.getOperation());
      }]>,
  ];
  let verify = [{ return ::mlir::mx::verifyMxOp($_op); }];
}

def Mx_InferShapeOpInterface : OpInterface<"InferShapeOpInterface"> {
  let cppNamespace = "::mlir::mx";
  let description = [{
    Shape inference in both directions, as MXNet's FInferShape: given the
    current operand and result types (ranked with `?` dims, or unranked),
    refine any of them from the others. The mx-infer-shape pass calls it until
    nothing changes.
  }];
  let methods = [
    InterfaceMethod<[{
        Refines `operandTypes` and `resultTypes` in place (tensor types; only
        shapes change). Emits an error naming the node and fails on a
        conflict; leaving entries unknown is not an error.
      }],
      "::mlir::LogicalResult", "inferShapes",
      (ins "::llvm::SmallVectorImpl<::mlir::Type> &":$operandTypes,
           "::llvm::SmallVectorImpl<::mlir::Type> &":$resultTypes), [{}], [{
        return ::mlir::mx::inferShapesFromRuntime($_op.getOperation(), operandTypes, resultTypes);
      }]>,
  ];
}

def Mx_InferElementTypeOpInterface : OpInterface<"InferElementTypeOpInterface"> {
  let cppNamespace = "::mlir::mx";
  let description = [{
    Element type inference in both directions, as MXNet's FInferType. An
    unknown element type is `!mx.unknown`.
  }];
  let methods = [
    InterfaceMethod<[{
        Refines the element types of `operandTypes` and `resultTypes` in
        place; fails, with an error naming the node, on a conflict.
      }],
      "::mlir::LogicalResult", "inferElementTypes",
      (ins "::llvm::SmallVectorImpl<::mlir::Type> &":$operandTypes,
           "::llvm::SmallVectorImpl<::mlir::Type> &":$resultTypes), [{}], [{
        return ::mlir::mx::inferElementTypesFromRuntime($_op.getOperation(), operandTypes,
                                                        resultTypes);
      }]>,
  ];
}

def Mx_InplaceOpInterface : OpInterface<"InplaceOpInterface"> {
  let cppNamespace = "::mlir::mx";
  let description = [{
    Which results may share a buffer with which operands (MXNet's
    FInplaceOption), for memory planning.
  }];
  let methods = [
    InterfaceMethod<"(operand, result) pairs that may share a buffer.",
      "::llvm::SmallVector<std::pair<unsigned, unsigned>>", "getInplacePairs", (ins), [{}], [{
        return ::mlir::mx::getInplacePairs($_op.getOperation());
      }]>,
    InterfaceMethod<"May result `result` reuse operand `operand`'s buffer?",
      "bool", "mayRunInPlace", (ins "unsigned":$operand, "unsigned":$result), [{}], [{
        return ::llvm::is_contained(::mlir::mx::getInplacePairs($_op.getOperation()),
                                    std::make_pair(operand, result));
      }]>,
  ];
}

#endif // MX_INTERFACES_TD
