// libFuzzer target for the WARC reader: any file must be read record by
// record (damage reported as an error and skipped) without a crash, a leak,
// UB or a hang. The input is written to a temporary file, since WarcReader
// and ReadWarcRecordAt take a path. The first byte picks the form: bit 0,
// the rest is gzip-compressed first (a whole-file gzip member; seeds that
// are already .warc.gz reach the per-member path as they are); the other
// bits pick the offset ReadWarcRecordAt is asked for.
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "archive/archive.h"

namespace {

std::string Gzip(std::string_view in) {
  uLongf n = compressBound(static_cast<uLong>(in.size())) + 64;
  std::string out(n, '\0');
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

const std::string& TempPath(bool gz) {
  static const std::string plain = "/tmp/pressarc-warc-fuzz-" + std::to_string(getpid()) + ".warc";
  static const std::string zipped = plain + ".gz";
  static const bool cleanup = [] {
    return std::atexit([] {
             std::remove(plain.c_str());
             std::remove(zipped.c_str());
           }) == 0;
  }();
  (void)cleanup;
  return gz ? zipped : plain;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const unsigned char mode = static_cast<unsigned char>(in[0]);
  std::string body(in.substr(1));
  const bool gz = (mode & 1) || body.rfind("\x1f\x8b", 0) == 0;
  if (mode & 1) body = Gzip(body);
  const std::string& path = TempPath(gz);
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(body.data(), 1, body.size(), f);
    std::fclose(f);
  } else {
    return 0;
  }

  std::uint64_t last_offset = 0;
  if (auto reader = pressarc::WarcReader::Open(path); reader.ok()) {
    pressarc::WarcRecord record;
    pressarc::Status error;
    for (int i = 0; i < 10000 && (*reader)->Next(&record, &error); ++i) {
      if (error.ok()) {
        (void)record.Date();
        (void)record.RecordId();
        (void)record.Source();
        (void)pressarc::ParseHttpResponse(record.block);
        last_offset = record.location.offset;
      }
      error = pressarc::Status();
    }
  }
  (void)pressarc::ReadWarcRecordAt(path, (mode >> 1) ? (mode >> 1) : last_offset);
  (void)pressarc::ReadWarcRecordAt(path, 0);
  return 0;
}
