"""symbol.py - Symbol: MXNet 1.x's symbolic graphs (mx.sym.Symbol).

A Symbol is a list of head entries into a graph of Nodes (graph.py). It is
composed from variables and operators exactly as MXNet composes it (names,
automatic argument variables, attribute scopes, versions of mutated
variables), lists its arguments, outputs and auxiliary states in MXNet's
orders, and writes and reads MXNet's symbol JSON. Shape and type inference
run the compiler's passes (infer.py); binding compiles the graph
(executor.py).

One rule differs from MXNet on purpose: composing a graph under a name
(``net(data=net2, name='compose')``) prefixes that graph's own nodes and
their automatically named arguments (``compose_fc1_weight``), as the MXNet
overview documents (spec/mxnet-python-overview.txt); MXNet 1.9.1 only
renames the head node.
"""
from numbers import Number

import numpy as _np

from .. import _fs
from ..base import MXNetError, numeric_types
from .. import attribute as _attribute
from .. import name as _name
from . import graph as _graph
from .graph import Node, HIDDEN_KEYS

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json"]

# numpy dtype -> MXNet's code (mxnet-formats.md 1.4).
_DTYPE_NP_TO_MX = {
    _np.float32: 0, _np.float64: 1, _np.float16: 2, _np.uint8: 3, _np.int32: 4, _np.int8: 5,
    _np.int64: 6, _np.bool_: 7, _np.int16: 8, _np.uint16: 9, _np.uint32: 10, _np.uint64: 11,
}
_STORAGE_TYPE_STR_TO_ID = {"undefined": -1, "default": 0, "row_sparse": 1, "csr": 2}


class Symbol(object):
    """A symbolic graph: one or more outputs of operators and variables."""

    __slots__ = ("_heads",)
    # NumPy defers binary operators to Symbol (np.float32(2) * sym).
    __array_priority__ = 1000.0

    def __init__(self, heads):
        self._heads = list(heads)

    # ---- identity ---------------------------------------------------------
    def _single_node(self):
        """The node behind every output, or None for a group of nodes."""
        node = self._heads[0][0]
        for e in self._heads:
            if e[0] is not node:
                return None
        return node

    @property
    def name(self):
        """The node's name; None for a group of several nodes."""
        node = self._single_node()
        return None if node is None else node.name

    @property
    def handle(self):
        """The symbol itself (MXNet code checks ``sym.handle``)."""
        return self

    def __repr__(self):
        name = self.name
        if name is None:
            return "<%s group [%s]>" % (type(self).__name__, ", ".join(s.name for s in self))
        return "<%s %s>" % (type(self).__name__, name)

    def __len__(self):
        return len(self._heads)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        raise NotImplementedError("Symbol does not support the truth value: a Symbol is "
                                  "evaluated only when it is bound and run")

    def __copy__(self):
        return Symbol(_graph.copy_graph(self._heads))

    def __deepcopy__(self, _memo):
        return self.__copy__()

    def __getstate__(self):
        return {"handle": self.tojson()}

    def __setstate__(self, state):
        handle = state["handle"]
        self._heads = [] if handle is None else _graph.from_json(handle)

    def __getitem__(self, index):
        """Output `index` (int, or a name of list_outputs()); a slice is a Group."""
        if isinstance(index, slice):
            return Group([self[i] for i in range(*index.indices(len(self)))])
        if isinstance(index, str):
            idx = None
            for i, name in enumerate(self.list_outputs()):
                if name == index:
                    if idx is not None:
                        raise ValueError('There are multiple outputs with name "%s"' % index)
                    idx = i
            if idx is None:
                raise ValueError('Cannot find output that matches name "%s"' % index)
            index = idx
        if not isinstance(index, (int, _np.integer)):
            raise TypeError("Symbol only support integer index to fetch i-th output")
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError
        return Symbol([self._heads[index]])

    # ---- composition ------------------------------------------------------
    def __call__(self, *args, **kwargs):
        """A copy of this graph with variables replaced by symbols (by name)."""
        s = self.__copy__()
        s._compose(*args, **kwargs)
        return s

    def _compose(self, *args, **kwargs):
        """Replaces, in place, the variables named by the keywords with those
        symbols; `name` prefixes this graph's own nodes (see the module doc)."""
        name = kwargs.pop("name", None)
        if args and kwargs:
            raise TypeError("compose only accept input Symbols either as positional or "
                            "keyword arguments, not both")
        for value in list(args) + list(kwargs.values()):
            if not isinstance(value, Symbol):
                raise TypeError("Compose expect `Symbol` as arguments")
        if args:
            raise MXNetError("General composition only support kwargs for now "
                             "(got %d positional arguments)" % len(args))
        for key, value in kwargs.items():
            if len(value._heads) != 1:
                raise MXNetError("Keyword Argument %s is a tuple, single value is required"
                                 % key)
        nodes = _graph.post_order(self._heads)
        replace = {}
        for n in nodes:
            if n.op is None and n.name in kwargs:
                replace[id(n)] = kwargs[n.name]._heads[0]
        matched = {n.name for n in nodes if id(n) in replace}
        if len(matched) != len(kwargs):
            raise MXNetError(_keyword_mismatch("Symbol.Compose", kwargs,
                                               [n.name for n in nodes if n.op is None]))
        if name:
            _prefix_names(nodes, name + "_", replace)
        for n in nodes:
            if any(id(e[0]) in replace for e in n.inputs):
                n.inputs = [replace.get(id(e[0]), e) for e in n.inputs]
                _graph.update_versions(n)
        self._heads = [replace.get(id(e[0]), e) if e[0].op is None else e
                       for e in self._heads]

    # ---- listing ----------------------------------------------------------
    def _nodes(self):
        return _graph.post_order(self._heads)

    def list_arguments(self):
        """Variables no operator mutates, in post-order DFS."""
        return [n.name for n in _graph.split_inputs(self._nodes())[0]]

    def list_auxiliary_states(self):
        """Variables some operator mutates (BatchNorm's moving statistics)."""
        return [n.name for n in _graph.split_inputs(self._nodes())[1]]

    def list_inputs(self):
        """Every variable: arguments and auxiliary states, in node order."""
        return [n.name for n in self._nodes() if n.op is None]

    def list_outputs(self):
        """Output names: a variable's name, or ``<node>_<output name>``."""
        return [e[0].output_name(e[1]) for e in self._heads]

    def get_internals(self):
        """A group of every node's visible outputs (variables included)."""
        heads = []
        for n in self._nodes():
            if n.op is None:
                heads.append((n, 0, n.version))
            else:
                heads.extend((n, i, 0) for i in range(n.num_visible_outputs()))
        return Symbol(heads)

    def get_children(self):
        """A group of the inputs of the output nodes; None for a variable."""
        heads, seen = [], set()
        for e in self._heads:
            if id(e[0]) not in seen:
                seen.add(id(e[0]))
                heads.extend(e[0].inputs)
        return Symbol(heads) if heads else None

    # ---- attributes -------------------------------------------------------
    def attr(self, key):
        """The attribute `key` of this (single-node) symbol, or None. Hidden
        attributes answer to their plain names too (lr_mult -> __lr_mult__)."""
        node = self._single_node()
        if node is None:
            return None
        if key == "name":
            return node.name
        if key in HIDDEN_KEYS:
            key = "__%s__" % key
        return node.attrs.get(key)

    def list_attr(self, recursive=False):
        """This node's attributes (hidden ones also under their plain names)."""
        if recursive:
            raise DeprecationWarning("Symbol.list_attr with recursive=True has been "
                                     "deprecated. Please use attr_dict instead.")
        return _with_plain_keys(self._heads[0][0].attrs)

    def attr_dict(self):
        """{node name: attributes} for every node that has attributes."""
        return {n.name: _with_plain_keys(n.attrs) for n in self._nodes() if n.attrs}

    def _set_attr(self, **kwargs):
        """Sets attributes (strings) on the output nodes."""
        for key, value in kwargs.items():
            if not isinstance(value, str):
                raise ValueError("Set Attr only accepts string values")
            if key in HIDDEN_KEYS:
                key = "__%s__" % key
            for e in self._heads:
                e[0].attrs[key] = value
                e[0].invalidate()

    # ---- JSON -------------------------------------------------------------
    def tojson(self, remove_amp_cast=True):
        """The graph as MXNet 1.9.1's symbol JSON (byte for byte)."""
        return _graph.to_json(self._heads)

    def save(self, fname, remove_amp_cast=True):
        """Writes tojson() to a file (atomically)."""
        if not isinstance(fname, str):
            raise TypeError("fname need to be string")
        _write_text(fname, self.tojson())

    def debug_str(self):
        """A readable listing of the graph (MXNet's Symbol.debug_str layout)."""
        lines = ["Symbol Outputs:"]
        for i, e in enumerate(self._heads):
            lines.append("\toutput[%d]=%s(%d)" % (i, e[0].name, e[1]))
        for n in self._nodes():
            if n.op is None:
                lines.append("Variable:%s" % n.name)
                continue
            lines.append("--------------------")
            lines.append("Op:%s, Name=%s" % (n.op.name, n.name))
            lines.append("Inputs:")
            for i, (child, index, version) in enumerate(n.inputs):
                line = "\targ[%d]=%s(%d)" % (i, child.name, index)
                if child.op is None:
                    line += " version=%d" % version
                lines.append(line)
            if n.attrs:
                lines.append("Attrs:")
                lines.extend("\t%s=%s" % kv for kv in sorted(n.attrs.items()))
        return "\n".join(lines) + "\n"

    # ---- arithmetic (ops as MXNet's Symbol picks them) --------------------
    def _binary(self, other, array_op, scalar_op, reflected=False, rscalar_op=None):
        from . import _internal
        if isinstance(other, Symbol):
            lhs, rhs = (other, self) if reflected else (self, other)
            return getattr(_internal, array_op)(lhs, rhs)
        if isinstance(other, Number):
            op = rscalar_op if reflected and rscalar_op else scalar_op
            return getattr(_internal, op)(self, scalar=other)
        raise TypeError("type %s not supported" % str(type(other)))

    def __add__(self, other):
        return self._binary(other, "_Plus", "_PlusScalar")

    __radd__ = __add__

    def __sub__(self, other):
        return self._binary(other, "_Minus", "_MinusScalar")

    def __rsub__(self, other):
        return self._binary(other, "_Minus", "_MinusScalar", True, "_RMinusScalar")

    def __mul__(self, other):
        return self._binary(other, "_Mul", "_MulScalar")

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self._binary(other, "_Div", "_DivScalar")

    def __rtruediv__(self, other):
        return self._binary(other, "_Div", "_DivScalar", True, "_RDivScalar")

    __div__, __rdiv__ = __truediv__, __rtruediv__

    def __mod__(self, other):
        return self._binary(other, "_Mod", "_ModScalar")

    def __rmod__(self, other):
        return self._binary(other, "_Mod", "_ModScalar", True, "_RModScalar")

    def __pow__(self, other):
        return self._binary(other, "_Power", "_PowerScalar")

    def __rpow__(self, other):
        return self._binary(other, "_Power", "_PowerScalar", True, "_rpower_scalar")

    def __neg__(self):
        return self.__mul__(-1.0)

    def __abs__(self):
        from . import op
        return op.abs(self)

    def _compare(self, other, name):
        from . import _internal
        if isinstance(other, Symbol):
            return getattr(_internal, name)(self, other)
        if isinstance(other, numeric_types):
            return getattr(_internal, name + "_scalar")(self, scalar=other)
        raise TypeError("type %s not supported" % str(type(other)))

    def __eq__(self, other):
        return self._compare(other, "_equal")

    def __ne__(self, other):
        return self._compare(other, "_not_equal")

    def __gt__(self, other):
        return self._compare(other, "_greater")

    def __ge__(self, other):
        return self._compare(other, "_greater_equal")

    def __lt__(self, other):
        return self._compare(other, "_lesser")

    def __le__(self, other):
        return self._compare(other, "_lesser_equal")

    __hash__ = object.__hash__

    def _not_supported(self, op):
        raise NotImplementedError("%s is not supported on Symbol (graphs are immutable)" % op)

    def __iadd__(self, other):
        self._not_supported("+=")

    def __isub__(self, other):
        self._not_supported("-=")

    def __imul__(self, other):
        self._not_supported("*=")

    def __itruediv__(self, other):
        self._not_supported("/=")


def _with_plain_keys(attrs):
    """attrs plus hidden keys under their plain names (__lr_mult__ -> lr_mult)."""
    out = dict(attrs)
    for key in HIDDEN_KEYS:
        hidden = "__%s__" % key
        if hidden in attrs:
            out[key] = attrs[hidden]
    return out


def _keyword_mismatch(where, given, candidates):
    unknown = [k for k in given if k not in candidates]
    msg = "%sKeyword argument name %s not found.\nCandidate arguments:\n" % (
        where, ", ".join(unknown))
    msg += "".join("\t[%d]%s\n" % (i, c) for i, c in enumerate(candidates))
    return msg


def _prefix_names(nodes, prefix, replace):
    """mxc's composition rule: the graph's operator nodes and the variables
    named automatically after them (``<node>_<input>``) get `prefix`."""
    auto = []
    for n in nodes:
        if n.op is None:
            continue
        for (child, _, _), input_name in zip(n.inputs, n.input_names()):
            if child.op is None and id(child) not in replace and \
                    child.name == "%s_%s" % (n.name, input_name):
                auto.append(child)
    for n in nodes:
        if n.op is not None:
            n.name = prefix + n.name
    done = set()
    for v in auto:
        if id(v) not in done:
            done.add(id(v))
            v.name = prefix + v.name


# ---- creation ----------------------------------------------------------------
def var(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None,
        stype=None, **kwargs):
    """A variable (a free input of the graph), with MXNet's attributes:
    shape, lr_mult, wd_mult, dtype, init (an initializer or its dumps()),
    stype, and any ``__name__``-style keyword."""
    if not isinstance(name, str):
        raise TypeError("Expect a string for variable `name`")
    attr = _attribute.current().get(attr)
    if shape is not None:
        attr["__shape__"] = str(shape)
    if lr_mult is not None:
        attr["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attr["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        attr["__dtype__"] = str(dtype_code(dtype))
    if init is not None:
        attr["__init__"] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        if stype not in _STORAGE_TYPE_STR_TO_ID:
            raise ValueError("unknown storage type %r (expected one of %s)"
                             % (stype, ", ".join(_STORAGE_TYPE_STR_TO_ID)))
        attr["__storage_type__"] = str(_STORAGE_TYPE_STR_TO_ID[stype])
    for k, v in kwargs.items():
        if k.startswith("__") and k.endswith("__"):
            attr[k] = str(v)
        else:
            raise ValueError("Attribute name=%s is not supported. Additional attributes must "
                             "start and end with double underscores, e.g, __yourattr__" % k)
    s = Symbol([(Node(None, name), 0, 0)])
    s._set_attr(**attr)
    return s


Variable = var


def dtype_code(dtype):
    """MXNet's dtype code of a NumPy dtype (or its name)."""
    dt = _np.dtype(dtype)
    if dt.names and dt.names[0] == "bfloat16":
        return 12
    if dt.type not in _DTYPE_NP_TO_MX:
        raise TypeError("dtype %s is not supported (expected one of %s)"
                        % (dt, ", ".join(_np.dtype(t).name for t in _DTYPE_NP_TO_MX)))
    return _DTYPE_NP_TO_MX[dt.type]


def Group(symbols):
    """One symbol whose outputs are those of `symbols`, in order."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Expected a list of symbols as input")
    return Symbol([e for s in symbols for e in s._heads])


def load_json(json_str):
    """A Symbol from symbol JSON text (MXNet 1.x, or older with its upgrades)."""
    if not isinstance(json_str, str):
        raise TypeError("json_str needs to be string")
    return Symbol(_graph.from_json(json_str))


def load(fname):
    """A Symbol from a symbol JSON file (Symbol.save, MXNet's save_checkpoint)."""
    if not isinstance(fname, str):
        raise TypeError("fname need to be string")
    return load_json(_read_text(fname))


def _write_text(fname, text):
    """Writes a file atomically (temporary file, then rename); s3:// and
    hdfs:// through mxc._fs."""
    def write_local(path):
        _fs.write_atomic(path, text.encode("utf-8"))
    if _fs.is_remote(fname):
        _fs.write_file(fname, write_local)
        return
    try:
        write_local(fname)
    except OSError as e:
        raise MXNetError("cannot write symbol file '%s': %s" % (fname, e.strerror)) from None


def _read_text(fname):
    if _fs.is_remote(fname):
        return _fs.read_bytes(fname).decode("utf-8")
    try:
        with open(fname, "r", encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise MXNetError("cannot open symbol file '%s': %s" % (fname, e.strerror)) from None


def create(info, func_name, args, sym_kwargs, keys, vals, name):
    """The symbol of operator `info` applied to `args` (positional) or
    `sym_kwargs` (by input name) with attributes keys/vals; what every
    generated mx.sym function calls (MXNet's _symbol_creator + Compose)."""
    attrs = {}
    for key, value in zip(keys, vals):
        key = str(key)
        for hidden in HIDDEN_KEYS:
            pos = key.rfind(hidden)
            if pos == 0:
                key = "__%s__" % key
                break
            if pos != -1 and pos == len(key) - len(hidden):
                raise MXNetError("setting variable attributes with %s is deprecated. please "
                                 "instead use\nw = Variable(%s=...)\nsym = YourSymbolName(%s=w)"
                                 % (key, hidden, key[:pos - 1] or "weight"))
        attrs[key] = value if isinstance(value, str) else str(value)
    if args and sym_kwargs:
        raise TypeError("Operators with variable length input can only accept input Symbols "
                        "either as positional or keyword arguments, not both")
    if info.num_args_attr and info.num_args_attr not in attrs:
        attrs[info.num_args_attr] = str(len(args) + len(sym_kwargs))
    name = _name.current().get(name, func_name.lower())
    node = Node(info, name, attrs)
    input_names = node.input_names()  # parses the attributes: errors name the op
    for i, s in enumerate(args):
        if len(s._heads) != 1:
            raise MXNetError("Argument %d is a tuple with %d elements, single value is "
                             "required (operator %s, node %s)" % (i, len(s._heads), info.name, name))
    for k, s in sym_kwargs.items():
        if len(s._heads) != 1:
            raise MXNetError("Keyword Argument %s is a tuple, single value is required "
                             "(operator %s, node %s)" % (k, info.name, name))
    if info.variadic_input is not None:
        if sym_kwargs:
            raise MXNetError("Variable length function do not accept kwargs (operator %s: %s)"
                             % (info.name, ", ".join(sym_kwargs)))
        if len(args) != len(input_names):
            raise MXNetError("operator %s (node %s): %s=%s but %d inputs were given" % (
                info.name, name, info.num_args_attr, attrs[info.num_args_attr], len(args)))
        node.inputs = [s._heads[0] for s in args]
    else:
        if len(args) > len(input_names):
            raise MXNetError("Incorrect number of arguments, requires %d, provided %d "
                             "(operator %s, node %s)" % (len(input_names), len(args),
                                                         info.name, name))
        unknown = [k for k in sym_kwargs if k not in input_names[len(args):]]
        if unknown:
            raise MXNetError(_keyword_mismatch("Symbol.Compose", unknown, list(input_names)))
        for i, input_name in enumerate(input_names):
            if i < len(args):
                node.inputs.append(args[i]._heads[0])
            elif input_name in sym_kwargs:
                node.inputs.append(sym_kwargs[input_name]._heads[0])
            else:
                # MXNet's automatic argument: <node>_<input>, with the op's attributes.
                v = Node(None, "%s_%s" % (name, input_name), attrs)
                node.inputs.append((v, 0, 0))
    _graph.update_versions(node)
    for i, input_name in enumerate(input_names):
        _graph.set_input_init(node, i, input_name)
    return Symbol([(node, i, 0) for i in range(node.num_visible_outputs())])
