// Parser internals shared by the parser's .cc files and its tests. Not a
// public interface: other modules use parser/parser.h only.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <deque>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pressarc::parser_internal {

// ---- decoding (decode.cc) ------------------------------------------------

struct Decoded {
  std::string utf8;     // valid UTF-8, NFC
  std::string charset;  // canonical name of what the bytes were decoded from
};
// Never fails: invalid bytes become U+FFFD.
Decoded DecodeToUtf8(std::string_view bytes, std::string_view content_type);
// The charset named in a Content-Type value ("text/html; charset=UTF-8"), "" if none.
std::string CharsetFromContentType(std::string_view content_type);
// The charset of a <meta charset> / http-equiv in the first bytes, "" if none.
std::string PrescanMetaCharset(std::string_view bytes);

// ---- bounding the input before Gumbo (prepass.cc) -------------------------

struct PrepassLimits {
  std::size_t max_depth = 400;       // nesting of elements that need an end tag
  std::size_t max_tags = 150000;     // the document is cut after this many tags
  std::size_t max_tag_bytes = 8192;  // a longer tag is cut (bounds attribute counts)
  std::size_t max_bytes = 8u << 20;  // output cap (an article page is far smaller)
};
// Rewrites HTML so that Gumbo's cost is bounded: drops comments and the
// content of <script> (except JSON-LD) and <style>, caps nesting depth, tag
// count, tag length and total size. Linear time.
//
// With `runs`, long runs of plain text between tags are also handed to Gumbo
// as a short placeholder (kRunMarker and two characters giving the run's
// index in `runs`), and Dom puts the text back. Gumbo spends a third of its
// time on text, one character token at a time; the tree it builds does not
// depend on which characters a run holds, only on whether they are
// whitespace, NUL, CR or '&', and a run is cut at each of those: it starts
// and ends with a character that is not whitespace and holds only characters
// Gumbo passes through unchanged. (The exception, a frameset, where Gumbo
// keeps the spaces of a run and drops its other characters, gets no
// placeholders after its start tag.) The views point into `html`. No run is
// made when `html` writes kRunMarker itself (or as a character reference).
std::string BoundHtml(std::string_view html, const PrepassLimits& limits = {},
                      std::vector<std::string_view>* runs = nullptr);

// U+F8FF, a private-use character, in UTF-8. The two characters after it are
// U+E100 + the high and the low byte of the run's index.
inline constexpr std::string_view kRunMarker = "\xEF\xA3\xBF";
inline constexpr std::size_t kRunPlaceholderBytes = 9;
inline constexpr std::size_t kMaxRuns = 1u << 16;  // two bytes of index

// Writes the placeholder of run `index` (< kMaxRuns).
inline void AppendRunPlaceholder(std::size_t index, std::string* out) {
  out->append(kRunMarker);
  for (std::size_t byte : {index >> 8, index & 0xFF}) {  // U+E100 + byte
    out->push_back(static_cast<char>(0xEE));
    out->push_back(static_cast<char>(0x84 + (byte >> 6)));
    out->push_back(static_cast<char>(0x80 + (byte & 0x3F)));
  }
}
// The run index of the placeholder at the start of `s`, -1 when `s` does not
// start with one.
inline long ReadRunPlaceholder(std::string_view s) {
  if (s.size() < kRunPlaceholderBytes || !s.starts_with(kRunMarker)) return -1;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + kRunMarker.size());
  auto byte = [](const unsigned char* q) -> long {
    if (q[0] != 0xEE || q[1] < 0x84 || q[1] > 0x87 || (q[2] & 0xC0) != 0x80) return -1;
    return ((q[1] - 0x84) << 6) | (q[2] & 0x3F);
  };
  const long hi = byte(p), lo = byte(p + 3);
  return hi < 0 || lo < 0 ? -1 : hi * 256 + lo;
}

// ---- DOM (dom.cc) ----------------------------------------------------------

// A flat, pre-order view of a Gumbo tree.
struct Node {
  const GumboNode* g = nullptr;
  int parent = -1;
  int end = 0;  // one past the last descendant
  int depth = 0;
  GumboTag tag = GUMBO_TAG_UNKNOWN;  // GUMBO_TAG_UNKNOWN for text nodes too
  bool is_text = false;
  bool removed = false;   // boilerplate: the subtree does not count as content
  std::string_view text;  // a text node's text (Dom::NodeText)
};

// Memory for one Gumbo parse, released at once (see dom.cc).
class GumboArena;

class Dom {
 public:
  // `runs`: the text runs BoundHtml replaced by placeholders in `html` (read
  // here only: the text nodes that held placeholders get copies). Gumbo's
  // tree points into `html`, which must outlive the Dom.
  explicit Dom(std::string_view html, const std::vector<std::string_view>& runs = {});
  ~Dom();
  Dom(const Dom&) = delete;
  Dom& operator=(const Dom&) = delete;

  std::vector<Node>& nodes() { return nodes_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const Node& operator[](int i) const { return nodes_[static_cast<std::size_t>(i)]; }
  Node& operator[](int i) { return nodes_[static_cast<std::size_t>(i)]; }
  int size() const { return static_cast<int>(nodes_.size()); }

  // The text of text node i (with BoundHtml's runs put back).
  std::string_view NodeText(int i) const { return nodes_[static_cast<std::size_t>(i)].text; }
  // Attribute value, "" when absent.
  std::string_view Attr(int i, const char* name) const;
  bool HasAttr(int i, const char* name) const;
  // The tag name, lower-case (also for unknown tags); "" for text.
  std::string TagName(int i) const;
  // Whitespace-collapsed text of the subtree; skips removed nodes when asked.
  std::string Text(int i, bool skip_removed = false, std::size_t max_bytes = 1u << 20) const;
  bool IsInRemoved(int i) const;  // i or an ancestor is removed
  bool IsAncestor(int ancestor, int i) const {
    return i >= ancestor && i < nodes_[static_cast<std::size_t>(ancestor)].end;
  }

 private:
  std::unique_ptr<GumboArena> arena_;  // owns everything output_ points to
  GumboOutput* output_ = nullptr;
  std::vector<Node> nodes_;
  std::deque<std::string> restored_;  // texts of nodes that held placeholders (stable)
};

// Phrasing (inline) elements: they do not break a paragraph.
bool IsInlineTag(GumboTag tag);

// ---- main content (content.cc) ---------------------------------------------

struct ContentResult {
  std::string text;        // paragraphs joined by "\n\n"
  int top = -1;            // the chosen content element (-1 = none)
  std::vector<int> roots;  // the elements the text came from, in document order
  std::size_t text_chars = 0;
  std::size_t paragraphs = 0;
  std::size_t raw_chars = 0;   // text in the roots before cleaning
  std::size_t link_chars = 0;  // of which inside links
};
// Marks boilerplate subtrees in `dom` (Node::removed): structural tags,
// hidden elements (unless they hold most of the page's text: streaming
// renderers' <div hidden id="S:0">), class/id words, and `strip` selectors.
// Returns the number of marked nodes.
// `class_patterns` = false skips the class/id/role heuristics (Readability's
// retry when the first pass finds too little).
int MarkBoilerplate(Dom& dom, const std::vector<int>& strip_nodes, bool class_patterns = true);
// Finds the main content (or uses `forced_roots` when non-empty) and
// serialises it to text. `title` is dropped from the start of the text.
ContentResult ExtractContent(Dom& dom, const std::vector<int>& forced_roots,
                             std::string_view title);

// The last resort when no candidate gives text (nothing scored, or the
// cleaning took it all): the smallest block that holds four fifths of the
// page's text outside links and boilerplate, serialised without cleaning.
ContentResult FallbackContent(const Dom& dom);

// ---- class and id names (class_words.cc) ---------------------------------

// An element's class and id read as words, lower-case: each name is split at
// '-', '_' and other punctuation, at camelCase humps and before trailing
// digits ("articleBody" → article body, "news_in-text" → news in text,
// "sidebar1" → sidebar). Utility classes of CSS frameworks, whose words
// describe a style and not the block ("overflow-hidden", "text-center",
// "hidden-xs", "col-md-8", "md:hidden"), give no words.
class ClassWords {
 public:
  ClassWords(std::string_view cls, std::string_view id);
  // True when a pattern occurs in one name. A pattern is a word or words
  // joined by '-' ("read-also"), matched against consecutive words; a word
  // also matches its plural, and a one-word pattern of three letters or more
  // the compound it ends ("mainmenu", "postcomments"), never one it starts
  // ("commentary"). A name that says the block lacks the thing does not
  // count ("comment-free", "no-sidebar").
  bool Has(std::initializer_list<std::string_view> patterns) const;
  bool empty() const { return words_.empty(); }

 private:
  struct Word {
    std::string text;
    int name = 0;  // which class name (or the id) it came from
  };
  void AddName(std::string_view name, int index);
  bool MatchesAt(std::size_t at, std::string_view pattern) const;
  std::vector<Word> words_;
};

// ---- CSS selectors (selector.cc) ------------------------------------------

// A compiled selector list: tag, .class, #id, [attr], [attr=v], [attr*=v],
// [attr^=v], [attr$=v], [attr~=v], *, descendant and child combinators,
// comma lists. Unsupported syntax makes the whole list match nothing.
class Selector {
 public:
  explicit Selector(std::string_view text);
  ~Selector();
  Selector(Selector&&) noexcept;
  Selector& operator=(Selector&&) noexcept;
  bool valid() const;
  bool Matches(const Dom& dom, int i) const;
  // All matching element indices in document order.
  std::vector<int> MatchAll(const Dom& dom) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- dates (dates.cc) ------------------------------------------------------

// A machine date ("2023-02-28", "2023-02-28T16:25:00+04:00", "2023-02-28 16:25",
// RFC 2822) → ISO 8601 as given ("2023-02-28", "2023-02-28T16:25",
// "2023-02-28T16:25:00+04:00"); "" when not a date.
std::string ParseMachineDate(std::string_view s);
// The first full date (with a year) in human text, in az/ru/en forms, with the
// time and offset that follow (or precede) it; "" when none.
std::string FindTextDate(std::string_view text);
// Lower-cases UTF-8 the Turkic way (İ→i, I→ı) for az, or generally otherwise.
std::string LowerTurkic(std::string_view s);

// ---- text utilities (text.cc) ----------------------------------------------

// Collapses runs of whitespace (incl. NBSP) to one space and trims.
std::string CollapseSpace(std::string_view s);
// Number of code points.
std::size_t Utf8Length(std::string_view s);

}  // namespace pressarc::parser_internal
