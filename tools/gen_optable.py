#!/usr/bin/env python3
"""gen_optable.py - the op table, generated from the mx dialect's ODS.

Reads `llvm-tblgen --dump-json MxOps.td` and writes the one op table every
other part of mxc uses: a C++ include for the runtime (mxrt/op_table.h
declares its types) and a Markdown reference of the operators.
Only records deriving from Mx_Op are read; see dialects/mx/MxBase.td for the
meaning of each mx* field.
"""
import argparse
import json
import sys

KINDS = {
    "int": "Int", "optint": "OptInt", "float": "Float", "optfloat": "OptFloat",
    "bool": "Bool", "enum": "Enum", "optenum": "OptEnum", "str": "Str",
    "shape": "Shape", "optshape": "OptShape", "dtype": "DType", "optdtype": "OptDType",
    "optbool": "OptBool", "intornonetuple": "IntOrNoneTuple",
}


def fail(msg):
    sys.exit(f"gen_optable.py: error: {msg}")


def parse_cond(op, text):
    """'bias=!no_bias' -> ('bias', attr, CondOp, value)."""
    if "=" not in text or text.index("=") == 0:
        fail(f"{op}: bad mxInputConds entry '{text}' (want input=cond)")
    name, cond = text.split("=", 1)
    for sep, kind in (("==", "Eq"), ("!=", "Ne")):
        if sep in cond:
            attr, value = cond.split(sep, 1)
            return name, attr, kind, value
    if cond.startswith("!"):
        return name, cond[1:], "Falsy", ""
    return name, cond, "Truthy", ""


def check_count_expr(op, field, text, attrs):
    """Validates a count expression (see MxBase.td): integer, attr, len(attr),
    or cond?expr:expr with cond attr, !attr, attr==value, attr!=value."""
    def check_attr(name):
        if name not in attrs:
            fail(f"{op}: {field} '{text}' names '{name}', not an attribute of the op")
        return attrs[name]

    def expr(e):
        if "?" in e:
            cond, rest = e.split("?", 1)
            depth, split = 0, None  # the ':' that closes this '?'
            for i, c in enumerate(rest):
                if c == "?":
                    depth += 1
                elif c == ":":
                    if depth == 0:
                        split = i
                        break
                    depth -= 1
            if split is None:
                fail(f"{op}: {field} '{text}': '?' without ':'")
            for sep in ("==", "!="):
                if sep in cond:
                    name, value = cond.split(sep, 1)
                    a = check_attr(name)
                    if a["choices"] and value not in a["choices"]:
                        fail(f"{op}: {field} '{text}': '{value}' is not a choice of {name}")
                    break
            else:
                check_attr(cond[1:] if cond.startswith("!") else cond)
            expr(rest[:split])
            expr(rest[split + 1:])
        elif e.startswith("len(") and e.endswith(")"):
            check_attr(e[4:-1])
        elif not e.lstrip("-").isdigit():
            check_attr(e)

    if text:
        expr(text)


def read_ops(records):
    ops = []
    for name, rec in records.items():
        if not isinstance(rec, dict) or "Mx_Op" not in rec.get("!superclasses", []):
            continue
        op = {"def": name, "name": rec["mxName"], "summary": rec.get("summary", ""),
              "description": rec.get("description", ""), "aliases": rec["mxAliases"],
              "inputs": [], "attrs": [], "numArgsAttr": rec["mxNumArgsAttr"],
              "outputNames": rec["mxOutputNames"], "numOutputsAttr": rec["mxNumOutputsAttr"],
              "numOutputsExpr": rec["mxNumOutputs"] or rec["mxNumOutputsAttr"],
              "visibleOutputs": rec["mxVisibleOutputs"],
              "jsonOutputs": rec["mxJsonOutputs"], "inputInit": rec["mxInputInit"], "mutate": rec["mxMutateInputs"],
              "inplace": rec["mxInplace"], "isLoss": rec["mxIsLoss"],
              "noGradient": rec["mxNoGradient"], "internal": rec["mxInternal"],
              "nameHint": rec["mxNameHint"] or rec["mxName"].lower()}
        conds = {}
        for text in rec["mxInputConds"]:
            input_name, attr, kind, value = parse_cond(op["name"], text)
            conds[input_name] = (attr, kind, value)
        for arg, arg_name in rec["arguments"]["args"]:
            arg_rec = records[arg["def"]]
            supers = arg_rec.get("!superclasses", [])
            if "TypeConstraint" in supers:
                attr, kind, value = conds.pop(arg_name, ("", "Always", ""))
                op["inputs"].append({"name": arg_name, "optional": "Optional" in supers,
                                     "variadic": "Variadic" in supers, "condAttr": attr,
                                     "cond": kind, "condValue": value})
            elif "MxAttrMeta" in supers:
                op["attrs"].append({"name": arg_name, "kind": KINDS[arg_rec["mxKind"]],
                                    "default": arg_rec["mxDefault"],
                                    "required": bool(arg_rec["mxRequired"]),
                                    "choices": arg_rec["mxChoices"]})
            else:
                fail(f"{op['name']}: argument '{arg_name}' is neither a tensor nor an Mx* attribute")
        if conds:
            fail(f"{op['name']}: mxInputConds names unknown inputs {sorted(conds)}")
        results = rec["results"]["args"]
        op["numOutputs"] = len(results)
        op["variadicOutputs"] = any("Variadic" in records[r["def"]].get("!superclasses", [])
                                    for r, _ in results)
        if op["variadicOutputs"] and not op["numOutputsExpr"]:
            fail(f"{op['name']}: variadic results need mxNumOutputsAttr or mxNumOutputs")
        attrs = {a["name"]: a for a in op["attrs"]}
        for ref in (op["numArgsAttr"], op["numOutputsAttr"]):
            if ref and ref not in attrs:
                fail(f"{op['name']}: '{ref}' is not an attribute of the op")
        check_count_expr(op["name"], "mxNumOutputs", op["numOutputsExpr"], attrs)
        check_count_expr(op["name"], "mxVisibleOutputs", op["visibleOutputs"], attrs)
        check_count_expr(op["name"], "mxJsonOutputs", op["jsonOutputs"], attrs)
        if op["variadicOutputs"]:
            if op["outputNames"] and (len(op["outputNames"]) != 1
                                      or "{i}" not in op["outputNames"][0]):
                fail(f"{op['name']}: variadic results take one output name pattern with '{{i}}'")
        elif len(op["outputNames"]) not in (0, op["numOutputs"]):
            fail(f"{op['name']}: mxOutputNames has {len(op['outputNames'])} names for "
                 f"{op['numOutputs']} results")
        ops.append(op)
    ops.sort(key=lambda o: o["name"])
    names = {}
    for op in ops:
        for n in [op["name"]] + op["aliases"]:
            if n in names:
                fail(f"operator name '{n}' is defined by both {names[n]} and {op['def']}")
            names[n] = op["def"]
    return ops


def cstr(s):
    return json.dumps(s)  # a JSON string is a valid C++ string literal here


def sv_list(values):
    return "{" + ", ".join(f"std::string_view{{{cstr(v)}}}" for v in values) + "}"


def emit_cpp(ops, out):
    w = out.write
    w("// Generated by tools/gen_optable.py from the mx dialect's ODS. Do not edit.\n")
    w("// Included by runtime/ops/op_table.cc; the types are in mxrt/op_table.h.\n\n")
    for i, op in enumerate(ops):
        w(f"// {op['name']}\n")
        w(f"constexpr std::string_view kAliases{i}[] = {sv_list(op['aliases'] + [''])};\n")
        w(f"constexpr std::string_view kOutputNames{i}[] = {sv_list(op['outputNames'] + [''])};\n")
        w(f"constexpr std::string_view kInputInit{i}[] = {sv_list(op['inputInit'] + [''])};\n")
        w(f"constexpr int kMutate{i}[] = {{{', '.join(map(str, op['mutate'] + [-1]))}}};\n")
        w(f"constexpr int kInplace{i}[] = {{{', '.join(map(str, op['inplace'] + [-1]))}}};\n")
        for j, a in enumerate(op["attrs"]):
            w(f"constexpr std::string_view kChoices{i}_{j}[] = {sv_list(a['choices'] + [''])};\n")
        w(f"constexpr InputSpec kInputs{i}[] = {{\n")
        for inp in op["inputs"]:
            w(f"  {{{cstr(inp['name'])}, {str(inp['optional']).lower()}, "
              f"{str(inp['variadic']).lower()}, {cstr(inp['condAttr'])}, CondOp::{inp['cond']}, "
              f"{cstr(inp['condValue'])}}},\n")
        w("  {}};\n")
        w(f"constexpr AttrSpec kAttrs{i}[] = {{\n")
        for j, a in enumerate(op["attrs"]):
            w(f"  {{{cstr(a['name'])}, AttrKind::{a['kind']}, {cstr(a['default'])}, "
              f"{str(a['required']).lower()}, "
              f"std::span(kChoices{i}_{j}, {len(a['choices'])})}},\n")
        w("  {}};\n\n")
    w("constexpr OpSpec kOpTable[] = {\n")
    for i, op in enumerate(ops):
        fields = [
            cstr(op["name"]), cstr(op["summary"]), cstr(op["description"]),
            f"std::span(kAliases{i}, {len(op['aliases'])})",
            f"std::span(kInputs{i}, {len(op['inputs'])})",
            f"std::span(kAttrs{i}, {len(op['attrs'])})",
            str(op["numOutputs"]), str(op["variadicOutputs"]).lower(), cstr(op["numOutputsAttr"]),
            cstr(op["numOutputsExpr"]), cstr(op["visibleOutputs"]),
            f"std::span(kOutputNames{i}, {len(op['outputNames'])})",
            f"std::span(kMutate{i}, {len(op['mutate'])})",
            f"std::span(kInplace{i}, {len(op['inplace'])})",
            cstr(op["numArgsAttr"]), str(bool(op["isLoss"])).lower(),
            str(bool(op["noGradient"])).lower(), cstr(op["nameHint"]),
            str(bool(op["internal"])).lower(), cstr(op["jsonOutputs"]),
            f"std::span(kInputInit{i}, {len(op['inputInit'])})",
        ]
        w("  {" + ", ".join(fields) + "},\n")
    w("};\n")


KIND_DOC = {
    "Int": "int", "OptInt": "int or None", "Float": "float", "OptFloat": "float or None",
    "Bool": "bool", "OptBool": "bool or None", "Enum": "one of", "OptEnum": "None or one of",
    "Str": "string", "Shape": "tuple", "OptShape": "tuple or None",
    "IntOrNoneTuple": "tuple of int or None", "DType": "dtype", "OptDType": "None or dtype",
}


def output_doc(op):
    """'Outputs: `output`, `mean`, `var` (visible: output_mean_var?3:1)'."""
    names = op["outputNames"]
    if op["variadicOutputs"]:
        text = f"`{(names[0] if names else 'output{i}').replace('{i}', '<i>')}` for each of " \
               f"`{op['numOutputsExpr']}`"
    else:
        n = op["numOutputs"]
        names = names or (["output"] if n == 1 else [f"output{i}" for i in range(n)])
        text = ", ".join(f"`{x}`" for x in names)
        if op["numOutputsExpr"]:
            text += f" (count: `{op['numOutputsExpr']}`)"
    if op["visibleOutputs"]:
        text += f" (visible: `{op['visibleOutputs']}`)"
    return "Outputs: " + text


def emit_markdown(ops, out):
    w = out.write
    w("# mx operators\n\n")
    w("Generated by `tools/gen_optable.py` from the mx dialect's ODS "
      "(`dialects/mx/*.td`); do not edit. Each operator is available as "
      "`mx.nd.<name>` and `mx.sym.<name>` and as the op `mx.<name>` in MLIR.\n\n")
    w(f"{len(ops)} operators.\n\n")
    for op in ops:
        w(f"## {op['name']}\n\n")
        if op["summary"]:
            w(f"{op['summary']}\n\n")
        if op["aliases"]:
            w("Aliases: " + ", ".join(f"`{a}`" for a in op["aliases"]) + "\n\n")
        if op["inputs"]:
            w("Inputs: " + ", ".join(
                f"`{i['name']}`" + ("…" if i["variadic"] else "")
                + (f" (if {'not ' if i['cond'] == 'Falsy' else ''}{i['condAttr']}"
                   + (f" {'==' if i['cond'] == 'Eq' else '!='} {i['condValue']}"
                      if i["cond"] in ("Eq", "Ne") else "") + ")"
                   if i["cond"] != "Always" else "")
                for i in op["inputs"]) + "\n\n")
        w(output_doc(op) + "\n\n")
        notes = []
        if op["mutate"]:
            notes.append("Updates in place (auxiliary states): " + ", ".join(
                f"`{op['inputs'][i]['name']}`" for i in op["mutate"]) + ".")
        if op["isLoss"]:
            notes.append("A loss layer: it takes no head gradient.")
        if op["noGradient"]:
            notes.append("No gradient flows through it.")
        if op["internal"]:
            notes.append("Internal: created by compiler passes, not exposed to Python or symbol JSON.")
        if notes:
            w(" ".join(notes) + "\n\n")
        if op["attrs"]:
            w("| attribute | kind | default |\n|---|---|---|\n")
            for a in op["attrs"]:
                kind = KIND_DOC[a["kind"]]
                if a["choices"]:
                    kind += " " + ", ".join(f"`{c}`" for c in a["choices"])
                dflt = "required" if a["required"] else f"`{a['default']}`"
                w(f"| `{a['name']}` | {kind} | {dflt} |\n")
            w("\n")
        desc = op["description"].strip()
        if desc:
            w("\n".join(line.strip() for line in desc.splitlines()) + "\n\n")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("records", help="output of llvm-tblgen --dump-json")
    p.add_argument("--cpp", required=True)
    p.add_argument("--markdown", required=True)
    args = p.parse_args()
    with open(args.records) as f:
        ops = read_ops(json.load(f))
    if not ops:
        fail("no Mx_Op records found")
    with open(args.cpp, "w") as f:
        emit_cpp(ops, f)
    with open(args.markdown, "w") as f:
        emit_markdown(ops, f)


if __name__ == "__main__":
    main()
