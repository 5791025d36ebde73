// Status and Result<T>: expected failures as values.
//
// Bad input, not found, conflict, forbidden: a Status carries a code, a message
// that names what went wrong and where, and optionally the field at fault.
// Unexpected failures (database down, disk full) are exceptions, caught at the
// edges (CLI command, HTTP handler, ingest loop). Status is a cheap value type;
// an OK status holds no allocation.
//
// A failure a user may read on a page also carries a reason: a stable id from
// core/reasons.h and its arguments (the value typed, a limit...), so that the
// pages say it in the user's language from ui-templates/i18n ("reason.<id>")
// while message() stays the English text the CLI and the API print.
#ifndef SCRM_CORE_STATUS_H_
#define SCRM_CORE_STATUS_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace scrm {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // bad input; field() names it
    kNotFound,
    kConflict,
    kUnauthenticated,
    kForbidden,
    kUnavailable,  // a dependency (database, index) cannot be reached now
    kFailedPrecondition,
    kInternal,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg, std::string field = "") {
    return Status(Code::kInvalidArgument, std::move(msg), std::move(field));
  }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  static Status Unauthenticated(std::string msg) {
    return Status(Code::kUnauthenticated, std::move(msg));
  }
  static Status Forbidden(std::string msg) { return Status(Code::kForbidden, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status FailedPrecondition(std::string msg) {
    return Status(Code::kFailedPrecondition, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  // This status with a reason (core/reasons.h) and its arguments, by name
  // ({"value": "-5"}); message() and field() unchanged. An OK status stays OK.
  Status WithReason(std::string reason, std::map<std::string, std::string> args = {}) const;

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  const std::string& message() const;
  const std::string& field() const;
  const std::string& reason() const;  // "" when none
  const std::map<std::string, std::string>& reason_args() const;
  // "invalid_argument", "not_found"...: stable names used in JSON error bodies.
  std::string CodeName() const;
  // "invalid_argument: message (field: x)".
  std::string ToString() const;

 private:
  struct Rep {
    Code code;
    std::string message;
    std::string field;
    std::string reason;
    std::map<std::string, std::string> args;
  };
  explicit Status(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}
  Status(Code code, std::string msg, std::string field = "")
      : rep_(std::make_shared<const Rep>(Rep{code, std::move(msg), std::move(field), {}, {}})) {}
  std::shared_ptr<const Rep> rep_;
};

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace scrm

#endif  // SCRM_CORE_STATUS_H_
