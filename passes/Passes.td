//===- Passes.td - mx passes -----------------------------------*- tablegen -*-===//
//
// Every pass of the mx pipeline. Each has its own .cpp under passes/ and a
// lit test under test/lit/passes/.
//
//===----------------------------------------------------------------------===//

#ifndef MX_PASSES_TD
#define MX_PASSES_TD

include "mlir/Pass/PassBase.td"

def MxInferShape : Pass<"mx-infer-shape", "func::FuncOp"> {
  let summary = "Infer tensor shapes forward and backward, as MXNet's infer_shape";
  let description = [{
    Gives the graph's arguments the shapes named in `shapes` (replacing what
    the graph says, as MXNet's keyword shapes override `__shape__`), then
    asks every op implementing InferShapeOpInterface to refine its operand
    and result types, forward then backward over the graph, until nothing
    changes. Shape functions fill inputs from outputs too, so parameters
    (weights, biases, labels, auxiliary states) get their shapes from the
    data. The function type is updated to match. Unknown dims that stay
    unknown are not an error unless `require-complete` is set; a conflict is
    ("Error in operator fc1: Shape inconsistent, Provided = ..., inferred
    shape=...").

    Before (`--mx-infer-shape="shapes=data:2,5"`):
    ```mlir
    func.func @main(%data: tensor<*x!mx.unknown> {mx.name = "data"},
                    %w: tensor<*x!mx.unknown> {mx.name = "fc_weight"}) -> tensor<*x!mx.unknown> {
      %0 = "mx.FullyConnected"(%data, %w) {num_hidden = 3 : i64, no_bias = true}
          : (tensor<*x!mx.unknown>, tensor<*x!mx.unknown>) -> tensor<*x!mx.unknown>
      return %0 : tensor<*x!mx.unknown>
    }
    ```
    After: `%data : tensor<2x5x!mx.unknown>`, `%w : tensor<3x5x!mx.unknown>`,
    `%0 : tensor<2x3x!mx.unknown>`.

    In `shapes`, entries are `name:d0,d1,...` separated by `;`; a dim `?` or
    `-1` is unknown and, unless the graph uses numpy shape semantics
    (`mx.np_shape` on the function), so is `0`, as in MXNet 1.x; `name:()`
    is a scalar.
  }];
  let options = [
    Option<"shapes", "shapes", "std::string", /*default=*/"\"\"",
           "Argument shapes, e.g. 'data:1,3,224,224;softmax_label:1'">,
    Option<"requireComplete", "require-complete", "bool", /*default=*/"false",
           "Fail, naming them, when some argument shapes stay unknown">,
  ];
}

def MxInferType : Pass<"mx-infer-type", "func::FuncOp"> {
  let summary = "Infer element types forward and backward, as MXNet's infer_type";
  let description = [{
    Gives the graph's arguments the element types named in `dtypes`, then
    refines every op's operand and result element types through
    InferElementTypeOpInterface until nothing changes, replacing
    `!mx.unknown`. Arguments (not auxiliary states) still unknown then get
    `default-dtype` and inference runs again. This is MXNet's simple_bind:
    without a type_dict every argument lacking `__dtype__` is float32; with
    one (data=float16), inference decides the rest (the weights become
    float16 too). Where simple_bind would fail for an argument nothing
    decides, this gives it the default. An empty `default-dtype` leaves such
    arguments unknown, as infer_type does.

    Before (`--mx-infer-type="dtypes=data:float16"`):
    ```mlir
    %0 = "mx.Activation"(%data) {act_type = "relu"}
        : (tensor<2x!mx.unknown>) -> tensor<2x!mx.unknown>
    ```
    After: `(tensor<2xf16>) -> tensor<2xf16>`.
  }];
  let options = [
    Option<"dtypes", "dtypes", "std::string", /*default=*/"\"\"",
           "Argument dtypes, e.g. 'data:float32;softmax_label:int32'">,
    Option<"defaultDType", "default-dtype", "std::string", /*default=*/"\"float32\"",
           "dtype of arguments inference leaves unknown ('' to keep them unknown)">,
  ];
}

#endif // MX_PASSES_TD
