// libFuzzer target for `serve`'s request handling without a socket: any
// request target (path and query string, decoded as cpp-httplib decodes
// them for the server) must get a response with a status below 500 but the
// documented 503 (no index), without a crash, a leak, UB or a hang. The
// first byte picks the method; the rest is "PATH?QUERY". The data directory
// is a temporary one holding a three-document index (az/ru/en) and a feed.
#include <httplib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "indexer/indexer.h"
#include "web/web.h"

namespace {

std::filesystem::path& DataDir() {
  static std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pressarc-web-fuzz-" + std::to_string(getpid()));
  return dir;
}

const pressarc::web::WebOptions& Options() {
  static pressarc::web::WebOptions* options = [] {
    const auto& dir = DataDir();
    std::filesystem::create_directories(dir / "feeds");
    if (std::FILE* f = std::fopen((dir / "feeds" / "covid.atom").c_str(), "w")) {
      std::fputs("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", f);
      std::fclose(f);
    }
    auto writer = pressarc::IndexWriter::OpenLive(dir.string());
    if (!writer.ok()) std::abort();
    const char* docs[][4] = {
        {"https://a.example/az/1", "az", "Xarici İşlər Nazirliyinin bəyanatı",
         "Nazir Bayramovun səfəri Bakıda keçirildi. IŞIQ layihəsi."},
        {"https://a.example/ru/1", "ru", "Заявление МИД", "Сергей Лавров провёл встречу в Москве."},
        {"https://a.example/en/1", "en", "Minister Lavrov visits Istanbul",
         "The ministries signed agreements on 2023-05-01."}};
    for (const auto& doc : docs) {
      pressarc::IndexedArticle a;
      a.article.url = a.article.canonical_url = doc[0];
      a.article.language = doc[1];
      a.article.title = doc[2];
      a.article.text = doc[3];
      a.article.published = "2023-05-01";
      a.article.source = "mfa";
      a.article.kind = pressarc::PageKind::kArticle;
      a.fetched_at = "2024-01-01T00:00:00Z";
      if (!(*writer)->Add(a).ok()) std::abort();
    }
    if (!(*writer)->Commit().ok()) std::abort();
    std::atexit([] { std::filesystem::remove_all(DataDir()); });
    auto* o = new pressarc::web::WebOptions;
    o->data_dir = dir.string();
    return o;
  }();
  return *options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 8192) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const char* kMethods[] = {"GET", "HEAD", "POST", "OPTIONS"};
  const unsigned char mode = static_cast<unsigned char>(in[0]);
  std::string_view target = in.substr(1);
  std::string_view raw_path = target, raw_query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    raw_path = target.substr(0, q);
    raw_query = target.substr(q + 1);
  }
  pressarc::web::WebRequest req;
  req.method = kMethods[mode % 4];
  req.path = httplib::detail::decode_url(std::string(raw_path), false);
  httplib::Params params;
  httplib::detail::parse_query_text(std::string(raw_query), params);
  for (const auto& [name, value] : params) req.params.emplace_back(name, value);

  pressarc::web::WebResponse r = pressarc::web::HandleRequest(Options(), req);
  if (r.status >= 500 && r.status != 503) __builtin_trap();
  if (r.status < 100 || r.status > 599) __builtin_trap();
  return 0;
}
