// The Explain view: follows one packet through the path. Until the explain
// library is part of the build it says so.
#pragma once

#include <QWidget>

#include "scenarios/loader/loader.h"

namespace viosim::gui {

class ExplainView : public QWidget {
  Q_OBJECT

 public:
  explicit ExplainView(const scenarios::LoadOptions& load, QWidget* parent = nullptr);
  void export_dialog();

 private:
  scenarios::LoadOptions load_;
};

}  // namespace viosim::gui
