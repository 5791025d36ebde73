// The ingest pipeline: one input (a file, stdin, a fetched feed, a pushed
// body) through the parser of its format into the store. The parser runs on
// the calling thread and hands records over in batches to writer threads
// (a record's key picks its writer, so versions of one record keep their
// order), so parsing and database writes overlap while memory stays flat:
// at most a few batches per writer are in flight whatever the input's size.
//
// Posts are upserted by (source, external id), profiles by (platform,
// external id); a Delete removes the post of that id when its author asks,
// under every source that holds it (store::ContentRepository::ApplyDeletions), in input order
// with the post's other versions; a record that cannot be read is kept in scrm_rejects with
// its raw bytes, position and reason. Nothing is lost, and ingesting the
// same input twice changes nothing.
#ifndef SCRM_INGEST_PIPELINE_H_
#define SCRM_INGEST_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/post.h"
#include "core/source.h"
#include "core/status.h"
#include "store/pool.h"

namespace scrm::ingest {

struct IngestOptions {
  std::string format = "auto";  // or a name of KnownFormats()
  std::string file_name = "-";  // named in positions and messages
  std::string charset;          // feeds: charset of an HTTP Content-Type header
  std::string base_url;         // feeds: the URL the input was fetched from
  size_t batch_size = 1000;     // records per database write
  int writers = 2;              // database writers working at once, each on its own connection
  bool detect_language = true;  // fill a post's language when its source gives none
  bool keep_rejects = true;     // false: count rejects without storing them (retries)
  // Called for each record as the parser leaves it, in input order: OK for a
  // post or profile handed to the writers, the reason for a rejected one.
  // Pushes answer one result per record with it.
  std::function<void(int64_t record, const Status& outcome)> on_record;
};

struct IngestSummary {
  std::string format;  // as detected or given
  int64_t read = 0;    // records read, whatever became of them
  int64_t posts_new = 0;
  int64_t posts_updated = 0;
  int64_t posts_unchanged = 0;
  int64_t profiles_new = 0;
  int64_t profiles_updated = 0;
  int64_t profiles_unchanged = 0;
  // Deletions (ActivityStreams Delete): `removed` the posts their author
  // deleted; `deletes_refused` Deletes by someone else than the stored
  // post's author (the post kept, each noted); `deletes_unknown` Deletes of
  // posts this source does not hold. Following adds the posts gone
  // upstream to `removed` (service/follow.h).
  int64_t removed = 0;
  int64_t deletes_refused = 0;
  int64_t deletes_unknown = 0;
  int64_t rejected = 0;
  int64_t skipped = 0;  // read and left out on purpose (likes, follows...): see notes
  int64_t bytes = 0;
  double seconds = 0;
  std::vector<std::string> notes;
  std::string first_reject_reason;  // of the first rejected record, if any

  // Adds s's counts, bytes and seconds; keeps the first reject reason
  // (format and notes stay this summary's own).
  IngestSummary& operator+=(const IngestSummary& s);

  // {"format","read","new","updated","unchanged","removed","deletes_refused",
  //  "deletes_unknown","rejected","skipped","profiles":{"new","updated","unchanged"},
  //  "bytes","seconds","notes"}
  nlohmann::json ToJson() const;
};

// Progress: bytes consumed so far and the running summary.
using IngestProgress = std::function<void(int64_t bytes, const IngestSummary&)>;

// Reads `in` to its end. InvalidArgument (naming the file and what was
// expected) when the input is not the format at all; database failures
// throw store::DbError. Records written before a failure stay written.
Result<IngestSummary> Ingest(store::Pool& pool, const Source& source, std::istream& in,
                             const IngestOptions& options,
                             const IngestProgress& progress = nullptr);

// Records produced live (an open network's client reading an account),
// through the same completion (entities, language) and writers as a file's
// records. `format` names them in rejects ("atproto", "activitypub"). The
// producer's failure is returned after what it handed over is stored.
using RecordProducer = std::function<Status(RecordSink& sink)>;
Result<IngestSummary> IngestRecords(store::Pool& pool, const Source& source,
                                    const std::string& format, const RecordProducer& produce,
                                    const IngestOptions& options);

}  // namespace scrm::ingest

#endif  // SCRM_INGEST_PIPELINE_H_
