# Writes OUT (a header defining MXC_COMPILER_STAMP): a hash of every source
# of the compiler half. Modules cached by one build of the compiler are
# never reused by another (Pipeline.cpp moduleKey), whichever executable
# (mxc, the tests, the Python extension) the compiler is linked into. The
# file is rewritten only when the hash changes, so builds stay incremental.
file(GLOB_RECURSE sources
  ${SRC}/dialects/*.td ${SRC}/dialects/*.cpp ${SRC}/dialects/*.h
  ${SRC}/passes/*.td ${SRC}/passes/*.cpp ${SRC}/passes/*.h
  ${SRC}/codegen/*.td ${SRC}/codegen/*.cpp ${SRC}/codegen/*.h
  ${SRC}/compiler/*.cpp ${SRC}/compiler/*.h ${SRC}/runtime/include/mxrt/module_abi.h)
list(SORT sources)
set(all "${EXTRA}")
foreach(f ${sources})
  file(SHA256 ${f} h)
  string(APPEND all "${f}:${h};")
endforeach()
string(SHA256 stamp "${all}")
set(text "#define MXC_COMPILER_STAMP \"${stamp}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
