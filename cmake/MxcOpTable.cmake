# The op table: dialects/mx/*.td -> llvm-tblgen --dump-json -> gen_optable.py
# -> ${PROJECT_BINARY_DIR}/include/mxc/optable.inc (included by the runtime)
# and docs/ops.md (the operator reference; `mxc_docs` copies it into docs/).
file(GLOB MXC_ODS_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/dialects/mx/*.td)
set(MXC_OPTABLE_INC ${PROJECT_BINARY_DIR}/include/mxc/optable.inc)
set(MXC_OPTABLE_MD ${PROJECT_BINARY_DIR}/docs/ops.md)
add_custom_command(
  OUTPUT ${MXC_OPTABLE_INC} ${MXC_OPTABLE_MD}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/include/mxc ${PROJECT_BINARY_DIR}/docs
  COMMAND ${MXC_LLVM_TBLGEN} --dump-json -I ${MXC_MLIR_TD_DIR} -I ${PROJECT_SOURCE_DIR}/dialects/mx
          ${PROJECT_SOURCE_DIR}/dialects/mx/MxOps.td -o ${PROJECT_BINARY_DIR}/mx_records.json
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/gen_optable.py ${PROJECT_BINARY_DIR}/mx_records.json
          --cpp ${MXC_OPTABLE_INC} --markdown ${MXC_OPTABLE_MD}
  DEPENDS ${MXC_ODS_FILES} ${PROJECT_SOURCE_DIR}/tools/gen_optable.py
  COMMENT "Generating the op table from the mx dialect's ODS"
  VERBATIM)
add_custom_target(mxc_optable DEPENDS ${MXC_OPTABLE_INC} ${MXC_OPTABLE_MD})
add_custom_target(mxc_docs
  COMMAND ${CMAKE_COMMAND} -E copy ${MXC_OPTABLE_MD} ${PROJECT_SOURCE_DIR}/docs/ops.md
  DEPENDS mxc_optable
  COMMENT "Refreshing docs/ops.md from the ODS")
