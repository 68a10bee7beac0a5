// backward.cc - shapes of the internal backward ops (dialects/mx/MxGradOps.td).
//
// mx-gradient creates these with their types already known; the functions
// here let inference passes run over a differentiated graph and the runtime
// check a call like any other op. Each output has the shape of the forward
// input it is the gradient of.
#include "ops/infer/common.h"

namespace mxrt::infer {
namespace {

/// _backward_Pooling(out_grad, data, output) -> data_grad: out_grad and
/// output share a shape, data and data_grad another.
bool poolingGradShape(const Attrs &, Shapes &in, Shapes &out) {
  TShape dy = in[0];
  if (!merge(dy, in[2]))
    throw ShapeError(
        str("out_grad ", bracket(in[0]), " and output ", bracket(in[2]), " must have one shape"), 2,
        false);
  assignIn(in, 0, dy);
  assignIn(in, 2, dy);
  assignOut(out, 0, in[1]);
  assignIn(in, 1, out[0]);
  return allKnown(in, out);
}

const struct Registrations {
  Registrations() { Register("_backward_Pooling", poolingGradShape); }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
