"""graph.py - the nodes behind a Symbol, their traversal, and symbol JSON.

A graph is a set of Node objects shared by the symbols that reach them, as
in NNVM: an operator node holds its op (the op table's OpInfo), its name,
its attributes as the strings the user gave (what MXNet writes to JSON),
and its inputs as entries (node, output index, version); a variable node
(op None) has a name, attributes and a version that counts the ops that
mutate it (BatchNorm's moving statistics). A Symbol is a list of head
entries.

Traversal is NNVM's post-order DFS from the heads (inputs in order, each
node once), which fixes every ordering MXNet shows: list_arguments, the
node ids of symbol JSON, get_internals.

JSON is written here, byte for byte as MXNet 1.9.1's dmlc writer lays it
out (mxnet-formats.md 2.3), and read here, with MXNet's upgrades of older
files (src/nnvm/legacy_json_util.cc), so that saving and loading never need
the compiler.
"""
import json as _json

from .. import _mxc, _registry
from ..base import MXNetError

# The version MXNet 1.9.1 writes.
MXNET_VERSION = 10901

# Attribute keys MXNet stores as __key__ (c_api_symbolic.cc kHiddenKeys).
HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


class Node(object):
    """One node of a graph: an operator application or a variable."""

    __slots__ = ("op", "name", "attrs", "inputs", "version", "_info")

    def __init__(self, op, name, attrs=None, inputs=None):
        self.op = op                # OpInfo, or None for a variable
        self.name = name
        self.attrs = dict(attrs) if attrs else {}
        self.inputs = list(inputs) if inputs else []  # [(node, index, version)]
        self.version = 0            # variables: mutations so far
        self._info = None

    @property
    def is_variable(self):
        return self.op is None

    def info(self):
        """(input names, outputs, visible outputs, JSON outputs, output names),
        from the op table for these attributes (checked once, on creation)."""
        if self._info is None:
            self._info = graph_info(self.op, self.attrs, self.name)
        return self._info

    def input_names(self):
        return self.info()[0]

    def num_outputs(self):
        return 1 if self.op is None else self.info()[1]

    def num_visible_outputs(self):
        return 1 if self.op is None else self.info()[2]

    def output_name(self, index):
        """The list_outputs() name of output `index`."""
        if self.op is None:
            return self.name
        return "%s_%s" % (self.name, self.info()[4][index])

    def mutated_inputs(self):
        """Indices of the inputs this op updates in place (auxiliary states)."""
        if self.op is None:
            return ()
        return tuple(i for i in self.op.mutate_inputs if i < len(self.inputs))

    def invalidate(self):
        self._info = None

    def copy(self):
        n = Node(self.op, self.name, self.attrs, self.inputs)
        n.version, n._info = self.version, self._info
        return n

    def __repr__(self):
        return "<Node %s %s>" % (self.op.name if self.op else "null", self.name)


def graph_info(op, attrs, name):
    """Parses `attrs` against the op table (errors name the op and node) and
    gives the node's shape in a graph."""
    keys = list(attrs.keys())
    vals = list(attrs.values())
    try:
        parsed = _mxc.parse_attrs(op.handle, keys, vals)
    except MXNetError as e:
        raise MXNetError("%s (in operator %s(name=\"%s\"))" % (e, op.name, name)) from None
    inputs, num, visible, json_outputs, output_names = parsed.graph_info()
    return (tuple(inputs), num, visible, json_outputs, tuple(output_names))


def post_order(heads):
    """Nodes reachable from the head entries, in NNVM's post-order DFS."""
    order, visited = [], set()
    for head in heads:
        node = head[0]
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack = [(node, 0)]
        while stack:
            node, i = stack[-1]
            if i == len(node.inputs):
                order.append(node)
                stack.pop()
                continue
            stack[-1] = (node, i + 1)
            child = node.inputs[i][0]
            if id(child) not in visited:
                visited.add(id(child))
                stack.append((child, 0))
    return order


def split_inputs(nodes):
    """(arguments, auxiliary states): the variables among `nodes` that no op
    mutates, and those some op does, each in node order."""
    mutated = set()
    for n in nodes:
        for i in n.mutated_inputs():
            mutated.add(id(n.inputs[i][0]))
    variables = [n for n in nodes if n.op is None]
    return ([n for n in variables if id(n) not in mutated],
            [n for n in variables if id(n) in mutated])


def update_versions(node):
    """Input versions after `node` was composed (NNVM's UpdateNodeVersion):
    variable inputs carry their variable's count; each mutated one counts up."""
    for i, (child, index, _) in enumerate(node.inputs):
        if child.op is None:
            node.inputs[i] = (child, index, child.version)
    for i in node.mutated_inputs():
        child, index, _ = node.inputs[i]
        if child.op is not None:
            raise MXNetError("Mutation target can only be Variable (input %d of %s)"
                             % (i, node.name))
        child.version += 1
        node.inputs[i] = (child, index, child.version)


def copy_graph(heads):
    """A deep copy of the graph reachable from `heads` (Symbol.__copy__):
    new nodes everywhere; the copied heads are returned."""
    mapping = {}
    for n in post_order(heads):
        c = n.copy()
        c.inputs = [(mapping[id(e[0])], e[1], e[2]) for e in n.inputs]
        mapping[id(n)] = c
    return [(mapping[id(e[0])], e[1], e[2]) for e in heads]


# ---- symbol JSON: writing ----------------------------------------------------
def _escape(s):
    """A JSON string as dmlc writes it: only \\r \\n \\\\ \\t \\" escaped."""
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"').replace(
        "\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def _array(items, indent):
    """An array of already-written items: inline up to 10, else one per line."""
    if not items:
        return "[]"
    if len(items) <= 10:
        return "[" + ", ".join(items) + "]"
    pad = "\n" + " " * (indent + 2)
    return "[" + pad + (", " + pad).join(items) + "\n" + " " * indent + "]"


def _entry(e):
    return "[%d, %d, %d]" % e


def to_json(heads):
    """The symbol JSON MXNet 1.9.1's Symbol.tojson() writes for these heads."""
    nodes = post_order(heads)
    ids = {id(n): i for i, n in enumerate(nodes)}
    out = ['{\n  "nodes": [']
    row_ptr = [0]
    arg_nodes = []
    for i, n in enumerate(nodes):
        if n.op is None:
            arg_nodes.append(i)
            row_ptr.append(row_ptr[-1] + 1)
        else:
            row_ptr.append(row_ptr[-1] + n.info()[3])
        lines = ['"op": %s' % _escape(n.op.name if n.op else "null"),
                 '"name": %s' % _escape(n.name)]
        if n.attrs:
            items = ["%s: %s" % (_escape(k), _escape(v)) for k, v in sorted(n.attrs.items())]
            if len(items) == 1:
                lines.append('"attrs": {%s}' % items[0])
            else:
                lines.append('"attrs": {\n        ' + ", \n        ".join(items) + "\n      }")
        inputs = [_entry((ids[id(e[0])], e[1], e[2])) for e in n.inputs]
        lines.append('"inputs": %s' % _array(inputs, 6))
        out.append(("\n    {\n      " if i == 0 else ", \n    {\n      ") +
                   ", \n      ".join(lines) + "\n    }")
    out.append("\n  ], \n")
    out.append('  "arg_nodes": %s, \n' % _array([str(i) for i in arg_nodes], 2))
    out.append('  "node_row_ptr": %s, \n' % _array([str(i) for i in row_ptr], 2))
    out.append('  "heads": %s, \n' % _array(
        [_entry((ids[id(e[0])], e[1], e[2])) for e in heads], 2))
    out.append('  "attrs": {"mxnet_version": ["int", %d]}\n}' % MXNET_VERSION)
    return "".join(out)


# ---- symbol JSON: reading ----------------------------------------------------
_NODE_KEYS = ("op", "name", "attrs", "attr", "param", "inputs", "control_deps", "subgraphs",
              "backward_source_id")


def _fail(msg):
    raise MXNetError("symbol JSON: " + msg)


def _entry_of(raw, num_nodes, where):
    if not isinstance(raw, list) or len(raw) not in (2, 3) or \
            not all(isinstance(x, int) for x in raw):
        _fail("%s: expected [node, index, version], got %s" % (where, _json.dumps(raw)))
    if not 0 <= raw[0] < num_nodes:
        _fail("%s: node id %d out of range (%d nodes)" % (where, raw[0], num_nodes))
    return (raw[0], raw[1], raw[2] if len(raw) == 3 else 0)


def from_json(text):
    """The head entries of a graph given as symbol JSON (any MXNet 1.x or
    0.8+ file), with MXNet's upgrades applied to older files."""
    try:
        doc = _json.loads(text)
    except ValueError as e:
        _fail("malformed JSON: %s" % e)
    if not isinstance(doc, dict):
        _fail("expected an object at the top level")
    for key in ("nodes", "arg_nodes", "heads"):
        if key not in doc:
            _fail('missing "%s"' % key)
    for key in doc:
        if key not in ("nodes", "arg_nodes", "node_row_ptr", "heads", "attrs"):
            _fail('unknown field "%s"' % key)
    version = 800
    graph_attrs = doc.get("attrs") or {}
    if "mxnet_version" in graph_attrs:
        version = int(graph_attrs["mxnet_version"][1])
    raw_nodes = doc["nodes"]
    ops = _registry.ops()
    nodes = []
    for i, raw in enumerate(raw_nodes):
        where = "node %d" % i
        for key in raw:
            if key not in _NODE_KEYS:
                _fail("%s: unknown field \"%s\"" % (where, key))
        if raw.get("control_deps") or raw.get("subgraphs"):
            _fail("%s (%s): control dependencies and subgraphs are not supported"
                  % (where, raw.get("name")))
        attrs = {}
        for key in ("param", "attr", "attrs"):
            attrs.update(raw.get(key) or {})
        op_name = raw.get("op", "null")
        op = None
        if op_name != "null":
            op = ops.get(op_name) or _alias(op_name)
            if op is None:
                _fail("%s (%s): unknown operator %s" % (where, raw.get("name"), op_name))
        node = Node(op, raw.get("name", ""), attrs)
        node.inputs = [_entry_of(e, len(raw_nodes), where) for e in raw.get("inputs", [])]
        for e in node.inputs:
            if e[0] >= i:
                _fail("%s (%s): input %d is not an earlier node" % (where, node.name, e[0]))
        nodes.append(node)
    for node in nodes:
        node.inputs = [(nodes[e[0]], e[1], e[2]) for e in node.inputs]
    heads = [_entry_of(e, len(nodes), "heads") for e in doc["heads"]]
    heads = [(nodes[e[0]], e[1], e[2]) for e in heads]
    if version < MXNET_VERSION:
        _upgrade(nodes, version)
    for node in nodes:
        if node.op is not None:
            node.info()  # checks the attributes
            if len(node.inputs) != len(node.input_names()):
                _fail("operator %s (%s) has %d inputs, expected %d (%s)" % (
                    node.name, node.op.name, len(node.inputs), len(node.input_names()),
                    ", ".join(node.input_names())))
    # Versions as MXNet recomputes them when it loads a graph.
    for node in post_order(heads):
        if node.op is not None:
            update_versions(node)
    return heads


def _alias(name):
    for alias, info in _registry.all_names():
        if alias == name:
            return info
    return None


def _upgrade(nodes, version):
    """MXNet's upgrades of files older than 1.9.1 (legacy_json_util.cc)."""
    by_name = {}
    for node in nodes:
        if node.op is None:
            by_name.setdefault(node.name, node)
    # FixParsing: hidden keys move to __key__, `arg_key` onto the input `arg`.
    for node in nodes:
        if node.op is None:
            continue
        names = None
        for key in list(node.attrs):
            for hidden in HIDDEN_KEYS:
                if key == hidden:
                    node.attrs["__%s__" % hidden] = node.attrs.pop(key)
                elif key.endswith("_" + hidden) and not key.startswith("__"):
                    arg = key[:-len(hidden) - 1]
                    if names is None:
                        names = _plain_input_names(node)
                    value = node.attrs.pop(key)
                    target = None
                    if arg in names and names.index(arg) < len(node.inputs):
                        target = node.inputs[names.index(arg)][0]
                    if target is not None and target.op is None:
                        target.attrs["__%s__" % hidden] = value
                    else:
                        node.attrs[key] = value
    if version < 900:
        # 0.8 -> 0.9: missing trailing inputs (BatchNorm's aux states) appear.
        for node in nodes:
            if node.op is None:
                continue
            names = node.input_names()
            for name in names[len(node.inputs):]:
                var = Node(None, "%s_%s" % (node.name, name), node.attrs)
                node.inputs.append((var, 0, 0))
    if version < 904:
        for node in nodes:
            if node.op is None:
                continue
            for i, name in enumerate(node.input_names()[:len(node.inputs)]):
                set_input_init(node, i, name)
    if version < 905:
        for node in nodes:
            if node.op is not None and node.op.name in ("argmax", "argmin") and \
                    node.attrs.get("axis") == "-1":
                del node.attrs["axis"]
                node.invalidate()


def _plain_input_names(node):
    """Input names without parsing (before FixParsing has cleaned the attrs)."""
    saved = dict(node.attrs)
    node.attrs = {k: v for k, v in node.attrs.items()
                  if not any(k.endswith(h) for h in HIDDEN_KEYS)}
    try:
        return list(graph_info(node.op, node.attrs, node.name)[0])
    finally:
        node.attrs = saved


def set_input_init(node, index, input_name):
    """MXNet's FSetInputVarAttrOnCompose: `__init__` on a variable composed
    into an input that has an initializer (BatchNorm's moving statistics)."""
    init = node.op.input_inits.get(input_name)
    child = node.inputs[index][0]
    if init and child.op is None and "__init__" not in child.attrs:
        child.attrs["__init__"] = '["%s", {}]' % init
