// npy.h - NumPy .npy files <-> NDArray (header-only, libmxrt only).
//
// What mxc-run and the deploy example read inputs from and write outputs
// to: format versions 1.0-3.0, little-endian, C order, the dtypes MXNet
// has. Errors name the file and what is wrong.
#pragma once

#include "mxrt/base.h"
#include "mxrt/ndarray.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace mxrt::npy {

inline const char *descrOf(DType t) {
  switch (t) {
  case DType::Float32:
    return "<f4";
  case DType::Float64:
    return "<f8";
  case DType::Float16:
    return "<f2";
  case DType::UInt8:
    return "|u1";
  case DType::Int8:
    return "|i1";
  case DType::Int32:
    return "<i4";
  case DType::Int64:
    return "<i8";
  case DType::Bool:
    return "|b1";
  case DType::Int16:
    return "<i2";
  case DType::UInt16:
    return "<u2";
  case DType::UInt32:
    return "<u4";
  case DType::UInt64:
    return "<u8";
  default:
    fail("npy: dtype ", dtypeName(t), " has no NumPy descr");
  }
}

inline DType dtypeOfDescr(const std::string &d, const std::string &file) {
  for (DType t :
       {DType::Float32, DType::Float64, DType::Float16, DType::UInt8, DType::Int8, DType::Int32,
        DType::Int64, DType::Bool, DType::Int16, DType::UInt16, DType::UInt32, DType::UInt64}) {
    std::string mine = descrOf(t);
    if (d == mine || (d.size() == 3 && d[0] == '=' && d.substr(1) == mine.substr(1)) ||
        (d.size() == 3 && mine[0] == '|' && d.substr(1) == mine.substr(1)))
      return t;
  }
  fail("'", file, "': unsupported .npy dtype '", d, "' (little-endian numbers and bools only)");
}

/// The value of `key` in the header dict ("'descr': '<f4', ...").
inline std::string headerField(const std::string &h, const std::string &key,
                               const std::string &file) {
  size_t k = h.find("'" + key + "'");
  if (k == std::string::npos)
    fail("'", file, "': .npy header has no '", key, "'");
  size_t colon = h.find(':', k);
  size_t start = h.find_first_not_of(" ", colon + 1);
  if (h[start] == '\'') {
    size_t end = h.find('\'', start + 1);
    return h.substr(start + 1, end - start - 1);
  }
  if (h[start] == '(') {
    size_t end = h.find(')', start);
    return h.substr(start + 1, end - start - 1);
  }
  size_t end = h.find_first_of(",}", start);
  return h.substr(start, end - start);
}

inline NDArray load(const std::string &file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    fail("cannot open '", file, "'");
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    fail("'", file, "' is not a .npy file (bad magic at byte 0)");
  uint32_t headerLen = 0;
  if (magic[6] == 1) {
    uint16_t n;
    in.read(reinterpret_cast<char *>(&n), 2);
    headerLen = n;
  } else {
    in.read(reinterpret_cast<char *>(&headerLen), 4);
  }
  std::string header(headerLen, '\0');
  in.read(header.data(), headerLen);
  if (!in)
    fail("'", file, "': truncated .npy header");
  if (headerField(header, "fortran_order", file).find("True") != std::string::npos)
    fail("'", file, "': Fortran-order arrays are not supported (use np.ascontiguousarray)");
  DType dtype = dtypeOfDescr(headerField(header, "descr", file), file);
  std::vector<int64_t> dims;
  std::stringstream shape(headerField(header, "shape", file));
  std::string part;
  while (std::getline(shape, part, ','))
    if (part.find_first_not_of(" ") != std::string::npos)
      dims.push_back(std::stoll(part));
  NDArray a(TShape(std::span<const int64_t>(dims)), Context::cpu(), dtype);
  std::vector<char> bytes(a.nbytes());
  in.read(bytes.data(), std::streamsize(bytes.size()));
  if (size_t(in.gcount()) != bytes.size())
    fail("'", file, "': truncated .npy data (expected ", bytes.size(), " bytes, got ", in.gcount(),
         ")");
  a.syncCopyFromCPU(bytes.data(), bytes.size());
  return a;
}

inline void save(const std::string &file, const NDArray &a) {
  std::string dims;
  for (int64_t d : a.shape().dims())
    dims += std::to_string(d) + ", ";
  if (a.shape().ndim() > 1)
    dims.resize(dims.size() - 2);
  std::string header = std::string("{'descr': '") + descrOf(a.dtype()) +
                       "', 'fortran_order': False, 'shape': (" + dims + "), }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::vector<char> bytes(a.nbytes());
  a.syncCopyToCPU(bytes.data(), bytes.size());
  std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    uint16_t n = uint16_t(header.size());
    out.write("\x93NUMPY\x01\x00", 8);
    out.write(reinterpret_cast<const char *>(&n), 2);
    out << header;
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out)
      fail("cannot write '", file, "'");
  }
  if (std::rename(tmp.c_str(), file.c_str()) != 0)
    fail("cannot write '", file, "'");
}

} // namespace mxrt::npy
