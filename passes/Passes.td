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

def MxGradient : Pass<"mx-gradient", "func::FuncOp"> {
  let summary = "Append the backward graph, with MXNet's grad_req semantics";
  let description = [{
    Differentiates the graph function with respect to the arguments that
    request a gradient, as MXNet's executor does on bind: the gradients
    become extra results (`mx.grad_of = "<argument>"`), the head gradients
    of the outputs extra arguments (`mx.head_grad = <result index>`),
    except for outputs of loss layers (SoftmaxOutput, *RegressionOutput,
    MakeLoss, ...), which compute their own gradient, and of BlockGrad.
    `grad-req` names arguments with 'write', 'add' or 'null'; the others
    take `default-grad-req`; auxiliary states take none. 'add' adds an
    argument holding the incoming gradient (also `mx.grad_of`) and returns
    the sum. Each op's gradient comes from its row in the gradient table
    (passes/GradientRules*.cpp), built from forward mx ops where possible;
    backward ops carry `mx.phase = "backward"`. Shapes and dtypes must be
    known (run mx-infer-shape and mx-infer-type first). With `train`, the
    function is marked `mx.train`: BatchNorm uses batch statistics and
    Dropout its mask, forward and backward.

    Before (`--mx-gradient="grad-req=x:null"`):
    ```mlir
    func.func @main(%x: tensor<2x5xf32> {mx.name = "x"},
                    %w: tensor<3x5xf32> {mx.name = "w"}) -> tensor<2x3xf32> {
      %0 = "mx.FullyConnected"(%x, %w) {num_hidden = 3 : i64, no_bias = true}
          : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
      return %0 : tensor<2x3xf32>
    }
    ```
    After: a third argument `%dy: tensor<2x3xf32> {mx.head_grad = 0}`,
    `%1 = "mx.dot"(%dy, %x) {transpose_a = true}`, and
    `return %0, %1` with the second result `{mx.grad_of = "w"}`.
  }];
  let options = [
    Option<"gradReq", "grad-req", "std::string", /*default=*/"\"\"",
           "grad_req per argument, e.g. 'fc1_weight:write,data:null' ('write', 'add', 'null')">,
    Option<"defaultGradReq", "default-grad-req", "std::string", /*default=*/"\"write\"",
           "grad_req of arguments not named in grad-req (MXNet's simple_bind default: write)">,
    Option<"train", "train", "bool", /*default=*/"true",
           "Mark the function for training (mx.train)">,
  ];
}

def MxFuse : Pass<"mx-fuse", "func::FuncOp"> {
  let summary = "Fuse chains of elementwise ops, and their anchors' epilogues, into one kernel each";
  let description = [{
    Groups ops that become one kernel: chains of elementwise, broadcast and
    scalar ops, activations, casts and inference BatchNorm ("elementwise"),
    and with `epilogues` the FullyConnected or Convolution that feeds such a
    chain ("epilogue"). A group grows from its root (the op whose result
    leaves it) towards the producers; a producer joins only when every use
    of its results is in the group and it is in the root's `mx.phase`, so a
    group never mixes forward and backward ops and its only result is the
    root's. Each group's ops move into an `scf.execute_region` marked
    `mx.fused = "<rule>"`; the values inside are no longer graph values, so
    mx-plan-memory (which runs after) gives them no buffer, and
    mx-outline-kernels makes the region one kernel whose ops lower one by
    one and merge their loops (linalg-fuse-elementwise-ops). Ops marked
    `mx.train` stay alone. `report` prints each group and each producer
    left out of one, with the reason, as remarks
    (`-debug-only=mx-fuse` prints the same in builds with assertions).

    Before:
    ```mlir
    %0 = "mx.elemwise_mul"(%a, %b) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
    %1 = "mx.elemwise_add"(%0, %c) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
    %2 = "mx.relu"(%1) : (tensor<16xf32>) -> tensor<16xf32>
    ```
    After:
    ```mlir
    %2 = scf.execute_region -> tensor<16xf32> {
      %0 = "mx.elemwise_mul"(%a, %b) : ...
      %1 = "mx.elemwise_add"(%0, %c) : ...
      %3 = "mx.relu"(%1) : ...
      scf.yield %3 : tensor<16xf32>
    } {mx.fused = "elementwise"}
    ```
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
  let options = [
    Option<"epilogues", "epilogues", "bool", /*default=*/"true",
           "Fuse FullyConnected/Convolution with the elementwise ops that consume them">,
    Option<"maxOps", "max-ops", "unsigned", /*default=*/"0",
           "The most ops in one group (0: no limit)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Report each group and each producer left out, with the reason, as remarks">,
  ];
}

def MxPlanMemory : Pass<"mx-plan-memory", "func::FuncOp"> {
  let summary = "Assign buffers to values: liveness-based reuse and in-place ops, as MXNet's PlanMemory";
  let description = [{
    Gives every value an op produces a buffer: a value whose last reader
    allows it (the op table's in-place pairs) shares its input's buffer,
    else it starts one. Buffers live from their first value's definition to
    their last value's last reader, and share memory when their lifetimes
    do not overlap: placement 'arena' packs them into one slot at offsets
    (largest first, into the best-fitting gap), placement 'pool' gives each
    a slot of its own, reusing a freed slot of a close size (MXNet's
    GraphAllocator, `match-range`). Function arguments and returned values
    are not planned: the caller owns them. In a training graph (after
    mx-gradient) forward values stay live until their last backward use.
    Ops get `mx.buffer`, an array of `{slot = s, offset = o}`, one per
    result (slot -1 for results not planned); the function gets `mx.plan`
    with `slots` (the bytes of each slot, `alignment`-byte aligned) and the
    statistics: `planned_bytes` (all slots), `unplanned_bytes` (one buffer
    per value) and `peak_bytes` (the most bytes simultaneously live; plans
    without in-place sharing cannot go below it). `stats` prints them as a
    remark.

    Before:
    ```mlir
    %0 = "mx.relu"(%x) : (tensor<1024xf32>) -> tensor<1024xf32>
    %1 = "mx.sigmoid"(%0) : (tensor<1024xf32>) -> tensor<1024xf32>
    %2 = "mx.exp"(%1) : (tensor<1024xf32>) -> tensor<1024xf32>
    ```
    After: `%0` and `%1` both at offset 0 of slot 0 (`mx.buffer`, %1 in
    place), and `mx.plan = {planned_bytes = 4096, slots = array<i64: 4096>,
    unplanned_bytes = 8192, ...}`.
  }];
  let options = [
    Option<"disable", "disable", "bool", /*default=*/"false",
           "One buffer per value (no reuse, no in-place): for comparison and debugging">,
    Option<"inplace", "inplace", "bool", /*default=*/"true",
           "Let ops run in place where the op table allows it">,
    Option<"placement", "placement", "std::string", /*default=*/"\"arena\"",
           "'arena' (one slot, buffers at offsets) or 'pool' (a slot per buffer, MXNet's)">,
    Option<"matchRange", "match-range", "unsigned", /*default=*/"16",
           "Pool placement: reuse a free slot only within this size ratio (MXNet's match_range)">,
    Option<"alignment", "alignment", "unsigned", /*default=*/"64",
           "Byte alignment of every buffer in the arena">,
    Option<"stats", "stats", "bool", /*default=*/"false",
           "Report planned, unplanned and peak bytes as a remark">,
  ];
}

#endif // MX_PASSES_TD
