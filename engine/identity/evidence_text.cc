#include "identity/evidence_text.h"

#include "core/text.h"

namespace scrm::identity {

const std::vector<PhraseText>& Phrases() {
  static const std::vector<PhraseText> kPhrases = {
      // E-mail addresses.
      {"email_personal", "same e-mail address {address}"},
      {"email_shared", "same e-mail address {address}, shared by {count} CRM records"},
      {"email_role_person", "same role address {address} (a team's, not a person's)"},
      {"email_role_account", "same address {address} as the account"},
      {"note_opted_out", "(opted out in the CRM: never linked automatically)"},
      // Handles and addresses recorded in the CRM.
      {"crm_handle_same", "the CRM records this {platform} handle: @{handle}"},
      {"crm_handle_other", "the CRM records another {platform} handle: @{handle}"},
      {"crm_handle_elsewhere", "same handle as recorded in the CRM for another platform: {handle}"},
      {"crm_url", "the CRM's website field holds this profile's address {url}"},
      // Company.
      {"domain_record_website", "the profile's website is on {domain}, the record's website domain"},
      {"domain_account_website", "the profile's website is on {domain}, the account's website domain"},
      {"domain_record_email", "the profile's website is on {domain}, the domain of the CRM record's e-mail"},
      {"email_domain", "the profile's e-mail is at {domain}, as the CRM record's"},
      {"company_same", "works at '{company}', the CRM's company '{crm_company}'"},
      {"company_fuzzy", "works at '{company}', much like the CRM's company '{crm_company}'"},
      {"company_other", "works at '{company}', not the CRM's company '{crm_company}'"},
      // Names and handles.
      {"name_same", "same name: '{profile_name}' = '{crm_name}'"},
      {"name_part", "name '{profile_name}' contains the family name of '{crm_name}'"},
      {"name_nickname", "name '{profile_name}' = '{crm_name}' (nickname or variant of the first name)"},
      {"name_given_typo", "name '{profile_name}' ~ '{crm_name}' (first name one letter apart)"},
      {"name_initial", "name '{profile_name}' = '{crm_name}' (initial)"},
      {"name_family_only", "family name only: '{profile_name}', of '{crm_name}'"},
      {"name_other_given", "same family name but another first name: '{profile_name}' vs '{crm_name}'"},
      {"name_similar", "similar name (one letter or sound apart): '{profile_name}' ~ '{crm_name}'"},
      {"name_married", "same first name '{given}' at the same company, another family name (married name?)"},
      {"name_account", "profile name '{profile_name}' is the account's name '{crm_name}'"},
      {"note_same_name", "({count} CRM records have this name)"},
      {"note_common_family", "(a common family name)"},
      {"handle_from_name", "handle '{handle}' is built from the name '{crm_name}'"},
      {"handle_agrees", "handle '{handle}' agrees with the name"},
      // Place.
      {"location_city", "located in {location}, the CRM's city"},
      {"location_country", "located in {location}, the CRM's country"},
      // Following: an account that moved to this one.
      {"moved_from", "the account {handle}, linked to this record, moved here (confirmed by both accounts)"},
  };
  return kPhrases;
}

std::string English(const std::vector<Phrase>& phrases) {
  std::string out;
  for (const Phrase& p : phrases) {
    std::string text = p.id;
    for (const PhraseText& t : Phrases()) {
      if (p.id == t.id) text = t.english;
    }
    if (!out.empty()) out += ' ';
    out += FillArgs(text, p.args);
  }
  return out;
}

}  // namespace scrm::identity
