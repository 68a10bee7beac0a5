//===- DmlcJsonWriter.h - JSON laid out as dmlc::JSONWriter does -*- C++ -*-===//
//
// MXNet writes symbol JSON with dmlc-core's JSONWriter; writing the same
// bytes needs its layout rules: two spaces per nesting level; members and
// multi-line array items separated by ", " then a newline and the indent
// (so such lines end in a space); an object is multi-line unless the caller
// says otherwise (maps: when they have more than one entry); an array is
// multi-line when the caller says so (dmlc: more than 10 items or non-POD
// items); strings escape only \r \n \\ \t and \". Internal to compiler/.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace mxc::detail {

class DmlcJsonWriter {
public:
  explicit DmlcJsonWriter(std::string &out) : out(out) {}

  void beginObject(bool multiLine = true) { begin('{', multiLine); }
  void endObject() { end('}'); }
  void beginArray(bool multiLine) { begin('[', multiLine); }
  void endArray() { end(']'); }

  /// Starts a member; write its value next.
  void key(llvm::StringRef k) {
    if (scopes.back().count++ > 0)
      out += ", ";
    separator();
    string(k);
    out += ": ";
  }
  /// Starts an array item; write it next.
  void item() {
    if (scopes.back().count++ > 0)
      out += ", ";
    separator();
  }

  void string(llvm::StringRef s) {
    out += '"';
    for (char c : s) {
      switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        out += c;
      }
    }
    out += '"';
  }
  void number(long long v) { out += std::to_string(v); }

private:
  struct Scope {
    bool multiLine;
    size_t count = 0;
  };
  void begin(char open, bool multiLine) {
    out += open;
    scopes.push_back({multiLine});
  }
  void end(char close) {
    Scope s = scopes.back();
    scopes.pop_back();
    if (s.multiLine && s.count)
      separator();
    out += close;
  }
  void separator() {
    if (scopes.empty() || scopes.back().multiLine) {
      out += '\n';
      out.append(scopes.size() * 2, ' ');
    }
  }

  std::string &out;
  std::vector<Scope> scopes;
};

} // namespace mxc::detail
