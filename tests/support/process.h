// Test support: run the real `scrm` binary (or a script) as a child process,
// read its output, signal it, wait for it. POSIX only.
#ifndef SCRM_TESTS_SUPPORT_PROCESS_H_
#define SCRM_TESTS_SUPPORT_PROCESS_H_

#include <map>
#include <string>
#include <vector>

namespace scrm::testing {

// The scrm executable under test (SCRM_SCRM_BINARY, set by ctest).
std::string ScrmBinary();

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs to completion with extra environment variables.
RunResult Run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);

// A child left running: stdout is read line by line; stderr goes to a file.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  ~Child();  // SIGKILLs it if still running
  // The next stdout line that contains `needle`, waiting up to timeout_ms; "" on timeout/EOF.
  std::string WaitForLine(const std::string& needle, int timeout_ms);
  void Signal(int sig);
  // Exit code, or -1 on timeout; 128+N when killed by signal N.
  int Wait(int timeout_ms);
  std::string Stderr() const;

 private:
  int pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  std::string err_path_;
  int status_ = -1;
};

// A tiny HTTP GET against 127.0.0.1:port; returns status (0 when no answer).
int HttpGet(int port, const std::string& path, std::string* body = nullptr);

}  // namespace scrm::testing

#endif  // SCRM_TESTS_SUPPORT_PROCESS_H_
