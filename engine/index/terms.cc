#include "index/terms.h"

#include <algorithm>

#include "core/hash.h"
#include "core/text.h"
#include "index/internal.h"

namespace scrm::index::internal {
namespace {

constexpr char kDataVersion = '1';
constexpr char kFieldSep = '\x1f';
constexpr char kListSep = '\x1e';

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto b = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    r |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      *v = r;
      return true;
    }
  }
  return false;
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void PutString(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s.data(), s.size());
}

bool GetString(std::string_view* in, std::string* s) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  s->assign(in->data(), static_cast<size_t>(n));
  in->remove_prefix(static_cast<size_t>(n));
  return true;
}

// Facet fields must not hold the separators.
void AppendClean(std::string_view s, std::string* out) {
  for (char c : s) out->push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
}

std::string StripLeading(std::string_view s, char c) {
  while (!s.empty() && s.front() == c) s.remove_prefix(1);
  return std::string(s);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string BooleanTerm(std::string_view prefix, std::string_view value) {
  std::string t(prefix);
  if (value.size() > kMaxValueBytes) {
    t += '#';
    t += Fnv64().Add(value).Hex();
    return t;
  }
  if (prefix.size() > 1 && !value.empty() &&
      ((value[0] >= 'A' && value[0] <= 'Z') || value[0] == ':')) {
    t += ':';
  }
  t += value;
  return t;
}

std::string IdTerm(int64_t id) {
  std::string t(kPrefixId);
  t += std::to_string(id);
  return t;
}

int ShardOf(int64_t id, int total) {
  const int64_t m = id % total;
  return static_cast<int>(m < 0 ? m + total : m);
}

Xapian::docid DocIdOf(int64_t id) {
  if (id <= 0 || id >= 0xffffffffLL) return 0;
  return static_cast<Xapian::docid>(id + 1);
}

int64_t PostIdOf(Xapian::docid did) { return static_cast<int64_t>(did) - 1; }

bool IsFrench(std::string_view language) {
  return language.size() >= 2 && (language[0] == 'f' || language[0] == 'F') &&
         (language[1] == 'r' || language[1] == 'R') && (language.size() == 2 || language[2] == '-' || language[2] == '_');
}

std::string_view TruncateBytes(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string EncodeData(const IndexedPost& p) {
  std::string out;
  const std::string_view text = TruncateBytes(p.post.text, kStoredTextBytes);
  out.reserve(64 + text.size() + p.post.url.size() + p.post.external_id.size() +
              p.post.author_id.size() + p.post.title.size());
  out.push_back(kDataVersion);
  PutVarint(ZigZag(p.id), &out);
  PutVarint(ZigZag(p.post.published), &out);
  for (const std::string* s : {&p.post.external_id, &p.post.platform, &p.source,
                               &p.post.language, &p.post.kind, &p.post.url, &p.post.title,
                               &p.post.author_name, &p.post.author_handle, &p.post.author_id}) {
    PutString(*s, &out);
  }
  PutVarint(p.customers.size(), &out);
  for (const std::string& c : p.customers) PutString(c, &out);
  PutString(text, &out);
  return out;
}

bool DecodeData(std::string_view in, StoredPost* out) {
  if (in.empty() || in.front() != kDataVersion) return false;
  in.remove_prefix(1);
  uint64_t v;
  if (!GetVarint(&in, &v)) return false;
  out->id = UnZigZag(v);
  if (!GetVarint(&in, &v)) return false;
  out->date = UnZigZag(v);
  for (std::string* s : {&out->external_id, &out->platform, &out->source, &out->language,
                         &out->kind, &out->url, &out->title, &out->author_name,
                         &out->author_handle, &out->author_id}) {
    if (!GetString(&in, s)) return false;
  }
  uint64_t n;
  if (!GetVarint(&in, &n) || n > in.size()) return false;
  out->customers.resize(static_cast<size_t>(n));
  for (std::string& c : out->customers) {
    if (!GetString(&in, &c)) return false;
  }
  return GetString(&in, &out->text);
}

std::string PackFacets(const IndexedPost& p) {
  std::string out;
  out.reserve(64);
  const uint64_t key = DateKeyOf(p.post.published);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((key >> shift) & 0xff));
  AppendClean(LowerValue(p.post.platform), &out);
  out.push_back(kFieldSep);
  AppendClean(Trim(p.source), &out);
  out.push_back(kFieldSep);
  AppendClean(LowerValue(p.post.language), &out);
  out.push_back(kFieldSep);
  std::vector<std::string> tags;
  for (const std::string& t : p.post.hashtags) {
    std::string f = FoldValue(StripLeading(t, '#'));
    if (!f.empty() && std::find(tags.begin(), tags.end(), f) == tags.end()) tags.push_back(std::move(f));
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i > 0) out.push_back(kListSep);
    AppendClean(tags[i], &out);
  }
  out.push_back(kFieldSep);
  std::vector<std::string> accounts;
  for (const std::string& a : p.accounts) {
    std::string l = LowerValue(a);
    if (!l.empty() && std::find(accounts.begin(), accounts.end(), l) == accounts.end()) accounts.push_back(std::move(l));
  }
  for (size_t i = 0; i < accounts.size(); ++i) {
    if (i > 0) out.push_back(kListSep);
    AppendClean(accounts[i], &out);
  }
  return out;
}

uint64_t DateKeyOf(int64_t published) {
  return published == 0 ? 0 : static_cast<uint64_t>(published) ^ (uint64_t{1} << 63);
}

bool UnpackFacets(std::string_view s, FacetRecord* r) {
  if (s.size() < kDateKeyBytes) return false;
  uint64_t key = 0;
  for (size_t i = 0; i < kDateKeyBytes; ++i) key = key << 8 | static_cast<unsigned char>(s[i]);
  r->date_key = key;
  r->has_day = key != 0;
  const int64_t published = static_cast<int64_t>(key ^ (uint64_t{1} << 63));
  r->day = static_cast<int32_t>(std::clamp<int64_t>(FloorDiv(published, 86400), -0x7fffffff, 0x7fffffff));
  s.remove_prefix(kDateKeyBytes);
  std::string_view* fields[] = {&r->platform, &r->source, &r->language, &r->tags, &r->accounts};
  for (size_t i = 0; i < 5; ++i) {
    const size_t end = i == 4 ? s.size() : s.find(kFieldSep);
    if (end == std::string_view::npos) return false;
    *fields[i] = s.substr(0, end);
    s.remove_prefix(i == 4 ? end : end + 1);
  }
  return true;
}

bool ShouldStem(const std::string& word) {
  if (word.empty()) return false;
  const auto first = static_cast<unsigned char>(word[0]);
  if (first < 0x80) return first >= 'a' && first <= 'z';
  constexpr unsigned kLetters =
      (1u << Xapian::Unicode::LOWERCASE_LETTER) | (1u << Xapian::Unicode::TITLECASE_LETTER) |
      (1u << Xapian::Unicode::MODIFIER_LETTER) | (1u << Xapian::Unicode::OTHER_LETTER);
  return (kLetters >> Xapian::Unicode::get_category(*Xapian::Utf8Iterator(word))) & 1u;
}

bool IsSpellingWord(const std::string& w) {
  if (w.size() < 4 || w.size() > 24) return false;
  for (char c : w) {
    const auto b = static_cast<unsigned char>(c);
    if (!((b >= 'a' && b <= 'z') || b >= 0x80)) return false;  // digits, ' & _ ...
  }
  return !IsStopWord(w);
}

DocumentBuilder::DocumentBuilder() : french_("french"), english_("english") {
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
  generator_.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
}

void DocumentBuilder::EnableFullSpelling(Xapian::WritableDatabase* db) {
  generator_.set_database(*db);
  generator_.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM | Xapian::TermGenerator::FLAG_SPELLING);
}

Xapian::Document DocumentBuilder::Build(const IndexedPost& p,
                                        std::unordered_map<std::string, Xapian::termcount>* spelling) {
  Xapian::Document doc;
  generator_.set_document(doc);
  if (!p.post.title.empty()) {
    folded_.clear();
    FoldAppend(p.post.title, &folded_);
    generator_.index_text(folded_);
    generator_.increase_termpos(10);  // no phrase across title and text
  }
  folded_.clear();
  FoldAppend(p.post.text, &folded_);
  generator_.index_text(folded_);

  // The words' stems, once per distinct word (TermGenerator would stem
  // every occurrence and add Z terms equal to the words).
  Xapian::Stem& stemmer = IsFrench(p.post.language) ? french_ : english_;
  stems_.clear();
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string& word = *it;
    if (!ShouldStem(word)) continue;
    if (spelling != nullptr && IsSpellingWord(word)) (*spelling)[word] += it.get_wdf();
    std::string stem = stemmer(word);
    if (!stem.empty() && stem != word) stems_.emplace_back("Z" + stem, it.get_wdf());
  }
  for (const auto& [term, wdf] : stems_) doc.add_term(term, wdf);

  doc.add_boolean_term(IdTerm(p.id));
  auto add = [&doc](std::string_view prefix, std::string_view value) {
    if (!value.empty()) doc.add_boolean_term(BooleanTerm(prefix, value));
  };
  for (const std::string& t : p.post.hashtags) add(kPrefixTag, FoldValue(StripLeading(t, '#')));
  for (const std::string& m : p.post.mentions) add(kPrefixMention, FoldValue(StripLeading(m, '@')));
  for (const std::string& l : p.post.links) add(kPrefixDomain, WebsiteDomain(l));
  add(kPrefixPlatform, LowerValue(p.post.platform));
  add(kPrefixSource, FoldValue(p.source));
  const std::string visibility = LowerValue(p.visibility);
  if (visibility == "community") {
    add(kPrefixVisibility, "community:" + p.community);
  } else {
    // Every post has one XV term (query.cc relies on it); anything but
    // public or internal is for viewers who see everything.
    add(kPrefixVisibility, visibility.empty() ? "unset" : visibility);
  }
  add(kPrefixCommunity, FoldValue(p.community));
  add(kPrefixLanguage, LowerValue(p.post.language));
  add(kPrefixKind, LowerValue(p.post.kind));
  add(kPrefixAuthor, p.post.author_id);
  const std::string handle = FoldValue(StripLeading(p.post.author_handle, '@'));
  add(kPrefixHandle, handle);
  if (const size_t at = handle.find('@'); at != std::string::npos) {
    add(kPrefixHandle, std::string_view(handle).substr(0, at));  // "anne" of anne@mastodon.social
  }
  for (const std::string& c : p.customers) add(kPrefixCustomer, LowerValue(c));
  for (const std::string& a : p.accounts) add(kPrefixAccount, LowerValue(a));
  for (const std::string& o : p.owners) add(kPrefixOwner, LowerValue(o));
  if (!p.customers.empty()) add(kPrefixLinked, "yes");  // "not linked": AND_NOT XLyes

  doc.add_value(kSlotDate, Xapian::sortable_serialise(static_cast<double>(p.post.published)));
  doc.add_value(kSlotEngagement,
                Xapian::sortable_serialise(static_cast<double>(p.post.likes + p.post.shares + p.post.replies)));
  doc.add_value(kSlotIngested, Xapian::sortable_serialise(static_cast<double>(p.ingested_at)));
  doc.add_value(kSlotFacets, PackFacets(p));
  doc.add_value(kSlotData, EncodeData(p));
  return doc;
}

}  // namespace scrm::index::internal
