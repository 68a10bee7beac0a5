// loss.cc - shape and type inference of softmax and the loss layers.
//
// Labels follow from the data: class indices drop the class axis, other
// losses take the data's shape (or (N,) for (N, 1) data). Several of these
// are MXNet's older operators, which compare extents directly instead of
// merging partial shapes; the checks here do the same.
#include "ops/infer/common.h"

namespace mxrt::infer {
namespace {

bool useLength(const Attrs &attrs) {
  return attrs.op().findAttr("use_length") && !attrs.isNone("use_length") &&
         attrs.getBool("use_length");
}

bool softmaxShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (useLength(attrs) && in[0].ndimKnown()) {
    const TShape &data = in[0];
    int64_t axis = attrs.getInt("axis");
    int a = int(axis != -1 ? axis : data.ndim() - 1);
    std::vector<int64_t> dims;
    for (int i = 0; i < data.ndim(); ++i)
      if (i != a)
        dims.push_back(data[i]);
    if (dims.empty())
      dims.push_back(1);
    assignIn(in, 1, shapeOf(dims));
  }
  // The output follows the data; softmax infers nothing back into the data
  // (log_softmax and softmin do).
  if (attrs.op().name != "softmax")
    return unifyAll(in, out);
  Shapes data{in[0]};
  return unifyAll(data, out) && allKnown(in);
}

// softmax and friends: `dtype` overrides the output dtype (and fills an
// unknown input with it); else input and output share one.
bool softmaxType(const Attrs &attrs, Types &in, Types &out) {
  if (!attrs.isNone("dtype")) {
    assignOut(out, 0, *parseDType(attrs.getStr("dtype")));
    merge(in[0], out[0]);
    return true;
  }
  Types data{in[0]};
  return unifyAll(data, out) && in[0] != DType::Unknown;
}

bool softmaxOutputShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  if (!(data == in[1])) {
    if (attrs.getBool("multi_output")) {
      if (!data.known())
        throw ShapeError("Shape dim size cannot be a negative value -1", 0, false);
      TShape flat{data[0], prodKnown(data, 2, data.ndim())};
      std::vector<int64_t> dropped{data[0]};
      for (int i = 2; i < data.ndim(); ++i)
        dropped.push_back(data[i]);
      TShape ones = data;
      ones[1] = 1;
      const TShape &label = in[1];
      if (!label.ndimKnown())
        in[1] = flat;
      else if (!(label == flat) && !(label == shapeOf(dropped)) && !(label == ones))
        throw ShapeError(str("Expecting ", flat.str(), " or ", shapeOf(dropped).str(), ". But got ",
                             label.str()),
                         1, false);
    } else {
      std::vector<int64_t> dims(data.begin(), data.end() - 1);
      assignIn(in, 1, shapeOf(dims));
    }
  }
  assignOut(out, 0, data);
  return allKnown(in, out);
}

// SoftmaxOutput: the data's dtype decides, or the output's while the data's is unknown.
bool dataOrOutputDecidesType(const Attrs &attrs, Types &in, Types &out) {
  if (in[0] == DType::Unknown)
    in[0] = out[0];
  return dataDecidesType(attrs, in, out);
}

// CTCLoss: the loss and its gradient take the data's dtype; the labels and
// lengths keep theirs.
bool ctcLossType(const Attrs &, Types &in, Types &out) {
  assignOut(out, 0, in[0]);
  assignOut(out, 1, in[0]);
  return in[0] != DType::Unknown;
}

bool regressionShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.known())
    return false;
  TShape &label = in[1];
  if (!label.ndimKnown()) {
    // (N, 1) data takes (N,) labels by default.
    label = data.ndim() == 2 && data[1] == 1 ? TShape{data[0]} : data;
  } else if (label[0] != data[0] || label.numel() != data.numel()) {
    throw ShapeError(
        str("Shape inconsistent, Provided=", bracket(label), ", inferred shape=", bracket(data)), 1,
        false);
  }
  assignOut(out, 0, data);
  return allKnown(in, out);
}

bool svmOutputShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  std::vector<int64_t> dims(data.begin(), data.end() - 1);
  assignIn(in, 1, shapeOf(dims));
  assignOut(out, 0, data);
  return allKnown(in, out);
}

bool softmaxCrossEntropyShape(const Attrs &, Shapes &in, Shapes &out) {
  if (in[0].ndim() != 2)
    throw ShapeError("SoftmaxCrossEntropy only accept 2D data", 0, false);
  if (in[1].ndim() != 1)
    throw ShapeError("SoftmaxCrossEntropy only accept 1D label", 1, false);
  if (in[0][0] != in[1][0])
    throw ShapeError("SoftmaxCrossEntropy: data label shape mismatch", 1, false);
  assignOut(out, 0, TShape{1});
  return allKnown(in, out);
}

bool ctcLossShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0], &label = in[1];
  if (data.ndim() != 3)
    throw ShapeError("The number of dimensions of data array must be 3.", 0, false);
  if (label.ndim() != 2)
    throw ShapeError("The number of dimensions of labels array must be 2.", 1, false);
  if (data[1] != label[0])
    throw ShapeError("The batch size for the labels and data arrays must be the same.", 1, false);
  size_t next = 2;
  if (attrs.getBool("use_data_lengths")) {
    const TShape &lengths = in[next++];
    if (lengths.ndim() != 1)
      throw ShapeError("Data length array must be a vector.", int(next - 1), false);
    if (lengths[0] != data[1])
      throw ShapeError("The batch size for the data and data lengths must be the same.",
                       int(next - 1), false);
  }
  if (attrs.getBool("use_label_lengths")) {
    const TShape &lengths = in[next++];
    if (lengths.ndim() != 1)
      throw ShapeError("Label length array must be a vector.", int(next - 1), false);
    if (lengths[0] != label[0])
      throw ShapeError("The batch size for the label and label lengths must be the same.",
                       int(next - 1), false);
  }
  if (data[0] < label[1])
    throw ShapeError("The max number of labels cannot exceed the maximum sequence length of "
                     "the data.");
  assignOut(out, 0, TShape{data[1]});
  assignOut(out, 1, data);
  return allKnown(in, out);
}

const struct Registrations {
  Registrations() {
    for (std::string_view op : {"softmax", "log_softmax", "softmin"})
      Register(op, softmaxShape, softmaxType);
    Register("SoftmaxOutput", softmaxOutputShape, dataOrOutputDecidesType);
    for (std::string_view op :
         {"LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"})
      Register(op, regressionShape);
    Register("SVMOutput", svmOutputShape, dataDecidesType);
    Register("softmax_cross_entropy", softmaxCrossEntropyShape);
    Register("CTCLoss", ctcLossShape, ctcLossType);
    Register(
        "MakeLoss", [](const Attrs &, Shapes &in, Shapes &out) { return unifyAll(in, out); },
        dataDecidesType);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
