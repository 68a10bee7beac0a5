// dist_loader.h - libmxrt_mpi, the distributed KVStore, loaded on first use.
//
// The distributed kinds need MPI; libmxrt must not (deployers ship it
// alone). So they live in libmxrt_mpi, built beside libmxrt when MPI is
// found (MXC_ENABLE_MPI), and libmxrt opens it the first time a "dist*"
// store is created or a process asks for its role in a distributed job.
#pragma once

#include "mxrt/kvstore.h"

namespace mxrt::kvstore {

/// libmxrt_mpi's entry points (they throw mxrt::Error).
struct DistLibrary {
  /// A new distributed store of the given (lower-cased) type: the worker's
  /// store, or in a server process the server's.
  KVStore *(*create)(const char *type);
  /// This process's role in the job: 0 worker, 1 server. Starts MPI.
  int (*role)();
};

/// Loads libmxrt_mpi from libmxrt's directory (else the loader's search
/// path), once; Error saying what is missing and how to get it.
const DistLibrary &distLibrary();

} // namespace mxrt::kvstore
