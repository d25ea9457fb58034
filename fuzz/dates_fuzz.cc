// libFuzzer target for date parsing: machine dates (ISO 8601, RFC 2822)
// and dates in az/ru/en human text ("28 fevral 2023", "28 февраля 2023
// г.", "February 28, 2023 16:25") must give an ISO date or "" without a
// crash, a leak, UB or a hang. The whole input is the text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parser/internal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)pressarc::parser_internal::ParseMachineDate(in);
  (void)pressarc::parser_internal::FindTextDate(in);
  (void)pressarc::parser_internal::LowerTurkic(in);
  return 0;
}
