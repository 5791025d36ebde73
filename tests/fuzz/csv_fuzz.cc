// The streaming RFC 4180 reader, with ',' and (for odd lengths) ';' as the
// delimiter. Records must come in order, with sane positions.
#include <cstdint>

#include "fuzz_util.h"
#include "sources/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scrm;
  fuzz::BytesStream in(data, size);
  sources::CsvReader reader(in, size % 2 ? ';' : ',');
  sources::CsvRecord record;
  int64_t last_offset = -1;
  while (reader.Next(&record)) {
    SCRM_FUZZ_CHECK(record.offset > last_offset);
    SCRM_FUZZ_CHECK(record.offset <= static_cast<int64_t>(size));
    SCRM_FUZZ_CHECK(record.line >= 1 && record.end_line >= record.line);
    SCRM_FUZZ_CHECK(!record.fields.empty());
    last_offset = record.offset;
    for (const std::string& f : record.fields) (void)fuzz::Touch(f);
  }
  return 0;
}
