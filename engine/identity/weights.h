// The weights of matching's evidence, in bits: docs/identity.md explains
// each; tests/identity/evaluation_test.cc measures the result. Internal to
// identity/ (evidence_rules.cc, prepared.cc).
#ifndef SCRM_IDENTITY_WEIGHTS_H_
#define SCRM_IDENTITY_WEIGHTS_H_

namespace scrm::identity {

// Evidence weights, in bits (log2 of how much likelier the evidence is for
// the same person than for two different ones). docs/identity.md explains
// each; tests/identity/evaluation_test.cc measures the result.
inline constexpr double kEmailPersonal = 14;       // same personal address
inline constexpr double kEmailShared = 4;          // same address, held by several CRM records
inline constexpr double kEmailGenericPerson = 1;   // info@...: a team's, not a person's
inline constexpr double kEmailGenericAccount = 8;  // ...but it is the company's own
inline constexpr double kCrmHandle = 14;           // the CRM records this very handle/profile
inline constexpr double kCrmHandleElsewhere = 3;   // same handle, another platform
inline constexpr double kCrmHandleOther = -3;      // the CRM records another handle there
inline constexpr double kCrmUrl = 14;
inline constexpr double kDomainAccount = 5;
inline constexpr double kDomainPerson = 3;
inline constexpr double kEmailDomainCompany = 2.5;
inline constexpr double kCompanyPerson = 3;
inline constexpr double kCompanyPersonFuzzy =
    2;  // "Acme" / "Acme Industries": often, not always, one company
inline constexpr double kCompanyConflict = -1;  // people change jobs; the CRM lags
inline constexpr double kCompanyGroupCap = 4;   // company, e-mail domain, website say one thing
inline constexpr double kCompanyGroupCapAccount = 6;
inline constexpr double kAccountName = 7.5;
inline constexpr double kNameFull = 7;
inline constexpr double kNameNickname = 6;
inline constexpr double kNameInitial = 4;
inline constexpr double kNameFamilyOnly = 2;
inline constexpr double kNameTypoFull = 6;
inline constexpr double kNameTypoNickname = 4;
inline constexpr double kNameTypoInitial = 2;
inline constexpr double kNameConflict = -5;
inline constexpr double kHandleFull = 6;          // jeandupont, jean_dupont, dupont.jean
inline constexpr double kHandleInitial = 4;       // jdupont, dupontj
inline constexpr double kHandleGivenInitial = 3;  // jeand
inline constexpr double kHandleCorroborates = 2;  // handle agrees with the name already counted
inline constexpr double kGivenWithCompany =
    4;  // same first name at the same (small) company: married names
inline constexpr double kCity = 1.5;
inline constexpr double kCountry = 0.5;
inline constexpr double kRarityCapBits =
    4;  // a full name shared by 16+ records is worth 4 bits less
inline constexpr double kCommonFamily =
    -1.5;  // Martin, Smith...: many people outside the CRM have it

}  // namespace scrm::identity

#endif  // SCRM_IDENTITY_WEIGHTS_H_
