// The identity of a sweep point: a hash of its resolved scenario text (axis
// values applied, one backend, its seed) and the viosim version. A point
// file whose id matches was produced by this very scenario and build, so
// `--resume` can trust it, and a changed scenario or a new build never
// mixes its results with old ones.
#pragma once

#include <string>
#include <string_view>

namespace viosim::sweep {

// FNV-1a, 128-bit variant, as 32 lowercase hex digits.
std::string fnv1a_128_hex(std::string_view bytes);

// fnv1a_128_hex of the text, a newline and the version.
std::string point_id(std::string_view scenario_text, std::string_view version);

// The version compiled into this build (CMake's PROJECT_VERSION).
std::string_view viosim_version();

}  // namespace viosim::sweep
