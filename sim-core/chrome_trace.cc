// Chrome trace JSON: one event per line, microsecond timestamps with six
// decimals (exact for picoseconds).
#include "sim-core/chrome_trace.h"

#include <cstdio>
#include <stdexcept>

namespace viosim::core {
namespace {

void write_escaped(std::ostream& out, std::string_view s) {
  out << '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out << '\\';
    out << c;
  }
  out << '"';
}

void write_ts(std::ostream& out, Time t) {
  const int64_t ps = t.ps();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(ps / 1'000'000),
                static_cast<long long>(ps % 1'000'000));
  out << buf;
}

}  // namespace

ChromeTrace::ChromeTrace(const std::string& path, Time from, Time to) : TraceWriter(from, to), out_(path) {
  if (!out_) throw std::runtime_error("cannot write the trace " + path);
  out_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  out_ << "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"viosim\"}}";
}

ChromeTrace::~ChromeTrace() { close(); }

void ChromeTrace::close() {
  if (closed_) return;
  write_hop_slices();
  closed_ = true;
  out_ << "\n]}\n";
  out_.close();
}

void ChromeTrace::write_track(int track, std::string_view name) {
  out_ << ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":" << track << ",\"name\":\"thread_name\",\"args\":{\"name\":";
  write_escaped(out_, name);
  out_ << "}},\n{\"ph\":\"M\",\"pid\":1,\"tid\":" << track
       << ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":" << track << "}}";
}

void ChromeTrace::write_slice(int track, std::string_view name, std::string_view category, Time start, Time end,
                              std::string_view owner) {
  out_ << ",\n{\"ph\":\"X\",\"pid\":1,\"tid\":" << track << ",\"name\":";
  write_escaped(out_, name);
  out_ << ",\"cat\":";
  write_escaped(out_, category);
  out_ << ",\"ts\":";
  write_ts(out_, start);
  out_ << ",\"dur\":";
  write_ts(out_, Time::zero() + (end - start));
  if (!owner.empty()) {
    out_ << ",\"args\":{\"owner\":";
    write_escaped(out_, owner);
    out_ << "}";
  }
  out_ << "}";
}

void ChromeTrace::write_instant(int track, std::string_view name, std::string_view category, Time t) {
  out_ << ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":" << track << ",\"name\":";
  write_escaped(out_, name);
  out_ << ",\"cat\":";
  write_escaped(out_, category);
  out_ << ",\"ts\":";
  write_ts(out_, t);
  out_ << "}";
}

void ChromeTrace::write_flow(int track, uint64_t id, FlowPhase phase, Time t, std::string_view place,
                             std::string_view what) {
  out_ << ",\n{\"ph\":\"" << static_cast<char>(phase) << "\",\"pid\":1,\"tid\":" << track
       << ",\"name\":\"packet\",\"cat\":\"packet\",\"id\":" << id << ",\"ts\":";
  write_ts(out_, t);
  if (phase != FlowPhase::kStart) out_ << ",\"bp\":\"e\"";
  if (!place.empty() || !what.empty()) {
    out_ << ",\"args\":{\"place\":";
    write_escaped(out_, place);
    out_ << ",\"what\":";
    write_escaped(out_, what);
    out_ << "}";
  }
  out_ << "}";
}

}  // namespace viosim::core
