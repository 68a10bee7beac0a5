// GradientCheck.cpp - numerical checks of mx-gradient's gradient graphs.
//
// float64 throughout where the kernels take it; an op whose kernels reject
// float64 is checked in float32 with a wider step and tolerance.
#include "GradientCheck.h"
#include "GraphInterpreter.h"

#include "compiler/Registration.h"
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "mx/MxGraph.h"
#include "passes/Gradient.h"
#include "passes/PlanMemory.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mxrt/base.h"
#include "mxrt/random.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

using namespace mlir;

namespace mxc::testing {

std::unique_ptr<MLIRContext> makeContext() {
  static bool registered = [] {
    mxc::registerMxcPasses();
    return true;
  }();
  (void)registered;
  DialectRegistry registry;
  mxc::registerMxcDialects(registry);
  auto ctx = std::make_unique<MLIRContext>(registry);
  ctx->loadAllAvailableDialects();
  return ctx;
}

bool runPasses(ModuleOp module, const std::string &pipeline) {
  PassManager pm(module.getContext());
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (failed(parsePassPipeline(pipeline, pm, os))) {
    llvm::errs() << "bad pipeline '" << pipeline << "': " << os.str() << "\n";
    return false;
  }
  return succeeded(pm.run(module));
}

OwningOpRef<ModuleOp> buildOpGraph(MLIRContext &ctx, const std::string &opName,
                                   const std::vector<Input> &inputs, const AttrList &attrList,
                                   bool training) {
  const mxrt::OpSpec *spec = mxrt::findOp(opName);
  MXRT_CHECK(spec, "buildOpGraph: no op ", opName);
  std::vector<mxrt::Attrs::KeyValue> kv;
  for (const auto &[k, v] : attrList)
    kv.emplace_back(k, v);
  mxrt::Attrs attrs = mxrt::Attrs::parse(*spec, kv);
  std::vector<std::string> names = mxrt::listInputNames(attrs);
  MXRT_CHECK(names.size() == inputs.size(), "buildOpGraph: ", opName, " takes ", names.size(),
             " inputs, the case gives ", inputs.size());

  OpBuilder b(&ctx);
  Location loc = NameLoc::get(b.getStringAttr("node"));
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  SmallVector<Type> argTypes;
  for (const Input &in : inputs) {
    std::optional<mxrt::DType> dtype = mxrt::parseDType(in.dtype);
    MXRT_CHECK(dtype, "buildOpGraph: bad dtype ", in.dtype);
    argTypes.push_back(RankedTensorType::get(in.shape, mx::getElementType(&ctx, *dtype)));
  }
  b.setInsertionPointToEnd(module->getBody());
  auto func = b.create<func::FuncOp>(loc, "main", b.getFunctionType(argTypes, {}));
  for (size_t i = 0; i < names.size(); ++i)
    func.setArgAttr(unsigned(i), mx::kArgNameAttr, b.getStringAttr(names[i]));
  if (training)
    func->setAttr(mx::kTrainAttr, b.getUnitAttr());
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToEnd(entry);
  OperationState state(loc, *mx::lookupMxOp(&ctx, *spec));
  state.addOperands(entry->getArguments());
  for (const mxrt::AttrSpec &a : spec->attrs)
    if (attrs.isSet(a.name))
      if (Attribute attr = mx::toAttribute(b, a, attrs.get(a.name)))
        state.addAttribute(StringRef(a.name.data(), a.name.size()), attr);
  mx::addSegmentSizes(state, attrs);
  Type unknown = UnrankedTensorType::get(mx::UnknownType::get(&ctx));
  state.types.assign(size_t(mxrt::numOutputs(attrs)), unknown);
  Operation *op = b.create(state);
  SmallVector<Value> visible(op->getResults().take_front(unsigned(mxrt::numVisibleOutputs(attrs))));
  b.create<func::ReturnOp>(loc, visible);
  func.setType(b.getFunctionType(argTypes, ValueRange(visible).getTypes()));
  if (!runPasses(*module, "func.func(mx-infer-shape{require-complete},mx-infer-type)"))
    return nullptr;
  return module;
}

std::vector<double> drawValues(const Input &in, std::mt19937 &rng) {
  int64_t n = 1;
  for (int64_t d : in.shape)
    n *= d;
  std::vector<double> v(static_cast<size_t>(n));
  switch (in.kind) {
  case Input::Uniform: {
    std::uniform_real_distribution<double> u(in.lo, in.hi);
    for (double &x : v)
      x = u(rng);
    break;
  }
  case Input::Index: {
    std::uniform_int_distribution<int64_t> u(int64_t(in.lo), int64_t(in.hi) - 1);
    for (double &x : v)
      x = double(u(rng));
    break;
  }
  case Input::Distinct: {
    std::vector<double> all(static_cast<size_t>(in.hi));
    std::iota(all.begin(), all.end(), 0.0);
    std::shuffle(all.begin(), all.end(), rng);
    if (v.size() > all.size())
      throw std::invalid_argument("Distinct: more indices than values to draw from");
    std::copy_n(all.begin(), v.size(), v.begin());
    break;
  }
  case Input::DiagDominant: {
    std::uniform_real_distribution<double> u(-0.5, 0.5);
    int64_t m = in.shape.back();
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = u(rng) + ((int64_t(i) % (m * m)) % (m + 1) == 0 ? double(m) : 0.0);
    break;
  }
  }
  return v;
}

namespace {

func::FuncOp mainOf(ModuleOp m) { return m.lookupSymbol<func::FuncOp>("main"); }

std::vector<mxrt::NDArray> run(func::FuncOp f, const std::vector<mxrt::NDArray> &args,
                               const mx::MemoryPlan *plan = nullptr) {
  mxrt::randomSeed(7); // Dropout and rrelu draw the same masks every time
  return evaluate(f, args, plan);
}

struct Attempt {
  GradientReport report;
  bool retryFloat32 = false;
};

Attempt attempt(const std::string &op, std::vector<Input> inputs, const AttrList &attrs,
                double rtol, double atol, double step) {
  Attempt result;
  GradientReport &report = result.report;
  auto ctx = makeContext();
  OwningOpRef<ModuleOp> fwdModule = buildOpGraph(*ctx, op, inputs, attrs);
  if (!fwdModule) { // some layers take float32 only: try again with that
    bool float64 = llvm::any_of(inputs, [](const Input &in) { return in.dtype == "float64"; });
    if (float64)
      result.retryFloat32 = true;
    else
      report.failures.push_back("building or inferring the forward graph failed");
    return result;
  }
  OwningOpRef<ModuleOp> gradModule = fwdModule->clone();
  func::FuncOp fwd = mainOf(*fwdModule), grad = mainOf(*gradModule);
  auto iface = cast<FunctionOpInterface>(fwd.getOperation());
  std::string reqs;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].kind == Input::Index || inputs[i].kind == Input::Distinct)
      reqs += (reqs.empty() ? "" : ",") + mx::getArgName(iface, unsigned(i)) + ":null";
  if (!runPasses(*gradModule, "func.func(mx-gradient{grad-req=" + reqs + "})")) {
    report.failures.push_back("mx-gradient failed");
    return result;
  }
  std::vector<std::string> missing = missingKernels(grad);
  if (!missing.empty()) {
    std::string list;
    for (const std::string &m : missing)
      list += (list.empty() ? "" : ", ") + m;
    report.skipped = "no CPU kernel for " + list;
    return result;
  }

  std::mt19937 rng(12345);
  std::vector<std::vector<double>> values;
  std::vector<mxrt::NDArray> args;
  for (auto [i, in] : llvm::enumerate(inputs)) {
    values.push_back(drawValues(in, rng));
    args.push_back(fromDoubles(fwd.getArgument(unsigned(i)).getType(), values.back()));
  }
  // Head gradients, one per argument the pass added, for output mx.head_grad.
  std::vector<mxrt::NDArray> gradArgs = args;
  std::vector<std::pair<int64_t, std::vector<double>>> heads;
  for (unsigned i = unsigned(inputs.size()); i < grad.getNumArguments(); ++i) {
    auto of = grad.getArgAttrOfType<IntegerAttr>(i, mx::kHeadGradAttr);
    MXRT_CHECK(of, "argument ", i, " of the gradient graph is not a head gradient");
    Input hin =
        U(std::vector<int64_t>(cast<RankedTensorType>(grad.getArgument(i).getType()).getShape()));
    heads.emplace_back(of.getInt(), drawValues(hin, rng));
    gradArgs.push_back(fromDoubles(grad.getArgument(i).getType(), heads.back().second));
  }
  std::vector<mxrt::NDArray> gradOut;
  try {
    gradOut = run(grad, gradArgs);
  } catch (const mxrt::Error &e) {
    std::string what = e.what();
    if (what.find("float64") != std::string::npos || what.find("dtype") != std::string::npos) {
      result.retryFloat32 = true;
      return result;
    }
    report.failures.push_back(std::string("running the gradient graph: ") + what);
    return result;
  }

  // L(x) = sum over outputs of head_grad * output.
  auto loss = [&](const std::vector<mxrt::NDArray> &fargs) {
    std::vector<mxrt::NDArray> outs = run(fwd, fargs);
    double l = 0;
    for (const auto &[index, hg] : heads) {
      std::vector<double> o = toDoubles(outs[size_t(index)]);
      for (size_t j = 0; j < o.size(); ++j)
        l += hg[j] * o[j];
    }
    return l;
  };
  for (unsigned r = 0; r < grad.getNumResults(); ++r) {
    auto of = grad.getResultAttrOfType<StringAttr>(r, mx::kGradOfAttr);
    if (!of)
      continue;
    unsigned k = 0;
    while (mx::getArgName(iface, k) != of.getValue())
      ++k;
    std::vector<double> analytic = toDoubles(gradOut[r]);
    for (size_t e = 0; e < values[k].size(); ++e) {
      std::vector<mxrt::NDArray> fargs = args;
      std::vector<double> v = values[k];
      double h = step * std::max(1.0, std::abs(v[e]));
      v[e] = values[k][e] + h;
      fargs[k] = fromDoubles(fwd.getArgument(k).getType(), v);
      double up = loss(fargs);
      v[e] = values[k][e] - h;
      fargs[k] = fromDoubles(fwd.getArgument(k).getType(), v);
      double down = loss(fargs);
      double numeric = (up - down) / (2 * h);
      double a = analytic[e];
      ++report.checkedElements;
      if (!(std::abs(a - numeric) <= atol + rtol * std::max(std::abs(a), std::abs(numeric)))) {
        std::ostringstream os;
        os << "d/d " << of.getValue().str() << "[" << e << "]: analytic " << a << ", numeric "
           << numeric;
        report.failures.push_back(os.str());
      }
    }
  }

  // Memory planning must not change any result.
  FailureOr<mx::MemoryPlan> plan = mx::planMemory(grad, mx::defaultPlanPolicy());
  if (failed(plan)) {
    report.failures.push_back("planMemory failed");
    return result;
  }
  std::vector<mxrt::NDArray> planned = run(grad, gradArgs, &*plan);
  for (size_t r = 0; r < planned.size(); ++r) {
    std::vector<double> a = toDoubles(gradOut[r]), p = toDoubles(planned[r]);
    for (size_t e = 0; e < a.size(); ++e)
      if (!(a[e] == p[e] || std::abs(a[e] - p[e]) <= 1e-12 * std::abs(a[e]))) {
        std::ostringstream os;
        os << "planned evaluation differs: result " << r << "[" << e << "]: " << p[e]
           << " instead of " << a[e];
        report.failures.push_back(os.str());
        break;
      }
  }
  return result;
}

} // namespace

GradientReport checkGradient(const std::string &op, const std::vector<Input> &inputs,
                             const AttrList &attrs, double rtol, double atol) {
  Attempt first = attempt(op, inputs, attrs, rtol, atol, 1e-6);
  if (!first.retryFloat32)
    return first.report;
  std::vector<Input> f32 = inputs;
  for (Input &in : f32)
    if (in.dtype == "float64")
      in.dtype = "float32";
  Attempt second = attempt(op, f32, attrs, std::max(rtol, 2e-2), std::max(atol, 2e-3), 1e-2);
  if (second.retryFloat32)
    second.report.failures.push_back("the kernels reject float64 and float32");
  return second.report;
}

} // namespace mxc::testing
