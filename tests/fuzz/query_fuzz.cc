// The text query: balance check, folding and Xapian's QueryParser as
// QueryBuilder sets it up (prefixes, the French/English stem field), over an
// empty in-memory database; then the query is run and a spelling
// suggestion asked for, as a search does. Which stems apply varies with the
// input's length.
#include <xapian.h>

#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "index/query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  static const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  static index::internal::QueryBuilder builder(db);
  const std::string q(fuzz::View(data, size));
  (void)fuzz::Touch(index::internal::FoldQuery(q));
  const bool french = size % 3 != 1;
  const bool english = size % 3 != 2;
  Result<index::internal::TextQuery> parsed = builder.Parse(q, french, english);
  if (!parsed.ok()) {
    SCRM_FUZZ_CHECK(!parsed.status().message().empty());
    return 0;
  }
  Xapian::Enquire enquire(db);
  enquire.set_query(parsed->query);
  (void)enquire.get_mset(0, 10).size();
  index::internal::TermFreqs freqs(db);
  (void)index::internal::Suggest(freqs, q, index::Viewer{});
  return 0;
}
