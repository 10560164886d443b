#include "api/protocol/url.hpp"

#include <algorithm>
#include <cctype>

namespace trailbox::api {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Target splitTarget(std::string_view target) {
  // Absolute-form ("http://host:port/path?query", RFC 9112 3.2.2) carries the same path.
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (target.size() >= scheme.size() &&
        std::equal(scheme.begin(), scheme.end(), target.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
      auto slash = target.find_first_of("/?", scheme.size());
      if (slash == std::string_view::npos) return {"/", {}};
      target.remove_prefix(slash);
      if (target.front() == '?') return {"/", std::string(target.substr(1))};
      break;
    }
  }
  auto q = target.find('?');
  if (q == std::string_view::npos) return {std::string(target), {}};
  return {std::string(target.substr(0, q)), std::string(target.substr(q + 1))};
}

bool percentDecode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hexValue(in[i + 1]);
    int lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>((hi << 4) | lo));
    i += 2;
  }
  return true;
}

bool parseQuery(std::string_view query, QueryParams& out) {
  out.clear();
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view item = query.substr(pos, amp - pos);
    if (!item.empty()) {
      size_t eq = item.find('=');
      std::string raw_key(item.substr(0, eq));
      std::string raw_value(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
      for (char& c : raw_value) {
        if (c == '+') c = ' ';
      }
      std::string key, value;
      if (!percentDecode(raw_key, key) || !percentDecode(raw_value, value)) return false;
      out.emplace_back(std::move(key), std::move(value));
    }
    if (amp == query.size()) break;
    pos = amp + 1;
  }
  return true;
}

std::vector<std::string_view> pathSegments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return out;
  size_t pos = 0;
  while (true) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(pos));
      break;
    }
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

}  // namespace trailbox::api
