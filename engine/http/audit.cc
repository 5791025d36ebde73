#include "http/audit.h"

#include <chrono>
#include <iostream>
#include <vector>

#include "service/api_keys.h"
#include "secrets/crypto.h"
#include "http/session.h"

namespace scrm::http {

namespace {

constexpr size_t kFingerprintDigits = 12;

const char* KindOf(int status) {
  switch (status) {
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    default:
      return "rate_limited";
  }
}

std::string Bearer(const Request& request) {
  const std::string authz = request.Header("authorization");
  return authz.rfind("Bearer ", 0) == 0 ? authz.substr(7) : "";
}

// The API key prefix lists show, with anything but base64url replaced: the
// text is the client's, not ours.
std::string KeyPrefix(const std::string& credential) {
  std::string out = credential.substr(0, 12);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) c = '?';
  }
  return out;
}

// Why a request was refused when the answer did not say: told from what it
// carried.
std::string ReasonOf(const Request& request, int status, const std::string& reason) {
  if (!reason.empty() && reason != "unauthenticated") return reason;
  if (status == 401) {
    const std::string bearer = Bearer(request);
    if (service::LooksLikeApiKey(bearer)) return "api_key_unknown";
    if (bearer.empty() && CookieValue(request, kSessionCookie).empty() && !request.Query("sso")) {
      return "no_credentials";
    }
  }
  return reason.empty() ? KindOf(status) : reason;
}

}  // namespace

std::string ClientHost(const Request& request) {
  // The server sets client_address (the peer, or the address a trusted
  // proxy forwarded); requests built elsewhere (tests) may carry only the
  // peer's "ip:port".
  if (!request.client_address.empty()) return request.client_address;
  const std::string& a = request.remote_address;
  if (!a.empty() && a[0] == '[') {
    const size_t end = a.find(']');
    return end == std::string::npos ? a : a.substr(1, end - 1);
  }
  const size_t colon = a.rfind(':');
  // One colon: host:port. More: an IPv6 address without brackets (no port).
  if (colon == std::string::npos || a.find(':') != colon) return a;
  return a.substr(0, colon);
}

store::AuditBy AuditByOf(const Request& request) {
  return {request.principal.user_id, ClientHost(request)};
}

std::string CredentialId(const Request& request) {
  if (!request.principal.user_id.empty()) return request.principal.user_id;
  std::string token = Bearer(request);
  if (service::LooksLikeApiKey(token)) return "api-key:" + KeyPrefix(token);
  if (token.empty()) token = request.Query("sso").value_or("");
  if (!token.empty()) return "token:" + secrets::Sha256Hex(token).substr(0, kFingerprintDigits);
  const std::string session = CookieValue(request, kSessionCookie);
  if (!session.empty()) return "session:" + secrets::Sha256Hex(session).substr(0, kFingerprintDigits);
  return "";
}

void RecordAudit(store::Pool* pool, const std::string& kind, const Request& request,
                 const std::string& object, const nlohmann::json& detail) {
  if (pool == nullptr) {
    store::CountAuditEvents(kind, 1);
    return;
  }
  const store::AuditBy by = AuditByOf(request);
  try {
    store::AuditRepository(*pool).Add(
        store::AuditEntry{kind, by.actor, "", detail, object, by.address});
  } catch (const store::DbError& e) {
    std::cerr << "scrm audit: could not record " << kind << " by " << by.actor << " (" << object
              << "): " << e.what() << std::endl;
  }
}

RefusalLog::RefusalLog(store::Pool* pool, AuditOptions options) : pool_(pool), options_(options) {
  if (pool_ != nullptr && options_.flush_seconds > 0) {
    PeriodicOptions wait_first;
    wait_first.run_at_start = false;
    flusher_ = std::make_unique<Periodic>("security log", std::chrono::seconds(options_.flush_seconds),
                                          [this] { Flush(); }, wait_first);
    flusher_->Start();
  }
}

RefusalLog::~RefusalLog() {
  if (flusher_) flusher_->Stop();
  Flush();
}

void RefusalLog::Refused(const Request& request, int status, const std::string& reason,
                         const std::string& route, int64_t now) {
  const std::string kind = KindOf(status);
  const std::string why = ReasonOf(request, status, reason);
  std::string address = ClientHost(request);
  std::string actor = CredentialId(request);
  std::string object = request.method + " " + route;
  store::CountAuditEvents(kind, 1);
  const int64_t minute = now / 60;
  auto bucket_of = [&] {
    return kind + '\n' + why + '\n' + address + '\n' + actor + '\n' + object;
  };
  std::lock_guard<std::mutex> lock(mu_);
  if (minute != minute_) {
    minute_ = minute;
    seen_.clear();
    per_address_.clear();
  }
  std::string bucket = bucket_of();
  if (seen_.count(bucket) == 0) {
    if (seen_.size() >= options_.rows_per_minute) {
      address = actor = object = "*";
    } else {
      size_t& n = per_address_[kind + '\n' + why + '\n' + address];
      if (n >= options_.credentials_per_address) {
        actor = "*";
      } else {
        ++n;
      }
    }
    bucket = bucket_of();
    if (address != "*") seen_.insert(bucket);
  }
  const std::string key = secrets::Sha256Hex(bucket + '\n' + std::to_string(minute));
  store::AuditAggregate& a = pending_[key];
  if (a.count == 0) {
    a.key = key;
    a.entry =
        store::AuditEntry{kind, actor, "", {{"reason", why}, {"status", status}}, object, address};
    a.first_at = now;
  }
  ++a.count;
  a.last_at = std::max(a.last_at, now);
}

void RefusalLog::Flush() {
  std::lock_guard<std::mutex> one_at_a_time(flush_mu_);
  std::map<std::string, store::AuditAggregate> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(pending_);
  }
  if (batch.empty() || pool_ == nullptr) return;
  std::vector<store::AuditAggregate> rows;
  rows.reserve(batch.size());
  for (auto& [key, a] : batch) rows.push_back(a);
  try {
    store::AuditRepository(*pool_).AddAggregates(rows);
  } catch (const store::DbError& e) {
    std::cerr << "scrm audit: could not write " << rows.size()
              << " refusal row(s), kept for the next try: " << e.what() << std::endl;
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, a] : batch) {
      store::AuditAggregate& into = pending_[key];
      if (into.count == 0) {
        into = a;
      } else {
        into.count += a.count;
        into.first_at = std::min(into.first_at, a.first_at);
        into.last_at = std::max(into.last_at, a.last_at);
      }
    }
  }
}

size_t RefusalLog::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

}  // namespace scrm::http
