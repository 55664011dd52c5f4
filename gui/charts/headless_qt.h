// Qt for programs without windows (the viosim command, tests): selects the
// offscreen platform unless QT_QPA_PLATFORM is already set, and creates the
// QApplication that Qt Charts (graphics widgets) need if none exists yet.
// Keep one alive for as long as charts are built or rendered.
#pragma once

#include <QApplication>
#include <memory>

namespace viosim::charts {

class HeadlessQt {
 public:
  HeadlessQt();
  ~HeadlessQt();
  HeadlessQt(const HeadlessQt&) = delete;
  HeadlessQt& operator=(const HeadlessQt&) = delete;

 private:
  // QApplication keeps references to argc and argv: they live here.
  int argc_ = 1;
  char program_[8] = "viosim";
  char* argv_[2] = {program_, nullptr};
  std::unique_ptr<QApplication> app_;  // empty when an application already existed
};

}  // namespace viosim::charts
