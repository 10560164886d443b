#include "api/model/shape_model.hpp"

#include <algorithm>

#include "api/json.hpp"

namespace trailbox::api {
namespace {

// Regular expressions run only on values up to this many characters: libstdc++'s matcher
// recurses per character, and no constrained member that needs a regex is longer.
constexpr size_t kMaxRegexInput = 4096;

int hexDigit(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return -1;
}

Shape::Type parseType(const std::string& t, bool& ok) {
  ok = true;
  if (t == "structure") return Shape::Type::kStructure;
  if (t == "list") return Shape::Type::kList;
  if (t == "map") return Shape::Type::kMap;
  if (t == "string") return Shape::Type::kString;
  if (t == "integer") return Shape::Type::kInteger;
  if (t == "long") return Shape::Type::kLong;
  if (t == "boolean") return Shape::Type::kBoolean;
  if (t == "timestamp") return Shape::Type::kTimestamp;
  if (t == "blob") return Shape::Type::kBlob;
  if (t == "double") return Shape::Type::kDouble;
  if (t == "float") return Shape::Type::kFloat;
  ok = false;
  return Shape::Type::kString;
}

}  // namespace

bool decodeUtf8(std::string_view text, std::u32string& out) {
  out.clear();
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    char32_t cp;
    size_t extra;
    if (c < 0x80) {
      cp = c;
      extra = 0;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      extra = 2;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      extra = 3;
    } else {
      return false;
    }
    if (extra > 0 && i + extra >= text.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Reject overlong forms, surrogates and values beyond Unicode.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    out.push_back(cp);
    i += extra + 1;
  }
  return true;
}

size_t utf8Length(std::string_view text) {
  std::u32string decoded;
  if (!decodeUtf8(text, decoded)) return std::string_view::npos;
  return decoded.size();
}

Pattern::Pattern(std::string source) : source_(std::move(source)) {
  if (source_.empty()) return;
  if (source_ == ".*\\S.*") {
    kind_ = Kind::kNonBlank;
    return;
  }
  // ".*[<anything>]*.*" accepts every string.
  if (source_.size() > 6 && source_.rfind(".*[", 0) == 0 && source_.size() >= 4 &&
      source_.compare(source_.size() - 4, 4, "]*.*") == 0) {
    kind_ = Kind::kAny;
    return;
  }
  std::string_view body(source_);
  if (body.size() > 2 && body.front() == '(' && body.back() == ')') body = body.substr(1, body.size() - 2);
  if (body.size() >= 3 && body.front() == '[' && (body.back() == '+' || body.back() == '*') &&
      body[body.size() - 2] == ']' && parseCharClass(body.substr(1, body.size() - 3))) {
    allow_empty_ = body.back() == '*';
    kind_ = Kind::kCharClass;
    return;
  }
  kind_ = Kind::kRegex;
}

bool Pattern::parseCharClass(std::string_view body) {
  std::u32string cls;
  if (!decodeUtf8(body, cls)) return false;
  size_t i = 0;
  if (!cls.empty() && cls[0] == U'^') {
    negated_ = true;
    i = 1;
  }
  // Reads one (possibly escaped) character at i; false for constructs this parser leaves to regex.
  auto readChar = [&](char32_t& out) -> bool {
    if (i >= cls.size()) return false;
    char32_t c = cls[i++];
    if (c == U'[' || c == U']') return false;
    if (c != U'\\') {
      out = c;
      return true;
    }
    if (i >= cls.size()) return false;
    char32_t e = cls[i++];
    switch (e) {
      case U't': out = U'\t'; return true;
      case U'n': out = U'\n'; return true;
      case U'r': out = U'\r'; return true;
      case U'u': {
        auto hex4 = [&](char32_t& v) {
          if (i + 4 > cls.size()) return false;
          v = 0;
          for (int k = 0; k < 4; ++k) {
            int d = hexDigit(cls[i++]);
            if (d < 0) return false;
            v = (v << 4) | static_cast<char32_t>(d);
          }
          return true;
        };
        char32_t v = 0;
        if (!hex4(v)) return false;
        // Java patterns write supplementary characters as UTF-16 pairs: \uD800\uDC00 is U+10000.
        if (v >= 0xD800 && v <= 0xDBFF && i + 6 <= cls.size() && cls[i] == U'\\' && cls[i + 1] == U'u') {
          size_t save = i;
          i += 2;
          char32_t low = 0;
          if (hex4(low) && low >= 0xDC00 && low <= 0xDFFF) {
            v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00);
          } else {
            i = save;
          }
        }
        out = v;
        return true;
      }
      default:
        if ((e >= U'a' && e <= U'z') || (e >= U'A' && e <= U'Z') || (e >= U'0' && e <= U'9')) return false;
        out = e;
        return true;
    }
  };
  while (i < cls.size()) {
    char32_t lo;
    if (!readChar(lo)) return false;
    if (i + 1 < cls.size() && cls[i] == U'-') {
      ++i;
      char32_t hi;
      if (!readChar(hi)) return false;
      ranges_.push_back({std::min(lo, hi), std::max(lo, hi)});
    } else {
      ranges_.push_back({lo, lo});
    }
  }
  return !ranges_.empty();
}

bool Pattern::matches(std::string_view value) const {
  if (kind_ == Kind::kNone) return true;
  std::u32string text;
  if (!decodeUtf8(value, text)) return false;
  switch (kind_) {
    case Kind::kNone:
    case Kind::kAny:
      return true;
    case Kind::kNonBlank:
      return std::any_of(text.begin(), text.end(), [](char32_t c) {
        return !(c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' || c == U'\v');
      });
    case Kind::kCharClass: {
      if (text.empty()) return allow_empty_;
      for (char32_t c : text) {
        bool in = std::any_of(ranges_.begin(), ranges_.end(), [c](const Range& r) { return c >= r.lo && c <= r.hi; });
        if (in == negated_) return false;
      }
      return true;
    }
    case Kind::kRegex: {
      if (text.size() > kMaxRegexInput) return false;
      std::call_once(compiled_, [this] {
        std::u32string src;
        decodeUtf8(source_, src);
        std::wstring wsrc(src.begin(), src.end());
        try {
          regex_ = std::make_unique<std::wregex>(wsrc, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error&) {
          regex_.reset();  // an unsupported pattern constrains nothing rather than rejecting all
        }
      });
      if (!regex_) return true;
      std::wstring wtext(text.begin(), text.end());
      return std::regex_match(wtext, *regex_);
    }
  }
  return false;
}

const Member* Shape::findMember(std::string_view member_name) const {
  for (const auto& m : members) {
    if (m.name == member_name) return &m;
  }
  return nullptr;
}

bool Shape::isRequired(std::string_view member_name) const {
  return std::find(required.begin(), required.end(), member_name) != required.end();
}

Result<std::unique_ptr<ServiceModel>> ServiceModel::load(std::string_view json_text) {
  // The model is our own embedded data, but a malformed regeneration must fail start-up with a
  // message rather than escape as an exception.
  try {
    return loadUnchecked(json_text);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternalServerException, std::string("service model: ") + e.what());
  }
}

Result<std::unique_ptr<ServiceModel>> ServiceModel::loadUnchecked(std::string_view json_text) {
  Json doc = Json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("shapes") || !doc.contains("operations")) {
    return fail(ErrorCode::kInternalServerException, "service model is not valid JSON of the expected form");
  }
  auto model = std::unique_ptr<ServiceModel>(new ServiceModel());
  const Json& meta = doc.value("metadata", Json::object());
  model->target_prefix_ = meta.value("targetPrefix", "");
  model->signing_name_ = meta.value("signingName", meta.value("endpointPrefix", ""));

  for (auto it = doc["shapes"].begin(); it != doc["shapes"].end(); ++it) {
    auto s = std::make_unique<Shape>();
    s->name = it.key();
    model->shapes_.emplace(it.key(), std::move(s));
  }
  auto resolve = [&](const Json& ref) -> const Shape* {
    if (!ref.is_object() || !ref.contains("shape")) return nullptr;
    auto found = model->shapes_.find(ref["shape"].get<std::string>());
    return found == model->shapes_.end() ? nullptr : found->second.get();
  };
  for (auto it = doc["shapes"].begin(); it != doc["shapes"].end(); ++it) {
    Shape& s = *model->shapes_[it.key()];
    const Json& j = it.value();
    bool ok = false;
    s.type = parseType(j.value("type", ""), ok);
    if (!ok) return fail(ErrorCode::kInternalServerException, "service model: shape " + s.name + " has an unknown type");
    if (j.contains("members")) {
      for (auto m = j["members"].begin(); m != j["members"].end(); ++m) {
        Member member;
        member.name = m.key();
        member.shape = resolve(m.value());
        if (!member.shape) {
          return fail(ErrorCode::kInternalServerException, "service model: member " + s.name + "." + m.key() + " has no shape");
        }
        member.location = m.value().value("location", "");
        member.location_name = m.value().value("locationName", m.key());
        member.idempotency_token = m.value().value("idempotencyToken", false);
        s.members.push_back(std::move(member));
      }
    }
    if (j.contains("required")) s.required = j["required"].get<std::vector<std::string>>();
    if (j.contains("member")) s.member = resolve(j["member"]);
    if (j.contains("key")) s.key = resolve(j["key"]);
    if (j.contains("value")) s.value = resolve(j["value"]);
    if (j.contains("min")) s.min = j["min"].get<double>();
    if (j.contains("max")) s.max = j["max"].get<double>();
    if (j.contains("pattern")) s.pattern = std::make_unique<const Pattern>(j["pattern"].get<std::string>());
    if (j.contains("enum")) s.enum_values = j["enum"].get<std::vector<std::string>>();
    s.is_union = j.value("union", false);
    s.sensitive = j.value("sensitive", false);
  }
  for (auto it = doc["operations"].begin(); it != doc["operations"].end(); ++it) {
    Operation op;
    op.name = it.key();
    const Json& j = it.value();
    if (j.contains("http")) {
      op.method = j["http"].value("method", "POST");
      op.request_uri = j["http"].value("requestUri", "/");
    }
    if (j.contains("input")) op.input = model->shape(j["input"].get<std::string>());
    if (j.contains("output")) op.output = model->shape(j["output"].get<std::string>());
    if (j.contains("errors")) op.errors = j["errors"].get<std::vector<std::string>>();
    model->operations_.push_back(std::move(op));
  }
  return model;
}

const Operation* ServiceModel::operation(std::string_view name) const {
  for (const auto& op : operations_) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

const Shape* ServiceModel::shape(std::string_view name) const {
  auto it = shapes_.find(std::string(name));
  return it == shapes_.end() ? nullptr : it->second.get();
}

}  // namespace trailbox::api
