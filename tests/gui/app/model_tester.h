// Runs QAbstractItemModelTester on a model and counts what it reports, so a
// GoogleTest can fail on it (the tester's warnings go to the "qt.modeltest"
// logging category).
#pragma once

#include <QAbstractItemModelTester>
#include <QLoggingCategory>
#include <QString>
#include <QStringList>
#include <memory>

namespace viosim::gui {

class CheckedModel {
 public:
  explicit CheckedModel(QAbstractItemModel* model) {
    messages().clear();
    previous_ = qInstallMessageHandler(&CheckedModel::handle);
    tester_ = std::make_unique<QAbstractItemModelTester>(model, QAbstractItemModelTester::FailureReportingMode::Warning);
  }
  ~CheckedModel() {
    tester_.reset();
    qInstallMessageHandler(previous_);
  }
  // Everything the tester found wrong so far.
  QStringList problems() const { return messages(); }

 private:
  static QStringList& messages() {
    static QStringList list;
    return list;
  }
  static void handle(QtMsgType type, const QMessageLogContext& context, const QString& text) {
    if (type != QtDebugMsg && context.category != nullptr && QString::fromUtf8(context.category).startsWith("qt.modeltest")) {
      messages() << text;
    }
  }

  QtMessageHandler previous_ = nullptr;
  std::unique_ptr<QAbstractItemModelTester> tester_;
};

}  // namespace viosim::gui
