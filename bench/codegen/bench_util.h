// bench_util.h - what the codegen benches share: timing, statistics, the
// table, and running the Python anchors (anchors.py) in the same run.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Stats {
  double min = 0, median = 0, max = 0;
  bool valid = false;
};

inline Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty())
    return s;
  std::sort(v.begin(), v.end());
  s = {v.front(), v[v.size() / 2], v.back(), true};
  return s;
}

/// Runs a command and returns its stdout ("" on failure).
inline std::string capture(const std::string &cmd) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE *)> p(::popen((cmd + " 2>/dev/null").c_str(), "r"), ::pclose);
  if (!p)
    return out;
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), p.get()))
    out.append(buf.data(), n);
  return out;
}

/// The JSON list of seconds on the last line of an anchors.py run.
inline std::vector<double> anchor(const std::string &python, const std::string &args) {
  std::string out = capture(python + " " + MXC_BENCH_DIR "/anchors.py " + args);
  size_t open = out.rfind('['), close = out.rfind(']');
  std::vector<double> v;
  if (open == std::string::npos || close == std::string::npos || close < open)
    return v;
  std::stringstream s(out.substr(open + 1, close - open - 1));
  std::string item;
  while (std::getline(s, item, ','))
    v.push_back(std::stod(item));
  return v;
}

inline std::string exists(const char *env, const char *dflt) {
  const char *e = std::getenv(env);
  std::string p = e ? e : dflt;
  return std::ifstream(p).good() ? p : std::string();
}

inline std::string fmt(const Stats &s, double scale, const char *unit) {
  if (!s.valid)
    return "n/a";
  char b[96];
  // 4 digits: seconds-long forwards in ms stay out of exponent notation.
  std::snprintf(b, sizeof b, "%.4g / %.4g / %.4g %s", s.min * scale, s.median * scale,
                s.max * scale, unit);
  return b;
}

inline void row(const std::string &what, const Stats &ours, const std::string &anchorName,
                const Stats &anchor, double scale, const char *unit) {
  char ratio[32] = "n/a";
  if (ours.valid && anchor.valid)
    std::snprintf(ratio, sizeof ratio, "%.2fx", ours.median / anchor.median);
  std::printf("| %-28s | %-30s | %-14s | %-30s | %-6s |\n", what.c_str(),
              fmt(ours, scale, unit).c_str(), anchorName.c_str(), fmt(anchor, scale, unit).c_str(),
              ratio);
}

inline void header() {
  std::printf("| %-28s | %-30s | %-14s | %-30s | %-6s |\n", "what", "ours (min / median / max)",
              "anchor", "anchor (min / median / max)", "ratio");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(30, '-').c_str(), std::string(32, '-').c_str(),
              std::string(16, '-').c_str(), std::string(32, '-').c_str(),
              std::string(8, '-').c_str());
}

inline void loadNote() { std::printf("machine load: %s", capture("uptime").c_str()); }

} // namespace bench
