// libFuzzer target for HTTP response parsing and Content-Encoding decoding:
// any response block (status line, headers, chunked or not) must parse to
// a message or a clean error, and any body under any coding must decode or
// fail cleanly within the size cap (gzip and brotli bombs), without a
// crash, a leak, UB or a hang. The first byte picks the coding tried on
// the parsed body when the headers name none; the rest is the block.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "archive/archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const char* kCodings[] = {"gzip",     "x-gzip",   "deflate", "br",
                                   "identity", "gzip, br", "zstd",    ""};
  const unsigned char mode = static_cast<unsigned char>(in[0]);
  std::string_view block = in.substr(1);
  constexpr std::size_t kMax = 1 << 20;
  auto msg = pressarc::ParseHttpResponse(block);
  if (msg.ok()) {
    std::string coding = pressarc::FindHeader(msg->headers, "Content-Encoding");
    if (coding.empty()) coding = kCodings[mode % 8];
    (void)pressarc::DecodeContentEncoding(msg->body, coding, kMax);
  }
  // The raw bytes as a body in the chosen coding too (reaches the decoders
  // without a well-formed head).
  (void)pressarc::DecodeContentEncoding(block, kCodings[mode % 8], kMax);
  return 0;
}
