// Where each field of a merged scenario was written: a map from field path
// ("vm[0].pin_cores[1]") to the file, line and column that set it, so that
// the validator can speak in paths and users still get file:line:col. A base
// chain and --set overrides each record what they set, later layers
// replacing earlier ones.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "scenarios/loader/diagnostic.h"

namespace viosim::scenarios {

// The text of one file, kept for the source lines of diagnostics.
struct SourceFile {
  std::string display_path;  // as shown in diagnostics
  std::string text;
  std::string line(int line1) const;  // 1-based; "" when out of range
};

struct Location {
  std::shared_ptr<const SourceFile> file;  // null for command-line origins
  std::string origin;                      // "--set k=v" when file is null
  int line = 0;                            // 1-based; 0 for no position
  int column = 0;                          // 1-based

  Diagnostic diagnose(std::string message) const;
};

class SourceMap {
 public:
  void record(const std::string& path, Location location);
  // Forgets `path` and every path below it (when a repeated field is replaced).
  void erase_subtree(const std::string& path);
  // Whether `path` itself was written somewhere.
  bool contains(const std::string& path) const { return locations_.count(path) != 0; }
  // The location of `path`, else of its nearest recorded ancestor, else the
  // root location.
  const Location& find(const std::string& path) const;
  void set_root(Location location) { root_ = std::move(location); }

 private:
  std::map<std::string, Location> locations_;
  Location root_;
};

// "vm[0].pin_cores[1]" -> "vm[0].pin_cores" -> "vm[0]" -> "vm" -> "".
std::string parent_path(const std::string& path);

}  // namespace viosim::scenarios
