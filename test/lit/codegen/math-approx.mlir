// RUN: mxc-opt %s --mxc-math-approx | FileCheck %s

// tanh and exp become polynomial approximations (no libm call, no
// unlowerable math.tanh); f64 math is left for intrinsics or libm.
// CHECK-LABEL: func.func @approx
// CHECK-NOT: math.tanh
// CHECK-NOT: math.exp {{.*}} : f32
// CHECK: math.fma
// CHECK: math.exp {{.*}} : f64
func.func @approx(%x: f32, %y: f64) -> (f32, f64) {
  %0 = math.tanh %x : f32
  %1 = math.exp %0 : f32
  %2 = math.exp %y : f64
  return %1, %2 : f32, f64
}
