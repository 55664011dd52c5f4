// The host profiles built into viosim (scenarios/profiles/*.textproto,
// embedded at build time) and loading a profile by name or from a file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/loader/diagnostic.h"
#include "scenarios/loader/source_map.h"
#include "scenarios/schema/viosim/host.pb.h"

namespace viosim::scenarios {

struct ProfileInfo {
  std::string name;
  std::string description;
  std::string file_name;  // e.g. "skylake-sp.textproto"
  std::string text;       // the file, comments (sources) included
};

// The built-in profiles, sorted by name.
const std::vector<ProfileInfo>& builtin_profiles();

// Loads `spec` (a built-in name, or a path ending in ".textproto" taken
// relative to the directory of `where`'s file) into `*profile`. Problems are
// reported at `where` (the `host.profile` field) or inside the profile file.
bool load_profile(const std::string& spec, const Location& where, viosim::HostProfile* profile,
                  std::vector<Diagnostic>* diagnostics);

}  // namespace viosim::scenarios
