// Work shared by a few threads: each takes the next index from a shared
// counter, so long and short items balance. Used wherever runs go in
// parallel (a sweep's points, a plan's answers, a probe's replications).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace viosim::sweep {

// Calls f(i) once for each i in [0, n) on at most `workers` threads, the
// caller's among them; returns when all calls have. f must not throw; to
// stop early it returns at once for the indices left.
template <class F>
void parallel_for(size_t n, int workers, F f) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) f(i);
  };
  const size_t threads = std::min(n, static_cast<size_t>(std::max(1, workers)));
  std::vector<std::jthread> helpers;  // joined however this scope ends
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
}

}  // namespace viosim::sweep
