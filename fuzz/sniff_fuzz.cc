// libFuzzer target for WHATWG HTML sniffing (what `import` treats as a
// page): any head of a file gives yes or no without a crash, UB or a hang.
// The whole input is the file's head.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "archive/archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)pressarc::SniffsAsHtml(in);
  return 0;
}
