#include "config/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

namespace pressarc::log {
namespace {

std::atomic<Level> g_level{Level::kWarn};
std::atomic<Format> g_format{Format::kText};
std::mutex g_mu;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      break;
  }
  return "off";
}

std::string UtcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

void SetLevel(Level level) {
  g_level = level;
}
void SetFormat(Format format) {
  g_format = format;
}
Level GetLevel() {
  return g_level;
}
bool Enabled(Level level) {
  return level >= g_level.load() && level != Level::kOff;
}

void Write(Level level, std::string_view source, std::string_view message) {
  if (!Enabled(level)) return;
  std::string line;
  if (g_format == Format::kJson) {
    nlohmann::json j = {{"time", UtcNow()},
                        {"level", LevelName(level)},
                        {"source", std::string(source)},
                        {"msg", std::string(message)}};
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    std::string lvl = LevelName(level);
    for (auto& c : lvl) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    line = UtcNow() + " " + lvl + " " + std::string(source) + ": " + std::string(message);
  }
  line += '\n';
  std::lock_guard<std::mutex> lock(g_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace pressarc::log
