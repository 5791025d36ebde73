// The Social panel of a CRM record (a Contact, Lead or Account) as a plain
// model: the profiles linked to it with their evidence and what the viewer
// may not see of their posts, the suggestions waiting for a decision, the
// profiles a hand search finds, the linked authors' conversations as one
// timeline (paged, newest first), engagement over time, and signals.
// Built for one viewer (core/viewer.h): links, evidence and found profiles
// of sources it may not see are left out, posts are filtered by the index
// as every search is. The page (/ui/records/{module}/{id}) renders it; the
// API (GET /api/v1/customers/{module}/{id}/social) answers it as JSON.
// Nothing here is translated: the front-ends word it. Thread-safe (each
// call reads on its own).
#ifndef SCRM_SERVICE_SOCIAL_PANEL_H_
#define SCRM_SERVICE_SOCIAL_PANEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/customer.h"
#include "core/status.h"
#include "core/viewer.h"
#include "index/index.h"
#include "service/search.h"
#include "store/pool.h"

namespace scrm::service {

struct SocialPanelOptions {
  // The record, as its path names it: ParseSocialPanelPath() checks it.
  CrmModule module = CrmModule::kContacts;
  std::string crm_id;
  Viewer viewer;
  // Words a profile's name, handle, URL or e-mail contains: the hand search
  // for a profile to link ("" or longer than kMaxFind: none).
  std::string find;
  // The timeline's page (1 = the newest posts) and its size.
  int page = 1;
  int per_page = 20;
  int64_t now = 0;  // epoch seconds the signals count back from; 0: the clock
};

constexpr int kMaxPerPage = 100;
constexpr size_t kMaxFind = 200;

// One phrase of evidence (identity/evidence_text.h): a catalogue id and
// its arguments, for front-ends that word evidence in the reader's language.
struct EvidencePhrase {
  std::string id;
  std::map<std::string, std::string> args;
};

struct Evidence {
  std::string kind;    // "email", "handle", "name"...
  std::string detail;  // matching's English explanation
  std::vector<EvidencePhrase> phrases;  // empty for evidence stored before phrases
  double weight = 0;
};

// Posts of a linked profile the viewer may not see, counted (never shown):
// kind "community" (communities not theirs, removed sources) or "internal"
// (a viewer of public posts only).
struct HiddenPosts {
  std::string kind;
  int64_t count = 0;
};

struct PanelLink {
  int64_t id = 0;          // the link's
  int64_t profile_id = 0;
  std::string platform;
  std::string name;        // the display name, else the handle
  std::string handle, url;  // url: http(s) only, else ""
  std::string status;      // auto, confirmed, manual (linked) or suggested
  double score = 0;
  std::vector<Evidence> evidence;
  std::string decided_by;  // the name, else the id; "" when never decided
  std::string decided_at;  // UTC "YYYY-MM-DD HH:MM:SS", "" when never decided
  std::vector<HiddenPosts> hidden;  // linked profiles only
};

struct FoundProfile {
  int64_t id = 0;
  std::string platform, name, handle, url;
};

struct ParentPost {
  std::string author, excerpt, url;
};

struct TimelinePost {
  int64_t id = 0;
  std::string platform;
  int64_t date = 0;  // published, epoch seconds
  std::string kind;
  bool is_reply = false;
  std::string thread;  // the thread's title, "" when none
  std::string author;  // the name, else the handle
  std::string snippet;  // HTML-escaped by the index
  std::string url;     // http(s) only, else ""
  // The post's text (else its title), its first kCaseTextChars characters
  // (service::CaseTexts: the index's copy, or the database's when the index
  // holds only its start; "" when the database could not say).
  std::string text;
  std::optional<ParentPost> parent;  // the post a reply answers, when stored
};

struct Signal {
  std::string kind;   // "new" (posts this week), "quiet" (none for 90 days), "mentions" (an account's name, 30 days)
  int64_t count = 0;  // new, mentions: how many
  int64_t last = 0;   // quiet: the last post's date
  std::string query;  // mentions: the search that finds them
};

struct SocialPanel {
  CrmModule module = CrmModule::kContacts;
  std::string crm_id;
  bool known_record = false;  // synced from the CRM
  std::string record_name;    // the record's name, else its id
  std::vector<PanelLink> linked, suggested;
  bool searched = false;  // a hand search was made (options.find)
  std::vector<FoundProfile> found;
  std::vector<TimelinePost> timeline;
  int page = 1, per_page = 20;
  int64_t total = 0;  // posts of the timeline, all pages
  std::string engagement_interval;  // "day", "week", "month" or "year"
  std::vector<index::HistogramBucket> engagement;
  std::vector<Signal> signals;
};

// The module and id of a record's path: NotFound (the record's panel does not
// exist) for a module that is not Contacts, Leads or Accounts, or an id that
// is empty or longer than 36 characters.
Result<CrmModule> ParseSocialPanelPath(const std::string& module, const std::string& crm_id);

// The panel, read from `db` and `searcher`. InvalidArgument (field "page" or
// "per_page") for a page below 1 or a size outside 1..kMaxPerPage; the
// searcher's status when the timeline cannot be searched. Database failures
// throw store::DbError (thread context and case texts are left out instead).
Result<SocialPanel> BuildSocialPanel(store::Pool& db, index::Searcher& searcher,
                                     const SocialPanelOptions& options);

}  // namespace scrm::service

#endif  // SCRM_SERVICE_SOCIAL_PANEL_H_
