// Word-level diffs between two versions of an article (archive.h), with
// dtl's shortest edit script (Wu, Manber, Myers and Miller's O(NP)).
#include <dtl/dtl.hpp>

#include "archive/archive.h"

namespace pressarc {
namespace {

constexpr std::string_view kBreak = "\n\n";

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Words (runs of non-space bytes) and paragraph breaks (a blank line).
std::vector<std::string_view> Tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    int newlines = 0;
    while (i < text.size() && IsSpace(text[i])) newlines += text[i++] == '\n';
    if (newlines >= 2 && !out.empty() && i < text.size()) out.push_back(kBreak);
    std::size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

DiffOp OpOf(dtl::edit_t type) {
  if (type == dtl::SES_ADD) return DiffOp::kInsert;
  if (type == dtl::SES_DELETE) return DiffOp::kDelete;
  return DiffOp::kEqual;
}

void Append(std::vector<DiffSegment>* out, DiffOp op, std::string_view token) {
  if (out->empty() || out->back().op != op) out->push_back(DiffSegment{op, "", 0});
  DiffSegment& seg = out->back();
  const bool is_break = token == kBreak;
  if (!seg.text.empty() && !is_break && !seg.text.ends_with(kBreak)) seg.text += ' ';
  seg.text.append(token);
  if (!is_break) ++seg.words;
}

// Within each run of changes, deletions first, then insertions.
std::vector<DiffSegment> Ordered(const std::vector<std::pair<DiffOp, std::string_view>>& ops) {
  std::vector<DiffSegment> out;
  std::size_t i = 0;
  while (i < ops.size()) {
    if (ops[i].first == DiffOp::kEqual) {
      Append(&out, DiffOp::kEqual, ops[i++].second);
      continue;
    }
    std::size_t end = i;
    while (end < ops.size() && ops[end].first != DiffOp::kEqual) ++end;
    for (DiffOp op : {DiffOp::kDelete, DiffOp::kInsert}) {
      for (std::size_t k = i; k < end; ++k) {
        if (ops[k].first == op) Append(&out, op, ops[k].second);
      }
    }
    i = end;
  }
  return out;
}

}  // namespace

std::vector<DiffSegment> WordDiff(std::string_view before, std::string_view after) {
  std::vector<std::string_view> a = Tokens(before);
  std::vector<std::string_view> b = Tokens(after);
  dtl::Diff<std::string_view, std::vector<std::string_view>> diff(a, b);
  diff.compose();
  std::vector<std::pair<DiffOp, std::string_view>> ops;
  for (const auto& [token, info] : diff.getSes().getSequence()) {
    ops.emplace_back(OpOf(info.type), token);
  }
  return Ordered(ops);
}

std::vector<DiffSegment> ArticleDiff(const NormalisedArticle& before,
                                     const NormalisedArticle& after) {
  auto joined = [](const NormalisedArticle& a) {
    return a.text.empty() ? a.title : a.title + std::string(kBreak) + a.text;
  };
  return WordDiff(joined(before), joined(after));
}

namespace {

// The first `n` words of an equal segment's text (or its last ones).
std::string Context(const std::string& text, std::size_t n, bool tail, bool* cut) {
  std::vector<std::string_view> tokens = Tokens(text);
  *cut = tokens.size() > n;
  std::size_t from = tail && tokens.size() > n ? tokens.size() - n : 0;
  std::size_t to = !tail && tokens.size() > n ? n : tokens.size();
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (tokens[i] == kBreak) {
      out += " ";
      continue;
    }
    if (!out.empty() && out.back() != ' ') out += ' ';
    out.append(tokens[i]);
  }
  return out;
}

// Paragraph breaks as spaces: an excerpt is one line.
std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Cuts at a character boundary at most max_bytes long, with "…" when cut.
std::string Bounded(std::string s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "…";
}

}  // namespace

DiffSummary SummariseDiff(const std::vector<DiffSegment>& diff, std::size_t context_words,
                          std::size_t max_bytes) {
  DiffSummary out;
  std::size_t first = diff.size();
  for (std::size_t i = 0; i < diff.size(); ++i) {
    if (diff[i].op == DiffOp::kInsert) out.words_added += diff[i].words;
    if (diff[i].op == DiffOp::kDelete) out.words_removed += diff[i].words;
    if (diff[i].op != DiffOp::kEqual && first == diff.size()) first = i;
  }
  if (first == diff.size()) return out;
  std::string excerpt;
  bool cut = false;
  if (first > 0) {
    excerpt = Context(diff[first - 1].text, context_words, true, &cut);
    if (cut) excerpt = "… " + excerpt;
    excerpt += ' ';
  }
  std::size_t i = first;
  for (; i < diff.size() && diff[i].op != DiffOp::kEqual; ++i) {
    const std::string text = OneLine(diff[i].text);
    excerpt += diff[i].op == DiffOp::kDelete ? "[-" + text + "-]" : "{+" + text + "+}";
  }
  if (i < diff.size()) {
    excerpt += ' ' + Context(diff[i].text, context_words, false, &cut);
    if (cut || i + 1 < diff.size()) excerpt += " …";
  }
  out.excerpt = Bounded(std::move(excerpt), max_bytes);
  return out;
}

}  // namespace pressarc
