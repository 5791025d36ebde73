#include "index/query.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/reasons.h"
#include "core/text.h"
#include "index/internal.h"
#include "index/terms.h"

namespace scrm::index::internal {
namespace {

constexpr unsigned kParseFlags =
    Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
    Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
    Xapian::QueryParser::FLAG_PURE_NOT | Xapian::QueryParser::FLAG_CJK_NGRAM;
constexpr Xapian::termcount kWildcardExpansion = 500;  // most frequent terms of a word*

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::vector<std::string> SplitSpaces(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    const size_t b = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

bool IsOperator(const std::string& t) {
  if (t == "AND" || t == "OR" || t == "NOT" || t == "XOR") return true;
  for (const char* op : {"NEAR", "ADJ"}) {
    const size_t n = std::char_traits<char>::length(op);
    if (t.compare(0, n, op) != 0) continue;
    if (t.size() == n) return true;
    if (t[n] != '/' || t.size() == n + 1) return false;
    return std::all_of(t.begin() + static_cast<std::ptrdiff_t>(n) + 1, t.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
  }
  return false;
}

// Double quotes as Xapian's QueryParser knows them: ", “ and ”.
size_t CountQuotes(const std::string& s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') ++n;
    if (s.compare(i, 3, "\xE2\x80\x9C") == 0 || s.compare(i, 3, "\xE2\x80\x9D") == 0) ++n;
  }
  return n;
}

// The word of a query token without the operators around it: +word,
// -word, (word), "word" give word.
std::string Core(const std::string& token) {
  size_t b = 0, e = token.size();
  while (b < e && std::strchr("+-(\"", token[b]) != nullptr) ++b;
  while (e > b && std::strchr(")\"", token[e - 1]) != nullptr) --e;
  return token.substr(b, e - b);
}

std::string_view AfterLeading(std::string_view v, char c) {
  while (!v.empty() && v.front() == c) v.remove_prefix(1);
  return v;
}

enum class Norm { kFold, kLower, kTag, kMention, kHandle, kDomain, kAsGiven };

class BooleanField : public Xapian::FieldProcessor {
 public:
  BooleanField(std::string prefix, Norm norm) : prefix_(std::move(prefix)), norm_(norm) {}
  Xapian::Query operator()(const std::string& value) override {
    std::string v;
    switch (norm_) {
      case Norm::kFold: v = FoldValue(value); break;
      case Norm::kLower: v = LowerValue(value); break;
      case Norm::kTag: v = FoldValue(AfterLeading(value, '#')); break;
      case Norm::kMention:
      case Norm::kHandle: v = FoldValue(AfterLeading(value, '@')); break;
      case Norm::kDomain: v = WebsiteDomain(value); break;
      case Norm::kAsGiven: v = value; break;
    }
    if (v.empty()) return Xapian::Query::MatchNothing;
    return Xapian::Query(BooleanTerm(prefix_, v));
  }

 private:
  const std::string prefix_;
  const Norm norm_;
};

// The query's boolean fields (author:x, tag:x...) and the terms they match.
struct BooleanFieldSpec {
  const char* field;
  const char* prefix;
  Norm norm;
};
const BooleanFieldSpec kFields[] = {
    {"author", kPrefixHandle, Norm::kHandle},   {"tag", kPrefixTag, Norm::kTag},
    {"mention", kPrefixMention, Norm::kMention}, {"platform", kPrefixPlatform, Norm::kLower},
    {"source", kPrefixSource, Norm::kFold},      {"lang", kPrefixLanguage, Norm::kLower},
    {"language", kPrefixLanguage, Norm::kLower}, {"domain", kPrefixDomain, Norm::kDomain},
    {"kind", kPrefixKind, Norm::kLower},         {"customer", kPrefixCustomer, Norm::kLower},
    {"account", kPrefixAccount, Norm::kLower},   {"owner", kPrefixOwner, Norm::kLower},
    {"community", kPrefixCommunity, Norm::kFold},
};

// "tag:x": one of kFields, its colon and a value.
bool IsBooleanFieldToken(const std::string& t) {
  for (const BooleanFieldSpec& f : kFields) {
    const size_t n = std::char_traits<char>::length(f.field);
    if (t.size() > n + 1 && t.compare(0, n, f.field) == 0 && t[n] == ':') return true;
  }
  return false;
}

void SetUp(Xapian::QueryParser* qp, const Xapian::Database& db) {
  // Plain words go through kWordField (RewriteWords); what is left ("e-mail",
  // "c++", "aujourd'hui", phrases) is matched as written.
  qp->set_stemming_strategy(Xapian::QueryParser::STEM_NONE);
  qp->set_stopper(&QueryStopper());
  qp->set_default_op(Xapian::Query::OP_AND);
  qp->set_database(db);
  qp->set_max_expansion(kWildcardExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                        Xapian::QueryParser::FLAG_WILDCARD);
  for (const auto& f : kFields) {
    qp->add_boolean_prefix(f.field, (new BooleanField(f.prefix, f.norm))->release());
  }
}

Xapian::Query AnyOf(const std::string& prefix, const std::vector<std::string>& values, Norm norm) {
  std::vector<Xapian::Query> terms;
  for (const std::string& v : values) {
    std::string n = norm == Norm::kFold ? FoldValue(v) : norm == Norm::kAsGiven ? v : LowerValue(v);
    if (!n.empty()) terms.emplace_back(BooleanTerm(prefix, n));
  }
  if (terms.empty()) return Xapian::Query::MatchNothing;  // a filter of blank values
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

// The hidden field of RewriteWords: "scrmword:reseaux" is the word's French
// stem OR its English stem (OP_SYNONYM: weighed as one term), so that one
// parse serves both languages and "-word" excludes both stems.
constexpr char kWordField[] = "scrmword";

class BothStems : public Xapian::FieldProcessor {
 public:
  BothStems() : french_stem_("french"), english_stem_("english") {}
  void Languages(bool french, bool english) { french_ = french, english_ = english; }
  // Terms no post holds are left out while set (QueryBuilder::Parse).
  void Present(TermFreqs* present) { present_ = present; }
  // A document holds Z<stem> when one of its words has that stem but is not
  // that stem, and the plain word when the word is its own stem (terms.h):
  // so each stem is looked for both ways.
  Xapian::Query operator()(const std::string& word) override {
    std::vector<std::string> terms = Terms(word);
    if (terms.empty()) return Xapian::Query(word);
    if (present_ != nullptr) {
      std::vector<std::string> held;
      for (std::string& t : terms) {
        if (present_->Get(t) != 0) held.push_back(std::move(t));
      }
      // None held: the first stays (a word matching nothing, as before).
      if (held.empty()) held.push_back(std::move(terms.front()));
      if (held.size() == 1) return Xapian::Query(held.front());
      terms = std::move(held);
    }
    return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
  }
  // The terms a word of the query looks for: Z<stem> and <stem> in each
  // language asked for, but not a stem that is a stop word as a plain term:
  // that term is the stop word, held by most posts for their phrases
  // ("toes", French stem "to", matched every post with "to").
  std::vector<std::string> Terms(const std::string& word) {
    std::vector<std::string> terms;
    auto add = [&terms](std::string t) {
      if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(std::move(t));
    };
    for (Xapian::Stem* stem : {french_ ? &french_stem_ : nullptr, english_ ? &english_stem_ : nullptr}) {
      if (stem == nullptr) continue;
      const std::string s = (*stem)(word);
      if (s.empty()) continue;
      add("Z" + s);
      if (!IsStopWord(s)) add(s);
    }
    return terms;
  }

 private:
  bool french_ = true, english_ = true;
  TermFreqs* present_ = nullptr;
  Xapian::Stem french_stem_, english_stem_;
};

// Whether a folded query word is stemmed through kWordField: letters and
// digits only (Xapian's own rules handle "e-mail", "c++", "aujourd'hui"),
// not starting with a digit (the index keeps no stem for those), no CJK
// (indexed as n-grams), not a stop word (the QueryParser drops those).
bool IsStemmableWord(const std::string& w) {
  if (w.empty() || (w[0] >= '0' && w[0] <= '9') || IsStopWord(w)) return false;
  Xapian::Utf8Iterator it(w);
  for (; it != Xapian::Utf8Iterator(); ++it) {
    const unsigned c = *it;
    if (c >= 0x2E80 || !Xapian::Unicode::is_wordchar(c)) return false;
  }
  return true;
}

bool IsProximity(const std::string& t) { return t.rfind("NEAR", 0) == 0 || t.rfind("ADJ", 0) == 0; }

// A token without a word character ("-", "+", ":", "(", "..."): QueryParser
// skips it, so it does not separate a word from a NEAR or ADJ beside it.
bool HasNoWordChar(const std::string& t) {
  for (Xapian::Utf8Iterator it(t); it != Xapian::Utf8Iterator(); ++it) {
    if (Xapian::Unicode::is_wordchar(*it)) return false;
  }
  return true;
}

// Whether the word token at i stands beside NEAR or ADJ, tokens without a
// word character between them skipped ("a ADJ - l": l is beside ADJ).
bool BesideProximity(const std::vector<std::string>& tokens, size_t i) {
  size_t p = i;
  while (p > 0 && HasNoWordChar(tokens[p - 1])) --p;
  if (p > 0 && IsOperator(tokens[p - 1]) && IsProximity(tokens[p - 1])) return true;
  size_t n = i + 1;
  while (n < tokens.size() && HasNoWordChar(tokens[n])) ++n;
  return n < tokens.size() && IsOperator(tokens[n]) && IsProximity(tokens[n]);
}

// NEAR/ADJ beside a +word or -word: Xapian cannot build that query (it
// throws UnimplementedError, and Xapian 1.4's parser leaks what it had
// built when it does), so it is refused here first. Found by fuzzing.
Status CheckProximity(const std::string& folded) {
  const std::vector<std::string> tokens = SplitSpaces(folded);
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!IsOperator(tokens[i]) || !IsProximity(tokens[i])) continue;
    size_t p = i, n = i + 1;
    while (p > 0 && HasNoWordChar(tokens[p - 1])) --p;
    while (n < tokens.size() && HasNoWordChar(tokens[n])) ++n;
    for (const std::string* t : {p > 0 ? &tokens[p - 1] : nullptr, n < tokens.size() ? &tokens[n] : nullptr}) {
      if (t != nullptr && (t->front() == '+' || t->front() == '-')) {
        return Status::InvalidArgument("'" + tokens[i] + "' beside '" + *t +
                                           "': NEAR and ADJ join plain words only; drop the + or - "
                                           "(or use AND / NOT instead)",
                                       "q")
            .WithReason(reason::kQueryNearSign, {{"operator", tokens[i]}, {"word", *t}});
      }
    }
  }
  return Status::Ok();
}

// Whether the token is a window Xapian's lexer reads (NEAR/n or ADJ/n, n >
// 0, n counted in a size_t as Xapian does), the whole token.
bool IsWindow(const std::string& t) {
  size_t i = t.rfind("NEAR/", 0) == 0 ? 5 : t.rfind("ADJ/", 0) == 0 ? 4 : 0;
  if (i == 0 || i == t.size()) return false;
  size_t width = 0;
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    width = width * 10 + static_cast<size_t>(t[i] - '0');
  }
  return width != 0;
}

// A single word: word characters only (no CJK, which is read as n-grams),
// not an operator, then punctuation the parser skips ("word,").
bool IsSingleWord(std::string_view t) {
  while (!t.empty() && std::strchr(",.;:!?-/", t.back()) != nullptr) t.remove_suffix(1);
  while (!t.empty() && (t.back() == '+' || t.back() == '#')) t.remove_suffix(1);  // c++, c#
  if (t.empty() || IsOperator(std::string(t))) return false;
  bool after_word = false;
  for (Xapian::Utf8Iterator it(t.data(), t.size()); it != Xapian::Utf8Iterator(); ++it) {
    const bool apostrophe = *it == '\'' || *it == 0x2019;  // l'avion, l’avion
    if (apostrophe && after_word) continue;
    if (*it >= 0x2E80 || !Xapian::Unicode::is_wordchar(*it)) return false;
    after_word = true;
  }
  return true;
}

// Whether a word after this token starts a group of words (Xapian's
// parser reads "a b c" as one group, and a window inside one fails): after
// an operator, a boolean field, a +word or -word, a phrase ("a b",
// e-mail, a:b), a wildcard, a ')' or CJK text. Checked against Xapian by
// the fuzz-found cases in tests/index/query_test.cc.
bool EndsGroup(const std::string& t) {
  if (IsOperator(t) || IsBooleanFieldToken(t)) return true;
  if (t.size() > 1 && (t[0] == '+' || t[0] == '-')) return true;
  if (t.find('"') != std::string::npos || t.back() == ')' || t.back() == '*') return true;
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    if (std::strchr(".-/:\\@", t[i]) != nullptr && std::isalnum(static_cast<unsigned char>(t[i + 1])) &&
        std::isalnum(static_cast<unsigned char>(t[i - 1]))) {
      return true;
    }
  }
  for (Xapian::Utf8Iterator it(t); it != Xapian::Utf8Iterator(); ++it) {
    if (*it >= 0x2E80 && Xapian::Unicode::is_wordchar(*it)) return true;
  }
  return false;
}

// The query's tokens as Xapian's parser sees its operators: split at
// spaces, with each leading '(' and trailing ')' outside phrases a token of
// its own; quoted: part of a phrase (a word to the operators around it).
struct OpToken {
  std::string text;
  bool quoted;
};

std::vector<OpToken> OperatorTokens(const std::string& folded) {
  std::vector<OpToken> out;
  bool in_quotes = false;
  for (const std::string& t : SplitSpaces(folded)) {
    const bool quoted = in_quotes || CountQuotes(t) > 0;
    if (CountQuotes(t) % 2 == 1) in_quotes = !in_quotes;
    if (quoted) {
      out.push_back({t, true});
      continue;
    }
    size_t b = 0, e = t.size();
    while (b < e && t[b] == '(') out.push_back({"(", false}), ++b;
    size_t close = e;
    while (close > b && t[close - 1] == ')') --close;
    if (close > b) out.push_back({t.substr(b, close - b), false});
    for (size_t i = close; i < e; ++i) out.push_back({")", false});
  }
  return out;
}

// A token the parser skips between words: no word character ("-", ":").
bool Skipped(const OpToken& t) { return !t.quoted && t.text != "(" && t.text != ")" && HasNoWordChar(t.text); }

// A window (NEAR/3, ADJ/2) joins two single words, and the word before it
// must begin its group: the query's first word, or the first after an
// operator, a '(' or anything else that ends a group (EndsGroup). Xapian
// 1.4's parser cannot read it anywhere else ("a OR NEAR/2 b", "a b NEAR/2
// c"): it then falls back to plain words and leaks the 96 bytes that held
// the window, on each query. Such windows are refused here instead (found
// by fuzzing, finding 4 of docs/fuzzing.md). Plain NEAR and ADJ hold no
// allocation and are left to Xapian.
Status CheckWindows(const std::vector<OpToken>& tokens) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].quoted || !IsWindow(tokens[i].text)) continue;
    size_t w = i;  // the word before the window
    while (w > 0 && Skipped(tokens[w - 1])) --w;
    bool starts_group = w > 0 && !tokens[w - 1].quoted && IsSingleWord(tokens[w - 1].text);
    if (starts_group) {
      size_t p = w - 1;
      while (p > 0 && Skipped(tokens[p - 1])) --p;
      starts_group = p == 0 || tokens[p - 1].quoted || tokens[p - 1].text == "(" || EndsGroup(tokens[p - 1].text);
    }
    if (!starts_group) {
      const std::string& op = tokens[i].text;
      return Status::InvalidArgument("'" + op + "' must stand between two single words, the first at the start " +
                                         "of the query, after an operator or after '(': write 'a " + op +
                                         " b', or 'x AND (a " + op + " b)'",
                                     "q")
          .WithReason(reason::kQueryNearPlace, {{"operator", op}});
    }
  }
  return Status::Ok();
}

// AND, OR, XOR and NOT need an expression on each side (NOT may also open
// the query or follow AND: "NOT a", "a AND NOT b"). Xapian's parser says so
// too, but only once it has read the whole side, and when that side groups
// CJK text with other words ("AND a 中文 b") Xapian 1.4 leaks 96 bytes
// first. So the shapes that are sure to fail are refused here, with the
// operator named. Found by exhaustive search over short queries
// (tests/index/query_test.cc).
Status CheckOperators(const std::vector<OpToken>& tokens) {
  auto binary = [](const OpToken& t) { return !t.quoted && (t.text == "AND" || t.text == "OR" || t.text == "XOR"); };
  auto is_not = [](const OpToken& t) { return !t.quoted && t.text == "NOT"; };
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!binary(tokens[i]) && !is_not(tokens[i])) continue;
    size_t p = i, n = i + 1;
    while (p > 0 && Skipped(tokens[p - 1])) --p;
    while (n < tokens.size() && Skipped(tokens[n])) ++n;
    const bool left_open = p == 0 || (!tokens[p - 1].quoted && tokens[p - 1].text == "(");
    const bool left_op = p > 0 && (binary(tokens[p - 1]) || is_not(tokens[p - 1]));
    const bool right_open = n == tokens.size() || (!tokens[n].quoted && tokens[n].text == ")");
    const bool no_left = binary(tokens[i]) ? left_open || left_op : p > 0 && is_not(tokens[p - 1]);
    if (no_left || right_open) {
      const std::string& op = tokens[i].text;
      return Status::InvalidArgument("'" + op + "' needs words on " + (no_left ? "its left" : "its right") +
                                         ": write 'a " + op + " b' (NOT alone also opens a query: 'NOT b')",
                                     "q")
          .WithReason(no_left ? reason::kQueryOperatorLeft : reason::kQueryOperatorRight,
                      {{"operator", op}});
    }
  }
  return Status::Ok();
}

// Word characters only, some of them CJK (indexed as n-grams).
bool IsCjkWord(const std::string& t) {
  bool cjk = false;
  for (Xapian::Utf8Iterator it(t); it != Xapian::Utf8Iterator(); ++it) {
    if (!Xapian::Unicode::is_wordchar(*it)) return false;
    cjk |= *it >= 0x2E80;
  }
  return cjk;
}

// "network -sales" -> "scrmword:network -scrmword:sales": every plain word
// outside phrases, and not next to NEAR or ADJ (which need plain terms); a
// CJK word is put in brackets.
std::string RewriteWords(const std::string& folded) {
  const std::vector<std::string> tokens = SplitSpaces(folded);
  std::string out;
  bool in_quotes = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (!out.empty()) out.push_back(' ');
    const bool quoted = in_quotes;
    if (CountQuotes(t) % 2 == 1) in_quotes = !in_quotes;
    const bool near = BesideProximity(tokens, i);
    if (quoted || near || IsOperator(t)) {
      out += t;
      continue;
    }
    if (IsCjkWord(t)) {  // Xapian 1.4 cannot read "a 中文 b" ("parse error"); "a (中文) b" it can
      out += "(" + t + ")";
      continue;
    }
    size_t b = 0, e = t.size();
    while (b < e && std::strchr("+-(", t[b]) != nullptr) ++b;
    size_t close = e;
    while (close > b && t[close - 1] == ')') --close;
    size_t word_end = close;
    while (word_end > b && std::strchr(",.;!?", t[word_end - 1]) != nullptr) --word_end;
    const std::string word = t.substr(b, word_end - b);
    if (!IsStemmableWord(word)) {
      out += t;
      continue;
    }
    out += t.substr(0, b);
    out += kWordField;
    out += ':';
    out += word;
    out += t.substr(close);
  }
  return out;
}

class MoreLikeDecider : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    if (term.size() < 3) return false;
    const auto first = static_cast<unsigned char>(term[0]);
    if (!((first >= 'a' && first <= 'z') || first >= 0x80)) return false;  // prefixed or a number
    return !IsStopWord(term);
  }
};

}  // namespace

std::string FoldQuery(const std::string& q) {
  std::string out;
  bool in_quotes = false;
  for (const std::string& token : SplitSpaces(q)) {
    if (!out.empty()) out.push_back(' ');
    if (IsOperator(token)) {
      out += token;
      continue;
    }
    std::string f;
    FoldAppend(token, &f);
    if (!in_quotes) {
      size_t i = 0;
      while (i < f.size() && (f[i] == '+' || f[i] == '-' || f[i] == '(')) ++i;
      if (i + 1 < f.size() && (f[i] == '#' || f[i] == '@') &&
          f[i + 1] != '#' && f[i + 1] != '@' && f[i + 1] != ')') {
        f.replace(i, 1, f[i] == '#' ? "tag:" : "mention:");
      }
    }
    if (CountQuotes(token) % 2 == 1) in_quotes = !in_quotes;
    out += f;
  }
  return out;
}

Status CheckBalanced(const std::string& q) {
  if (CountQuotes(q) % 2 == 1) {
    return Status::InvalidArgument(
        "the query has an unbalanced double quote: close the phrase with \" or remove the quote",
        "q").WithReason(reason::kQueryQuote);
  }
  int depth = 0;
  bool in_quotes = false;
  for (char c : q) {
    if (c == '"') in_quotes = !in_quotes;
    if (in_quotes) continue;
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) {
      return Status::InvalidArgument(
          "the query closes a parenthesis it never opened: remove the ')' or add a '(' before it", "q")
          .WithReason(reason::kQueryParenClosed);
    }
  }
  if (depth > 0) {
    return Status::InvalidArgument(
        "the query has an unbalanced parenthesis: close each '(' with a ')'", "q")
        .WithReason(reason::kQueryParenOpen);
  }
  return Status::Ok();
}

QueryBuilder::QueryBuilder(const Xapian::Database& db) {
  SetUp(&parser_, db);
  both_ = new BothStems;
  parser_.add_prefix(kWordField, both_->release());  // parser_ holds it from here
}

Result<TextQuery> QueryBuilder::Parse(const std::string& q, bool french, bool english, TermFreqs* present) {
  Status s = CheckBalanced(q);
  if (!s.ok()) return s;
  const std::string folded = FoldQuery(q);
  TextQuery out;
  for (const std::string& token : SplitSpaces(folded)) {
    const std::string core = Core(token);
    if (core.size() > 1 && core.back() == '*' && core.find(':') == std::string::npos) {
      out.wildcards.push_back(core.substr(0, core.size() - 1));
    }
  }
  s = CheckProximity(folded);
  if (s.ok()) {
    const std::vector<OpToken> tokens = OperatorTokens(folded);
    s = CheckOperators(tokens);
    if (s.ok()) s = CheckWindows(tokens);
  }
  if (!s.ok()) return s;
  try {
    auto* both = static_cast<BothStems*>(both_);
    both->Languages(french, english);
    both->Present(present);
    struct Reset {
      BothStems* both;
      ~Reset() { both->Present(nullptr); }
    } reset{both};
    out.query = parser_.parse_query(RewriteWords(folded), kParseFlags);
  } catch (const Xapian::QueryParserError& e) {
    return Status::InvalidArgument("the query cannot be read (" + e.get_msg() +
                                       "): check its quotes, parentheses and operators",
                                   "q")
        .WithReason(reason::kQueryUnreadable, {{"detail", e.get_msg()}});
  } catch (const Xapian::UnimplementedError& e) {
    // Found by fuzzing ("a ADJ - l"): NEAR/ADJ next to something that is
    // not a plain word make Xapian build a query it does not implement; it
    // is the query's fault, not the index's (was: an internal error, 500).
    return Status::InvalidArgument("the query cannot be read (" + e.get_msg() +
                                       "): NEAR and ADJ join plain words only (a NEAR b); "
                                       "put no sign, field or phrase beside them",
                                   "q")
        .WithReason(reason::kQueryNearUnreadable, {{"detail", e.get_msg()}});
  }
  return out;
}

namespace {

// A viewer (not seeing everything) against the index's visibility classes:
// the XV terms it may see, those of the index it may not, and how many
// posts carry each kind. What FilterOf hides and HidesPosts tells.
struct Visibilities {
  std::vector<std::string> allowed, hidden;
  Xapian::doccount allowed_posts = 0, hidden_posts = 0;
};

Visibilities VisibilitiesOf(const Viewer& viewer, const Xapian::Database& db) {
  Visibilities v;
  v.allowed.push_back(BooleanTerm(kPrefixVisibility, "public"));
  if (viewer.internal) v.allowed.push_back(BooleanTerm(kPrefixVisibility, "internal"));
  for (const std::string& c : viewer.communities) {
    if (!c.empty()) v.allowed.push_back(BooleanTerm(kPrefixVisibility, "community:" + c));
  }
  for (auto it = db.allterms_begin(kPrefixVisibility); it != db.allterms_end(kPrefixVisibility); ++it) {
    if (std::find(v.allowed.begin(), v.allowed.end(), *it) != v.allowed.end()) {
      v.allowed_posts += it.get_termfreq();
    } else {
      v.hidden.push_back(*it);
      v.hidden_posts += it.get_termfreq();
    }
  }
  return v;
}

// The viewer's visibility, as the cheaper of two equivalent forms: what may
// be seen (a FILTER on the allowed XV terms) or what may not (an AND_NOT on
// the others, listed from the index). Every post has exactly one XV term,
// so both give the same matches; Xapian skips through the shorter posting
// lists faster (public posts are usually most of the index: "AND_NOT
// internal" costs less than "FILTER public OR internal").
void AddVisibility(const Viewer& viewer, const Xapian::Database& db, std::vector<Xapian::Query>* must,
                   std::vector<Xapian::Query>* must_not) {
  if (viewer.everything) return;
  const Visibilities v = VisibilitiesOf(viewer, db);
  if (v.hidden.empty()) return;  // the viewer may see every post there is
  if (v.hidden_posts <= v.allowed_posts) {
    must_not->emplace_back(Xapian::Query::OP_OR, v.hidden.begin(), v.hidden.end());
  } else {
    must->emplace_back(Xapian::Query::OP_OR, v.allowed.begin(), v.allowed.end());
  }
}

Xapian::Query All(std::vector<Xapian::Query>& parts, Xapian::Query::op op) {
  if (parts.empty()) return Xapian::Query();
  if (parts.size() == 1) return parts[0];
  return Xapian::Query(op, parts.begin(), parts.end());
}

}  // namespace

bool HidesPosts(const Viewer& viewer, const Xapian::Database& db) {
  return !viewer.everything && !VisibilitiesOf(viewer, db).hidden.empty();
}

Filter FilterOf(const SearchRequest& r, const Xapian::Database& db) {
  std::vector<Xapian::Query> must, must_not;
  AddVisibility(r.viewer, db, &must, &must_not);
  const struct {
    const char* prefix;
    const std::vector<std::string>* values;
    Norm norm;
  } filters[] = {
      {kPrefixPlatform, &r.platforms, Norm::kLower},   {kPrefixSource, &r.sources, Norm::kFold},
      {kPrefixCommunity, &r.communities, Norm::kFold}, {kPrefixLanguage, &r.languages, Norm::kLower},
      {kPrefixKind, &r.kinds, Norm::kLower},           {kPrefixCustomer, &r.customers, Norm::kLower},
      {kPrefixAccount, &r.accounts, Norm::kLower},     {kPrefixOwner, &r.owners, Norm::kLower},
      {kPrefixAuthor, &r.authors, Norm::kAsGiven},
  };
  for (const auto& f : filters) {
    if (!f.values->empty()) must.push_back(AnyOf(f.prefix, *f.values, f.norm));
  }
  // Most posts are linked to no customer: they carry no term, so "not
  // linked" is everything but XLyes.
  if (r.linked.has_value()) {
    (*r.linked ? must : must_not).emplace_back(BooleanTerm(kPrefixLinked, "yes"));
  }
  const auto ser = [](int64_t t) { return Xapian::sortable_serialise(static_cast<double>(t)); };
  if (r.from != 0 && r.to != 0) {
    must.emplace_back(Xapian::Query::OP_VALUE_RANGE, kSlotDate, ser(r.from), ser(r.to));
  } else if (r.from != 0) {
    must.emplace_back(Xapian::Query::OP_VALUE_GE, kSlotDate, ser(r.from));
  } else if (r.to != 0) {
    must.emplace_back(Xapian::Query::OP_VALUE_LE, kSlotDate, ser(r.to));
  }
  if (r.ingested_after != 0) {
    must.emplace_back(Xapian::Query::OP_VALUE_GE, kSlotIngested, ser(r.ingested_after + 1));
  }
  return Filter{All(must, Xapian::Query::OP_AND), All(must_not, Xapian::Query::OP_OR)};
}

Xapian::Query Restrict(const Xapian::Query& query, const Filter& filter) {
  Xapian::Query q = query;
  if (!filter.must.empty()) q = Xapian::Query(Xapian::Query::OP_FILTER, q, filter.must);
  if (!filter.must_not.empty()) q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, filter.must_not);
  return q;
}

Result<Xapian::Query> MoreLikeQuery(const Xapian::Database& db, int64_t post_id, const Viewer& viewer) {
  const Xapian::Query id(IdTerm(post_id));
  SearchRequest visibility;
  visibility.viewer = viewer;
  Xapian::Enquire enquire(db);
  enquire.set_query(Restrict(id, FilterOf(visibility, db)));
  Xapian::MSet found = enquire.get_mset(0, 1);
  if (found.empty()) {
    return Status::NotFound("post " + std::to_string(post_id) +
                            " is not in the index or not visible to you (more_like)");
  }
  Xapian::RSet rset;
  rset.add_document(*found.begin());
  MoreLikeDecider decider;
  Xapian::ESet eset = enquire.get_eset(20, rset, &decider);
  std::vector<Xapian::Query> terms;
  for (auto it = eset.begin(); it != eset.end(); ++it) terms.emplace_back(*it);
  if (terms.empty()) return Xapian::Query(Xapian::Query::MatchNothing);
  return Xapian::Query(Xapian::Query::OP_AND_NOT,
                       Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()), id);
}

namespace {

// Whether a word finds a post the viewer may see, as itself or through one
// of the stems it is searched by ("facture" finds "factures" through
// Zfactur). `visible` is the viewer's visibility filter, null when it sees
// everything: then the index's term counts answer alone; otherwise one
// boolean match of at most one post, and only for words the index has.
bool Indexed(TermFreqs& freqs, const std::string& word, BothStems* stems, const Filter* visible) {
  std::vector<std::string> present;
  if (freqs.Get(word) != 0) present.push_back(word);
  if (IsStemmableWord(word)) {
    for (const std::string& t : stems->Terms(word)) {
      if (freqs.Get(t) != 0) present.push_back(t);
    }
  }
  if (present.empty()) return false;
  if (visible == nullptr) return true;
  Xapian::Enquire enquire(freqs.db());
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_query(
      Restrict(Xapian::Query(Xapian::Query::OP_OR, present.begin(), present.end()), *visible));
  return !enquire.get_mset(0, 1).empty();
}

}  // namespace

Xapian::doccount TermFreqs::Get(const std::string& term) {
  for (const auto& [t, n] : seen_) {
    if (t == term) return n;
  }
  const Xapian::doccount n = db_.get_termfreq(term);
  seen_.emplace_back(term, n);
  return n;
}

std::string Suggest(TermFreqs& freqs, const std::string& q, const Viewer& viewer) {
  const Xapian::Database& db = freqs.db();
  BothStems stems;  // both languages, as a query without lang: searches
  // The spelling data holds the words of every post: a word is kept, or
  // offered, only when it finds a post this viewer may see.
  SearchRequest visibility;
  visibility.viewer = viewer;
  const Filter filter = FilterOf(visibility, db);
  const Filter* visible = viewer.everything ? nullptr : &filter;
  std::string out;
  bool changed = false;
  bool in_quotes = false;
  for (const std::string& token : SplitSpaces(q)) {
    if (!out.empty()) out.push_back(' ');
    const bool quoted = in_quotes;
    if (CountQuotes(token) % 2 == 1) in_quotes = !in_quotes;
    const std::string core = Core(token);
    std::string folded;
    FoldAppend(core, &folded);
    const bool plain = !quoted && !IsOperator(token) && folded.size() >= 3 &&
                       std::all_of(folded.begin(), folded.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
                       });
    if (plain && !IsStopWord(folded) && !Indexed(freqs, folded, &stems, visible)) {
      const std::string s = db.get_spelling_suggestion(folded, folded.size() >= 6 ? 2 : 1);
      if (!s.empty() && Indexed(freqs, s, &stems, visible)) {
        const size_t at = token.find(core);
        out += token.substr(0, at) + s + token.substr(at + core.size());
        changed = true;
        continue;
      }
    }
    out += token;
  }
  return changed ? out : std::string();
}

}  // namespace scrm::index::internal
