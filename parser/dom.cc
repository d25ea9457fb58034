// Dom: Gumbo's tree as a flat pre-order array, built without recursion.
#include <gumbo.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "parser/internal.h"

namespace pressarc::parser_internal {

bool IsInlineTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_B:
    case GUMBO_TAG_BDI:
    case GUMBO_TAG_BDO:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_DATA:
    case GUMBO_TAG_DFN:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_I:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_TIME:
    case GUMBO_TAG_U:
    case GUMBO_TAG_VAR:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_LABEL:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_ACRONYM:
    case GUMBO_TAG_RUBY:
    case GUMBO_TAG_RT:
    case GUMBO_TAG_RP:
    case GUMBO_TAG_BLINK:
    case GUMBO_TAG_WBR:
      return true;
    default:
      return false;
  }
}

// Gumbo allocates every node, attribute, vector and string buffer on its
// own and frees them one by one in gumbo_destroy_output; about a third of a
// parse went to malloc and free. Here they come from blocks that are bumped
// through and released together with the Dom. A buffer Gumbo grows leaves its
// old copy behind; growth is geometric, so the waste stays below the size of
// the tree (the input is already bounded: BoundHtml, max_input_bytes).
// Standard blocks go back to a small per-thread pool, so that the next page
// does not fault fresh pages in.
class GumboArena {
 public:
  GumboArena() = default;
  ~GumboArena() {
    std::vector<Block>& pool = Pool();
    for (Block& b : blocks_) {
      if (pool.size() < kPoolBlocks) pool.push_back(std::move(b));
    }
  }
  GumboArena(const GumboArena&) = delete;
  GumboArena& operator=(const GumboArena&) = delete;

  static void* Allocate(void* self, std::size_t bytes) {
    return static_cast<GumboArena*>(self)->Take(bytes);
  }
  static void Deallocate(void*, void*) {}

 private:
  using Block = std::unique_ptr<std::max_align_t[]>;
  static constexpr std::size_t kAlign = alignof(std::max_align_t);
  static constexpr std::size_t kBlock = 128 * 1024;
  static constexpr std::size_t kPoolBlocks = 32;  // 4 MiB kept per parsing thread

  static std::vector<Block>& Pool() {
    thread_local std::vector<Block> pool;
    return pool;
  }

  void* Take(std::size_t bytes) {
    bytes = (std::max<std::size_t>(bytes, 1) + kAlign - 1) & ~(kAlign - 1);
    if (bytes > left_) {
      if (bytes > kBlock / 4) {  // a large buffer gets memory of its own
        large_.push_back(std::make_unique<std::max_align_t[]>(bytes / kAlign));
        return large_.back().get();
      }
      std::vector<Block>& pool = Pool();
      if (pool.empty()) {
        blocks_.push_back(std::make_unique<std::max_align_t[]>(kBlock / kAlign));
      } else {
        blocks_.push_back(std::move(pool.back()));
        pool.pop_back();
      }
      cur_ = reinterpret_cast<char*>(blocks_.back().get());
      left_ = kBlock;
    }
    void* p = cur_;
    cur_ += bytes;
    left_ -= bytes;
    return p;
  }

  std::vector<Block> blocks_;  // kBlock bytes each
  std::vector<Block> large_;
  char* cur_ = nullptr;
  std::size_t left_ = 0;
};

namespace {

// `text` with BoundHtml's placeholders replaced by their runs. A placeholder
// whose index is out of range (a page that wrote the marker as a character
// reference) stays as it is.
std::string RestoreRuns(std::string_view text, const std::vector<std::string_view>& runs) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t i = 0;
  while (true) {
    std::size_t m = text.find(kRunMarker, i);
    if (m == std::string_view::npos || m + kRunPlaceholderBytes > text.size()) break;
    const long index = ReadRunPlaceholder(text.substr(m));
    if (index < 0 || static_cast<std::size_t>(index) >= runs.size()) {
      out.append(text.substr(i, m + kRunMarker.size() - i));
      i = m + kRunMarker.size();
      continue;
    }
    out.append(text.substr(i, m - i));
    out.append(runs[static_cast<std::size_t>(index)]);
    i = m + kRunPlaceholderBytes;
  }
  out.append(text.substr(i));
  return out;
}

}  // namespace

Dom::Dom(std::string_view html, const std::vector<std::string_view>& runs)
    : arena_(std::make_unique<GumboArena>()) {
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &GumboArena::Allocate;
  options.deallocator = &GumboArena::Deallocate;
  options.userdata = arena_.get();
  options.max_errors = 0;  // errors are not used; don't spend memory on them
  output_ = gumbo_parse_with_options(&options, html.data(), html.size());
  if (output_ == nullptr || output_->root == nullptr) return;
  nodes_.reserve(html.size() / 40 + 16);
  // Iterative pre-order walk: (gumbo node, parent index).
  std::vector<std::pair<const GumboNode*, int>> stack;
  stack.emplace_back(output_->root, -1);
  while (!stack.empty()) {
    auto [g, parent] = stack.back();
    stack.pop_back();
    Node n;
    n.g = g;
    n.parent = parent;
    n.depth = parent < 0 ? 0 : nodes_[static_cast<std::size_t>(parent)].depth + 1;
    if (g->type == GUMBO_NODE_TEXT || g->type == GUMBO_NODE_WHITESPACE ||
        g->type == GUMBO_NODE_CDATA) {
      n.is_text = true;
      n.text = g->v.text.text;
      if (!runs.empty() && n.text.find(kRunMarker) != std::string_view::npos) {
        n.text = restored_.emplace_back(RestoreRuns(n.text, runs));
      }
      nodes_.push_back(n);
      continue;
    }
    if (g->type != GUMBO_NODE_ELEMENT && g->type != GUMBO_NODE_TEMPLATE) continue;
    n.tag = g->v.element.tag;
    int self = static_cast<int>(nodes_.size());
    nodes_.push_back(n);
    const GumboVector& children = g->v.element.children;
    for (unsigned int k = children.length; k > 0; --k) {
      stack.emplace_back(static_cast<const GumboNode*>(children.data[k - 1]), self);
    }
  }
  // Subtree ends: a node's subtree ends where the next node with depth <= its own starts.
  std::vector<int> open;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    int d = nodes_[static_cast<std::size_t>(i)].depth;
    while (!open.empty() && nodes_[static_cast<std::size_t>(open.back())].depth >= d) {
      nodes_[static_cast<std::size_t>(open.back())].end = i;
      open.pop_back();
    }
    open.push_back(i);
  }
  for (int i : open) nodes_[static_cast<std::size_t>(i)].end = static_cast<int>(nodes_.size());
}

// The arena holds the whole tree: gumbo_destroy_output would only walk it.
Dom::~Dom() = default;

std::string_view Dom::Attr(int i, const char* name) const {
  const Node& n = (*this)[i];
  if (n.is_text || n.g == nullptr) return {};
  const GumboAttribute* a = gumbo_get_attribute(&n.g->v.element.attributes, name);
  if (a == nullptr || a->value == nullptr) return {};
  return a->value;
}

bool Dom::HasAttr(int i, const char* name) const {
  const Node& n = (*this)[i];
  if (n.is_text || n.g == nullptr) return false;
  return gumbo_get_attribute(&n.g->v.element.attributes, name) != nullptr;
}

std::string Dom::TagName(int i) const {
  const Node& n = (*this)[i];
  if (n.is_text) return "";
  if (n.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(n.tag);
  GumboStringPiece piece = n.g->v.element.original_tag;
  gumbo_tag_from_original_text(&piece);
  std::string out(piece.data ? piece.data : "", piece.data ? piece.length : 0);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string Dom::Text(int i, bool skip_removed, std::size_t max_bytes) const {
  std::string raw;
  int end = (*this)[i].end;
  for (int j = i; j < end && raw.size() < max_bytes;) {
    const Node& n = (*this)[j];
    if (skip_removed && n.removed) {
      j = n.end;
      continue;
    }
    if (n.is_text) {
      raw += n.text;
    } else if (n.tag == GUMBO_TAG_SCRIPT || n.tag == GUMBO_TAG_STYLE ||
               n.tag == GUMBO_TAG_TEMPLATE) {
      j = n.end;
      continue;
    } else if (!IsInlineTag(n.tag) || n.tag == GUMBO_TAG_BR) {
      raw += ' ';
    }
    ++j;
  }
  return CollapseSpace(raw);
}

bool Dom::IsInRemoved(int i) const {
  for (int p = i; p >= 0; p = (*this)[p].parent)
    if ((*this)[p].removed) return true;
  return false;
}

}  // namespace pressarc::parser_internal
