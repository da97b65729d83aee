#pragma once
#include <string>
#include <vector>

namespace embex::cli {

/// Each command gets the arguments after its name and returns the exit status
/// (0 ok, 1 user error, 2 usage). Output goes to stdout, diagnostics to stderr.
int runInfo(const std::vector<std::string> &args);
int runNeighbors(const std::vector<std::string> &args);
int runAnalogy(const std::vector<std::string> &args);
int runConvert(const std::vector<std::string> &args);
int runProject(const std::vector<std::string> &args);
int runEval(const std::vector<std::string> &args);
int runTrain(const std::vector<std::string> &args);
int runContext(const std::vector<std::string> &args);

} // namespace embex::cli
