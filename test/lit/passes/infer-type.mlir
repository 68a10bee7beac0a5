// RUN: mxc-opt %s --split-input-file --mx-infer-type="dtypes=a:float16" | FileCheck %s
// RUN: mxc-opt %s --split-input-file --mx-infer-type="default-dtype=" | FileCheck %s --check-prefix=NODEFAULT

// The given dtype flows forward and backward; !mx.unknown is replaced.
// CHECK-LABEL: func.func @given
// CHECK-SAME: (%{{.*}}: tensor<2xf16> {mx.name = "a"}, %{{.*}}: tensor<2xf16> {mx.name = "b"}) -> tensor<2xf16>
// NODEFAULT-LABEL: func.func @given
// NODEFAULT-SAME: (%{{.*}}: tensor<2x!mx.unknown> {mx.name = "a"}, %{{.*}}: tensor<2x!mx.unknown> {mx.name = "b"}) -> tensor<2x!mx.unknown>
func.func @given(%a: tensor<2x!mx.unknown> {mx.name = "a"}, %b: tensor<2x!mx.unknown> {mx.name = "b"}) -> tensor<2x!mx.unknown> {
  // CHECK: "mx.elemwise_add"({{.*}}) : (tensor<2xf16>, tensor<2xf16>) -> tensor<2xf16>
  %0 = "mx.elemwise_add"(%a, %b) : (tensor<2x!mx.unknown>, tensor<2x!mx.unknown>) -> tensor<2x!mx.unknown>
  return %0 : tensor<2x!mx.unknown>
}

// -----

// Arguments nothing decides get the default (simple_bind's float32); a type
// the graph already has is kept and propagated first.
// CHECK-LABEL: func.func @defaulted
// CHECK-SAME: (%{{.*}}: tensor<3xf16> {mx.name = "a"}, %{{.*}}: tensor<3xf32> {mx.name = "x"}, %{{.*}}: tensor<3xf64> {mx.name = "y"}, %{{.*}}: tensor<3xf64> {mx.name = "z"})
// NODEFAULT-LABEL: func.func @defaulted
// NODEFAULT-SAME: (%{{.*}}: tensor<3x!mx.unknown> {mx.name = "a"}, %{{.*}}: tensor<3x!mx.unknown> {mx.name = "x"}, %{{.*}}: tensor<3xf64> {mx.name = "y"}, %{{.*}}: tensor<3xf64> {mx.name = "z"})
func.func @defaulted(%a: tensor<3x!mx.unknown> {mx.name = "a"}, %x: tensor<3x!mx.unknown> {mx.name = "x"}, %y: tensor<3xf64> {mx.name = "y"}, %z: tensor<3x!mx.unknown> {mx.name = "z"}) -> (tensor<3x!mx.unknown>, tensor<3x!mx.unknown>) {
  %0 = "mx.relu"(%x) : (tensor<3x!mx.unknown>) -> tensor<3x!mx.unknown>
  %1 = "mx.elemwise_sub"(%y, %z) : (tensor<3xf64>, tensor<3x!mx.unknown>) -> tensor<3x!mx.unknown>
  return %0, %1 : tensor<3x!mx.unknown>, tensor<3x!mx.unknown>
}
