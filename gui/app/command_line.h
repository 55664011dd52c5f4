// viosim-gui's command line: `viosim-gui [--set field.path=value]... [FILE]`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace viosim::gui {

inline constexpr char kGuiUsage[] =
    "usage: viosim-gui [--set field.path=value]... [FILE]\n"
    "\n"
    "Opens the viosim window: FILE (a scenario .textproto) as a form beside its\n"
    "text, runs it with live charts, compares the backends, and follows one\n"
    "packet through the path.\n"
    "\n"
    "options:\n"
    "  --set PATH=VALUE   override a field of every scenario opened, as `viosim run`\n"
    "                     does (e.g. --set run.duration_ms=20 for short runs)\n"
    "  --help             this text\n"
    "  --version          the version\n"
    "\n"
    "exit status: 0 ok, 2 bad arguments or a FILE that cannot be read\n";

struct GuiArguments {
  std::string file;                // "" opens an empty scenario
  std::vector<std::string> set;    // --set overrides
  bool help = false;
  bool version = false;
  std::string error;               // a usage error; nothing else is meaningful then
};

// `args` without the program name. Qt's own options (-platform, -style, ...)
// must have been taken out already (QApplication does it).
GuiArguments parse_gui_arguments(const std::vector<std::string>& args);

// Why `file` cannot be opened ("no such file", ...), or nothing.
std::optional<std::string> unreadable(const std::string& file);

}  // namespace viosim::gui
