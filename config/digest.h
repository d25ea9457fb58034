// SHA-1 (FIPS 180-4) and its encodings, for WARC digests (base32, RFC 4648)
// and stable document ids (hex). Here because config is the module every
// other one depends on. Thread safe; incremental use through Sha1.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pressarc {

class Sha1 {
 public:
  Sha1();
  void Update(std::string_view data);
  std::array<std::uint8_t, 20> Final();

 private:
  void Blocks(const std::uint8_t* p, std::size_t blocks);  // SHA-NI when the CPU has it
  void Block(const std::uint8_t* p);                       // the portable rounds
  std::uint32_t h_[5];
  std::uint8_t buf_[64];
  std::uint64_t len_ = 0;
  std::size_t used_ = 0;
};

std::array<std::uint8_t, 20> Sha1Digest(std::string_view data);
std::string Base32(const std::uint8_t* data, std::size_t n);
std::string Hex(const std::uint8_t* data, std::size_t n);
// "sha1:" + base32, the form WARC digests take.
std::string WarcSha1(std::string_view data);

}  // namespace pressarc
