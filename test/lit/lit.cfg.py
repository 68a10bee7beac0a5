# lit configuration of the compiler's FileCheck tests (see CMakeLists.txt).
import os

import lit.formats

config.name = "mxc"
config.test_format = lit.formats.ShTest(True)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = config.mxc_obj_root
# JSON inputs live beside the tests that read them.
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.environment["PATH"] = os.pathsep.join(
    [config.mxc_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
