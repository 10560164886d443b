#include "api/model/validator.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "api/clock.hpp"

namespace trailbox::api {
namespace {

std::string join(const std::string& path, const std::string& name) { return path.empty() ? name : path + "." + name; }

const char* jsonTypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "object";
    case Json::value_t::array: return "array";
    case Json::value_t::string: return "string";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "number";
    default: return "value";
  }
}

const char* expectedName(Shape::Type t) {
  switch (t) {
    case Shape::Type::kStructure: return "an object";
    case Shape::Type::kList: return "an array";
    case Shape::Type::kMap: return "an object (map)";
    case Shape::Type::kString: return "a string";
    case Shape::Type::kInteger:
    case Shape::Type::kLong: return "an integer";
    case Shape::Type::kBoolean: return "a boolean";
    case Shape::Type::kTimestamp: return "a timestamp (epoch seconds)";
    case Shape::Type::kBlob: return "a base64 string";
    case Shape::Type::kDouble:
    case Shape::Type::kFloat: return "a number";
  }
  return "a value";
}

std::string shown(const Json& v, const Shape& shape) {
  if (shape.sensitive) return "***";
  std::string text = v.is_string() ? v.get<std::string>() : dumpJson(v);
  if (text.size() > 256) text = text.substr(0, 256) + "...";
  return text;
}

std::string numberText(double d) {
  if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  char text[64];
  std::snprintf(text, sizeof text, d == std::floor(d) && std::fabs(d) < 1e20 ? "%.0f" : "%.17g", d);
  return text;
}

void constraint(std::vector<Violation>& out, const std::string& path, const std::string& value_text,
                const std::string& rule) {
  out.push_back({path, "Value '" + value_text + "' at '" + path + "' failed to satisfy constraint: " + rule, false});
}

void typeError(std::vector<Violation>& out, const std::string& path, const Json& v, const Shape& shape) {
  std::string where = path.empty() ? "the request body" : "'" + path + "'";
  out.push_back({path,
                 std::string("Expected ") + expectedName(shape.type) + " at " + where + " but found " +
                     jsonTypeName(v),
                 true});
}

void checkLength(std::vector<Violation>& out, const std::string& path, const std::string& value_text, size_t length,
                 const Shape& shape) {
  if (shape.min && static_cast<double>(length) < *shape.min) {
    constraint(out, path, value_text, "Member must have length greater than or equal to " + numberText(*shape.min));
  }
  if (shape.max && static_cast<double>(length) > *shape.max) {
    constraint(out, path, value_text, "Member must have length less than or equal to " + numberText(*shape.max));
  }
}

void checkString(std::vector<Violation>& out, const std::string& value, const std::string& path, const Shape& shape) {
  size_t length = utf8Length(value);
  std::string text = shape.sensitive ? "***" : (value.size() > 256 ? value.substr(0, 256) + "..." : value);
  if (length == std::string_view::npos) {
    constraint(out, path, text, "Member must be valid UTF-8");
    return;
  }
  checkLength(out, path, text, length, shape);
  if (!shape.enum_values.empty()) {
    bool found = false;
    for (const auto& e : shape.enum_values) found = found || e == value;
    if (!found) {
      std::string set;
      for (const auto& e : shape.enum_values) set += (set.empty() ? "" : ", ") + e;
      constraint(out, path, text, "Member must satisfy enum value set: [" + set + "]");
    }
  }
  if (shape.pattern && !shape.pattern->matches(value)) {
    constraint(out, path, text, "Member must satisfy regular expression pattern: " + shape.pattern->source());
  }
}

void walk(const Json& v, const Shape& shape, const std::string& path, std::vector<Violation>& out) {
  switch (shape.type) {
    case Shape::Type::kStructure: {
      if (!v.is_object()) return typeError(out, path, v, shape);
      for (const auto& name : shape.required) {
        auto it = v.find(name);
        if (it == v.end() || it->is_null()) {
          std::string p = join(path, name);
          out.push_back({p, "Value null at '" + p + "' failed to satisfy constraint: Member must not be null", false});
        }
      }
      size_t set = 0;
      for (const auto& m : shape.members) {
        auto it = v.find(m.name);
        if (it == v.end() || it->is_null()) continue;
        ++set;
        walk(*it, *m.shape, join(path, m.name), out);
      }
      if (shape.is_union && set != 1) {
        std::string names;
        for (const auto& m : shape.members) names += (names.empty() ? "" : ", ") + m.name;
        std::string where = path.empty() ? "the request" : "'" + path + "'";
        out.push_back({path,
                       "Value at " + where + " failed to satisfy constraint: exactly one of [" + names +
                           "] must be set, found " + std::to_string(set),
                       false});
      }
      return;
    }
    case Shape::Type::kList: {
      if (!v.is_array()) return typeError(out, path, v, shape);
      checkLength(out, path, shown(v, shape), v.size(), shape);
      for (size_t i = 0; i < v.size(); ++i) {
        if (shape.member) walk(v[i], *shape.member, path + "[" + std::to_string(i) + "]", out);
      }
      return;
    }
    case Shape::Type::kMap: {
      if (!v.is_object()) return typeError(out, path, v, shape);
      checkLength(out, path, shown(v, shape), v.size(), shape);
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (shape.key) checkString(out, it.key(), path + " (key '" + it.key() + "')", *shape.key);
        if (shape.value) walk(it.value(), *shape.value, join(path, it.key()), out);
      }
      return;
    }
    case Shape::Type::kString:
      if (!v.is_string()) return typeError(out, path, v, shape);
      return checkString(out, v.get_ref<const std::string&>(), path, shape);
    case Shape::Type::kBlob:
      if (!v.is_string()) return typeError(out, path, v, shape);
      return;
    case Shape::Type::kBoolean:
      if (!v.is_boolean()) return typeError(out, path, v, shape);
      return;
    case Shape::Type::kInteger:
    case Shape::Type::kLong: {
      if (!v.is_number()) return typeError(out, path, v, shape);
      double d = v.get<double>();
      if (!std::isfinite(d) || d != std::floor(d)) return typeError(out, path, v, shape);
      const bool is_int = shape.type == Shape::Type::kInteger;
      if (v.is_number_unsigned()) {
        // Integers arrive exactly; only their own range decides (a double cannot hold 2^63 - 1).
        if (v.get<uint64_t>() > (is_int ? 2147483647ULL : 9223372036854775807ULL)) return typeError(out, path, v, shape);
      } else if (v.is_number_integer()) {
        int64_t i = v.get<int64_t>();
        if (is_int && (i > 2147483647LL || i < -2147483648LL)) return typeError(out, path, v, shape);
      } else {
        // Half-open [-2^k, 2^k): both bounds are exact doubles.
        double bound = is_int ? 2147483648.0 : 9223372036854775808.0;
        if (d >= bound || d < -bound) return typeError(out, path, v, shape);
      }
      std::string text = numberText(d);
      if (shape.min && d < *shape.min) {
        constraint(out, path, text, "Member must have value greater than or equal to " + numberText(*shape.min));
      }
      if (shape.max && d > *shape.max) {
        constraint(out, path, text, "Member must have value less than or equal to " + numberText(*shape.max));
      }
      return;
    }
    case Shape::Type::kDouble:
    case Shape::Type::kFloat: {
      if (!v.is_number() || !std::isfinite(v.get<double>())) return typeError(out, path, v, shape);
      double d = v.get<double>();
      if (shape.min && d < *shape.min) {
        constraint(out, path, numberText(d), "Member must have value greater than or equal to " + numberText(*shape.min));
      }
      if (shape.max && d > *shape.max) {
        constraint(out, path, numberText(d), "Member must have value less than or equal to " + numberText(*shape.max));
      }
      return;
    }
    case Shape::Type::kTimestamp:
      if (v.is_number() && std::isfinite(v.get<double>())) return;
      if (v.is_string()) {
        int64_t ms = 0;
        if (parseIso8601(v.get<std::string>(), ms)) return;
      }
      return typeError(out, path, v, shape);
  }
}

}  // namespace

std::vector<Violation> validate(const Json& value, const Shape& shape, const std::string& path) {
  std::vector<Violation> out;
  walk(value, shape, path, out);
  return out;
}

AwsError toError(const std::vector<Violation>& violations) {
  for (const auto& v : violations) {
    if (v.type_error) return AwsError{ErrorCode::kSerializationException, v.message};
  }
  std::string message = std::to_string(violations.size()) +
                        (violations.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < violations.size(); ++i) {
    if (i) message += "; ";
    message += violations[i].message;
  }
  // The model caps messages at 1024 characters.
  if (message.size() > 1024) message = message.substr(0, 1021) + "...";
  return AwsError{ErrorCode::kValidationException, message};
}

Json redact(const Json& value, const Shape& shape) {
  if (shape.sensitive) return kHidden;
  switch (shape.type) {
    case Shape::Type::kStructure: {
      if (!value.is_object()) return value;
      Json out = Json::object();
      for (auto it = value.begin(); it != value.end(); ++it) {
        const Member* m = shape.findMember(it.key());
        out[it.key()] = m ? redact(it.value(), *m->shape) : it.value();
      }
      return out;
    }
    case Shape::Type::kList: {
      if (!value.is_array() || !shape.member) return value;
      Json out = Json::array();
      for (const auto& item : value) out.push_back(redact(item, *shape.member));
      return out;
    }
    case Shape::Type::kMap: {
      if (!value.is_object() || !shape.value) return value;
      Json out = Json::object();
      for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = redact(it.value(), *shape.value);
      return out;
    }
    default:
      return value;
  }
}

}  // namespace trailbox::api
