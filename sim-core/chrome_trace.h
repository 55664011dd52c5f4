// A trace written as a Chrome / Perfetto JSON file (the "traceEvents"
// format that ui.perfetto.dev and chrome://tracing open): tracks as
// threads, complete slices, instant events and flow arrows that follow a
// packet, with microsecond timestamps written exactly from picoseconds.
#pragma once

#include <fstream>
#include <string>

#include "sim-core/trace.h"

namespace viosim::core {

class ChromeTrace final : public TraceWriter {
 public:
  // Opens `path` for writing; throws std::runtime_error if it cannot.
  ChromeTrace(const std::string& path, Time from, Time to);
  ~ChromeTrace() override;
  // Writes the closing bracket; the destructor does it too.
  void close() override;

 private:
  void write_track(int track, std::string_view name) override;
  void write_slice(int track, std::string_view name, std::string_view category, Time start, Time end,
                   std::string_view owner) override;
  void write_instant(int track, std::string_view name, std::string_view category, Time t) override;
  void write_flow(int track, uint64_t id, FlowPhase phase, Time t, std::string_view place,
                  std::string_view what) override;

  std::ofstream out_;
  bool closed_ = false;
};

}  // namespace viosim::core
