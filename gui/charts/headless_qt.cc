// The offscreen QApplication.
#include "gui/charts/headless_qt.h"

#include <QCoreApplication>
#include <cstdio>

namespace viosim::charts {
namespace {

QtMessageHandler previous_handler = nullptr;

// Qt warns when XDG_RUNTIME_DIR is unset (batch jobs, containers, ssh
// without a session), though offscreen rendering never uses that folder;
// on a command's stderr the warning would only read as a failure.
void drop_runtime_dir_warning(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set"))) return;
  if (previous_handler != nullptr) {
    previous_handler(type, context, message);
  } else {
    std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
  }
}

}  // namespace

HeadlessQt::HeadlessQt() {
  if (QCoreApplication::instance() != nullptr) return;
  // Plots from the command line never need a display, and the offscreen
  // platform renders the same with or without one.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  previous_handler = qInstallMessageHandler(drop_runtime_dir_warning);
  app_ = std::make_unique<QApplication>(argc_, argv_);
}

HeadlessQt::~HeadlessQt() {
  if (!app_) return;
  app_.reset();
  qInstallMessageHandler(previous_handler);
  previous_handler = nullptr;
}

}  // namespace viosim::charts
