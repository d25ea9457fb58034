#include "archive/archive.h"

namespace pressarc {

Result<SourceScope> SourceScope::Build(const SourceConfig& source) {
  SourceScope scope;
  auto compile = [&](const std::vector<std::string>& in, std::vector<UrlPattern>* out) -> Status {
    for (const auto& p : in) {
      auto pat = UrlPattern::Compile(p);
      if (!pat.ok()) return pat.status();
      out->push_back(std::move(pat.value()));
    }
    return Status::Ok();
  };
  for (auto [in, out] :
       {std::pair{&source.allow, &scope.allow_}, std::pair{&source.deny, &scope.deny_},
        std::pair{&source.article, &scope.article_}}) {
    Status st = compile(*in, out);
    if (!st.ok()) return st;
  }
  for (const auto& u : source.start_urls) {
    std::string origin = UrlOrigin(NormalizeUrl(u));
    if (!origin.empty()) scope.origins_.insert(origin);
  }
  return scope;
}

bool SourceScope::InScope(std::string_view url) const {
  bool allowed = false;
  if (allow_.empty()) {
    allowed = origins_.count(UrlOrigin(url)) > 0;
  } else {
    for (const auto& p : allow_) {
      if (p.Search(url)) {
        allowed = true;
        break;
      }
    }
  }
  if (!allowed) return false;
  for (const auto& p : deny_) {
    if (p.Search(url)) return false;
  }
  return true;
}

bool SourceScope::IsArticleUrl(std::string_view url) const {
  for (const auto& p : article_) {
    if (p.Search(url)) return true;
  }
  return false;
}

}  // namespace pressarc
