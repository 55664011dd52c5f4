// The subcommands of `viosim`, each taking the arguments after its name and
// returning the process exit status.
#pragma once

#include <string>
#include <vector>

namespace viosim::cli {

// Exit statuses: the contract scripts rely on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the input was fine, the work failed
inline constexpr int kExitBadInput = 2;  // bad scenario, bad arguments, unknown command

using Args = std::vector<std::string>;

int validate_command(const Args& args);
int run_command(const Args& args);
int plot_command(const Args& args);
int sweep_command(const Args& args);
int search_command(const Args& args);
int plan_command(const Args& args);
int profiles_command(const Args& args);
int list_models_command(const Args& args);
int schema_command(const Args& args);
int graph_command(const Args& args);
int explain_command(const Args& args);
int lesson_command(const Args& args);

}  // namespace viosim::cli
