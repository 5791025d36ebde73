// Internal to entities.cc: the Unicode and TLD tables that entity_tables_gen
// writes at build time (entity_tables.cc in the build tree) from the Unicode
// Character Database and a TLD list. Sorted, immutable, safe to share.
#ifndef SCRM_SOURCES_ENTITY_TABLES_H_
#define SCRM_SOURCES_ENTITY_TABLES_H_

#include <cstddef>
#include <cstdint>

namespace scrm::sources::internal {

struct CodePointRange {
  uint32_t first;
  uint32_t last;  // inclusive
};

struct CaseMapping {
  uint32_t from;
  uint32_t to;
};

// General categories L* and M* (letters and marks of every script).
extern const CodePointRange kLetterOrMarkRanges[];
extern const size_t kLetterOrMarkRangesCount;
// General category Nd (decimal digits of every script).
extern const CodePointRange kDecimalDigitRanges[];
extern const size_t kDecimalDigitRangesCount;
// Simple lowercase mappings, sorted by `from`; none maps non-ASCII to ASCII.
extern const CaseMapping kLowercaseMappings[];
extern const size_t kLowercaseMappingsCount;

// Top-level domains, lower-case UTF-8, in the order of the source list.
extern const char* const kGenericTlds[];
extern const size_t kGenericTldsCount;
extern const char* const kCountryTlds[];
extern const size_t kCountryTldsCount;
// Where the TLDs came from ("twitter-text tld_lib.yml" or the PSL fallback).
extern const char kTldOrigin[];

}  // namespace scrm::sources::internal

#endif  // SCRM_SOURCES_ENTITY_TABLES_H_
