// libFuzzer target for the TOML configuration: any text must give a Config
// or a clean error (toml++ parse errors and pressarc's own validation of
// keys, sources, hints and regexes) without a crash, a leak, UB or a hang.
// The whole input is the file's text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)pressarc::ParseConfig(in, "fuzz.toml");
  return 0;
}
