// The reasons a Status may carry (Status::WithReason): stable ids of the
// failures a user can meet on a page, each with its arguments. The pages
// render "reason.<id>" of ui-templates/i18n/<lang>.json, putting each
// argument in place of {name}; a status without a reason, or with one a
// catalogue lacks, shows its English message(). Every id is in kAllReasons,
// and tests/ui/render_test.cc checks that every catalogue has each one.
// Ids never change meaning: add a new one instead.
#ifndef SCRM_CORE_REASONS_H_
#define SCRM_CORE_REASONS_H_

namespace scrm::reason {

// Sources (ApplySourceSettings, ValidateSource, SourceRepository).
inline constexpr char kSourceName[] = "source_name";                    // {value}
inline constexpr char kSourceType[] = "source_type";                    // {value}
inline constexpr char kSourceFormat[] = "source_format";                // {value} {formats}
inline constexpr char kSourceUrl[] = "source_url";                      // {value}
inline constexpr char kSourceListenTerms[] = "source_listen_terms";     // {problem}
inline constexpr char kSourcePollNumber[] = "source_poll_number";       // {value}
inline constexpr char kSourcePollNegative[] = "source_poll_negative";
inline constexpr char kSourceRetentionNumber[] = "source_retention_number";  // {value} {max}
inline constexpr char kSourceRetentionRange[] = "source_retention_range";    // {max}
inline constexpr char kSourceVisibility[] = "source_visibility";        // {value}
inline constexpr char kSourceCommunityMissing[] = "source_community_missing";
inline constexpr char kSourceCommunityUnexpected[] = "source_community_unexpected";
inline constexpr char kSourceExists[] = "source_exists";                // {name}
inline constexpr char kSourceUnknown[] = "source_unknown";              // {name}
// Push secrets typed in a form.
inline constexpr char kSecretTooLong[] = "secret_too_long";             // {bytes} {max}
inline constexpr char kSecretNoSealing[] = "secret_no_sealing";
// Poll now (ingest::Poller::PollNow).
inline constexpr char kPollNotUrl[] = "poll_not_url";                   // {name} {type}
inline constexpr char kPollNoLocation[] = "poll_no_location";           // {name}
inline constexpr char kPollBusy[] = "poll_busy";                        // {name}
// API keys (service::CreateApiKey, RevokeApiKey, ApiKeyRepository).
inline constexpr char kKeyName[] = "key_name";                          // {max}
inline constexpr char kKeyRolesMissing[] = "key_roles_missing";
inline constexpr char kKeyRoleUnknown[] = "key_role_unknown";           // {value}
inline constexpr char kKeyExists[] = "key_exists";                      // {name}
inline constexpr char kKeyUnknown[] = "key_unknown";                    // {name}
// Access to the pages (http::CheckRoles, CheckCsrf).
inline constexpr char kAdminRoleNeeded[] = "admin_role_needed";
inline constexpr char kDecideRoleNeeded[] = "decide_role_needed";
inline constexpr char kCsrfMissing[] = "csrf_missing";
inline constexpr char kCsrfWrong[] = "csrf_wrong";
// A page that needs the database on an engine without one.
inline constexpr char kNoDatabase[] = "no_database";
// Signing on (http::VerifyToken, TokenAuthorizer, StartSession): the 401 pages.
inline constexpr char kTokenMalformed[] = "token_malformed";
inline constexpr char kTokenSignature[] = "token_signature";
inline constexpr char kTokenExpired[] = "token_expired";
inline constexpr char kNoSecret[] = "no_secret";
inline constexpr char kSessionEnded[] = "session_ended";
inline constexpr char kNotSignedIn[] = "not_signed_in";
inline constexpr char kSsoUsed[] = "sso_used";
// Searches from the Conversations page (service::ParseSearchParams, the index's
// query checks).
inline constexpr char kSearchParamUnknown[] = "search_param_unknown";    // {name}
inline constexpr char kSearchParamBool[] = "search_param_bool";          // {name} {value}
inline constexpr char kSearchParamDate[] = "search_param_date";          // {name} {value}
inline constexpr char kSearchParamSort[] = "search_param_sort";          // {value}
inline constexpr char kSearchParamInteger[] = "search_param_integer";    // {name} {value}
inline constexpr char kSearchParamRange[] = "search_param_range";        // {name} {min} {max}
inline constexpr char kSearchFromAfterTo[] = "search_from_after_to";
inline constexpr char kQueryQuote[] = "query_quote";
inline constexpr char kQueryParenClosed[] = "query_paren_closed";
inline constexpr char kQueryParenOpen[] = "query_paren_open";
inline constexpr char kQueryOperatorLeft[] = "query_operator_left";      // {operator}
inline constexpr char kQueryOperatorRight[] = "query_operator_right";    // {operator}
inline constexpr char kQueryNearSign[] = "query_near_sign";              // {operator} {word}
inline constexpr char kQueryNearPlace[] = "query_near_place";            // {operator}
inline constexpr char kQueryUnreadable[] = "query_unreadable";           // {detail}: Xapian's
inline constexpr char kQueryNearUnreadable[] = "query_near_unreadable";  // {detail}: Xapian's

inline constexpr const char* kAllReasons[] = {
    kSourceName,         kSourceType,          kSourceFormat,
    kSourceUrl,          kSourceListenTerms,   kSourcePollNumber,    kSourcePollNegative,
    kSourceRetentionNumber, kSourceRetentionRange, kSourceVisibility,
    kSourceCommunityMissing, kSourceCommunityUnexpected, kSourceExists,
    kSourceUnknown,      kSecretTooLong,       kSecretNoSealing,
    kPollNotUrl,         kPollNoLocation,      kPollBusy,
    kKeyName,            kKeyRolesMissing,     kKeyRoleUnknown,
    kKeyExists,          kKeyUnknown,          kAdminRoleNeeded,
    kCsrfMissing,        kCsrfWrong,           kNoDatabase,
    kTokenMalformed,     kTokenSignature,      kTokenExpired,
    kNoSecret,           kSessionEnded,        kNotSignedIn,
    kSsoUsed,            kSearchParamUnknown,  kSearchParamBool,
    kSearchParamDate,    kSearchParamSort,     kSearchParamInteger,
    kSearchParamRange,   kSearchFromAfterTo,   kQueryQuote,
    kQueryParenClosed,   kQueryParenOpen,      kQueryOperatorLeft,
    kQueryOperatorRight, kQueryNearSign,       kQueryNearPlace,
    kQueryUnreadable,    kQueryNearUnreadable, kDecideRoleNeeded,
};

}  // namespace scrm::reason

#endif  // SCRM_CORE_REASONS_H_
