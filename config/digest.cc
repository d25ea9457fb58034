#include "config/digest.h"

#include <cstring>
#include <utility>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define PRESSARC_SHA_NI 1
#endif

namespace pressarc {
namespace {
inline std::uint32_t Rol(std::uint32_t x, int n) {
  return (x << n) | (x >> (32 - n));
}

#ifdef PRESSARC_SHA_NI
// SHA-1 with the x86 SHA extensions (Intel's published scheme: four rounds
// per SHA1RNDS4, the message schedule by SHA1MSG1/SHA1MSG2), several times
// faster than the portable rounds below; used when the CPU has them
// (CPUID leaf 7, EBX bit 29; not under valgrind, which hides the bit).
bool HaveShaNi() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool ssse3_sse41 = (c & bit_SSSE3) != 0 && (c & bit_SSE4_1) != 0;
  if (!ssse3_sse41 || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return (b & (1u << 29)) != 0;
}

// Four rounds (number G of 20) with message word group m[G % 4]; the
// schedule for later groups is advanced alongside (its surplus at the end
// of a block is computed and not used).
template <int G>
__attribute__((target("sha,ssse3,sse4.1"), always_inline)) inline void ShaNiRounds(
    __m128i& abcd, __m128i (&e)[2], __m128i (&m)[4]) {
  constexpr int kFunc = G / 5;
  __m128i& cur = m[G % 4];
  __m128i& used = e[G % 2];
  if constexpr (G == 0) {
    used = _mm_add_epi32(used, cur);
  } else {
    used = _mm_sha1nexte_epu32(used, cur);
  }
  e[(G + 1) % 2] = abcd;
  if constexpr (G >= 3) m[(G + 1) % 4] = _mm_sha1msg2_epu32(m[(G + 1) % 4], cur);
  abcd = _mm_sha1rnds4_epu32(abcd, used, kFunc);
  if constexpr (G >= 1) m[(G + 3) % 4] = _mm_sha1msg1_epu32(m[(G + 3) % 4], cur);
  if constexpr (G >= 2) m[(G + 2) % 4] = _mm_xor_si128(m[(G + 2) % 4], cur);
}

template <int... G>
__attribute__((target("sha,ssse3,sse4.1"), always_inline)) inline void ShaNiAllRounds(
    __m128i& abcd, __m128i (&e)[2], __m128i (&m)[4], std::integer_sequence<int, G...>) {
  (ShaNiRounds<G>(abcd, e, m), ...);
}

__attribute__((target("sha,ssse3,sse4.1"))) void ShaNiBlocks(std::uint32_t h[5],
                                                             const std::uint8_t* p,
                                                             std::size_t blocks) {
  const __m128i kByteSwap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
  __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h)), 0x1B);
  __m128i e0 = _mm_set_epi32(static_cast<int>(h[4]), 0, 0, 0);
  for (; blocks > 0; --blocks, p += 64) {
    const __m128i abcd_before = abcd;
    const __m128i e_before = e0;
    __m128i m[4];
    for (int k = 0; k < 4; ++k) {
      m[k] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k)),
                              kByteSwap);
    }
    __m128i e[2] = {e0, _mm_setzero_si128()};
    ShaNiAllRounds(abcd, e, m, std::make_integer_sequence<int, 20>{});
    // After group 19, e[0] holds ABCD as it was before the last four rounds.
    e0 = _mm_sha1nexte_epu32(e[0], e_before);
    abcd = _mm_add_epi32(abcd, abcd_before);
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h), _mm_shuffle_epi32(abcd, 0x1B));
  h[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e0, 3));
}
#endif

}  // namespace

Sha1::Sha1() : h_{0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u}, buf_{} {}

void Sha1::Blocks(const std::uint8_t* p, std::size_t blocks) {
#ifdef PRESSARC_SHA_NI
  static const bool kShaNi = HaveShaNi();
  if (kShaNi) {
    ShaNiBlocks(h_, p, blocks);
    return;
  }
#endif
  for (; blocks > 0; --blocks, p += 64) Block(p);
}

void Sha1::Block(const std::uint8_t* p) {
  std::uint32_t w[80];
  for (int i = 0; i < 16; ++i) {
    w[i] = (std::uint32_t(p[4 * i]) << 24) | (std::uint32_t(p[4 * i + 1]) << 16) |
           (std::uint32_t(p[4 * i + 2]) << 8) | std::uint32_t(p[4 * i + 3]);
  }
  for (int i = 16; i < 80; ++i) w[i] = Rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
  // The four groups of 20 rounds as loops of their own (no branch per round).
  auto round = [&](std::uint32_t f, std::uint32_t k, std::uint32_t wi) {
    std::uint32_t t = Rol(a, 5) + f + e + k + wi;
    e = d;
    d = c;
    c = Rol(b, 30);
    b = a;
    a = t;
  };
  for (int i = 0; i < 20; ++i) round((b & c) | (~b & d), 0x5A827999u, w[i]);
  for (int i = 20; i < 40; ++i) round(b ^ c ^ d, 0x6ED9EBA1u, w[i]);
  for (int i = 40; i < 60; ++i) round((b & c) | (b & d) | (c & d), 0x8F1BBCDCu, w[i]);
  for (int i = 60; i < 80; ++i) round(b ^ c ^ d, 0xCA62C1D6u, w[i]);
  h_[0] += a;
  h_[1] += b;
  h_[2] += c;
  h_[3] += d;
  h_[4] += e;
}

void Sha1::Update(std::string_view data) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t n = data.size();
  len_ += n;
  while (n > 0) {
    if (used_ == 0 && n >= 64) {  // whole blocks straight from the input
      Blocks(p, n / 64);
      p += n / 64 * 64;
      n %= 64;
      continue;
    }
    std::size_t take = std::min<std::size_t>(64 - used_, n);
    std::memcpy(buf_ + used_, p, take);
    used_ += take;
    p += take;
    n -= take;
    if (used_ == 64) {
      Blocks(buf_, 1);
      used_ = 0;
    }
  }
}

std::array<std::uint8_t, 20> Sha1::Final() {
  std::uint64_t bits = len_ * 8;
  std::uint8_t pad = 0x80;
  Update(std::string_view(reinterpret_cast<char*>(&pad), 1));
  std::uint8_t zero = 0;
  while (used_ != 56) Update(std::string_view(reinterpret_cast<char*>(&zero), 1));
  std::uint8_t lenb[8];
  for (int i = 0; i < 8; ++i) lenb[i] = std::uint8_t(bits >> (56 - 8 * i));
  Update(std::string_view(reinterpret_cast<char*>(lenb), 8));
  std::array<std::uint8_t, 20> out{};
  for (int i = 0; i < 5; ++i) {
    out[4 * i] = std::uint8_t(h_[i] >> 24);
    out[4 * i + 1] = std::uint8_t(h_[i] >> 16);
    out[4 * i + 2] = std::uint8_t(h_[i] >> 8);
    out[4 * i + 3] = std::uint8_t(h_[i]);
  }
  return out;
}

std::array<std::uint8_t, 20> Sha1Digest(std::string_view data) {
  Sha1 s;
  s.Update(data);
  return s.Final();
}

std::string Base32(const std::uint8_t* data, std::size_t n) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  while (out.size() % 8) out += '=';
  return out;
}

std::string Hex(const std::uint8_t* data, std::size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

std::string WarcSha1(std::string_view data) {
  auto d = Sha1Digest(data);
  return "sha1:" + Base32(d.data(), d.size());
}

}  // namespace pressarc
