#include "core/status.h"

#include <memory>

namespace scrm {

namespace {
const std::string& Empty() {
  static const std::string kEmpty;
  return kEmpty;
}
}  // namespace

const std::string& Status::message() const { return rep_ ? rep_->message : Empty(); }
const std::string& Status::field() const { return rep_ ? rep_->field : Empty(); }
const std::string& Status::reason() const { return rep_ ? rep_->reason : Empty(); }

const std::map<std::string, std::string>& Status::reason_args() const {
  static const std::map<std::string, std::string> kNone;
  return rep_ ? rep_->args : kNone;
}

Status Status::WithReason(std::string reason, std::map<std::string, std::string> args) const {
  if (ok()) return *this;
  Rep rep = *rep_;
  rep.reason = std::move(reason);
  rep.args = std::move(args);
  return Status(std::make_shared<const Rep>(std::move(rep)));
}

std::string Status::CodeName() const {
  switch (code()) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kConflict: return "conflict";
    case Code::kUnauthenticated: return "unauthenticated";
    case Code::kForbidden: return "forbidden";
    case Code::kUnavailable: return "unavailable";
    case Code::kFailedPrecondition: return "failed_precondition";
    case Code::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s = CodeName() + ": " + message();
  if (!field().empty()) s += " (field: " + field() + ")";
  return s;
}

}  // namespace scrm
