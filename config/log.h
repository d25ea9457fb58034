// Logging: one line per event on stderr, with time, level and source.
//
// Text format:  2026-11-26T17:50:54Z INFO  crawler: fetched https://...
// JSON format:  {"time":"...","level":"info","source":"crawler","msg":"..."}
// The level threshold and format are process-wide and set once by the CLI
// (--verbose, --quiet, --log-format). Thread safe: lines never interleave.
#pragma once

#include <string>
#include <string_view>

namespace pressarc::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };
enum class Format { kText, kJson };

void SetLevel(Level level);
void SetFormat(Format format);
Level GetLevel();
bool Enabled(Level level);

// `source` names the module or the configured source ("crawler", "mfa-az").
void Write(Level level, std::string_view source, std::string_view message);

inline void Debug(std::string_view src, std::string_view msg) { Write(Level::kDebug, src, msg); }
inline void Info(std::string_view src, std::string_view msg) { Write(Level::kInfo, src, msg); }
inline void Warn(std::string_view src, std::string_view msg) { Write(Level::kWarn, src, msg); }
inline void Error(std::string_view src, std::string_view msg) { Write(Level::kError, src, msg); }

}  // namespace pressarc::log
