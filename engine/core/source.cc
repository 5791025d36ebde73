#include "core/source.h"

#include <algorithm>
#include <utility>

#include "core/reasons.h"

namespace scrm {

const std::vector<std::string>& KnownFormats() {
  static const std::vector<std::string> kFormats = {
      "as2",             // one ActivityStreams object, activity or collection
      "as2-outbox",      // an outbox collection (Mastodon account export outbox.json)
      "as2-jsonl",       // ActivityStreams objects, one per line
      "rss", "atom",     // XML feeds
      "jsonfeed",        // JSON Feed 1.0/1.1
      "twitter-archive", // a file of a Twitter/X archive (tweets.js, account.js...)
      "linkedin-connections", "linkedin-messages",  // LinkedIn export CSVs
      "jsonl",           // scrm's own JSON Lines (docs/formats/scrm-jsonl.md)
  };
  return kFormats;
}

namespace {

// A whole number of at most max_digits digits, or nullopt.
std::optional<int> Count(const std::string& text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoi(text);
}

bool OneOf(const std::string& v, std::initializer_list<const char*> options) {
  return std::any_of(options.begin(), options.end(), [&](const char* o) { return v == o; });
}

// What is wrong with a listen source's terms, "" when nothing.
std::string ListenTermsProblem(const std::string& location) {
  const std::vector<std::string> terms = ListenTerms(location);
  if (terms.empty()) {
    return "a listen source needs at least one term: hashtags (#suitecrm) or keywords (open "
           "source crm), separated by commas";
  }
  if (terms.size() > kMaxListenTerms) {
    return "a listen source takes at most " + std::to_string(kMaxListenTerms) + " terms, got " +
           std::to_string(terms.size());
  }
  for (const std::string& t : terms) {
    if (t.size() > kMaxListenTermBytes) {
      return "the term '" + t.substr(0, 40) + "...' is " + std::to_string(t.size()) +
             " bytes long, more than a listen term may be (" +
             std::to_string(kMaxListenTermBytes) + ")";
    }
    if (t == "#") return "the term '#' is a hashtag without its name";
    if (t[0] == '#' && t.find('@') != std::string::npos && !FediverseTagOf(t)) {
      return "the term '" + t +
             "' is not a fediverse hashtag: write #tag@server (#suitecrm@mastodon.social), "
             "the tag without spaces or any of #@/?&%, the server a host name with an "
             "optional :port";
    }
  }
  return "";
}
}  // namespace

std::vector<std::string> ListenTerms(const std::string& location) {
  std::vector<std::string> terms;
  size_t start = 0;
  while (start <= location.size()) {
    size_t comma = location.find(',', start);
    if (comma == std::string::npos) comma = location.size();
    std::string t = location.substr(start, comma - start);
    const char* kSpace = " \t\r\n";
    t.erase(0, std::min(t.size(), t.find_first_not_of(kSpace)));
    t.erase(t.find_last_not_of(kSpace) + 1);
    if (!t.empty() && std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
    start = comma + 1;
  }
  return terms;
}

std::optional<FediverseTag> FediverseTagOf(const std::string& term) {
  if (term.size() < 4 || term[0] != '#') return std::nullopt;
  const size_t at = term.rfind('@');
  if (at == std::string::npos) return std::nullopt;
  FediverseTag t{term.substr(1, at - 1), term.substr(at + 1)};
  if (t.tag.empty() || t.tag.find_first_of(" \t\r\n#@/?&%") != std::string::npos) {
    return std::nullopt;
  }
  const size_t colon = t.host.find(':');
  const std::string name = t.host.substr(0, colon);
  const bool name_ok = !name.empty() && name.front() != '.' && name.front() != '-' &&
                       name.find("..") == std::string::npos &&
                       name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
                           std::string::npos;
  const std::string port = colon == std::string::npos ? "1" : t.host.substr(colon + 1);
  const bool port_ok = !port.empty() && port.size() <= 5 &&
                       port.find_first_not_of("0123456789") == std::string::npos &&
                       std::stoi(port) > 0 && std::stoi(port) < 65536;
  if (!name_ok || !port_ok) return std::nullopt;
  return t;
}

Status ValidateSource(const Source& s) {
  bool name_ok = !s.name.empty() && s.name.size() <= 64 &&
                 ((s.name[0] >= 'a' && s.name[0] <= 'z') || (s.name[0] >= '0' && s.name[0] <= '9'));
  for (char c : s.name) {
    name_ok = name_ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                          c == '-' || c == '.');
  }
  if (!name_ok) {
    return Status::InvalidArgument("source name '" + s.name +
                                       "' must be 1 to 64 of a-z, 0-9, '_', '-', '.', starting "
                                       "with a letter or digit",
                                   "name")
        .WithReason(reason::kSourceName, {{"value", s.name}});
  }
  // "network": an open network's followed accounts, made by the engine
  // (service/follow.h), not offered to people.
  if (!OneOf(s.type, {"file", "url", "push", "listen", "network"})) {
    return Status::InvalidArgument("source type '" + s.type + "' must be file, url, push or listen",
                                   "type")
        .WithReason(reason::kSourceType, {{"value", s.type}});
  }
  const auto& formats = KnownFormats();
  if (s.format != "auto" && std::find(formats.begin(), formats.end(), s.format) == formats.end()) {
    std::string list = "auto";
    for (const std::string& f : formats) list += ", " + f;
    return Status::InvalidArgument("format '" + s.format + "' is not one of: " + list, "format")
        .WithReason(reason::kSourceFormat, {{"value", s.format}, {"formats", list}});
  }
  if (s.type == "url" && s.location.rfind("http://", 0) != 0 &&
      s.location.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("a url source needs an http:// or https:// location, got '" +
                                       s.location + "'",
                                   "location")
        .WithReason(reason::kSourceUrl, {{"value", s.location}});
  }
  if (s.type == "listen") {
    if (std::string problem = ListenTermsProblem(s.location); !problem.empty()) {
      return Status::InvalidArgument(problem + " (location)", "location")
          .WithReason(reason::kSourceListenTerms, {{"problem", problem}});
    }
  }
  if (s.retention_days < 0 || s.retention_days > 36500) {
    return Status::InvalidArgument("retention_days must be 0 (keep every post) to 36500 days",
                                   "retention_days")
        .WithReason(reason::kSourceRetentionRange, {{"max", "36500"}});
  }
  if (s.poll_interval_seconds < 0) {
    return Status::InvalidArgument("poll interval must be 0 (manual) or a number of seconds",
                                   "poll_interval_seconds")
        .WithReason(reason::kSourcePollNegative);
  }
  if (!OneOf(s.visibility, {"public", "internal", "community"})) {
    return Status::InvalidArgument(
        "visibility '" + s.visibility + "' must be public, internal or community", "visibility")
        .WithReason(reason::kSourceVisibility, {{"value", s.visibility}});
  }
  if ((s.visibility == "community") == s.community.empty()) {
    return Status::InvalidArgument(
        s.community.empty() ? "visibility community needs a community name"
                            : "a community name goes with visibility community only",
        "community")
        .WithReason(s.community.empty() ? reason::kSourceCommunityMissing
                                        : reason::kSourceCommunityUnexpected);
  }
  return Status::Ok();
}

Status ApplySourceSettings(const SourceSettings& settings, Source* source) {
  for (auto [given, field] : {std::pair{&settings.type, &source->type},
                              {&settings.format, &source->format},
                              {&settings.location, &source->location},
                              {&settings.visibility, &source->visibility},
                              {&settings.community, &source->community}}) {
    if (*given) *field = **given;
  }
  if (settings.poll_interval_seconds) {
    std::optional<int> poll = Count(*settings.poll_interval_seconds, 9);
    if (!poll) {
      return Status::InvalidArgument("poll interval '" + *settings.poll_interval_seconds +
                                         "' is not a number of seconds: 0 (poll by hand only) "
                                         "or more, digits only",
                                     "poll_interval_seconds")
          .WithReason(reason::kSourcePollNumber, {{"value", *settings.poll_interval_seconds}});
    }
    source->poll_interval_seconds = *poll;
  }
  if (settings.retention_days) {
    std::optional<int> days = Count(*settings.retention_days, 5);
    if (!days || *days > 36500) {
      return Status::InvalidArgument("retention '" + *settings.retention_days +
                                         "' is not a number of days from 0 (keep every post) "
                                         "to 36500",
                                     "retention_days")
          .WithReason(reason::kSourceRetentionNumber,
                      {{"value", *settings.retention_days}, {"max", "36500"}});
    }
    source->retention_days = *days;
  }
  return ValidateSource(*source);
}

}  // namespace scrm
