// optimizer.cc - shape and type inference of the optimizer update steps.
//
// The weight, the gradient, the states and the new weight share one shape
// (MXNet leaves some mixed-precision states unchecked); LAMB phase 2's norms
// r1, r2 are 1-element arrays. The mixed-precision steps keep their master
// weight and states in float32 while the weight and gradient share any
// dtype.
#include "ops/infer/common.h"

namespace mxrt::infer {
namespace {

/// Per op: how many leading inputs share the weight's shape (the rest are
/// unconstrained or 1-element), and how many share its dtype (the rest are
/// float32 master copies and states): MXNet's ElemwiseAttr<n_in> and
/// MP_InferType<n_in> counts.
struct UpdateSpec {
  std::string_view op;
  int sameShape;
  int sameType;
};

constexpr UpdateSpec kSpecs[] = {
    {"sgd_update", 2, 2},        {"sgd_mom_update", 3, 3},     {"nag_mom_update", 3, 3},
    {"adam_update", 4, 4},       {"rmsprop_update", 3, 3},     {"rmspropalex_update", 5, 5},
    {"ftrl_update", 4, 4},       {"ftml_update", 5, 5},        {"signsgd_update", 2, 2},
    {"signum_update", 3, 3},     {"lamb_update_phase1", 4, 4}, {"mp_sgd_update", 3, 2},
    {"mp_sgd_mom_update", 4, 2}, {"mp_nag_mom_update", 4, 2},  {"mp_lamb_update_phase1", 5, 2},
    {"_adamw_update", 4, 4},     {"_mp_adamw_update", 2, 2},
};

const UpdateSpec &specOf(const Attrs &attrs) {
  for (const UpdateSpec &s : kSpecs)
    if (s.op == attrs.op().name)
      return s;
  fail("no update spec for ", attrs.op().name);
}

bool updateShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  Shapes lead(in.begin(), in.begin() + specOf(attrs).sameShape);
  bool done = unifyAll(lead, out);
  std::copy(lead.begin(), lead.end(), in.begin());
  return done && allKnown(in);
}

bool updateType(const Attrs &attrs, Types &in, Types &out) {
  size_t shared = size_t(specOf(attrs).sameType);
  for (size_t i = shared; i < in.size(); ++i)
    assignIn(in, int(i), DType::Float32);
  Types lead(in.begin(), in.begin() + std::ptrdiff_t(shared));
  bool done = unifyAll(lead, out);
  std::copy(lead.begin(), lead.end(), in.begin());
  return done;
}

// LAMB phase 2: weight and g (and weight32) of one shape, compared as given;
// r1 and r2 are the 1-element norms.
bool lambPhase2Shape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &weight = in[0];
  std::vector<size_t> same{1};
  if (in.size() > 4)
    same.push_back(4);
  for (size_t k : same) {
    if (weight.ndim() != in[k].ndim())
      throw ShapeError("total no. of dimensions for weights and g must match", int(k), false);
    for (int i = 0; i < weight.ndim(); ++i)
      if (weight[i] != in[k][i])
        throw ShapeError(str("weight and g dimension size mismatch at ", i, "-th index"), int(k),
                         false);
  }
  for (size_t k : {size_t(2), size_t(3)})
    if (in[k].ndim() < 1 || in[k][0] != 1)
      throw ShapeError(str(k == 2 ? "r1" : "r2", " shape incorrect"), int(k), false);
  assignOut(out, 0, weight);
  return allKnown(in, out);
}

// LAMB phase 2: the weight and the new weight share a dtype; g, r1, r2 (and
// weight32) are float32.
bool lambPhase2Type(const Attrs &, Types &in, Types &out) {
  for (size_t i = 1; i < in.size(); ++i)
    assignIn(in, int(i), DType::Float32);
  Types weight{in[0]};
  bool done = unifyAll(weight, out);
  in[0] = weight[0];
  return done;
}

// Mixed-precision LAMB phase 1: float16 weight and gradient, float32 states,
// master weight and output.
bool mpLambPhase1Type(const Attrs &, Types &in, Types &out) {
  for (size_t i = 0; i < in.size(); ++i)
    assignIn(in, int(i), i < 2 ? DType::Float16 : DType::Float32);
  assignOut(out, 0, DType::Float32);
  return true;
}

bool allFiniteShape(const Attrs &, Shapes &in, Shapes &out) {
  assignOut(out, 0, TShape{1});
  return in[0].known();
}

bool allFiniteType(const Attrs &, Types &in, Types &out) {
  assignOut(out, 0, DType::Float32);
  return in[0] != DType::Unknown;
}

const struct Registrations {
  Registrations() {
    for (const UpdateSpec &s : kSpecs)
      Register(s.op, updateShape, s.op == "mp_lamb_update_phase1" ? mpLambPhase1Type : updateType);
    Register("lamb_update_phase2", lambPhase2Shape,
             [](const Attrs &, Types &in, Types &out) { return unifyAll(in, out); });
    Register("mp_lamb_update_phase2", lambPhase2Shape, lambPhase2Type);
    Register("all_finite", allFiniteShape, allFiniteType);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
