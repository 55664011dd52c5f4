// Figure paths: a name for any number in a backend's results, written the
// way summary.json nests them, so a lesson (or anything else that quotes a
// figure) can point at one without a list of names to keep up to date.
//
//   exits_per_packet                 a field of BackendResult
//   latency_us.p99                   a field of a field
//   exits_by_reason[msr_write]       the entry of a repeated field whose
//                                    first field is the key; an entry with
//                                    a `value` is that value
//   per_core[4].busy                 (keys may be numbers)
//   hops[direction=wire to guest][name=tap].mean_us
//                                    [FIELD=VALUE] narrows by another field;
//                                    brackets narrow until one entry is left
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "scenarios/schema/viosim/results.pb.h"

namespace viosim::lesson {

// A path that the schema allows but this result cannot answer: an entry
// that is not there (the message lists those that are), or several left,
// or a figure this run did not report.
class FigureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Why `path` cannot name a number of a BackendResult, by its schema alone
// (syntax, field names, a list left un-narrowed, a message without a
// value); nothing when it can.
std::optional<std::string> figure_path_problem(const std::string& path);

// The number at `path` in `result`. Throws FigureError as above, and
// std::invalid_argument when figure_path_problem(path) has one.
double figure_value(const viosim::BackendResult& result, const std::string& path);

}  // namespace viosim::lesson
