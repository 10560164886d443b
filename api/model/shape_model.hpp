#pragma once

// An AWS service model (the botocore JSON minus documentation, see scripts/gen_models.py)
// loaded into linked Shape/Operation structures. Loaded once at start-up and immutable after,
// so it is safe to share between threads.

#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/result.hpp"

namespace trailbox::api {

struct Shape;

struct Member {
  std::string name;
  const Shape* shape = nullptr;
  std::string location;       // "", "uri", "querystring", "header"
  std::string location_name;  // wire name when located outside the body
  bool idempotency_token = false;
};

// A `pattern` constraint. Simple forms are matched natively (and in linear time); the rest
// with std::wregex, compiled on first use.
class Pattern {
 public:
  enum class Kind { kNone, kAny, kNonBlank, kCharClass, kRegex };

  Pattern() = default;
  explicit Pattern(std::string source);

  bool empty() const { return kind_ == Kind::kNone; }
  const std::string& source() const { return source_; }
  Kind kind() const { return kind_; }
  // Whole-string match, on the UTF-8 text `value`. Invalid UTF-8 never matches.
  bool matches(std::string_view value) const;

 private:
  struct Range {
    char32_t lo, hi;
  };
  bool parseCharClass(std::string_view body);

  std::string source_;
  Kind kind_ = Kind::kNone;
  std::vector<Range> ranges_;  // kCharClass
  bool negated_ = false;       // kCharClass
  bool allow_empty_ = false;   // kCharClass with '*'
  mutable std::once_flag compiled_;
  mutable std::unique_ptr<std::wregex> regex_;
};

struct Shape {
  enum class Type { kStructure, kList, kMap, kString, kInteger, kLong, kBoolean, kTimestamp, kBlob, kDouble, kFloat };

  std::string name;
  Type type = Type::kString;
  std::vector<Member> members;        // structures, in model order
  std::vector<std::string> required;  // structures
  const Shape* member = nullptr;      // lists
  const Shape* key = nullptr;         // maps
  const Shape* value = nullptr;       // maps
  std::optional<double> min;
  std::optional<double> max;
  std::unique_ptr<const Pattern> pattern;  // null when unconstrained
  std::vector<std::string> enum_values;
  bool is_union = false;
  bool sensitive = false;

  const Member* findMember(std::string_view member_name) const;
  bool isRequired(std::string_view member_name) const;
};

struct Operation {
  std::string name;
  std::string method;       // HTTP method (restJson1)
  std::string request_uri;  // e.g. "/applications/{applicationId}/jobruns"
  const Shape* input = nullptr;
  const Shape* output = nullptr;
  std::vector<std::string> errors;
};

class ServiceModel {
 public:
  // Parses a model produced by scripts/gen_models.py. Fails with InternalServerException
  // describing the problem when the text is not such a model.
  static Result<std::unique_ptr<ServiceModel>> load(std::string_view json_text);

  const Operation* operation(std::string_view name) const;
  const Shape* shape(std::string_view name) const;
  const std::vector<Operation>& operations() const { return operations_; }
  const std::string& targetPrefix() const { return target_prefix_; }
  const std::string& signingName() const { return signing_name_; }

 private:
  static Result<std::unique_ptr<ServiceModel>> loadUnchecked(std::string_view json_text);

  std::unordered_map<std::string, std::unique_ptr<Shape>> shapes_;
  std::vector<Operation> operations_;
  std::string target_prefix_;
  std::string signing_name_;
};

// UTF-8 helpers shared by validation and rendering.
// Decodes `text`; returns false on invalid UTF-8.
bool decodeUtf8(std::string_view text, std::u32string& out);
// Number of code points, or npos for invalid UTF-8.
size_t utf8Length(std::string_view text);

}  // namespace trailbox::api
