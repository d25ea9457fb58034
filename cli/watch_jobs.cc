// Running the watches after a job, and the alert command.
#include "cli/watch_jobs.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "config/iso_time.h"
#include "config/log.h"

namespace pressarc::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Writes `input` to the pipe `fd` until done or `deadline`; false on timeout
// or when the reader went away (then the rest is dropped).
bool FeedInput(int fd, const std::string& input, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < input.size()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = ::write(fd, input.data() + done, input.size() - done);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return true;  // EPIPE: the command does not read its input; not an error
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Runs `command` with /bin/sh -c; "" on success, else what went wrong.
std::string RunCommand(const std::string& command, const std::string& watch,
                       const std::string& input, int timeout_s) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(fds[0], STDIN_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    ::setenv("PRESSARC_WATCH", watch.c_str(), 1);
    ::signal(SIGPIPE, SIG_DFL);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(fds[0]);
  ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  const bool fed = FeedInput(fds[1], input, deadline);
  ::sigaction(SIGPIPE, &old, nullptr);
  ::close(fds[1]);
  int wstatus = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &wstatus, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return std::string("waitpid: ") + std::strerror(errno);
    if (!fed || Clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &wstatus, 0);
      return "timed out after " + std::to_string(timeout_s) + " s (killed)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return "";
  if (WIFEXITED(wstatus)) return "exited with status " + std::to_string(WEXITSTATUS(wstatus));
  return "killed by signal " + std::to_string(WTERMSIG(wstatus));
}

}  // namespace

void DeliverAlerts(search::WatchStore& store, const AlertOptions& options,
                   WatchJobSummary* summary) {
  auto pending = store.PendingAlerts();
  if (!pending.ok()) {
    log::Error("alerts", pending.status().message());
    return;
  }
  for (const auto& alert : *pending) {
    if (!options.command.empty()) {
      std::string error = RunCommand(options.command, alert.watch, alert.json, options.timeout_s);
      if (error.empty()) {
        ++summary->alerts_sent;
        log::Info("alerts", "watch " + alert.watch + ": alert command done");
      } else {
        ++summary->alerts_failed;
        log::Warn("alerts", "watch " + alert.watch + ": alert command " + error);
      }
    }
    if (Status s = store.AlertDone(alert); !s.ok()) log::Error("alerts", s.message());
  }
}

Status WriteChangesFeed(const std::string& data_dir) {
  const std::string now = IsoUtc(static_cast<std::int64_t>(std::time(nullptr)));
  Status s = search::WriteChangesFeed(data_dir, now);
  if (s.disk_full()) return s;
  if (!s.ok()) log::Error("feeds", "changes.atom: " + s.message());
  return Status::Ok();
}

WatchJobSummary RunWatchesAfterJob(const Config& config, const std::string& data_dir) {
  WatchJobSummary summary;
  if (Status s = WriteChangesFeed(data_dir); s.disk_full()) {
    summary.disk_full = s;
    return summary;
  }
  std::error_code ec;
  if (!std::filesystem::exists(data_dir + "/watches.sqlite", ec)) return summary;
  auto store = search::WatchStore::Open(data_dir);
  if (!store.ok()) {
    if (store.status().disk_full()) {
      summary.disk_full = store.status();
    } else {
      log::Error("watches", store.status().message());
    }
    return summary;
  }
  auto result = (*store)->Run();
  if (!result.ok() && result.status().disk_full()) {
    summary.disk_full = result.status();
    return summary;
  }
  if (!result.ok()) {
    log::Error("watches", "the watches could not be run (the next job runs them): " +
                              result.status().message());
    return summary;
  }
  summary.ran = !result->reports.empty();
  for (const auto& r : result->reports) summary.counts[r.name] = r.count;
  DeliverAlerts(**store, config.alerts, &summary);
  return summary;
}

std::string WithWatches(const std::string& summary_json, const WatchJobSummary& watches) {
  auto j = nlohmann::ordered_json::parse(summary_json, nullptr, false);
  if (!j.is_object()) return summary_json;
  j["watches"] = nlohmann::ordered_json::object();
  for (const auto& [name, count] : watches.counts) j["watches"][name] = count;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string WatchMetrics(const WatchJobSummary& watches) {
  if (!watches.ran) return "";
  std::string out =
      "# HELP pressarc_watch_new_matches Documents newly matching each watch in the last job.\n"
      "# TYPE pressarc_watch_new_matches gauge\n";
  for (const auto& [name, count] : watches.counts) {
    // Watch names are [A-Za-z0-9_-]: nothing to escape in the label.
    out += "pressarc_watch_new_matches{watch=\"" + name + "\"} " + std::to_string(count) + "\n";
  }
  out +=
      "# HELP pressarc_watch_alerts Alert commands run after the last job, by result.\n"
      "# TYPE pressarc_watch_alerts gauge\n"
      "pressarc_watch_alerts{result=\"success\"} " +
      std::to_string(watches.alerts_sent) + "\n" + "pressarc_watch_alerts{result=\"failure\"} " +
      std::to_string(watches.alerts_failed) + "\n";
  return out;
}

void PrintWatches(const WatchJobSummary& watches) {
  if (watches.counts.empty()) return;
  std::string line = "watches:";
  for (const auto& [name, count] : watches.counts) {
    line += (line.size() > 8 ? ", " : " ") + name + " " + std::to_string(count) + " new";
  }
  std::printf("%s\n", line.c_str());
}

}  // namespace pressarc::cli
