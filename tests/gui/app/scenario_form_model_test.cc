// The scenario form: a sound tree model (QAbstractItemModelTester), every
// example scenario round-trips through it (text -> form -> text gives the
// same Scenario message, copying value by value through the model's own
// edit API), edits are checked with the loader's rules, and validation
// errors land on their field.
#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>

#include <QFont>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gui/app/scenario_form_model.h"
#include "gui/app/scenario_text.h"
#include "scenarios/loader/loader.h"
#include "tests/gui/app/model_tester.h"

namespace viosim::gui {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::MessageDifferencer;
using Form = ScenarioFormModel;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> examples() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(VIOSIM_SOURCE_DIR) / "scenarios/examples")) {
    if (entry.is_regular_file() && entry.path().extension() == ".textproto") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

viosim::Scenario parse(const std::string& text) {
  const ParsedText parsed = parse_scenario_text(text);
  if (!parsed.scenario) throw std::runtime_error(parsed.error);
  return *parsed.scenario;
}

// Copies what `from` shows under `f` into `to` under `t`, through the model
// API only: lists get their elements, message boxes their tick, scalars the
// text the form shows for editing.
void copy_through_form(const Form& from, const QModelIndex& f, Form& to, const QModelIndex& t) {
  if (f.isValid()) {
    const QModelIndex fv = f.siblingAtColumn(Form::kValueColumn);
    const QModelIndex tv = t.siblingAtColumn(Form::kValueColumn);
    if (fv.flags() & Qt::ItemIsUserCheckable && fv.data(Qt::CheckStateRole).toInt() == Qt::Checked) {
      ASSERT_TRUE(to.setData(tv, Qt::Checked, Qt::CheckStateRole));
    }
    if ((fv.flags() & Qt::ItemIsEditable) && fv.data(Form::kIsSetRole).toBool()) {
      ASSERT_TRUE(to.setData(tv, fv.data(Qt::EditRole))) << f.data(Form::kFieldPathRole).toString().toStdString();
    }
    if (f.data(Form::kIsListRole).toBool() && from.rowCount(f) > to.rowCount(t)) {
      ASSERT_TRUE(to.insertRows(to.rowCount(t), from.rowCount(f) - to.rowCount(t), t));
    }
  }
  ASSERT_EQ(from.rowCount(f), to.rowCount(t)) << f.data(Form::kFieldPathRole).toString().toStdString();
  for (int r = 0; r < from.rowCount(f); ++r) {
    copy_through_form(from, from.index(r, 0, f), to, to.index(r, 0, t));
  }
}

TEST(ScenarioForm, EveryExampleRoundTripsThroughTheForm) {
  const auto files = examples();
  ASSERT_GE(files.size(), 5u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    const std::string text = read(file);
    const viosim::Scenario original = parse(text);
    Form shown;
    shown.set_scenario(original);
    Form copy;
    copy_through_form(shown, QModelIndex(), copy, QModelIndex());
    // The form's message printed as the file's text parses back the same.
    const std::string printed = print_scenario_text(copy.scenario(), text);
    std::string diff;
    MessageDifferencer differ;
    differ.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differ.Compare(original, parse(printed))) << diff;
    // The file's leading comments (what it shows, how to run it) are kept.
    EXPECT_EQ(leading_comments(printed), leading_comments(text));
    // And what the loader makes of it is unchanged.
    const auto before = scenarios::load_scenario_text(file.string(), text);
    const auto after = scenarios::load_scenario_text(file.string(), printed);
    ASSERT_TRUE(before.ok()) << scenarios::format_diagnostics(before.diagnostics);
    ASSERT_TRUE(after.ok()) << scenarios::format_diagnostics(after.diagnostics);
    EXPECT_TRUE(MessageDifferencer::Equals(*before.scenario, *after.scenario));
  }
}

TEST(ScenarioForm, IsASoundItemModelThroughEditsAndNewText) {
  Form form;
  CheckedModel checked(&form);
  form.set_scenario(parse(read(fs::path(VIOSIM_SOURCE_DIR) / "scenarios/examples/compare_paths.textproto")));
  const QModelIndex vms = form.index_of_path("vm");
  ASSERT_TRUE(form.append_element(vms));
  ASSERT_TRUE(form.setData(form.index_of_path("vm[1].name", Form::kValueColumn), "vm1"));
  ASSERT_TRUE(form.remove_element(vms, 0));
  ASSERT_TRUE(form.setData(form.index_of_path("traffic.flow[1].request_response", Form::kValueColumn), Qt::Checked,
                           Qt::CheckStateRole));  // the flow's load switches from open_loop
  form.set_scenario(parse(read(fs::path(VIOSIM_SOURCE_DIR) / "scenarios/examples/load_curve.textproto")));
  form.set_scenario(viosim::Scenario());
  EXPECT_TRUE(checked.problems().isEmpty()) << checked.problems().join('\n').toStdString();
}

TEST(ScenarioForm, ShowsUnitDefaultAndHelpOfEachField) {
  Form form;
  const QModelIndex duration = form.index_of_path("run.duration_ms");
  ASSERT_TRUE(duration.isValid());
  EXPECT_EQ(duration.data().toString(), "duration_ms");
  EXPECT_EQ(duration.siblingAtColumn(Form::kUnitColumn).data().toString(), "ms");
  EXPECT_EQ(duration.siblingAtColumn(Form::kDefaultColumn).data().toString(), "100");
  EXPECT_TRUE(duration.siblingAtColumn(Form::kHelpColumn).data().toString().startsWith("Simulated time of one run"));
  EXPECT_TRUE(duration.data(Form::kHelpRole).toString().contains("0.001 to 3600000 ms"))
      << duration.data(Form::kHelpRole).toString().toStdString();
  // Not set: the default shows, greyed and in italics, and nothing is written.
  const QModelIndex value = duration.siblingAtColumn(Form::kValueColumn);
  EXPECT_FALSE(value.data(Form::kIsSetRole).toBool());
  EXPECT_EQ(value.data().toString(), "100");
  EXPECT_TRUE(value.data(Qt::FontRole).value<QFont>().italic());
  EXPECT_EQ(value.data(Qt::EditRole).toString(), "");
  EXPECT_FALSE(form.scenario().has_run());
  // Enums offer their values.
  const QModelIndex backend = form.index_of_path("compare.backend");
  EXPECT_TRUE(backend.isValid());
  Form with_vm;
  with_vm.set_scenario(parse("vm { name: \"a\" }"));
  EXPECT_EQ(with_vm.index_of_path("vm[0].nic.backend", Form::kValueColumn).data(Form::kChoicesRole).toStringList(),
            (QStringList{"E1000", "VIRTIO_USERSPACE", "VHOST_NET", "VHOST_USER", "PASSTHROUGH", "BARE_METAL", "VDPA"}));
  EXPECT_EQ(with_vm.index_of_path("vm[0]").data().toString(), "vm  a");
  EXPECT_EQ(with_vm.index_of_path("vm[0]").data(Form::kFieldPathRole).toString(), "vm[0]");
}

TEST(ScenarioForm, EditsFollowTheLoadersRulesAndRefusalsChangeNothing) {
  Form form;
  QStringList refusals;
  QObject::connect(&form, &Form::edit_rejected, [&](const QString& why) { refusals << why; });
  int edits = 0;
  QObject::connect(&form, &Form::scenario_edited, [&] { ++edits; });
  ASSERT_TRUE(form.setData(form.index_of_path("run.duration_ms", Form::kValueColumn), "20"));
  EXPECT_EQ(form.scenario().run().duration_ms(), 20);
  EXPECT_FALSE(form.setData(form.index_of_path("run.warmup_ms", Form::kValueColumn), "soon"));
  EXPECT_FALSE(form.scenario().run().has_warmup_ms());
  ASSERT_EQ(refusals.size(), 1);
  EXPECT_TRUE(refusals[0].contains("run.warmup_ms")) << refusals[0].toStdString();
  EXPECT_FALSE(form.setData(form.index_of_path("host.nic", Form::kValueColumn), "3"));  // a list of messages
  // A refused edit below an unset message does not create it.
  EXPECT_FALSE(form.setData(form.index_of_path("external.rx_latency_us", Form::kValueColumn), "x"));
  EXPECT_FALSE(form.scenario().has_external());
  ASSERT_TRUE(form.setData(form.index_of_path("compare.backend", Form::kValueColumn), "[VHOST_NET, E1000]"));
  EXPECT_EQ(form.scenario().compare().backend_size(), 2);
  EXPECT_EQ(form.index_of_path("compare.backend", Form::kValueColumn).data().toString(), "[VHOST_NET, E1000]");
  // Empty means not set: the default applies again.
  ASSERT_TRUE(form.setData(form.index_of_path("run.duration_ms", Form::kValueColumn), ""));
  EXPECT_FALSE(form.scenario().run().has_duration_ms());
  EXPECT_EQ(edits, 3);
}

TEST(ScenarioForm, RemovingAnElementKeepsTheOthersInOrder) {
  Form form;
  form.set_scenario(parse("vm { name: \"a\" } vm { name: \"b\" } vm { name: \"c\" } vm { name: \"d\" }"));
  ASSERT_TRUE(form.remove_element(form.index_of_path("vm"), 1));
  ASSERT_EQ(form.scenario().vm_size(), 3);
  EXPECT_EQ(form.scenario().vm(0).name(), "a");
  EXPECT_EQ(form.scenario().vm(1).name(), "c");
  EXPECT_EQ(form.scenario().vm(2).name(), "d");
  EXPECT_EQ(form.index_of_path("vm[1]").data().toString(), "vm  c");
}

TEST(ScenarioForm, ValidationErrorsAreMarkedAtTheirField) {
  const std::string text =
      "host { cores: 4 }\n"
      "vm { name: \"vm0\" vcpus: 2 pin_cores: [1, 9] }\n"
      "traffic { flow { name: \"rr\" dst: \"vm0\" request_response {} } }\n";
  const auto loaded = scenarios::load_scenario_text("t.textproto", text);
  ASSERT_FALSE(loaded.ok());
  std::map<std::string, std::string> errors;
  for (const auto& d : loaded.diagnostics) {
    if (!d.field_path.empty()) errors[d.field_path] = d.message;
  }
  Form form;
  form.set_scenario(parse(text));
  form.set_errors(errors);
  // "vm[0].pin_cores[1]" marks the pin_cores row (a list is one row).
  const QModelIndex pins = form.index_of_path("vm[0].pin_cores");
  EXPECT_EQ(form.index_of_path("vm[0].pin_cores[1]"), pins);
  EXPECT_TRUE(pins.data(Form::kErrorRole).toString().contains("core 9")) << pins.data(Form::kErrorRole).toString().toStdString();
  EXPECT_TRUE(pins.data(Qt::BackgroundRole).isValid());
  EXPECT_FALSE(form.index_of_path("vm[0].vcpus").data(Qt::BackgroundRole).isValid());
  form.set_errors({});
  EXPECT_FALSE(pins.data(Qt::BackgroundRole).isValid());
}

// A file with a base: the fields it does not write show what applies from
// the base (and the profile, and --set), in grey, and an edit starts there.
TEST(ScenarioForm, UnwrittenFieldsShowTheValueThatApplies) {
  const fs::path file = fs::path(VIOSIM_SOURCE_DIR) / "scenarios/examples/calibration/vhost_net_throughput.textproto";
  const std::string text = read(file);
  const auto loaded = scenarios::load_scenario_text(file.string(), text);
  ASSERT_TRUE(loaded.ok());
  Form form;
  form.set_scenario(parse(text));
  const QModelIndex duration = form.index_of_path("run.duration_ms", Form::kValueColumn);
  ASSERT_FALSE(duration.data(Form::kIsSetRole).toBool()) << "the example should inherit run.duration_ms";
  const QString schema_default = duration.data().toString();
  form.set_effective(loaded.scenario);
  const QString applies = duration.data().toString();
  EXPECT_EQ(applies.toDouble(), loaded.scenario->run().duration_ms());
  EXPECT_NE(applies, schema_default);  // the base's, not the schema's
  EXPECT_EQ(form.effective_text(duration), applies);
  EXPECT_TRUE(duration.data(Qt::ToolTipRole).toString().contains(applies));
  const QModelIndex vms = form.index_of_path("vm", Form::kValueColumn);
  EXPECT_TRUE(vms.data().toString().contains("1 element")) << vms.data().toString().toStdString();
}

// While the text does not parse the form shows an older version: it takes
// no edit that would print that version over the text.
TEST(ScenarioForm, AReadOnlyFormRefusesEveryEdit) {
  Form form;
  form.set_scenario(parse("name: \"x\"\nrun { duration_ms: 5 }\nvm { name: \"vm0\" }\n"));
  const QModelIndex duration = form.index_of_path("run.duration_ms", Form::kValueColumn);
  EXPECT_TRUE(form.flags(duration) & Qt::ItemIsEditable);
  form.set_read_only(true);
  EXPECT_FALSE(form.flags(duration) & Qt::ItemIsEditable);
  EXPECT_FALSE(form.setData(duration, QStringLiteral("7"), Qt::EditRole));
  EXPECT_FALSE(form.append_element(form.index_of_path("vm")));
  EXPECT_EQ(form.scenario().run().duration_ms(), 5u);
  form.set_read_only(false);
  EXPECT_TRUE(form.setData(duration, QStringLiteral("7"), Qt::EditRole));
  EXPECT_EQ(form.scenario().run().duration_ms(), 7u);
}

}  // namespace
}  // namespace viosim::gui
