// ndarray_io.h - saving and loading NDArrays in MXNet's file format.
//
// Files are byte-compatible with MXNet 1.x's mx.nd.save / mx.nd.load: a
// list of arrays, optionally with one name per array (a dict in Python).
// Reading accepts every layout MXNet 1.x reads (V3, V2, V1, V0) and
// returns arrays on cpu(0), or on the GPU they were saved from when this
// process has that GPU. Writing waits for pending writes of each array,
// copies GPU data through the host, and replaces the file atomically: a
// failed save leaves an existing file untouched. A corrupt, truncated or
// foreign input is an Error naming the file and the byte offset; sizes are
// checked against what is left of the input before anything is allocated.
// Sparse records (row_sparse, csr) are refused with an Error.
#pragma once

#include "mxrt/ndarray.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mxrt {

/// The record layout a save writes.
enum class ShapeSemantics {
  /// MXNet's default (legacy shapes, V2 records), unless an array's shape
  /// has no legacy form (rank 0, or an extent of 0): then numpy semantics
  /// (V3) for every record, as MXNet would write under npx.set_np().
  Auto,
  Legacy, ///< V2 records; an Error for shapes that have no legacy form
  Numpy,  ///< V3 records, as MXNet under numpy-shape semantics
};

/// An NDArray file's contents: names is empty (a list) or one per array
/// (a dict, in file order).
struct NDArrayList {
  std::vector<NDArray> arrays;
  std::vector<std::string> names;
};

/// Writes arrays (and names: none, or one per array) to path, atomically.
void saveNDArrays(const std::string &path, std::span<const NDArray> arrays,
                  std::span<const std::string> names = {},
                  ShapeSemantics semantics = ShapeSemantics::Auto);
/// The same bytes, in memory.
std::string saveNDArraysToBuffer(std::span<const NDArray> arrays,
                                 std::span<const std::string> names = {},
                                 ShapeSemantics semantics = ShapeSemantics::Auto);

NDArrayList loadNDArrays(const std::string &path);
/// Parses an NDArray file held in memory (mx.nd.load_frombuffer).
NDArrayList loadNDArraysFromBuffer(std::span<const uint8_t> bytes);

/// One record without the file header: the bytes of NDArray's pickled
/// state (MXNDArraySaveRawBytes). The array must not be none.
std::string saveRawBytes(const NDArray &array, ShapeSemantics semantics = ShapeSemantics::Auto);
/// Parses exactly one record (MXNDArrayLoadFromRawBytes); may give none.
NDArray loadRawBytes(std::span<const uint8_t> bytes);

} // namespace mxrt
