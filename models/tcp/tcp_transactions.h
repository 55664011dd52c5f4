// The application of netperf's TCP_RR on one end of one connection: the
// client writes a request, its first `outstanding` at once and then one
// after each response it has read whole (after its think time); the server
// writes a response for each request it has read whole. A message is a
// range of the byte stream, so the bytes read say which messages are whole.
#pragma once

#include <cstdint>
#include <deque>

#include "sim-core/time.h"

namespace viosim::models {

struct TcpTransactions {
  explicit TcpTransactions(uint64_t in_message) : in_message(in_message) {}
  uint64_t in_message;    // the payload of a message this end reads
  uint64_t read = 0;      // bytes read
  uint64_t messages = 0;  // whole messages read
  // A client's transactions in flight: when the application began each
  // request's write, oldest first.
  std::deque<core::Time> started;
  // The application read `bytes` more: how many messages that made whole.
  uint64_t on_read(uint64_t bytes) {
    read += bytes;
    const uint64_t whole = read / in_message - messages;
    messages += whole;
    return whole;
  }
};

}  // namespace viosim::models
