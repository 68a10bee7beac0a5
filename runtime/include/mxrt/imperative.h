// imperative.h - running one operator on NDArrays now (mx.nd.* in MXNet).
//
// invoke() is the path of every imperative call: parse the attributes
// (Attrs::parse; repeated attribute strings are parsed once per thread),
// check the inputs, infer output shapes and dtypes, allocate the outputs,
// and push the op's kernel to the engine, reading the inputs and writing
// the outputs (and the device's random generator for random ops). It
// returns as soon as the op is queued; the outputs are ready after a wait.
//
// Errors found before the push (unknown attribute, wrong input count, shape
// or dtype conflict, inputs on different devices, no kernel for the device)
// throw Error naming the op, the argument, expected and actual values.
// Errors inside the kernel surface at the next wait on an output.
#pragma once

#include "mxrt/attrs.h"
#include "mxrt/ndarray.h"
#include "mxrt/op_table.h"

#include <span>
#include <string_view>
#include <vector>

namespace mxrt {

/// Training mode for the calling thread (Dropout drops, BatchNorm uses
/// and updates batch statistics), as MXNet's autograd.is_training();
/// returns the previous value. Off by default.
bool setTraining(bool isTrain);
bool isTraining();

/// Runs `op` on `inputs` with attributes in MXNet's string forms.
/// `outputs` on entry: empty to allocate every output on the inputs' device
/// (ops without inputs: their `ctx` attribute, default cpu(0)); or the
/// arrays to write (out=), which must have the inferred shapes and dtypes
/// and may be the inputs themselves -- missing trailing outputs (hidden
/// ones, as BatchNorm's mean and var) are allocated. On return `outputs`
/// holds all of the op's outputs; numVisibleOutputs() says how many MXNet
/// shows.
void invoke(const OpSpec &op, std::span<const NDArray> inputs,
            std::span<const Attrs::KeyValue> attrs, std::vector<NDArray> &outputs);

/// The same with parsed attributes.
void invoke(const Attrs &attrs, std::span<const NDArray> inputs, std::vector<NDArray> &outputs);

/// Convenience: by name or alias (an unknown name is an Error), returning
/// newly allocated outputs.
std::vector<NDArray> invoke(std::string_view op, std::span<const NDArray> inputs,
                            std::span<const Attrs::KeyValue> attrs = {});

/// Parses MXNet's context strings: "cpu(0)", "gpu(1)", "cpu_pinned(0)",
/// "cpu_shared(0)"; "" is cpu(0). Error names the text.
Context parseContext(std::string_view text);

} // namespace mxrt
