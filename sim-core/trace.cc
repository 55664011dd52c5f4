// Chrome trace JSON: microsecond timestamps written exactly from picoseconds.
#include "sim-core/trace.h"

#include <algorithm>
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

}  // namespace

TraceWriter::TraceWriter(const std::string& path, Time from, Time to) : out_(path), from_(from), to_(to) {
  if (!out_) throw std::runtime_error("cannot write the trace " + path);
  out_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  out_ << "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"viosim\"}}";
}

TraceWriter::~TraceWriter() { close(); }

void TraceWriter::close() {
  if (closed_) return;
  closed_ = true;
  out_ << "\n]}\n";
  out_.close();
}

void TraceWriter::begin_event() {
  out_ << ",\n";
  ++events_;
}

// Microseconds with six decimals: exact for picoseconds.
void TraceWriter::write_ts(std::ostream& out, Time t) {
  const int64_t ps = t.ps();
  out << ps / 1'000'000 << '.';
  const int64_t frac = ps % 1'000'000;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(frac));
  out << buf;
}

int TraceWriter::track(std::string_view name) {
  auto it = tracks_.find(name);
  if (it != tracks_.end()) return it->second;
  const int id = static_cast<int>(tracks_.size()) + 1;
  tracks_.emplace(std::string(name), id);
  begin_event();
  out_ << "{\"ph\":\"M\",\"pid\":1,\"tid\":" << id << ",\"name\":\"thread_name\",\"args\":{\"name\":";
  write_escaped(out_, name);
  out_ << "}},\n{\"ph\":\"M\",\"pid\":1,\"tid\":" << id << ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":"
       << id << "}}";
  return id;
}

void TraceWriter::slice(int track, std::string_view name, std::string_view category, Time start, Time end) {
  if (end < from_ || start > to_ || end <= start) return;
  start = std::max(start, from_);
  end = std::min(end, to_);
  begin_event();
  out_ << "{\"ph\":\"X\",\"pid\":1,\"tid\":" << track << ",\"name\":";
  write_escaped(out_, name);
  out_ << ",\"cat\":";
  write_escaped(out_, category);
  out_ << ",\"ts\":";
  write_ts(out_, start);
  out_ << ",\"dur\":";
  write_ts(out_, Time::zero() + (end - start));
  out_ << "}";
}

void TraceWriter::instant(int track, std::string_view name, std::string_view category, Time t) {
  if (!in_window(t)) return;
  begin_event();
  out_ << "{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":" << track << ",\"name\":";
  write_escaped(out_, name);
  out_ << ",\"cat\":";
  write_escaped(out_, category);
  out_ << ",\"ts\":";
  write_ts(out_, t);
  out_ << "}";
}

void TraceWriter::flow(int track, uint64_t id, FlowPhase phase, Time t) {
  if (!in_window(t)) return;
  begin_event();
  out_ << "{\"ph\":\"" << static_cast<char>(phase) << "\",\"pid\":1,\"tid\":" << track
       << ",\"name\":\"packet\",\"cat\":\"packet\",\"id\":" << id << ",\"ts\":";
  write_ts(out_, t);
  out_ << (phase == FlowPhase::kStart ? "" : ",\"bp\":\"e\"") << "}";
}

}  // namespace viosim::core
