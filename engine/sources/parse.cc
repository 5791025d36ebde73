#include "sources/parse.h"

#include <utility>

namespace scrm::sources {

std::string RecordEmitter::Where(const Position& where) {
  std::string s = "record " + std::to_string(where.record);
  if (where.line > 0) s += " (line " + std::to_string(where.line) + ")";
  return s;
}

void RecordEmitter::EmitPost(Post post, const Position& where) {
  ++stats_.posts;
  sink_.OnPost(std::move(post), where);
}

void RecordEmitter::EmitProfile(Profile profile, const Position& where) {
  ++stats_.profiles;
  sink_.OnProfile(std::move(profile), where);
}

void RecordEmitter::EmitDelete(Deletion deletion, const Position& where) {
  ++stats_.deletions;
  sink_.OnDelete(std::move(deletion), where);
}

void RecordEmitter::EmitReject(const Position& where, std::string_view reason,
                               std::string_view raw) {
  ++stats_.rejects;
  Reject reject;
  reject.position = where;
  reject.reason = Where(where) + ": " + std::string(reason);
  reject.raw = std::string(raw.substr(0, kMaxRawBytes));
  sink_.OnReject(std::move(reject));
}

void RecordEmitter::Skip(const Position& where, std::string_view why) {
  ++stats_.skipped;
  Note(Where(where) + ": " + std::string(why));
}

void RecordEmitter::Note(std::string note) {
  if (stats_.notes.size() < ParseStats::kMaxNotes) stats_.notes.push_back(std::move(note));
}

}  // namespace scrm::sources
