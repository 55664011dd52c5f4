// viosim-gui: the desktop app. Arguments are checked before any window
// opens, so `viosim-gui missing.textproto` fails like the viosim command
// does (a message on stderr, exit status 2), even without a display.
#include <QApplication>
#include <QDir>
#include <iostream>

#include "gui/app/command_line.h"
#include "gui/app/main_window.h"

#ifndef VIOSIM_VERSION
#define VIOSIM_VERSION "dev"
#endif
#ifndef VIOSIM_EXAMPLES_DIR
#define VIOSIM_EXAMPLES_DIR ""
#endif
#ifndef VIOSIM_LESSONS_DIR
#define VIOSIM_LESSONS_DIR ""
#endif

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Qt's own options are not ours to judge: let QApplication take them out first
  // when a display exists; without one, check what we can before failing.
  std::vector<std::string> ours;
  for (size_t i = 0; i < args.size(); ++i) {
    static const char* const kQtWithValue[] = {"-platform", "-style", "-display", "-geometry", "-qwindowgeometry",
                                               "-platformtheme", "-plugin", "-qwindowtitle", "-qwindowicon"};
    bool qt = false;
    for (const char* q : kQtWithValue) qt = qt || args[i] == q;
    if (qt) {
      ++i;
      continue;
    }
    if (args[i] == "-reverse" || args[i] == "-nograb" || args[i] == "-dograb" || args[i] == "-sync") continue;
    ours.push_back(args[i]);
  }
  const viosim::gui::GuiArguments parsed = viosim::gui::parse_gui_arguments(ours);
  if (!parsed.error.empty()) {
    std::cerr << "viosim-gui: " << parsed.error << "\n\n" << viosim::gui::kGuiUsage;
    return 2;
  }
  if (parsed.help) {
    std::cout << viosim::gui::kGuiUsage;
    return 0;
  }
  if (parsed.version) {
    std::cout << "viosim-gui " << VIOSIM_VERSION << "\n";
    return 0;
  }
  if (!parsed.file.empty()) {
    if (const auto why = viosim::gui::unreadable(parsed.file)) {
      std::cerr << "viosim-gui: cannot read " << parsed.file << ": " << *why << "\n";
      return 2;
    }
  }

  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("viosim-gui"));
  QApplication::setOrganizationName(QStringLiteral("viosim"));
  QApplication::setApplicationVersion(QStringLiteral(VIOSIM_VERSION));
  viosim::gui::MainWindowOptions options;
  options.load.set = parsed.set;
  options.examples_dir = QStringLiteral(VIOSIM_EXAMPLES_DIR);
  options.lessons_dir = QStringLiteral(VIOSIM_LESSONS_DIR);
  viosim::gui::MainWindow window(options);
  if (!parsed.file.empty()) window.open_file(QString::fromStdString(parsed.file));
  window.show();
  return app.exec();
}
