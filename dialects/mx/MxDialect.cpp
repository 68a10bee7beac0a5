//===- MxDialect.cpp - the mx dialect and !mx.unknown ---------------------===//
//
// Registers the ops generated from the ODS and the dialect's one type, and
// checks once, at load time, that ops and the generated op table agree: the
// op `mx.<name>` exists for every table entry and vice versa. Both come from
// the same .td files, so a mismatch is a build bug (an op whose mnemonic is
// not its MXNet name), reported before any graph is touched.
//
//===----------------------------------------------------------------------===//
#include "mx/MxOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::mx;

#include "mx/MxDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "mx/MxTypes.cpp.inc"

std::optional<RegisteredOperationName> mlir::mx::lookupMxOp(MLIRContext *ctx,
                                                            const mxrt::OpSpec &spec) {
  std::string name = "mx." + std::string(spec.name);
  return RegisteredOperationName::lookup(name, ctx);
}

void MxDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mx/MxOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "mx/MxTypes.cpp.inc"
      >();
  for (const mxrt::OpSpec &spec : mxrt::opTable())
    if (!lookupMxOp(getContext(), spec))
      llvm::report_fatal_error("mx dialect: the op table has '" + llvm::Twine(spec.name) +
                               "' but no op 'mx." + llvm::Twine(spec.name) +
                               "' is defined (an ODS mnemonic must be the MXNet name)");
  for (RegisteredOperationName op : getContext()->getRegisteredOperations())
    if (&op.getDialect() == this && !lookupOpSpec(op))
      llvm::report_fatal_error("mx dialect: op '" + op.getStringRef() +
                               "' has no entry in the op table");
}
