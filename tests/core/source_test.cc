// ApplySourceSettings: the settings of a source as text (the CLI's options,
// the admin page's form) parsed and validated once for both, each bad value
// answered with the field it came from.
#include <catch2/catch.hpp>

#include "core/source.h"

namespace scrm {
namespace {

SourceSettings UrlSource() {
  SourceSettings s;
  s.type = "url";
  s.format = "rss";
  s.location = "https://feeds.example.test/a.xml";
  s.poll_interval_seconds = "600";
  s.visibility = "community";
  s.community = "lyon";
  s.retention_days = "30";
  return s;
}

}  // namespace

TEST_CASE("source settings given as text are parsed and applied", "[core]") {
  Source s;
  s.name = "feed-one";
  REQUIRE(ApplySourceSettings(UrlSource(), &s).ok());
  CHECK(s.type == "url");
  CHECK(s.format == "rss");
  CHECK(s.location == "https://feeds.example.test/a.xml");
  CHECK(s.poll_interval_seconds == 600);
  CHECK(s.visibility == "community");
  CHECK(s.community == "lyon");
  CHECK(s.retention_days == 30);

  // Settings not given stay as they were.
  SourceSettings only_poll;
  only_poll.poll_interval_seconds = "0";
  REQUIRE(ApplySourceSettings(only_poll, &s).ok());
  CHECK(s.poll_interval_seconds == 0);
  CHECK(s.community == "lyon");
}

TEST_CASE("bad source settings name their field", "[core]") {
  struct Case {
    const char* what;
    std::optional<std::string> SourceSettings::*member;
    const char* value;
    const char* field;
  };
  const Case cases[] = {
      {"negative interval", &SourceSettings::poll_interval_seconds, "-5", "poll_interval_seconds"},
      {"interval not a number", &SourceSettings::poll_interval_seconds, "10s", "poll_interval_seconds"},
      {"empty interval", &SourceSettings::poll_interval_seconds, "", "poll_interval_seconds"},
      {"huge interval", &SourceSettings::poll_interval_seconds, "9999999999", "poll_interval_seconds"},
      {"negative retention", &SourceSettings::retention_days, "-1", "retention_days"},
      {"retention too long", &SourceSettings::retention_days, "36501", "retention_days"},
      {"not an http URL", &SourceSettings::location, "ftp://feeds.example.test/a.xml", "location"},
      {"unknown type", &SourceSettings::type, "ftp", "type"},
      {"unknown format", &SourceSettings::format, "yaml", "format"},
      {"unknown visibility", &SourceSettings::visibility, "secret", "visibility"},
      {"community without a name", &SourceSettings::community, "", "community"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    SourceSettings settings = UrlSource();
    settings.*c.member = c.value;
    Source s;
    s.name = "feed-one";
    Status status = ApplySourceSettings(settings, &s);
    CHECK(status.code() == Status::Code::kInvalidArgument);
    CHECK(status.field() == c.field);
    CHECK_FALSE(status.message().empty());
  }
  Source unnamed;
  Status status = ApplySourceSettings(UrlSource(), &unnamed);
  CHECK(status.field() == "name");
}

}  // namespace scrm

namespace scrm {
namespace {

Source Listening(const std::string& terms) {
  Source s;
  s.name = "suitecrm-talk";
  s.type = "listen";
  s.location = terms;
  s.poll_interval_seconds = 300;
  return s;
}

}  // namespace

TEST_CASE("a listen source's terms: hashtags and keywords, comma-separated", "[core]") {
  CHECK(ListenTerms(" #suitecrm, open source crm ,,#SuiteCRM, #suitecrm , ") ==
        std::vector<std::string>{"#suitecrm", "open source crm", "#SuiteCRM"});
  CHECK(ListenTerms("").empty());
  CHECK(ListenTerms(" , ,").empty());
  CHECK(ValidateSource(Listening("#suitecrm, logiciel libre")).ok());
  CHECK(ValidateSource(Listening("gestion de la relation client")).ok());
}

TEST_CASE("a listen term written #tag@server is a fediverse hashtag, any other is Bluesky's",
          "[core]") {
  auto tag = FediverseTagOf("#suitecrm@mastodon.social");
  REQUIRE(tag);
  CHECK(tag->tag == "suitecrm");
  CHECK(tag->host == "mastodon.social");
  tag = FediverseTagOf("#caféLumière@127.0.0.1:3000");
  REQUIRE(tag);
  CHECK(tag->tag == "caféLumière");
  CHECK(tag->host == "127.0.0.1:3000");
  CHECK_FALSE(FediverseTagOf("#suitecrm"));
  CHECK_FALSE(FediverseTagOf("support@suitecrm.com"));  // a keyword, searched on Bluesky
  CHECK_FALSE(FediverseTagOf("#suitecrm@"));
  CHECK_FALSE(FediverseTagOf("#a@b:0"));
  CHECK(ValidateSource(Listening("#suitecrm@mastodon.social, #suitecrm, support@suitecrm.com")).ok());
}

TEST_CASE("bad listen terms are refused, naming the location", "[core]") {
  const std::string too_long(kMaxListenTermBytes + 1, 'a');
  std::string too_many;
  for (size_t i = 0; i <= kMaxListenTerms; ++i) too_many += "term" + std::to_string(i) + ",";
  const std::pair<std::string, const char*> cases[] = {
      {"", "at least one term"},
      {" , ", "at least one term"},
      {"#suitecrm, " + too_long, "bytes long"},
      {too_many, "at most"},
      {"#", "hashtag without its name"},
      {"#suitecrm@", "not a fediverse hashtag"},
      {"#@mastodon.social", "not a fediverse hashtag"},
      {"#suite crm@mastodon.social", "not a fediverse hashtag"},
      {"#suitecrm@mastodon.social:99999", "not a fediverse hashtag"},
      {"#suitecrm@mastodon.social/tags", "not a fediverse hashtag"},
      {"#suitecrm@.social", "not a fediverse hashtag"},
  };
  for (const auto& [terms, says] : cases) {
    INFO(terms);
    Status s = ValidateSource(Listening(terms));
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK(s.field() == "location");
    CHECK(s.message().find(says) != std::string::npos);
  }
  // The same through the settings as text.
  SourceSettings settings;
  settings.type = "listen";
  settings.location = "";
  Source s;
  s.name = "talk";
  CHECK(ApplySourceSettings(settings, &s).field() == "location");
}

}  // namespace scrm
