// norm.cc - shape and type inference of the normalization layers.
//
// The data decides everything: per-channel parameters and statistics take
// the channel extent, the output the data's shape. Nothing flows back from
// the parameters to the data. InstanceNorm and GroupNorm overwrite their
// parameter shapes rather than check them, as MXNet does.
#include "ops/infer/common.h"

namespace mxrt::infer {
namespace {

/// The `axis` attribute as a dim of data; "Channel axis out of range".
int channelAxis(const Attrs &attrs, const TShape &data) {
  int64_t axis = attrs.getInt("axis");
  int64_t a = axis < 0 ? axis + data.ndim() : axis;
  if (a < 0 || a >= data.ndim())
    throw ShapeError(str("Channel axis out of range: axis=", axis));
  return int(a);
}

bool batchNormShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  TShape channels{data[channelAxis(attrs, data)]};
  // MXNet sets the parameter shapes rather than checking them; a known one
  // is kept while the channel extent is still unknown.
  for (int i = 1; i <= 4; ++i)
    if (known(channels[0]) || !in[size_t(i)].ndimKnown())
      in[size_t(i)] = channels;
  assignOut(out, 0, data);
  assignOut(out, 1, channels);
  assignOut(out, 2, channels);
  return allKnown(in, out);
}

/// The dtype statistics are kept in: float32 for half precision.
DType accType(DType t) {
  switch (t) {
  case DType::Float16:
  case DType::BFloat16:
  case DType::Float32:
    return DType::Float32;
  case DType::Float64:
    return DType::Float64;
  default:
    throw ShapeError(str("This operation only supports floating point types, not ", dtypeName(t)));
  }
}

// BatchNorm: the output takes the data's dtype, the parameters and
// statistics its accumulation dtype (float32 for float16 data).
bool batchNormType(const Attrs &attrs, Types &in, Types &out) {
  DType t = in[0] != DType::Unknown ? in[0] : out[0];
  if (t == DType::Unknown)
    return false;
  in[0] = t;
  DType param = accType(t);
  assignOut(out, 0, t);
  for (size_t i = 1; i < out.size(); ++i)
    assignOut(out, int(i), param);
  requireUniform(attrs, in, param, 1);
  return true;
}

bool layerNormShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  int a = channelAxis(attrs, data);
  TShape channels{data[a]};
  assignIn(in, 1, channels);
  assignIn(in, 2, channels);
  TShape moments = data;
  moments[a] = 1;
  assignOut(out, 0, data);
  assignOut(out, 1, moments);
  assignOut(out, 2, moments);
  return allKnown(in, out);
}

bool instanceNormShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  for (int i = 1; i <= 2; ++i)
    if (known(data[1]) || !in[size_t(i)].ndimKnown())
      in[size_t(i)] = TShape{data[1]};
  assignOut(out, 0, data);
  assignOut(out, 1, TShape{data[0], data[1]});
  assignOut(out, 2, TShape{data[0], data[1]});
  return allKnown(in, out);
}

bool groupNormShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  if (data.ndim() < 3)
    throw ShapeError(str("GroupNorm needs data of 3 or more dims, got ", bracket(data)), 0, false);
  int64_t groups = attrs.getInt("num_groups");
  if (data[1] % groups != 0)
    throw ShapeError("# of channels must be divisible by # of groups");
  in[1] = in[2] = TShape{groups};
  assignOut(out, 0, data);
  assignOut(out, 1, TShape{data[0], groups});
  assignOut(out, 2, TShape{data[0], groups});
  return allKnown(in, out);
}

bool l2NormalizationShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  const std::string &mode = attrs.getStr("mode");
  assignOut(out, 0, data);
  if (mode == "instance") {
    assignOut(out, 1, TShape{data[0]});
  } else {
    if (data.ndim() < 3)
      throw ShapeError(str("At lease 3 dimensions required in ", mode, " mode"), 0, false);
    TShape norm = data;
    if (mode == "channel")
      norm[1] = 1;
    else
      norm = TShape{data[0], data[1]};
    assignOut(out, 1, norm);
  }
  return allKnown(in, out);
}

const struct Registrations {
  Registrations() {
    Register("BatchNorm", batchNormShape, batchNormType);
    Register("LayerNorm", layerNormShape);
    Register("InstanceNorm", instanceNormShape, float32Only);
    Register("GroupNorm", groupNormShape);
    Register("L2Normalization", l2NormalizationShape);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
