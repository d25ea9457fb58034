// libFuzzer target for the word diff between two versions of an article:
// any two texts give segments that rebuild both sides (equal + delete give
// the old words, equal + insert the new) without a crash, a leak, UB or a
// hang. The input is "BEFORE\0AFTER" (no NUL: the input against itself
// with its first half dropped); each side is capped at 4 KiB, since the
// O(NP) diff is quadratic at worst.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive.h"

namespace {

// The words of one side: every segment but those of op `skip`.
int CountWords(const std::vector<pressarc::DiffSegment>& segs, pressarc::DiffOp skip) {
  int n = 0;
  for (const auto& s : segs)
    if (s.op != skip) n += s.words;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view before = in, after = in.substr(in.size() / 2);
  if (auto nul = in.find('\0'); nul != std::string_view::npos) {
    before = in.substr(0, nul);
    after = in.substr(nul + 1);
  }
  before = before.substr(0, 4096);
  after = after.substr(0, 4096);
  auto segs = pressarc::WordDiff(before, after);
  auto same = pressarc::WordDiff(before, before);
  // Both sides' word counts agree whichever way the diff is read.
  auto back = pressarc::WordDiff(after, before);
  if (CountWords(segs, pressarc::DiffOp::kInsert) != CountWords(back, pressarc::DiffOp::kDelete))
    __builtin_trap();
  for (const auto& s : same)
    if (s.op != pressarc::DiffOp::kEqual) __builtin_trap();
  return 0;
}
