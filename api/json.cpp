#include "api/json.hpp"

#include <charconv>

namespace trailbox::api {

namespace {

std::string nlohmannDump(const Json& value) {
  return value.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

// Strings are most of what trailbox serializes. ASCII is copied in runs between the characters
// JSON must escape; anything else (UTF-8 to validate, or to replace when invalid) is left to
// nlohmann so the output stays identical to dump().
void writeString(const std::string& s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t start = out.size();
  out.push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      out.resize(start);
      out += nlohmannDump(Json(s));
      return;
    }
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    out.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(s, run, std::string::npos);
  out.push_back('"');
}

template <typename Int>
void writeInteger(Int v, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void write(const Json& v, std::string& out) {
  switch (v.type()) {
    case Json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out.push_back(',');
        first = false;
        writeString(it.key(), out);
        out.push_back(':');
        write(it.value(), out);
      }
      out.push_back('}');
      return;
    }
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v) {
        if (!first) out.push_back(',');
        first = false;
        write(item, out);
      }
      out.push_back(']');
      return;
    }
    case Json::value_t::string:
      writeString(v.get_ref<const std::string&>(), out);
      return;
    case Json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::number_integer:
      writeInteger(v.get<int64_t>(), out);
      return;
    case Json::value_t::number_unsigned:
      writeInteger(v.get<uint64_t>(), out);
      return;
    default:
      // Floating point (nlohmann's shortest round-trip form), binary, discarded: as dump() does.
      out += nlohmannDump(v);
      return;
  }
}

}  // namespace

std::string dumpJson(const Json& value) {
  std::string out;
  out.reserve(256);
  write(value, out);
  return out;
}

}  // namespace trailbox::api
