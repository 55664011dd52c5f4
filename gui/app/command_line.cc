// Parsing viosim-gui's arguments.
#include "gui/app/command_line.h"

#include "scenarios/loader/text_parse.h"

namespace viosim::gui {

GuiArguments parse_gui_arguments(const std::vector<std::string>& args) {
  GuiArguments out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out.help = true;
    } else if (a == "--version") {
      out.version = true;
    } else if (a == "--set") {
      if (i + 1 >= args.size()) {
        out.error = "--set needs field.path=value";
        return out;
      }
      out.set.push_back(args[++i]);
    } else if (a.rfind("--set=", 0) == 0) {
      out.set.push_back(a.substr(6));
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      out.error = "unknown option " + a;
      return out;
    } else if (!out.file.empty()) {
      out.error = "one scenario file at a time";
      return out;
    } else {
      out.file = a;
    }
  }
  return out;
}

std::optional<std::string> unreadable(const std::string& file) {
  std::string text;
  return scenarios::read_file(file, &text);
}

}  // namespace viosim::gui
