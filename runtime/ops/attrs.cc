// attrs.cc - parsing and printing operator attributes in MXNet's string forms.
//
// The forms follow what MXNet 1.x accepts (dmlc parameter parsing): ints
// with an optional Python-2 'L' suffix, floats including inf/nan, booleans
// as True/False/true/false/1/0, tuples as "(3, 3)", "[3,3]", "(3,)", "()"
// or a bare "3", and "None" for optional values.
#include "mxrt/attrs.h"

#include "mxrt/base.h"
#include "mxrt/dtype.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

namespace mxrt {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string_view kindName(AttrKind k) {
  switch (k) {
  case AttrKind::Int: return "int";
  case AttrKind::OptInt: return "int or None";
  case AttrKind::Float: return "float";
  case AttrKind::OptFloat: return "float or None";
  case AttrKind::Bool: return "boolean";
  case AttrKind::Enum: return "one of the choices";
  case AttrKind::OptEnum: return "one of the choices or None";
  case AttrKind::Str: return "string";
  case AttrKind::Shape: return "shape tuple";
  case AttrKind::OptShape: return "shape tuple or None";
  case AttrKind::DType: return "dtype name";
  case AttrKind::OptDType: return "dtype name or None";
  case AttrKind::OptBool: return "boolean or None";
  case AttrKind::IntOrNoneTuple: return "tuple of int or None";
  }
  return "value";
}

bool parseInt(std::string_view s, int64_t &out) {
  s = trim(s);
  if (!s.empty() && (s.back() == 'L' || s.back() == 'l'))
    s.remove_suffix(1);
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

bool parseFloat(std::string_view s, double &out) {
  s = trim(s);
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string_view body = lower;
  bool neg = false;
  if (!body.empty() && (body.front() == '-' || body.front() == '+')) {
    neg = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body == "inf" || body == "infinity") {
    out = neg ? -INFINITY : INFINITY;
    return true;
  }
  if (body == "nan") {
    out = NAN;
    return true;
  }
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

bool parseBool(std::string_view s, bool &out) {
  s = trim(s);
  if (s == "True" || s == "true" || s == "1") {
    out = true;
    return true;
  }
  if (s == "False" || s == "false" || s == "0") {
    out = false;
    return true;
  }
  return false;
}

/// A tuple of ints; with allowNone, entries may be None (kNoneIndex).
bool parseTuple(std::string_view s, std::vector<int64_t> &out, bool allowNone = false) {
  s = trim(s);
  out.clear();
  if (s.empty())
    return false;
  char open = s.front();
  auto item = [&](std::string_view text, int64_t &v) {
    if (allowNone && trim(text) == "None") {
      v = kNoneIndex;
      return true;
    }
    return parseInt(text, v);
  };
  if (open != '(' && open != '[') {
    int64_t v;
    if (!item(s, v))
      return false;
    out.push_back(v);
    return true;
  }
  char close = open == '(' ? ')' : ']';
  if (s.back() != close)
    return false;
  s = trim(s.substr(1, s.size() - 2));
  while (!s.empty()) {
    size_t comma = s.find(',');
    int64_t v;
    if (!item(trim(s.substr(0, comma)), v))
      return false;
    out.push_back(v);
    if (comma == std::string_view::npos)
      break;
    s = trim(s.substr(comma + 1)); // a trailing comma ("(3,)") leaves s empty
  }
  return true;
}

/// Python's repr of a finite double: the shortest round-trip digits, in
/// fixed notation when the decimal exponent is in [-4, 16), else scientific
/// ("1e-05", "100000.0", "1e+16", "0.9").
std::string pythonFloatRepr(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, end); // [-]d[.ddd]e[+-]XX
  bool neg = sci[0] == '-';
  size_t e = sci.find('e');
  std::string digits;
  for (size_t i = neg ? 1 : 0; i < e; ++i)
    if (sci[i] != '.')
      digits += sci[i];
  int exp10 = std::stoi(sci.substr(e + 1));
  std::string out = neg ? "-" : "";
  if (exp10 >= -4 && exp10 < 16) {
    if (exp10 < 0) {
      out += "0." + std::string(size_t(-exp10 - 1), '0') + digits;
    } else if (size_t(exp10) + 1 >= digits.size()) {
      out += digits + std::string(size_t(exp10) + 1 - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, size_t(exp10) + 1) + "." + digits.substr(size_t(exp10) + 1);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1)
    out += "." + digits.substr(1);
  char expText[8];
  std::snprintf(expText, sizeof expText, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
  return out + expText;
}

bool isNoneText(std::string_view s) { return trim(s) == "None"; }

bool isOptional(AttrKind k) {
  return k == AttrKind::OptInt || k == AttrKind::OptFloat || k == AttrKind::OptEnum ||
         k == AttrKind::OptShape || k == AttrKind::OptDType || k == AttrKind::OptBool;
}

std::string joinChoices(const AttrSpec &spec) {
  std::string s = "{";
  for (size_t i = 0; i < spec.choices.size(); ++i)
    s += str(i ? ", " : "", "'", spec.choices[i], "'");
  return s + "}";
}

bool isHiddenKey(std::string_view key) {
  return key.size() > 4 && key.starts_with("__") && key.ends_with("__");
}

/// Defaults of every attribute of every op, parsed once.
const AttrValue &parsedDefault(const AttrSpec &spec) {
  static std::once_flag once;
  static std::unordered_map<const AttrSpec *, AttrValue> *defaults;
  std::call_once(once, [] {
    defaults = new std::unordered_map<const AttrSpec *, AttrValue>();
    for (const OpSpec &op : opTable())
      for (const AttrSpec &a : op.attrs)
        (*defaults)[&a] = a.required ? AttrValue{} : parseAttrValue(a, a.dflt);
  });
  return defaults->at(&spec);
}

} // namespace

AttrValue parseAttrValue(const AttrSpec &spec, std::string_view text) {
  if (isOptional(spec.kind) && isNoneText(text))
    return std::monostate{};
  switch (spec.kind) {
  case AttrKind::Int:
  case AttrKind::OptInt: {
    int64_t v;
    if (parseInt(text, v))
      return v;
    break;
  }
  case AttrKind::Float:
  case AttrKind::OptFloat: {
    double v;
    if (parseFloat(text, v))
      return v;
    break;
  }
  case AttrKind::Bool:
  case AttrKind::OptBool: {
    bool v;
    if (parseBool(text, v))
      return v;
    break;
  }
  case AttrKind::Enum:
  case AttrKind::OptEnum:
  case AttrKind::DType:
  case AttrKind::OptDType: {
    std::string_view v = trim(text);
    if (std::find(spec.choices.begin(), spec.choices.end(), v) != spec.choices.end())
      return std::string(v);
    fail("Invalid value '", text, "' for attribute '", spec.name, "': expected one of ",
         joinChoices(spec));
  }
  case AttrKind::Str:
    return std::string(text);
  case AttrKind::Shape:
  case AttrKind::OptShape: {
    std::vector<int64_t> v;
    if (parseTuple(text, v))
      return v;
    break;
  }
  case AttrKind::IntOrNoneTuple: {
    std::vector<int64_t> v;
    if (parseTuple(text, v, /*allowNone=*/true))
      return v;
    break;
  }
  }
  fail("Invalid value '", text, "' for attribute '", spec.name, "': expected ",
       kindName(spec.kind));
}

Attrs Attrs::parse(const OpSpec &op, std::span<const KeyValue> kv, std::string_view node) {
  Attrs a;
  a.op_ = &op;
  a.values_.resize(op.attrs.size());
  a.set_.assign(op.attrs.size(), false);
  auto where = [&] {
    return node.empty() ? str("operator ", op.name) : str("operator ", op.name, " (node '", node, "')");
  };
  for (const auto &[key, value] : kv) {
    if (isHiddenKey(key)) {
      a.hidden_[std::string(key)] = std::string(value);
      continue;
    }
    const AttrSpec *spec = op.findAttr(key);
    if (!spec) {
      std::string names;
      for (const AttrSpec &s : op.attrs)
        names += str(names.empty() ? "" : ", ", s.name);
      fail("Cannot find argument '", key, "' in ", where(),
           names.empty() ? std::string(": it takes no arguments")
                         : str(". Possible arguments: ", names));
    }
    size_t i = size_t(spec - op.attrs.data());
    try {
      a.values_[i] = parseAttrValue(*spec, value);
    } catch (const Error &e) {
      fail(e.what(), " in ", where());
    }
    a.set_[i] = true;
  }
  for (size_t i = 0; i < op.attrs.size(); ++i) {
    if (a.set_[i])
      continue;
    const AttrSpec &spec = op.attrs[i];
    MXRT_CHECK(!spec.required, "Required parameter '", spec.name, "' (", kindName(spec.kind),
               ") is not given, in ", where());
    a.values_[i] = parsedDefault(spec);
  }
  return a;
}

Attrs Attrs::fromValues(const OpSpec &op,
                        std::span<const std::pair<std::string_view, AttrValue>> kv) {
  Attrs a;
  a.op_ = &op;
  a.values_.resize(op.attrs.size());
  a.set_.assign(op.attrs.size(), false);
  for (const auto &[key, value] : kv) {
    const AttrSpec *spec = op.findAttr(key);
    MXRT_CHECK(spec, "Cannot find argument '", key, "' in operator ", op.name);
    size_t i = size_t(spec - op.attrs.data());
    a.values_[i] = value;
    a.set_[i] = true;
  }
  for (size_t i = 0; i < op.attrs.size(); ++i) {
    if (a.set_[i])
      continue;
    MXRT_CHECK(!op.attrs[i].required, "Required parameter '", op.attrs[i].name,
               "' is not given, in operator ", op.name);
    a.values_[i] = parsedDefault(op.attrs[i]);
  }
  return a;
}

const AttrValue &Attrs::get(std::string_view name) const {
  MXRT_CHECK(op_, "attributes of no operator: '", name, "'");
  const AttrSpec *spec = op_->findAttr(name);
  MXRT_CHECK(spec, "operator ", op_->name, " has no attribute '", name, "'");
  return values_[size_t(spec - op_->attrs.data())];
}

namespace {
template <class T> const T &getAs(const Attrs &a, std::string_view name, const char *want) {
  const AttrValue &v = a.get(name);
  const T *p = std::get_if<T>(&v);
  MXRT_CHECK(p, "attribute '", name, "' of operator ", a.op().name, " is ",
             std::holds_alternative<std::monostate>(v) ? "None" : "not", " ", want);
  return *p;
}
} // namespace

int64_t Attrs::getInt(std::string_view name) const { return getAs<int64_t>(*this, name, "an int"); }
double Attrs::getFloat(std::string_view name) const { return getAs<double>(*this, name, "a float"); }
bool Attrs::getBool(std::string_view name) const { return getAs<bool>(*this, name, "a boolean"); }
const std::string &Attrs::getStr(std::string_view name) const {
  return getAs<std::string>(*this, name, "a string");
}
const std::vector<int64_t> &Attrs::getShape(std::string_view name) const {
  return getAs<std::vector<int64_t>>(*this, name, "a tuple");
}
bool Attrs::isNone(std::string_view name) const {
  return std::holds_alternative<std::monostate>(get(name));
}
std::optional<int64_t> Attrs::getOptInt(std::string_view name) const {
  if (isNone(name))
    return std::nullopt;
  return getInt(name);
}
std::optional<double> Attrs::getOptFloat(std::string_view name) const {
  if (isNone(name))
    return std::nullopt;
  return getFloat(name);
}
bool Attrs::isSet(std::string_view name) const {
  const AttrSpec *spec = op_ ? op_->findAttr(name) : nullptr;
  return spec && set_[size_t(spec - op_->attrs.data())];
}

std::string Attrs::format(AttrKind, const AttrValue &value) {
  return std::visit(
      [](const auto &v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "None";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "True" : "False";
        } else if constexpr (std::is_same_v<T, double>) {
          // Python's repr: shortest round-trip form, ".0" on integral values.
          if (std::isnan(v))
            return "nan";
          if (std::isinf(v))
            return v > 0 ? "inf" : "-inf";
          return pythonFloatRepr(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else {
          std::string s = "(";
          for (size_t i = 0; i < v.size(); ++i) {
            s += i ? ", " : "";
            s += v[i] == kNoneIndex ? std::string("None") : std::to_string(v[i]);
          }
          return s + (v.size() == 1 ? ",)" : ")");
        }
      },
      value);
}

std::map<std::string, std::string> Attrs::explicitStrings() const {
  std::map<std::string, std::string> out = hidden_;
  if (!op_)
    return out;
  for (size_t i = 0; i < op_->attrs.size(); ++i)
    if (set_[i])
      out[std::string(op_->attrs[i].name)] = format(op_->attrs[i].kind, values_[i]);
  return out;
}

namespace {
/// An attribute's value in MXNet's string form.
std::string attrText(const Attrs &attrs, std::string_view name) {
  const AttrSpec *spec = attrs.op().findAttr(name);
  MXRT_CHECK(spec, "operator ", attrs.op().name, " has no attribute '", name, "'");
  return Attrs::format(spec->kind, attrs.get(name));
}

/// None, False, 0, "" and () are false, as in the op table's conditions.
bool attrTruthy(const Attrs &attrs, std::string_view name) {
  std::string text = attrText(attrs, name);
  return !(attrs.isNone(name) || text == "False" || text == "0" || text.empty() || text == "()");
}

bool inputPresent(const Attrs &attrs, const InputSpec &in) {
  switch (in.cond) {
  case CondOp::Always: return true;
  case CondOp::Truthy: return attrTruthy(attrs, in.condAttr);
  case CondOp::Falsy: return !attrTruthy(attrs, in.condAttr);
  case CondOp::Eq: return attrText(attrs, in.condAttr) == in.condValue;
  case CondOp::Ne: return attrText(attrs, in.condAttr) != in.condValue;
  }
  return true;
}

/// Evaluates a count expression of the op table (grammar in
/// dialects/mx/MxBase.td): integer, attr, len(attr), cond?expr:expr.
int64_t evalCount(const Attrs &attrs, std::string_view e, std::string_view whole) {
  auto bad = [&] { fail("bad output count expression '", whole, "' of ", attrs.op().name); };
  size_t q = e.find('?');
  if (q == std::string_view::npos) {
    int64_t n;
    if (parseInt(e, n))
      return n;
    if (e.starts_with("len(") && e.ends_with(")"))
      return int64_t(attrs.getShape(e.substr(4, e.size() - 5)).size());
    return attrs.getInt(e);
  }
  std::string_view cond = e.substr(0, q), rest = e.substr(q + 1);
  size_t split = std::string_view::npos;
  for (size_t i = 0, depth = 0; i < rest.size() && split == std::string_view::npos; ++i) {
    if (rest[i] == '?')
      ++depth;
    else if (rest[i] == ':' && depth-- == 0)
      split = i;
  }
  if (split == std::string_view::npos)
    bad();
  bool holds;
  if (size_t eq = cond.find("=="); eq != std::string_view::npos)
    holds = attrText(attrs, cond.substr(0, eq)) == cond.substr(eq + 2);
  else if (size_t ne = cond.find("!="); ne != std::string_view::npos)
    holds = attrText(attrs, cond.substr(0, ne)) != cond.substr(ne + 2);
  else if (cond.starts_with("!"))
    holds = !attrTruthy(attrs, cond.substr(1));
  else
    holds = attrTruthy(attrs, cond);
  return evalCount(attrs, holds ? rest.substr(0, split) : rest.substr(split + 1), whole);
}
} // namespace

std::vector<std::string> listInputNames(const Attrs &attrs) {
  std::vector<std::string> names;
  for (const InputSpec &in : attrs.op().inputs) {
    if (!inputPresent(attrs, in))
      continue;
    if (in.variadic) {
      int64_t n = attrs.getInt(attrs.op().numArgsAttr);
      for (int64_t i = 0; i < n; ++i)
        names.push_back(str("arg", i));
    } else {
      names.emplace_back(in.name);
    }
  }
  return names;
}

int numOutputs(const Attrs &attrs) {
  const OpSpec &op = attrs.op();
  std::string_view e = op.numOutputsExpr;
  return e.empty() ? op.numOutputs : int(evalCount(attrs, e, e));
}

int numVisibleOutputs(const Attrs &attrs) {
  std::string_view v = attrs.op().visibleOutputs;
  return v.empty() ? numOutputs(attrs) : int(evalCount(attrs, v, v));
}

int numJsonOutputs(const Attrs &attrs) {
  std::string_view e = attrs.op().jsonOutputs;
  return e.empty() ? numOutputs(attrs) : int(evalCount(attrs, e, e));
}

std::vector<std::string> listOutputNames(const Attrs &attrs) {
  int n = numOutputs(attrs);
  const auto &given = attrs.op().outputNames;
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    if (attrs.op().variadicOutputs && !given.empty()) {
      // One pattern for every output: "{i}" stands for the index.
      std::string name(given[0]);
      name.replace(name.find("{i}"), 3, std::to_string(i));
      names.push_back(std::move(name));
    } else if (size_t(i) < given.size()) {
      names.emplace_back(given[size_t(i)]);
    } else {
      names.push_back(n == 1 ? std::string("output") : str("output", i));
    }
  }
  return names;
}

} // namespace mxrt
