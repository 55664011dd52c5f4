// What the validator reports: a field path and a sentence. The loader turns
// the path into file:line:col through the SourceMap, so validation rules
// never deal with files.
#pragma once

#include <string>
#include <vector>

namespace viosim::scenarios {

struct Issue {
  std::string path;  // "vm[0].pin_cores[1]"; "" for the scenario as a whole
  std::string message;
};

using Issues = std::vector<Issue>;

// The path of element `index` of the repeated field `field`: "vm[2]".
inline std::string at(const std::string& field, int index) { return field + "[" + std::to_string(index) + "]"; }

}  // namespace viosim::scenarios
