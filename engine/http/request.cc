#include "http/request.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace scrm::http {

bool Principal::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string LowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string Request::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::optional<std::string> Request::Query(const std::string& name) const {
  if (query_names_read != nullptr) query_names_read->insert(name);
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Request::QueryAll(const std::string& name) const {
  if (query_names_read != nullptr) query_names_read->insert(name);
  std::vector<std::string> out;
  auto range = query.equal_range(name);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

void Request::NoteQueryNames(const std::set<std::string>& names) const {
  if (query_names_read != nullptr) query_names_read->insert(names.begin(), names.end());
}

std::string Request::Header(const std::string& name) const {
  auto it = headers.find(LowerAscii(name));
  return it == headers.end() ? std::string() : it->second;
}

Response Response::Json(const nlohmann::json& body, int status) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::Text(std::string body, int status, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

void Response::SetHeader(const std::string& name, const std::string& value) {
  const std::string key = LowerAscii(name);
  if (key == "content-type") {
    content_type = value;
    return;
  }
  for (auto& h : headers) {
    if (LowerAscii(h.first) == key) {
      h.second = value;
      return;
    }
  }
  headers.emplace_back(name, value);
}

std::string Response::Header(const std::string& name) const {
  const std::string key = LowerAscii(name);
  if (key == "content-type") return content_type;
  for (const auto& h : headers) {
    if (LowerAscii(h.first) == key) return h.second;
  }
  return "";
}

}  // namespace scrm::http
