// nn.cc - shape and type inference of the neural-network layers.
//
// FullyConnected, Convolution, Deconvolution and Pooling follow MXNet's
// formulas exactly, including what they infer backward: the batch size from
// the output, and for stride-1 convolutions the input's spatial extents.
// Layouts other than NC... are handled by moving the channel axis to
// position 1, computing, and moving it back.
#include "ops/infer/common.h"

#include <cmath>

namespace mxrt::infer {
namespace {

bool fullyConnectedShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  TShape data = in[0], given = out[0];
  if (!data.ndimKnown())
    return false;
  int64_t hidden = attrs.getInt("num_hidden");
  bool flatten = attrs.getBool("flatten");
  if (flatten && prodKnown(data, 1, data.ndim()) < 0)
    throw ShapeError("Shape dim size must be known, while received -1", 0, false);
  int64_t k = flatten ? prodKnown(data, 1, data.ndim()) : data[data.ndim() - 1];
  assignIn(in, 1, TShape{hidden, k});
  if (!attrs.getBool("no_bias")) {
    // A (num_hidden, 1) bias is accepted too.
    TShape bias = in[2];
    if (!merge(bias, TShape{hidden})) {
      bias = in[2];
      if (!merge(bias, TShape{hidden, 1}))
        throw ShapeError(str("Unexpected shape for bias ", bracket(in[2])), 2, false);
    }
    in[2] = bias;
  }
  TShape result = data;
  if (flatten)
    result = TShape{data[0], hidden};
  else
    result[data.ndim() - 1] = hidden;
  assignOut(out, 0, result);
  // The batch size flows back from the output given on entry.
  if (given.ndimKnown()) {
    data[0] = given[0];
    assignIn(in, 0, data);
  }
  return allKnown(in, out);
}

/// Where the channel axis of a layout is: 1 (NC...) or last (N...C).
bool channelsLast(const Attrs &attrs) {
  if (attrs.isNone("layout"))
    return false;
  const std::string &layout = attrs.getStr("layout");
  return layout.back() == 'C';
}

/// Moves the channel axis of an N...C shape to position 1, or back.
TShape toNC(const TShape &s, bool last) {
  if (!last || !s.ndimKnown())
    return s;
  TShape r = s;
  r[1] = s[s.ndim() - 1];
  for (int i = 2; i < s.ndim(); ++i)
    r[i] = s[i - 1];
  return r;
}
TShape fromNC(const TShape &s, bool last) {
  if (!last || !s.ndimKnown())
    return s;
  TShape r = s;
  r[s.ndim() - 1] = s[1];
  for (int i = 2; i < s.ndim(); ++i)
    r[i - 1] = s[i];
  return r;
}

/// stride, dilate and pad with MXNet's defaults (1, 1, 0 per spatial dim).
struct Window {
  std::vector<int64_t> kernel, stride, dilate, pad;
  explicit Window(const Attrs &attrs, bool hasDilate = true) : kernel(attrs.getShape("kernel")) {
    size_t nd = kernel.size();
    auto orDefault = [&](std::string_view name, int64_t d) {
      std::vector<int64_t> v = attrs.getShape(name);
      if (v.empty())
        v.assign(nd, d);
      if (v.size() != nd)
        throw ShapeError(str(name,
                             " must have the same number of dimensions as kernel, but "
                             "kernel is ",
                             bracket(shapeOf(kernel)), " while ", name, " is ",
                             bracket(shapeOf(v))));
      return v;
    };
    stride = orDefault("stride", 1);
    dilate = hasDilate ? orDefault("dilate", 1) : std::vector<int64_t>(nd, 1);
    pad = orDefault("pad", 0);
  }
  int64_t dilated(size_t i) const { return dilate[i] * (kernel[i] - 1) + 1; }
};

bool convolutionShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  Window w(attrs);
  int nd = int(w.kernel.size());
  if (nd < 1 || nd > 3)
    throw ShapeError(str(nd, "D convolution not supported"));
  if (!in[0].ndimKnown())
    return false;
  static const char *kRankError[] = {"", "Input data should be 3D in batch-num_filter-x",
                                     "Input data should be 4D in batch-num_filter-y-x",
                                     "Input data should be 5D in batch-num_filter-depth-y-x"};
  if (in[0].ndim() != nd + 2)
    throw ShapeError(kRankError[nd], 0, false);
  bool last = channelsLast(attrs);
  int64_t filters = attrs.getInt("num_filter"), groups = attrs.getInt("num_group");
  TShape data = toNC(in[0], last);

  TShape weight(nd + 2, -1);
  weight[0] = filters / groups * groups;
  weight[1] = known(data[1]) ? data[1] / groups : -1;
  for (int i = 0; i < nd; ++i)
    weight[i + 2] = w.kernel[size_t(i)];
  assignIn(in, 1, fromNC(weight, last));
  if (!attrs.getBool("no_bias"))
    assignIn(in, 2, TShape{filters});
  if (known(data[1]) && data[1] % groups != 0)
    throw ShapeError("input num_filter must divide group size");
  if (filters % groups != 0)
    throw ShapeError("output num_filter must divide group size");
  if (nd == 3 && (w.dilate[0] != 1 || w.dilate[1] != 1 || w.dilate[2] != 1))
    throw ShapeError("Dilate is not supported in 3d convolution");

  TShape result(nd + 2, -1);
  result[0] = data[0];
  result[1] = filters;
  for (int i = 0; i < nd; ++i) {
    size_t k = size_t(i);
    if (known(data[i + 2]))
      result[i + 2] = (data[i + 2] + 2 * w.pad[k] - w.dilated(k)) / w.stride[k] + 1;
  }
  assignOut(out, 0, fromNC(result, last));
  // Backward: the batch size, and spatial extents where the stride is 1.
  TShape o = toNC(out[0], last);
  data[0] = o[0];
  for (int i = 0; i < nd; ++i) {
    size_t k = size_t(i);
    if (known(o[i + 2]) && w.stride[k] == 1)
      data[i + 2] = o[i + 2] + w.dilated(k) - 1 - 2 * w.pad[k];
  }
  assignIn(in, 0, fromNC(data, last));
  for (int i = 0; i < nd; ++i) {
    size_t k = size_t(i);
    if (known(data[i + 2]) && w.dilated(k) > data[i + 2] + 2 * w.pad[k])
      throw ShapeError("kernel size exceed input");
  }
  return allKnown(in, out);
}

// Convolution and Deconvolution: the data's dtype decides every input and
// the output (or the output's, when the data's is unknown).
bool convolutionType(const Attrs &attrs, Types &in, Types &out) {
  DType t = in[0] != DType::Unknown ? in[0] : out[0];
  if (t == DType::Unknown)
    return false;
  requireUniform(attrs, in, t);
  assignOut(out, 0, t);
  return true;
}

bool deconvolutionShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  Window w(attrs);
  int nd = int(w.kernel.size());
  if (nd < 1 || nd > 3)
    throw ShapeError(str(nd, "D deconvolution not supported"));
  if (!in[0].ndimKnown())
    return false;
  if (in[0].ndim() != nd + 2)
    throw ShapeError(str("Input data should be ", nd + 2, "D in batch-num_filter-",
                         nd == 1   ? "x"
                         : nd == 2 ? "y-x"
                                   : "depth-y-x"),
                     0, false);
  bool last = channelsLast(attrs);
  int64_t filters = attrs.getInt("num_filter"), groups = attrs.getInt("num_group");
  std::vector<int64_t> adj = attrs.getShape("adj"), target = attrs.getShape("target_shape");
  TShape data = toNC(in[0], last);

  if (known(data[1]) && data[1] % groups != 0)
    throw ShapeError("input num_filter must divide group size");
  if (filters % groups != 0)
    throw ShapeError("output num_filter must divide group size");
  TShape weight(nd + 2, -1);
  weight[0] = data[1];
  weight[1] = filters / groups;
  for (int i = 0; i < nd; ++i)
    weight[i + 2] = w.kernel[size_t(i)];
  assignIn(in, 1, fromNC(weight, last));
  if (!attrs.getBool("no_bias"))
    assignIn(in, 2, TShape{filters});

  // With a non-zero target_shape, pad and adj follow from it (MXNet's
  // InferPad) and the output extent is the target.
  bool useTarget = false;
  for (int64_t t : target)
    useTarget = useTarget || t != 0;
  TShape result(nd + 2, -1);
  result[0] = data[0];
  result[1] = filters;
  for (int i = 0; i < nd; ++i) {
    size_t k = size_t(i);
    if (!known(data[i + 2]))
      continue;
    int64_t full = w.stride[k] * (data[i + 2] - 1) + w.dilated(k), pad, extra;
    if (useTarget) {
      int64_t t = k < target.size() ? target[k] : 0;
      if (full < t)
        throw ShapeError("too big target shape");
      extra = (full - t) % 2;
      pad = (full - t + 1) / 2;
    } else {
      pad = w.pad[k];
      extra = k < adj.size() ? adj[k] : 0;
    }
    result[i + 2] = full - 2 * pad + extra;
  }
  assignOut(out, 0, fromNC(result, last));
  data[0] = toNC(out[0], last)[0];
  assignIn(in, 0, fromNC(data, last));
  return allKnown(in, out);
}

bool poolingShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  const std::string &convention = attrs.getStr("pooling_convention");
  Window w(attrs, /*hasDilate=*/false);
  const std::vector<int64_t> &kernel = w.kernel, &stride = w.stride, &pad = w.pad;
  size_t nk = kernel.size();
  if (convention == "same") {
    if (data.ndim() != 3)
      throw ShapeError("Pooling: Input data should be 3D in (batch, channel, x). Currently "
                       "'same' supports Max Pooling 1-D",
                       0, false);
    for (int64_t p : pad)
      if (p != 0)
        throw ShapeError("Same pooling convention disables the use of pad parameter.");
  }
  if (data.ndim() < 3 || data.ndim() > 5)
    throw ShapeError("Pooling: Input data should be  3D in (batch, channel, x) Or 4D in "
                     "(batch, channel, y, x)  Or 5D in (batch, channel, d, y, x)",
                     0, false);
  bool last = channelsLast(attrs);
  int nd = data.ndim() - 2;
  TShape d = toNC(data, last), result = d;
  if (attrs.getBool("global_pool")) {
    for (int i = 2; i < d.ndim(); ++i)
      result[i] = 1;
    assignOut(out, 0, fromNC(result, last));
    return allKnown(in, out);
  }
  if (nk != size_t(nd))
    throw ShapeError(str("kernel and data must have the same number of spatial dims: kernel ",
                         bracket(shapeOf(kernel)), ", data ", bracket(data)));
  for (int i = 0; i < nd; ++i) {
    size_t k = size_t(i);
    int64_t x = d[i + 2];
    // MXNet checks this even for an unknown extent (-1).
    if (kernel[k] > x + 2 * pad[k])
      throw ShapeError(str("kernel size (", kernel[k], ") exceeds input (", x, " padded to ",
                           x + 2 * pad[k], ")"));
    if (!known(x)) {
      result[i + 2] = -1;
      continue;
    }
    int64_t span = x + 2 * pad[k] - kernel[k];
    if (convention == "valid")
      result[i + 2] = 1 + span / stride[k];
    else if (convention == "full")
      result[i + 2] = 1 + int64_t(std::ceil(float(span) / float(stride[k])));
    else
      result[i + 2] = int64_t(std::ceil(float(x + 2 * pad[k]) / float(stride[k])));
  }
  assignOut(out, 0, fromNC(result, last));
  return allKnown(in, out);
}

bool leakyReluShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  const std::string &act = attrs.getStr("act_type");
  if (act == "prelu" && !in[1].ndimKnown())
    in[1] = TShape{data.ndim() > 1 ? data[1] : -1};
  for (TShape &o : out)
    assignOut(out, int(&o - out.data()), data);
  return allKnown(in, out);
}

bool dropoutShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  TShape data = in[0];
  if (!data.ndimKnown())
    return false;
  assignOut(out, 0, data);
  for (int64_t a : attrs.getShape("axes"))
    data[int(a)] = 1;
  assignOut(out, 1, data);
  return allKnown(in, out);
}

bool embeddingShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  int64_t k = attrs.getInt("output_dim");
  assignIn(in, 1, TShape{attrs.getInt("input_dim"), k});
  std::vector<int64_t> dims(data.begin(), data.end());
  dims.push_back(k);
  assignOut(out, 0, shapeOf(dims));
  return allKnown(in, out);
}

// Embedding: the weight's dtype (or the output's, or else `dtype`) is the
// output's; the indices keep theirs, and must be known first.
bool embeddingType(const Attrs &attrs, Types &in, Types &out) {
  if (in[0] == DType::Unknown)
    return false;
  DType t = *parseDType(attrs.getStr("dtype"));
  if (in[1] != DType::Unknown && out[0] != DType::Unknown && in[1] != out[0])
    throw ShapeError("Input and output weights must have same type");
  if (in[1] != DType::Unknown || out[0] != DType::Unknown)
    t = in[1] != DType::Unknown ? in[1] : out[0];
  in[1] = t;
  out[0] = t;
  return true;
}

bool lrnShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.known())
    return false;
  if (data.ndim() != 4)
    throw ShapeError("LRN only support 4D input", 0, false);
  assignOut(out, 0, data);
  assignOut(out, 1, data);
  return allKnown(in, out);
}

bool upSamplingShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  int64_t scale = attrs.getInt("scale");
  TShape result = data;
  if (attrs.getStr("sample_type") == "nearest") {
    bool sum = attrs.getStr("multi_input_mode") == "sum";
    if (!data.ndimKnown())
      return false;
    result[1] = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      const TShape &s = in[i];
      if (s.ndim() != 4)
        throw ShapeError("UpSamplingNearest: Input data should be 4D in (batch, channel, y, x)",
                         int(i), false);
      int64_t oh = data[2] * scale, ow = data[3] * scale;
      if (oh % s[2] != 0)
        throw ShapeError(str("UpSamplingNearest: input height of ", s[2],
                             "does not divide output height of ", oh),
                         int(i), false);
      if (ow % s[3] != 0)
        throw ShapeError(
            str("UpSamplingNearest: input width of ", s[3], "does not divide output width of ", ow),
            int(i), false);
      if (sum) {
        if (result[1] != 0 && result[1] != s[1])
          throw ShapeError("Number of channels must be the same when multi_input_mode==sum", int(i),
                           false);
        result[1] = s[1];
      } else {
        result[1] += s[1];
      }
    }
  } else {
    if (data.ndim() != 4)
      throw ShapeError("UpSamplingBilinear: Input data should be 4D in (batch, channel, y, x)", 0,
                       false);
    if (!data.known())
      return false;
    int64_t k = 2 * scale - scale % 2;
    assignIn(in, 1, TShape{data[1], 1, k, k});
  }
  result[2] = data[2] * scale;
  result[3] = data[3] * scale;
  assignOut(out, 0, result);
  return allKnown(in, out);
}

/// The length of RNN's packed parameter vector (MXNet's GetRnnParamSize).
int64_t rnnParamSize(int64_t layers, int64_t input, int64_t hidden, int64_t dirs,
                     const std::string &mode, std::optional<int64_t> proj) {
  int64_t size = hidden * dirs * (mode == "lstm" ? 4 : mode == "gru" ? 3 : 1);
  int64_t out = proj ? *proj : hidden;
  int64_t first = (input + out + 2) * size, other = (out * dirs + out + 2) * size;
  int64_t total = first + (layers - 1) * other;
  if (proj)
    total += *proj * hidden * layers * dirs;
  return total;
}

bool rnnShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  if (data.ndim() != 3)
    throw ShapeError("Input data should be rank-3 tensor of dim [sequence length, batch size, "
                     "input size]",
                     0, false);
  const std::string &mode = attrs.getStr("mode");
  int64_t hidden = attrs.getInt("state_size"), layers = attrs.getInt("num_layers");
  int64_t dirs = attrs.getBool("bidirectional") ? 2 : 1;
  std::optional<int64_t> proj = attrs.getOptInt("projection_size");
  int64_t batch = data[1], stateDim = proj ? *proj : hidden;
  assignIn(in, 2, TShape{layers * dirs, batch, stateDim});
  int next = 3;
  if (mode == "lstm")
    assignIn(in, next++, TShape{layers * dirs, batch, hidden});
  assignIn(in, 1,
           TShape{known(data[2]) ? rnnParamSize(layers, data[2], hidden, dirs, mode, proj) : -1});
  if (attrs.getBool("use_sequence_length"))
    assignIn(in, next, TShape{batch});
  assignOut(out, 0, TShape{data[0], batch, dirs * stateDim});
  if (attrs.getBool("state_outputs")) {
    assignOut(out, 1, TShape{layers * dirs, batch, stateDim});
    if (mode == "lstm")
      assignOut(out, 2, TShape{layers * dirs, batch, hidden});
  }
  return allKnown(in, out);
}

bool roiPoolingShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0], &rois = in[1];
  if (data.ndim() != 4)
    throw ShapeError("data should be a 4D tensor", 0, false);
  if (rois.ndim() != 2 || rois[1] != 5)
    throw ShapeError("bbox should be a 2D tensor of shape [batch, 5]", 1, false);
  const std::vector<int64_t> &pooled = attrs.getShape("pooled_size");
  TShape result{rois[0], data[1], pooled.at(0), pooled.at(1)};
  assignOut(out, 0, result);
  assignOut(out, 1, result);
  return allKnown(in, out);
}

// ROIPooling wants the rois' dtype given, equal to the data's.
bool roiPoolingType(const Attrs &attrs, Types &in, Types &out) {
  if (in[0] == DType::Unknown)
    return false;
  if (in[1] != in[0])
    throw ShapeError(str("ROIPooling: rois must have the data's dtype ", dtypeName(in[0]), ", got ",
                         in[1] == DType::Unknown ? "none" : dtypeName(in[1])),
                     1, false);
  return dataDecidesType(attrs, in, out);
}

const struct Registrations {
  Registrations() {
    Register("FullyConnected", fullyConnectedShape,
             [](const Attrs &, Types &in, Types &out) { return unifyAll(in, out); });
    Register("Convolution", convolutionShape, convolutionType);
    Register("Deconvolution", deconvolutionShape, convolutionType);
    Register("Pooling", poolingShape);
    Register("LeakyReLU", leakyReluShape);
    Register("Dropout", dropoutShape);
    Register("Embedding", embeddingShape, embeddingType);
    Register("LRN", lrnShape, dataDecidesType);
    Register("UpSampling", upSamplingShape, dataDecidesType);
    Register("RNN", rnnShape, dataDecidesType);
    Register("ROIPooling", roiPoolingShape, roiPoolingType);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
