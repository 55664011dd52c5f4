// ExplainView placeholder.
#include "gui/app/explain_view.h"

#include <QLabel>
#include <QVBoxLayout>

namespace viosim::gui {

ExplainView::ExplainView(const scenarios::LoadOptions& load, QWidget* parent) : QWidget(parent), load_(load) {
  auto* layout = new QVBoxLayout(this);
  auto* label = new QLabel(tr("Following one packet needs the explain library, which this build does not have yet."));
  label->setAlignment(Qt::AlignCenter);
  layout->addWidget(label);
}

void ExplainView::export_dialog() {}

}  // namespace viosim::gui
