// Hand-written cases for sources/entities.h beyond twitter-text's suite:
// French and English posts, e-mail addresses, fediverse handles, code-point
// and byte offsets on accented text and emoji, invalid UTF-8, and the
// invariants every ExtractEntities result keeps.

#include "sources/entities.h"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using scrm::sources::Entity;
using scrm::sources::EntityKind;

size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

// An expected entity: its kind, its text, and the span it covers in the
// post (sigil included); offsets are computed here from the span.
struct Want {
  EntityKind kind;
  std::string text;
  std::string span;
  std::string list_slug = "";
};

struct PostCase {
  std::string post;
  std::vector<Want> want;
};

std::string Describe(const std::vector<Entity>& entities) {
  std::string out;
  for (const Entity& e : entities) {
    out += std::string(scrm::sources::EntityKindName(e.kind)) + " '" + e.text + "' [" +
           std::to_string(e.start) + "," + std::to_string(e.end) + ")" +
           (e.list_slug.empty() ? "" : " slug " + e.list_slug) + "\n";
  }
  return out;
}

// Expected entities with offsets found by searching each span in the post,
// left to right.
std::vector<Entity> Expected(const PostCase& c) {
  std::vector<Entity> out;
  size_t from = 0;
  for (const Want& w : c.want) {
    const size_t byte = c.post.find(w.span, from);
    REQUIRE(byte != std::string::npos);
    Entity e;
    e.kind = w.kind;
    e.text = w.text;
    e.byte_start = byte;
    e.byte_end = byte + w.span.size();
    e.start = CodePoints(std::string_view(c.post).substr(0, byte));
    e.end = e.start + CodePoints(w.span);
    e.list_slug = w.list_slug;
    out.push_back(e);
    from = e.byte_end;
  }
  return out;
}

void CheckPosts(const std::vector<PostCase>& cases) {
  for (const PostCase& c : cases) {
    INFO(c.post);
    const auto got = scrm::sources::ExtractEntities(c.post);
    const auto want = Expected(c);
    INFO("got:\n" << Describe(got) << "want:\n" << Describe(want));
    CHECK(got == want);
  }
}

std::vector<std::string> Texts(const std::vector<Entity>& entities) {
  std::vector<std::string> out;
  for (const Entity& e : entities) out.push_back(e.text);
  return out;
}

constexpr EntityKind kMention = EntityKind::kMention;
constexpr EntityKind kHashtag = EntityKind::kHashtag;
constexpr EntityKind kUrl = EntityKind::kUrl;
constexpr EntityKind kCashtag = EntityKind::kCashtag;
constexpr EntityKind kEmail = EntityKind::kEmail;
constexpr EntityKind kFediverse = EntityKind::kFediverseHandle;

}  // namespace

TEST_CASE("ExtractEntities on French posts", "[sources][entities]") {
  CheckPosts({
      {"Bonjour @Marie_Curie ! Rendez-vous à l'Hôtel de Ville #Paris2024 "
       "https://paris.fr/événements?id=42.",
       {{kMention, "Marie_Curie", "@Marie_Curie"},
        {kHashtag, "Paris2024", "#Paris2024"},
        {kUrl, "https://paris.fr/événements?id=42", "https://paris.fr/événements?id=42"}}},
      {"Écrivez à jean.dupont@exemple.fr ou à @marie@mastodon.social pour le #café du #Noël.",
       {{kEmail, "jean.dupont@exemple.fr", "jean.dupont@exemple.fr"},
        {kFediverse, "marie@mastodon.social", "@marie@mastodon.social"},
        {kHashtag, "café", "#café"},
        {kHashtag, "Noël", "#Noël"}}},
      {"L'action $AIR.PA grimpe, voir lemonde.fr/economie et www.boursorama.com !",
       {{kCashtag, "AIR.PA", "$AIR.PA"},
        {kUrl, "lemonde.fr/economie", "lemonde.fr/economie"},
        {kUrl, "www.boursorama.com", "www.boursorama.com"}}},
      // Balanced parentheses stay in the URL, the closing one of the aside
      // does not; « » are not part of anything.
      {"RT @LeMonde: «Grève» #grève #Grève2023 (cf. https://fr.wikipedia.org/wiki/Grève_(France))",
       {{kMention, "LeMonde", "@LeMonde"},
        {kHashtag, "grève", "#grève"},
        {kHashtag, "Grève2023", "#Grève2023"},
        {kUrl, "https://fr.wikipedia.org/wiki/Grève_(France)",
         "https://fr.wikipedia.org/wiki/Grève_(France)"}}},
      // An IDN e-mail host; twitter-text alone would see a URL "té.fr" in it.
      {"Contactez-nous : contact@société.fr ou SAV@exemple.com.",
       {{kEmail, "contact@société.fr", "contact@société.fr"},
        {kEmail, "SAV@exemple.com", "SAV@exemple.com"}}},
      // Full-width sigils of Japanese keyboards count too.
      {"Merci ＠Zoe_M pour le ＃déjeuner",
       {{kMention, "Zoe_M", "＠Zoe_M"}, {kHashtag, "déjeuner", "＃déjeuner"}}},
      // Nothing here: an accented letter right after a name, a number-only
      // hashtag, a too-long cashtag, a domain without a known TLD.
      {"@Zoé a pris le bus #16 pour $CARREFOUR et voir exemple.bidule", {}},
  });
}

TEST_CASE("ExtractEntities on English posts", "[sources][entities]") {
  CheckPosts({
      {"Thanks @jack for #TwitterText! Docs: https://github.com/twitter/twitter-text#readme $TWTR",
       {{kMention, "jack", "@jack"},
        {kHashtag, "TwitterText", "#TwitterText"},
        {kUrl, "https://github.com/twitter/twitter-text#readme",
         "https://github.com/twitter/twitter-text#readme"},
        {kCashtag, "TWTR", "$TWTR"}}},
      // twitter-text sees a mention of "john" in @john.smith@fosstodon.org;
      // the fediverse handle starting at the same '@' wins.
      {"email me at john.smith+crm@example.co.uk or ping @john.smith@fosstodon.org "
       "(not @john/work-list)",
       {{kEmail, "john.smith+crm@example.co.uk", "john.smith+crm@example.co.uk"},
        {kFediverse, "john.smith@fosstodon.org", "@john.smith@fosstodon.org"},
        {kMention, "john", "@john/work-list", "/work-list"}}},
      {"New post: http://t.co/abc123's great, see bit.ly/xyz-",
       {{kUrl, "http://t.co/abc123", "http://t.co/abc123"}, {kUrl, "bit.ly/xyz-", "bit.ly/xyz-"}}},
      // Hashtags and mentions inside a URL are part of the URL.
      {"https://example.com/#/@user?tag=#x",
       {{kUrl, "https://example.com/#/@user?tag=#x", "https://example.com/#/@user?tag=#x"}}},
  });
}

TEST_CASE("Offsets count code points, byte offsets slice the UTF-8", "[sources][entities]") {
  // 🎉 is one code point (two UTF-16 units, four bytes); the family emoji is
  // five code points (three emoji and two zero-width joiners).
  const std::string post =
      "🎉 Bravo @Zoé ! #fête 👨‍👩‍👧 https://exemple.fr/🎉 @Zoe";
  const auto got = scrm::sources::ExtractEntities(post);
  REQUIRE(got.size() == 3);
  CHECK(got[0].kind == kHashtag);
  CHECK(got[0].text == "fête");
  CHECK(got[0].start == 15);
  CHECK(got[0].end == 20);
  CHECK(got[1].kind == kUrl);
  CHECK(got[1].text == "https://exemple.fr/");
  CHECK(got[1].start == 27);
  CHECK(got[1].end == 46);
  CHECK(got[2].kind == kMention);
  CHECK(got[2].start == 48);
  CHECK(got[2].end == 52);
  for (const Entity& e : got) {
    const std::string slice = post.substr(e.byte_start, e.byte_end - e.byte_start);
    CHECK(CodePoints(slice) == e.end - e.start);
    CHECK(slice.find(e.text) != std::string::npos);
  }
  CHECK(got[0].byte_start == post.find("#fête"));
  CHECK(got[0].byte_end - got[0].byte_start == std::string("#fête").size());

  // Astral letters in a hashtag count one each.
  const auto astral = scrm::sources::ExtractHashtagsWithIndices("😀 #𠀡𠀡 x");
  REQUIRE(astral.size() == 1);
  CHECK(astral[0].start == 2);
  CHECK(astral[0].end == 5);
}

TEST_CASE("Invalid UTF-8 bytes count as one code point each", "[sources][entities]") {
  const std::string post = "caf\xC3 #tag \xFF@bob \xE2\x82 #x1";
  const auto got = scrm::sources::ExtractEntities(post);
  REQUIRE(got.size() == 3);
  CHECK(got[0].text == "tag");
  CHECK(got[0].start == 5);
  CHECK(got[0].end == 9);
  CHECK(got[1].text == "bob");
  CHECK(got[1].start == 11);
  CHECK(got[1].byte_start == 11);
  CHECK(got[2].text == "x1");
  CHECK(got[2].start == 19);
  CHECK(got[2].byte_start == 19);
  CHECK(scrm::sources::ExtractEntities("").empty());
  CHECK(scrm::sources::ExtractEntities(std::string("\0@a\0#b", 6)).size() == 2);
}

TEST_CASE("ExtractEmailsWithIndices", "[sources][entities]") {
  struct Case {
    std::string text;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"jean.dupont@exemple.fr", {"jean.dupont@exemple.fr"}},
      {"Écrivez à jean.dupont@exemple.fr.", {"jean.dupont@exemple.fr"}},
      {"<marie-claire@sub.exemple.co.uk>", {"marie-claire@sub.exemple.co.uk"}},
      {"mailto:a_b%c@x.io", {"a_b%c@x.io"}},
      {"élodie.martin@exemple.fr", {"élodie.martin@exemple.fr"}},
      {"contact@société.fr", {"contact@société.fr"}},
      {"jean@exemple.FR", {"jean@exemple.FR"}},
      {"two: a@b.fr,c@d.fr", {"a@b.fr", "c@d.fr"}},
      {"jean@exemple.fr.Merci", {"jean@exemple.fr"}},
      {".jean@exemple.fr", {"jean@exemple.fr"}},
      {"user@localhost", {}},
      {"jean@exemple.frx", {}},
      {"@user@mastodon.social", {}},
      {"a@b@c.com", {}},
      {"jean..dupont@exemple.fr", {}},
      {"jean.@exemple.fr", {}},
      {"x@-bad.fr", {}},
      {"https://exemple.fr/contact/jean@exemple.fr", {}},
      {"no address here @ all", {}},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(Texts(scrm::sources::ExtractEmailsWithIndices(c.text)) == c.want);
  }
  const auto e = scrm::sources::ExtractEmailsWithIndices("À: élodie@exemple.fr");
  REQUIRE(e.size() == 1);
  CHECK(e[0].kind == kEmail);
  CHECK(e[0].start == 3);
  CHECK(e[0].end == 20);
}

TEST_CASE("ExtractFediverseHandlesWithIndices", "[sources][entities]") {
  struct Case {
    std::string text;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"@user@mastodon.social", {"user@mastodon.social"}},
      {"Suivez @Gargron@mastodon.social!", {"Gargron@mastodon.social"}},
      {"RT @la_quadrature@mamot.fr: lisez", {"la_quadrature@mamot.fr"}},
      {"@first.last@pixelfed.social et @a-b@exemple.fr",
       {"first.last@pixelfed.social", "a-b@exemple.fr"}},
      {"mail@user@host.com", {}},
      {"@user@localhost", {}},
      {"@.user@mastodon.social", {}},
      {"@user.@mastodon.social", {}},
      {"@user@mastodon.social@x", {}},
      {"https://mastodon.social/@user@other.social", {}},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(Texts(scrm::sources::ExtractFediverseHandlesWithIndices(c.text)) == c.want);
  }
  // twitter-text's view of the same text is unchanged: no mention, no URL.
  CHECK(scrm::sources::ExtractMentionedScreenNames("@user@mastodon.social").empty());
  CHECK(scrm::sources::ExtractUrls("@user@mastodon.social").empty());
}

TEST_CASE("Mentions, lists and replies", "[sources][entities]") {
  using namespace scrm::sources;
  const std::string post = "@alice merci, cc @bob/ma-liste et @carol";
  CHECK(ExtractMentionedScreenNames(post) == std::vector<std::string>{"alice", "carol"});
  const auto lists = ExtractMentionsOrListsWithIndices(post);
  REQUIRE(lists.size() == 3);
  CHECK(lists[1].text == "bob");
  CHECK(lists[1].list_slug == "/ma-liste");
  CHECK(lists[1].start == 17);
  CHECK(lists[1].end == 30);
  CHECK(ExtractReplyScreenName(post) == "alice");
  CHECK(ExtractReplyScreenName(" \t\u3000@alice") == "alice");
  CHECK(ExtractReplyScreenName("merci @alice") == std::nullopt);
  CHECK(ExtractReplyScreenName("@alice@exemple.fr") == std::nullopt);
  // Names stop at 20 characters, list slugs at 25 after the slash.
  CHECK(ExtractMentionedScreenNames("@abcdefghijklmnopqrstuvwxyz") ==
        std::vector<std::string>{"abcdefghijklmnopqrst"});
  const auto slug = ExtractMentionsOrListsWithIndices("@a/abcdefghijklmnopqrstuvwxyz");
  REQUIRE(slug.size() == 1);
  CHECK(slug[0].list_slug == "/abcdefghijklmnopqrstuvwxy");
}

TEST_CASE("Entity kind names", "[sources][entities]") {
  using scrm::sources::EntityKindName;
  CHECK(EntityKindName(kMention) == "mention");
  CHECK(EntityKindName(kHashtag) == "hashtag");
  CHECK(EntityKindName(kUrl) == "url");
  CHECK(EntityKindName(kCashtag) == "cashtag");
  CHECK(EntityKindName(kEmail) == "email");
  CHECK(EntityKindName(kFediverse) == "fediverse_handle");
}

TEST_CASE("ExtractEntities results are sorted, disjoint and match their spans",
          "[sources][entities]") {
  const std::vector<std::string> corpus = {
      "Bonjour @Marie_Curie ! #Paris2024 https://paris.fr/événements?id=42. $AAPL",
      "jean.dupont@exemple.fr @marie@mastodon.social #café http://t.co/x #y#z @a@b",
      "RT:@x rt@y #http://a.com $A.B_C http://ex.com/a(b(c)d)e) ((#t)) ＠ｚｚ ＃ｔａｇ",
      "これは日本語です。example.com中国語t.co/abcde한국twitter.com #日本語 @ユーザー",
      "\xF0\x9F\x8E\x89\xFF#ok \xC3\xA9@me www.a.b.c.d.co.uk/path?q=1#frag!!!",
  };
  for (const std::string& post : corpus) {
    INFO(post);
    const auto entities = scrm::sources::ExtractEntities(post);
    CHECK(!entities.empty());
    size_t last_end = 0;
    for (const Entity& e : entities) {
      INFO(Describe({e}));
      CHECK(e.start < e.end);
      CHECK(e.start >= last_end);
      last_end = e.end;
      const std::string slice = post.substr(e.byte_start, e.byte_end - e.byte_start);
      CHECK(CodePoints(slice) == e.end - e.start);
      std::string body = slice;
      if (e.kind != kUrl && e.kind != kEmail) {
        const size_t sigil = (slice[0] & 0x80) != 0 ? 3 : 1;  // '@' or '＠' etc.
        body = slice.substr(sigil);
      }
      CHECK(body == e.text + e.list_slug);
    }
  }
}

TEST_CASE("Pathological inputs finish in linear time", "[sources][entities]") {
  // Each of these made a naive backtracking port quadratic or worse.
  std::string dots, cjk, ats;
  for (int i = 0; i < 50000; ++i) dots += "a.";
  for (int i = 0; i < 20000; ++i) cjk += "日本.";
  for (int i = 0; i < 20000; ++i) ats += "a@";
  const std::vector<std::string> inputs = {
      dots,
      cjk,
      ats,
      "http://example.com/path" + std::string(100000, '.'),
      "http://example.com/" + std::string(50000, '('),
      std::string(100000, '#'),
      std::string(100000, 'a') + ".com",
      "x" + std::string(100000, '-') + "x.com",
  };
  for (const std::string& input : inputs) {
    CHECK(scrm::sources::ExtractEntities(input).size() <= 1);
  }
}

TEST_CASE("Extraction is safe from several threads at once", "[sources][entities]") {
  const std::string post = "@a #b $C http://d.com e@f.fr @g@h.social";
  const auto want = scrm::sources::ExtractEntities(post);
  REQUIRE(want.size() == 6);
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k) same[i] += scrm::sources::ExtractEntities(post) == want;
    });
  }
  for (auto& t : threads) t.join();
  for (int n : same) CHECK(n == 200);
}
