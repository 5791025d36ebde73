// Normalisation for identity matching: names, handles, companies, e-mail
// and web addresses reduced to comparable keys. Pure functions on UTF-8
// text (no I/O, no locale); letters are folded by the engine's one folding
// (core/fold.h), the same as the index's, so that a name compares alike in
// matching and in search.
#ifndef SCRM_IDENTITY_NORMALIZE_H_
#define SCRM_IDENTITY_NORMALIZE_H_

#include <string>
#include <string_view>
#include <vector>

namespace scrm::identity {

// Words folded (core/fold.h: "Hélène" -> "helene", "Œuvre" -> "oeuvre",
// "Straße" -> "strasse") and separated by single spaces; every other
// character (hyphen, apostrophe, punctuation, symbols) a separator. Letters
// of other scripts (Greek, Cyrillic...) are kept, case-folded.
std::string Fold(std::string_view text);
// Fold() split on spaces.
std::vector<std::string> FoldTokens(std::string_view text);
// Fold() without the spaces: "Jean-Pierre" -> "jeanpierre".
std::string FoldCompact(std::string_view text);

// Name particles ("de", "du", "van", "von", "le"...), dropped from the core
// of a family name when something else remains.
bool IsParticle(std::string_view folded_token);
// Titles and honorifics ("dr", "mme", "mr", "phd"...), ignored in names.
bool IsHonorific(std::string_view folded_token);

// The canonical given name for a folded given name: nicknames and short
// forms map to one name ("bob" -> "robert", "jeannot" -> "jean",
// "steph" -> "stephane"). A name not in the table is its own canonical form.
// French and English; ambiguous short forms map to the commonest.
std::string CanonicalGivenName(std::string_view folded);

// A phonetic key of a folded family name, so that common misspellings
// ("dupond"/"dupont", "lefebvre"/"lefevre", "philippe"/"filipe") share it:
// a reduced French/English sound skeleton (silent endings dropped, doubled
// letters merged, vowels after the first letter removed).
std::string PhoneticKey(std::string_view folded_compact);

// True when a and b differ by at most one insertion, deletion, substitution
// or adjacent transposition.
bool WithinOneEdit(std::string_view a, std::string_view b);

// A company name reduced for comparison: folded, legal forms ("SA", "SAS",
// "SARL", "GmbH", "Inc", "Ltd", "LLC"...) and "the"/"group"-style filler
// dropped, compact: "ACME Industries S.A.S." -> "acmeindustries".
std::string NormalizeCompany(std::string_view name);
// The company tokens of NormalizeCompany, in order (for fuzzy comparison).
std::vector<std::string> CompanyTokens(std::string_view name);
// Whether two company names name the same company: equal normalised forms,
// one a prefix word-sequence of the other ("Acme" vs "Acme Industries"),
// or within one edit when long enough.
bool CompanyMatches(std::string_view a, std::string_view b);
// The same on names already reduced by CompanyTokens().
bool CompanyTokensMatch(const std::vector<std::string>& a, const std::vector<std::string>& b);

// Free-mail providers (gmail.com, orange.fr, laposte.net, gmx...): their
// domain says nothing about an employer.
bool IsFreeMailDomain(std::string_view domain);
// Hosts that are platforms, not a company's site (linkedin.com, github.io,
// wordpress.com...): a profile's link there is no company evidence.
bool IsPlatformHost(std::string_view domain);
// Role addresses (info@, contact@, noreply@, support@...): shared by a team,
// never evidence about one person nor about a company.
bool IsGenericLocalPart(std::string_view local);

// The parts of an e-mail address: local part and domain ("" when not an address).
std::string EmailLocal(std::string_view email);
std::string EmailDomain(std::string_view email);

// Every plausible e-mail address written in free text (a bio, a
// signature), normalised, in order, each once. Fediverse handles
// ("@anne@mastodon.social") are not addresses.
std::vector<std::string> ExtractEmails(std::string_view text);

// A handle without its decorations: "@Anne@mastodon.social" -> "anne",
// "https://twitter.com/JDupont" -> "jdupont", "jean.dupont" stays. Lower case.
std::string HandleLocal(std::string_view handle);
// The instance of a fediverse handle ("@anne@mastodon.social" ->
// "mastodon.social"), "" when none.
std::string HandleInstance(std::string_view handle);
// Only the letters and digits of a handle's local part: "jean_dupont" ->
// "jeandupont". trailing digits removed as well when strip_digits.
std::string HandleAlnum(std::string_view handle, bool strip_digits = false);

// A URL reduced for comparison: lower-cased host without "www.", scheme,
// query, fragment and trailing "/" dropped: "https://www.LinkedIn.com/in/jdupont/"
// -> "linkedin.com/in/jdupont". "" when there is no host.
std::string NormalizeUrl(std::string_view url);

}  // namespace scrm::identity

#endif  // SCRM_IDENTITY_NORMALIZE_H_
