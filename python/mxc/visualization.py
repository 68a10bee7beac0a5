"""visualization.py - mx.viz: a network as a table (print_summary) or a
Graphviz drawing (plot_network), with MXNet 1.x's layout.

Both read the symbol's JSON and, when shapes (or dtypes) are given, infer
those of every internal output. print_summary prints what MXNet prints, row
for row: each operator (and the first node, usually the data) with its
output shape without the batch axis, its parameter count (Convolution,
FullyConnected, BatchNorm, Embedding) and the layers feeding it.
plot_network returns a graphviz.Digraph (the `graphviz` package; rendering
needs the `dot` program) with MXNet's colours and labels.
"""
import copy
import json
import re
import warnings

from .symbol import Symbol

__all__ = ["print_summary", "plot_network"]


def _str2tuple(string):
    """The integers of a shape string: "(3, 3)" -> ['3', '3']."""
    return re.findall(r"\d+", string)


def _internal_shapes(symbol, shape):
    internals = symbol.get_internals()
    _, out_shapes, _ = internals.infer_shape(**shape)
    if out_shapes is None:
        raise ValueError("Input shape is incomplete")
    return dict(zip(internals.list_outputs(), out_shapes))


def _print_row(fields, positions):
    line = ""
    for field, pos in zip(fields, positions):
        line += str(field)
        line = line[:pos]
        line += " " * (pos - len(line))
    print(line)


def _param_count(node, pre_filter, shape_dict):
    """Parameters of a layer, counted as MXNet's print_summary counts them."""
    op, attrs = node["op"], node.get("attrs", {})
    if op == "Convolution":
        count = pre_filter * int(attrs["num_filter"]) // int(attrs.get("num_group", "1"))
        for k in _str2tuple(attrs["kernel"]):
            count *= int(k)
        if attrs.get("no_bias") != "True":
            count += int(attrs["num_filter"])
        return count
    if op == "FullyConnected":
        if attrs.get("no_bias") == "True":
            return pre_filter * int(attrs["num_hidden"])
        return (pre_filter + 1) * int(attrs["num_hidden"])
    if op == "BatchNorm":
        if shape_dict is None:
            return 0
        return int(shape_dict[node["name"] + "_output"][1]) * 2
    if op == "Embedding":
        return int(attrs["input_dim"]) * int(attrs["output_dim"])
    return 0


def print_summary(symbol, shape=None, line_length=120, positions=(.44, .64, .74, 1.)):
    """Prints the layers of `symbol`: name(type), output shape, parameters,
    previous layers; with `shape` ({input: shape}) the shapes and counts
    that need them are filled in."""
    if not isinstance(symbol, Symbol):
        raise TypeError("symbol must be Symbol")
    shape_dict = _internal_shapes(symbol, shape) if shape is not None else None
    conf = json.loads(symbol.tojson())
    nodes = conf["nodes"]
    heads = set(conf["heads"][0])  # as MXNet: the first head's [id, index, version]
    positions = list(positions)
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    print("_" * line_length)
    _print_row(["Layer (type)", "Output Shape", "Param #", "Previous Layer"], positions)
    print("=" * line_length)

    def key_of(node):
        return node["name"] + "_output" if node["op"] != "null" else node["name"]

    total = 0
    for i, node in enumerate(nodes):
        op = node["op"]
        if op == "null" and i > 0:
            continue
        out_shape = []
        if (op != "null" or i in heads) and shape_dict is not None and \
                key_of(node) in shape_dict:
            out_shape = shape_dict[key_of(node)][1:]
        pre_node, pre_filter = [], 0
        if op != "null":
            for item in node["inputs"]:
                input_node = nodes[item[0]]
                if input_node["op"] != "null" or item[0] in heads:
                    pre_node.append(input_node["name"])
                    if shape_dict is not None and key_of(input_node) in shape_dict:
                        pre_filter += int(shape_dict[key_of(input_node)][1:][0])
        params = _param_count(node, pre_filter, shape_dict)
        total += params
        _print_row([node["name"] + "(" + op + ")", "x".join(str(x) for x in out_shape), params,
                    pre_node[0] if pre_node else ""], positions)
        for name in pre_node[1:]:
            _print_row(["", "", "", name], positions)
        print(("=" if i == len(nodes) - 1 else "_") * line_length)
    print("Total params: {params}".format(params=total))
    print("_" * line_length)


_COLORS = ("#8dd3c7", "#fb8072", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69",
           "#fccde5")
_WEIGHT_LIKE = ("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean",
                "_running_var", "_running_mean")


def _label_and_color(node):
    op, attrs, name = node["op"], node.get("attrs", {}), node["name"]
    if op == "Convolution":
        return ("Convolution\n{}/{}, {}".format(
            "x".join(_str2tuple(attrs["kernel"])),
            "x".join(_str2tuple(attrs["stride"])) if "stride" in attrs else "1",
            attrs["num_filter"]), _COLORS[1])
    if op == "FullyConnected":
        return "FullyConnected\n{}".format(attrs["num_hidden"]), _COLORS[1]
    if op == "BatchNorm":
        return name, _COLORS[3]
    if op == "Activation":
        return "Activation\n{}".format(attrs["act_type"]), _COLORS[2]
    if op == "LeakyReLU":
        return "LeakyReLU\n{}".format(attrs.get("act_type", "Leaky")), _COLORS[2]
    if op == "Pooling":
        return ("Pooling\n{}, {}/{}".format(
            attrs["pool_type"],
            "x".join(_str2tuple(attrs["kernel"])) if "kernel" in attrs else "[]",
            "x".join(_str2tuple(attrs["stride"])) if "stride" in attrs else "1"), _COLORS[4])
    if op in ("Concat", "Flatten", "Reshape"):
        return name, _COLORS[5]
    if op == "Softmax":
        return name, _COLORS[6]
    return name, _COLORS[7]


def plot_network(symbol, title="plot", save_format="pdf", shape=None, dtype=None,
                 node_attrs=None, hide_weights=True):
    """A graphviz.Digraph of the graph computing `symbol`; edges carry shapes
    (and dtypes) when `shape` (and `dtype`) are given; weight-like inputs
    are left out unless hide_weights is False."""
    try:
        from graphviz import Digraph  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise ImportError("Draw network requires graphviz library") from None
    if not isinstance(symbol, Symbol):
        raise TypeError("symbol must be a Symbol")
    shape_dict = _internal_shapes(symbol, shape) if shape is not None else None
    type_dict = None
    if dtype is not None:
        internals = symbol.get_internals()
        _, out_types, _ = internals.infer_type(**dtype)
        if out_types is None:
            raise ValueError("Input type is incomplete")
        type_dict = dict(zip(internals.list_outputs(), out_types))
    nodes = json.loads(symbol.tojson())["nodes"]
    names = [n["name"] for n in nodes]
    if len(names) != len(set(names)):
        repeated = sorted({n for n in names if names.count(n) > 1})
        warnings.warn("There are multiple variables with the same name in your graph, this may "
                      "result in cyclic graph. Repeated names: " + ",".join(repeated),
                      RuntimeWarning)
    node_attr = {"shape": "box", "fixedsize": "true", "width": "1.3", "height": "0.8034",
                 "style": "filled"}
    node_attr.update(node_attrs or {})
    dot = Digraph(name=title, format=save_format)
    hidden = set()
    for node in nodes:
        attr = copy.deepcopy(node_attr)
        if node["op"] == "null":
            if node["name"].endswith(_WEIGHT_LIKE):
                if hide_weights:
                    hidden.add(node["name"])
                continue
            attr["shape"] = "oval"
            label, attr["fillcolor"] = node["name"], _COLORS[0]
        else:
            label, attr["fillcolor"] = _label_and_color(node)
        dot.node(name=node["name"], label=label, **attr)
    for node in nodes:
        if node["op"] == "null":
            continue
        inputs = node["inputs"][:1] if node["op"] == "_contrib_BilinearResize2D" \
            else node["inputs"]
        for item in inputs:
            input_node = nodes[item[0]]
            if input_node["name"] in hidden:
                continue
            key = input_node["name"]
            if input_node["op"] != "null":
                key += "_output"
                num_outputs = input_node.get("attrs", {}).get("num_outputs")
                if num_outputs is not None:
                    key += str(int(num_outputs) - 1)
            attr = {"dir": "back", "arrowtail": "open", "label": ""}
            if shape_dict is not None:
                attr["label"] = "x".join(str(x) for x in shape_dict[key][1:])
            if type_dict is not None:
                attr["label"] += "(" + type_dict[key].__name__ + ")"
            dot.edge(tail_name=node["name"], head_name=input_node["name"], **attr)
    return dot
