// What an instant event in a trace stands for: the mechanisms that move a
// packet along a path (a doorbell kick, a VM exit, an interrupt, a thread
// woken, an eventfd signal, a copy, a poll that found work, cache lines
// pulled from other cores) and the rest (a system call). The kind's name is the instant's category in the trace,
// so a reader of the trace (`viosim explain`) gets the kind back.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace viosim::models {

enum class CauseKind : uint8_t { kKick, kExit, kInterrupt, kWakeup, kSignal, kCopy, kPoll, kCache, kOther };

inline constexpr int kCauseKinds = 9;

constexpr std::string_view cause_kind_name(CauseKind k) {
  constexpr std::array<std::string_view, kCauseKinds> kNames = {"kick", "exit", "interrupt", "wakeup", "signal",
                                                                "copy", "poll", "cache",     "other"};
  return kNames[static_cast<size_t>(k)];
}

// The kind named `name`; an unknown name is kOther.
constexpr CauseKind cause_kind_from_name(std::string_view name) {
  for (int i = 0; i < kCauseKinds; ++i) {
    if (cause_kind_name(static_cast<CauseKind>(i)) == name) return static_cast<CauseKind>(i);
  }
  return CauseKind::kOther;
}

}  // namespace viosim::models
