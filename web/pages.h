// Internal to web/: the HTML pages and the style sheet.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "search/search.h"

namespace pressarc::web::internal {

// The style sheet served at /static/style.css.
std::string_view StyleSheet();

// A whole page: the shell (header with the query box) around `body_html`.
// `form` fills the query box and its options (nullptr: empty).
std::string Page(std::string_view title, const search::SearchOptions* form,
                 std::string_view body_html);

// The search page for `asked` (what the URL asked for; links keep it) and
// what the search answered.
std::string SearchPage(const search::SearchOptions& asked, const search::SearchResponse& response);
// The front page: the query box and how many documents there are.
std::string HomePage(std::uint64_t documents);
// `history`: its versions (shown when there are two or more), or nullptr;
// `history_error`: why they could not be read ("" = no error).
std::string ArticlePage(const search::StoredArticle& article,
                        const search::ArticleHistory* history = nullptr,
                        std::string_view history_error = "");
// Word diffs as HTML: changes in <del>/<ins>, runs of unchanged words cut
// to `context` words around them ("…"), one <p class="hunk"> per passage.
std::string DiffHtml(const std::vector<DiffSegment>& diff, std::size_t context = 8);
// The change log page: the filter form filled from `params` (validated),
// the events newest first; `more`: the limit cut the log short.
std::string ChangesPage(const std::vector<std::pair<std::string, std::string>>& params,
                        const std::vector<ChangeEvent>& events, bool more);
// An error page: the status line's words and the message (as the CLI says it).
std::string ErrorPage(int status, std::string_view message, std::string_view hint,
                      const search::SearchOptions* form);

}  // namespace pressarc::web::internal
