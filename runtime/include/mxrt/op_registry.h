// op_registry.h - what the runtime knows about each operator beyond its
// table entry: shape and type inference and the imperative kernels.
//
// Shape and type functions are shared with the compiler: the mx dialect's
// inference interface calls them, so inference is defined once, here.
// They work like MXNet's FInferShape/FInferType: given partly known input
// and output shapes, fill in what can be deduced, forward and backward;
// throw ShapeError on a conflict.
#pragma once

#include "mxrt/attrs.h"
#include "mxrt/base.h"
#include "mxrt/ndarray.h"

#include <span>
#include <string>
#include <vector>

namespace mxrt {

/// A conflict found by inference. The message follows MXNet:
/// "Shape inconsistent, Provided = [1,100], inferred shape=(1000,100)";
/// callers prefix "Error in operator <node>: " and the input's name, which
/// `index` and `output` locate when the conflict is about one slot.
class ShapeError : public Error {
public:
  using Error::Error;
  ShapeError(const std::string &msg, int index, bool output)
      : Error(msg), index(index), output(output) {}
  int index = -1;      ///< the input (or output) at fault; -1: not one slot
  bool output = false; ///< index counts outputs
};

/// Fill unknown entries of in/out (-1 / ndim -1) from known ones. Returns
/// false when not everything could be decided yet (not an error).
using ShapeFn = bool (*)(const Attrs &attrs, std::vector<TShape> &in, std::vector<TShape> &out);
/// The same over dtypes (DType::Unknown = unknown).
using TypeFn = bool (*)(const Attrs &attrs, std::vector<DType> &in, std::vector<DType> &out);

/// Everything a kernel gets besides its arrays.
struct OpContext {
  RunContext run;
  bool isTrain = false;
};

/// Computes outputs from inputs. Blobs are dense, row-major, of the
/// inferred shapes and dtypes. Throws Error on unsupported cases.
using KernelFn = void (*)(const OpContext &ctx, const Attrs &attrs, std::span<const TBlob> in,
                          std::span<const TBlob> out);

struct OpImpl {
  ShapeFn inferShape = nullptr;
  TypeFn inferType = nullptr; ///< nullptr: every input and output share one dtype
  KernelFn cpu = nullptr;
  KernelFn gpu = nullptr;
  bool usesRandom = false; ///< draws from the device's random generator
};

/// Registers an implementation for the op table entry `name` (static
/// initializers in runtime/ops/ and runtime/kernels/ call these). The table
/// is the one list of operators: a name outside it is recorded and reported
/// by orphanRegistrations() (a test requires that list to be empty).
void registerShapeFn(std::string_view name, ShapeFn fn);
void registerTypeFn(std::string_view name, TypeFn fn);
void registerKernel(std::string_view name, DeviceType dev, KernelFn fn, bool usesRandom = false);

/// Names registered with no op table entry (build inconsistencies).
std::vector<std::string> orphanRegistrations();

/// The implementation of op (never null; fields may be null).
const OpImpl &opImpl(const OpSpec &op);

/// One round of the op's shape function (Error if it has none).
bool runShapeFn(const Attrs &attrs, std::vector<TShape> &in, std::vector<TShape> &out);
/// One round of the op's type function, or of the default rule (every input
/// and output share one dtype) when it registered none.
bool runTypeFn(const Attrs &attrs, std::vector<DType> &in, std::vector<DType> &out);

/// Runs shape and type inference to completion on inputs of known shapes;
/// errors name the op (and `node` when given) and the conflicting shapes.
void inferOutputs(const Attrs &attrs, std::span<const TShape> inShapes,
                  std::span<const DType> inTypes, std::vector<TShape> &outShapes,
                  std::vector<DType> &outTypes, std::string_view node = {});

} // namespace mxrt
