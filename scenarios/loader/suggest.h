// "Did you mean": the closest known name to a misspelt one, by edit
// distance, for unknown fields, enum values, VM names and profiles.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace viosim::scenarios {

// Optimal string alignment distance (Levenshtein plus adjacent swaps),
// ignoring ASCII case: "vhost_net" is 0 away from "VHOST_NET".
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a typo
// (at most a third of the word's length, and at least 1, edits away), else
// the only candidate that `word` is the start of.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// "; did you mean "x"?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace viosim::scenarios
