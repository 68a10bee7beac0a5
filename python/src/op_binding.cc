// op_binding.cc - operators: the op table for the Python op generator,
// imperative invocation, and the lean path of NDArray's arithmetic operators.
//
// mxc/_registry.py reads the table once at import (op_list, Op.info) and
// generates the mx.nd functions; they call invoke(op, inputs, keys, vals,
// out), which stringifies attribute values as MXNet does (str(v)).
//
// Operators (`a + b`, `a * 2`) take a shorter path, binop: the op handles and
// the parsed (empty) attributes of the array-array op are resolved once at
// import, so a call does no dictionary work, no string formatting for
// array-array cases, and builds its result object without running Python.
#include "common.h"

#include <nanobind/stl/string.h>

#include <array>
#include <string>
#include <vector>

namespace mxcpy {
namespace {

using namespace nb::literals;

/// An operator of the table (valid for the process).
struct Op {
  mxrtOpHandle handle = nullptr;
};

/// Attributes parsed once, for repeated calls.
struct OpAttrs {
  mxrtOpAttrsHandle handle = nullptr;
  OpAttrs() = default;
  OpAttrs(const OpAttrs &) = delete;
  ~OpAttrs() { mxrtOpAttrsFree(handle); }
};

/// A short vector of handles on the stack (ops rarely have more than 8 inputs).
class HandleList {
public:
  void push(mxrtNDArrayHandle h) {
    if (size_ < small_.size())
      small_[size_] = h;
    else {
      if (size_ == small_.size())
        large_.assign(small_.begin(), small_.end());
      large_.push_back(h);
    }
    ++size_;
  }
  mxrtNDArrayHandle *data() { return size_ <= small_.size() ? small_.data() : large_.data(); }
  uint32_t size() const { return uint32_t(size_); }

private:
  std::array<mxrtNDArrayHandle, 8> small_{};
  std::vector<mxrtNDArrayHandle> large_;
  size_t size_ = 0;
};

/// Collects the handles of a sequence of NDArrays (`what` names it in errors).
void collect(nb::handle seq, HandleList &out, const char *what) {
  PyObject *fast = PySequence_Fast(seq.ptr(), what);
  if (!fast)
    throw nb::python_error();
  nb::object guard = nb::steal(fast);
  Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
  PyObject **items = PySequence_Fast_ITEMS(fast);
  for (Py_ssize_t i = 0; i < n; ++i)
    out.push(handleOf(items[i], what));
}

/// The result of an invocation: the given `out` object, one NDArray, or a list.
nb::object results(int num, mxrtNDArrayHandle *handles, nb::handle outGiven) {
  if (!outGiven.is_none())
    return nb::borrow(outGiven);
  if (num == 1)
    return wrap(handles[0]);
  return wrapList(uint32_t(num), handles);
}

/// Output handles for `out=` (an NDArray or a sequence of them).
void collectOut(nb::handle out, HandleList &list) {
  if (out.is_none())
    return;
  if (asArray(out))
    list.push(asArray(out)->handle);
  else
    collect(out, list, "out");
}

/// MXNet's str(v) of an attribute value, as UTF-8.
std::string attrString(nb::handle v) {
  if (PyUnicode_Check(v.ptr())) {
    Py_ssize_t size = 0;
    const char *s = PyUnicode_AsUTF8AndSize(v.ptr(), &size);
    if (!s)
      throw nb::python_error();
    return std::string(s, size_t(size));
  }
  nb::str s = nb::str(v);
  return std::string(s.c_str());
}

nb::object invoke(const Op &op, nb::handle inputs, nb::handle keys, nb::handle vals,
                  nb::handle out) {
  HandleList in;
  collect(inputs, in, "operator inputs");
  std::vector<std::string> keyStore, valStore;
  nb::object keysFast = nb::steal(PySequence_Fast(keys.ptr(), "keys"));
  nb::object valsFast = nb::steal(PySequence_Fast(vals.ptr(), "vals"));
  if (!keysFast.ptr() || !valsFast.ptr())
    throw nb::python_error();
  Py_ssize_t n = PySequence_Fast_GET_SIZE(keysFast.ptr());
  if (PySequence_Fast_GET_SIZE(valsFast.ptr()) != n)
    throw nb::value_error("invoke: keys and vals differ in length");
  keyStore.reserve(size_t(n));
  valStore.reserve(size_t(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    keyStore.push_back(attrString(PySequence_Fast_GET_ITEM(keysFast.ptr(), i)));
    valStore.push_back(attrString(PySequence_Fast_GET_ITEM(valsFast.ptr(), i)));
  }
  std::vector<const char *> k, v;
  for (Py_ssize_t i = 0; i < n; ++i) {
    k.push_back(keyStore[size_t(i)].c_str());
    v.push_back(valStore[size_t(i)].c_str());
  }
  HandleList outs;
  collectOut(out, outs);
  int numOut = int(outs.size());
  mxrtNDArrayHandle *outPtr = outs.size() ? outs.data() : nullptr;
  check(mxrtImperativeInvoke(op.handle, in.size(), in.data(), uint32_t(n), k.data(), v.data(),
                             &numOut, &outPtr));
  return results(numOut, outPtr, out);
}

nb::object invokeAttrs(const OpAttrs &attrs, nb::handle inputs, nb::handle out) {
  HandleList in;
  collect(inputs, in, "operator inputs");
  HandleList outs;
  collectOut(out, outs);
  int numOut = int(outs.size());
  mxrtNDArrayHandle *outPtr = outs.size() ? outs.data() : nullptr;
  check(mxrtImperativeInvokeAttrs(attrs.handle, in.size(), in.data(), &numOut, &outPtr));
  return results(numOut, outPtr, out);
}

// ---- op table ---------------------------------------------------------------
nb::list stringList(uint32_t n, const char *const *items) {
  nb::list l;
  for (uint32_t i = 0; i < n; ++i)
    l.append(nb::str(items[i]));
  return l;
}

nb::dict opInfo(const Op &op) {
  const mxrtOpInfo *info = nullptr;
  check(mxrtOpGetInfo(op.handle, &info));
  nb::dict d;
  d["name"] = info->name;
  d["summary"] = info->summary;
  d["description"] = info->description;
  d["aliases"] = stringList(info->num_aliases, info->aliases);
  nb::list inputs;
  for (uint32_t i = 0; i < info->num_inputs; ++i) {
    const mxrtOpInputInfo &in = info->inputs[i];
    inputs.append(nb::make_tuple(nb::str(in.name), bool(in.optional), bool(in.variadic),
                                 nb::str(in.cond_attr), in.cond, nb::str(in.cond_value)));
  }
  d["inputs"] = inputs;
  nb::list attrs;
  for (uint32_t i = 0; i < info->num_attrs; ++i) {
    const mxrtOpAttrInfo &a = info->attrs[i];
    attrs.append(nb::make_tuple(nb::str(a.name), a.kind, nb::str(a.dflt), bool(a.required),
                                stringList(a.num_choices, a.choices)));
  }
  d["attrs"] = attrs;
  d["num_outputs"] = info->num_outputs;
  d["num_outputs_expr"] = info->num_outputs_expr;
  d["visible_outputs"] = info->visible_outputs;
  d["output_names"] = stringList(info->num_output_names, info->output_names);
  d["num_args_attr"] = info->num_args_attr;
  nb::list mutate;
  for (uint32_t i = 0; i < info->num_mutate_inputs; ++i)
    mutate.append(info->mutate_inputs[i]);
  d["mutate_inputs"] = mutate;
  d["is_loss"] = bool(info->is_loss);
  d["no_gradient"] = bool(info->no_gradient);
  d["name_hint"] = info->name_hint;
  d["internal"] = bool(info->internal);
  d["input_inits"] = stringList(info->num_input_inits, info->input_inits);
  d["has_cpu_kernel"] = bool(info->has_cpu_kernel);
  return d;
}

Op findOp(const std::string &name) {
  Op op;
  check(mxrtOpFind(name.c_str(), &op.handle));
  return op;
}

// ---- operators on NDArrays ---------------------------------------------------
/// One arithmetic or comparison operator: the array-array op (attributes
/// parsed once) and the ops with a scalar on the right / on the left.
struct BinOp {
  mxrtOpAttrsHandle arrays = nullptr;
  mxrtOpHandle scalar = nullptr;
  mxrtOpHandle rscalar = nullptr; ///< null: commutative, use `scalar`
};
std::vector<BinOp> gBinOps;
nb::handle gNumpyGeneric; // numpy.generic: NumPy scalars are numbers too

bool isNumber(nb::handle o) {
  return PyFloat_Check(o.ptr()) || PyLong_Check(o.ptr()) ||
         (gNumpyGeneric && PyObject_IsInstance(o.ptr(), gNumpyGeneric.ptr()) == 1);
}

/// repr(float(o)), what MXNet's str(float(x)) sends to the backend.
std::string scalarString(nb::handle o) {
  double v = PyFloat_Check(o.ptr()) ? PyFloat_AS_DOUBLE(o.ptr()) : PyFloat_AsDouble(o.ptr());
  if (v == -1.0 && PyErr_Occurred())
    throw nb::python_error();
  char *s = PyOS_double_to_string(v, 'r', 0, Py_DTSF_ADD_DOT_0, nullptr);
  if (!s)
    throw nb::python_error();
  std::string r(s);
  PyMem_Free(s);
  return r;
}

/// self OP other (or other OP self when `reflected`), into `out` if given.
nb::object binop(nb::handle self, nb::handle other, int code, bool reflected, nb::handle out) {
  if (code < 0 || size_t(code) >= gBinOps.size() || !gBinOps[size_t(code)].scalar)
    throw nb::value_error("binop: unknown operator code");
  const BinOp &bop = gBinOps[size_t(code)];
  mxrtNDArrayHandle a = handleOf(self, "the left operand");
  std::array<mxrtNDArrayHandle, 2> in{};
  mxrtNDArrayHandle outHandle = nullptr;
  mxrtNDArrayHandle *outPtr = nullptr;
  int numOut = 0;
  if (!out.is_none()) {
    outHandle = handleOf(out, "out");
    outPtr = &outHandle;
    numOut = 1;
  }
  if (NDArrayBase *b = asArray(other)) {
    in[0] = reflected ? b->handle : a;
    in[1] = reflected ? a : b->handle;
    check(mxrtImperativeInvokeAttrs(bop.arrays, 2, in.data(), &numOut, &outPtr));
  } else if (isNumber(other)) {
    in[0] = a;
    std::string value = scalarString(other);
    const char *key = "scalar";
    const char *val = value.c_str();
    mxrtOpHandle op = reflected && bop.rscalar ? bop.rscalar : bop.scalar;
    check(mxrtImperativeInvoke(op, 1, in.data(), 1, &key, &val, &numOut, &outPtr));
  } else {
    std::string msg = "type " + std::string(nb::str(other.type()).c_str()) + " not supported";
    throw nb::type_error(msg.c_str());
  }
  if (!out.is_none())
    return nb::borrow(out);
  return wrap(outPtr[0]);
}

void registerBinop(int code, const std::string &arrays, const std::string &scalar,
                   nb::handle rscalar) {
  if (code < 0 || code > 64)
    throw nb::value_error("_register_binop: code out of range");
  if (gBinOps.size() <= size_t(code))
    gBinOps.resize(size_t(code) + 1);
  BinOp &b = gBinOps[size_t(code)];
  mxrtOpHandle arrayOp = findOp(arrays).handle;
  mxrtOpAttrsHandle parsed = nullptr;
  check(mxrtOpAttrsCreate(arrayOp, 0, nullptr, nullptr, &parsed));
  mxrtOpAttrsFree(b.arrays);
  b.arrays = parsed;
  b.scalar = findOp(scalar).handle;
  b.rscalar = rscalar.is_none() ? nullptr : findOp(nb::cast<std::string>(rscalar)).handle;
}

} // namespace

void bindOps(nb::module_ &m) {
  nb::class_<Op>(m, "Op", "An operator of mxc's op table.")
      .def_prop_ro("name",
                   [](const Op &op) {
                     const mxrtOpInfo *info = nullptr;
                     check(mxrtOpGetInfo(op.handle, &info));
                     return std::string(info->name);
                   })
      .def("info", &opInfo, "The op table's entry as a dict.")
      .def("__repr__", [](const Op &op) {
        const mxrtOpInfo *info = nullptr;
        check(mxrtOpGetInfo(op.handle, &info));
        return "<mxc op " + std::string(info->name) + ">";
      });

  nb::class_<OpAttrs>(m, "OpAttrs", "An operator with attributes parsed once.")
      .def(
          "graph_info",
          [](const OpAttrs &a) {
            uint32_t numIn = 0, numOutNames = 0;
            const char *const *in = nullptr, *const *outNames = nullptr;
            int jsonOutputs = 0, num = 0, visible = 0;
            check(
                mxrtOpAttrsGraphInfo(a.handle, &numIn, &in, &jsonOutputs, &numOutNames, &outNames));
            nb::list inputs = stringList(numIn, in), outputs = stringList(numOutNames, outNames);
            check(mxrtOpAttrsNumOutputs(a.handle, &num, &visible));
            return nb::make_tuple(inputs, num, visible, jsonOutputs, outputs);
          },
          "(input names, outputs, visible outputs, outputs symbol JSON counts, output names) "
          "of a graph node with these attributes.");

  m.def("op_list", [] {
    uint32_t n = 0;
    check(mxrtOpCount(&n));
    nb::list ops;
    for (uint32_t i = 0; i < n; ++i) {
      Op op;
      check(mxrtOpGet(i, &op.handle));
      ops.append(nb::cast(op));
    }
    return ops;
  });
  m.def("find_op", &findOp, "name"_a, "The operator with this name or alias (MXNetError if none).");
  m.def(
      "parse_attrs",
      [](const Op &op, nb::handle keys, nb::handle vals) {
        std::vector<std::string> ks, vs;
        for (nb::handle k : keys)
          ks.push_back(attrString(k));
        for (nb::handle v : vals)
          vs.push_back(attrString(v));
        if (ks.size() != vs.size())
          throw nb::value_error("parse_attrs: keys and vals differ in length");
        std::vector<const char *> kp, vp;
        for (size_t i = 0; i < ks.size(); ++i) {
          kp.push_back(ks[i].c_str());
          vp.push_back(vs[i].c_str());
        }
        auto *attrs = new OpAttrs();
        if (mxrtOpAttrsCreate(op.handle, uint32_t(ks.size()), kp.data(), vp.data(),
                              &attrs->handle) != 0) {
          delete attrs;
          raiseLastError();
        }
        return attrs;
      },
      "op"_a, "keys"_a, "vals"_a, nb::rv_policy::take_ownership,
      "Attributes parsed once (errors name the op and the attribute).");
  m.def("invoke", &invoke, "op"_a, "inputs"_a, "keys"_a, "vals"_a, "out"_a.none() = nb::none(),
        "Runs op on NDArrays with attributes given as values (str() of each is sent).");
  m.def("invoke_attrs", &invokeAttrs, "attrs"_a, "inputs"_a, "out"_a.none() = nb::none(),
        "Runs an op with attributes parsed by parse_attrs.");
  m.def("binop", &binop, "self"_a, "other"_a.none(), "code"_a, "reflected"_a = false,
        "out"_a.none() = nb::none(),
        "The lean path of NDArray's arithmetic and comparison operators.");
  m.def("_register_binop", &registerBinop, "code"_a, "arrays"_a, "scalar"_a, "rscalar"_a.none());
  m.def(
      "_set_operator",
      [](const std::string &name, int code, bool reflected) {
        // A native method on NDArrayBase: `a + b` runs no Python code.
        nb::object fn = nb::cpp_function(
            [code, reflected](nb::handle self, nb::handle other) {
              return binop(self, other, code, reflected, nb::none());
            },
            nb::is_method(), nb::name(name.c_str()), "other"_a.none(),
            nb::scope(ndarrayBaseType()));
        nb::setattr(ndarrayBaseType(), name.c_str(), fn);
      },
      "name"_a, "code"_a, "reflected"_a);
  m.def("_set_numpy_generic", [](nb::handle cls) {
    cls.inc_ref();
    gNumpyGeneric = cls;
  });
}

} // namespace mxcpy
