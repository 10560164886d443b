#include "api/protocol/url.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace trailbox::api {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(SplitTarget, SeparatesPathAndQuery) {
  Target t = splitTarget("/applications/00f1abcdefghij0k/jobruns?states=RUNNING&maxResults=10");
  EXPECT_EQ(t.path, "/applications/00f1abcdefghij0k/jobruns");
  EXPECT_EQ(t.query, "states=RUNNING&maxResults=10");
}

TEST(SplitTarget, WithoutQuestionMarkQueryIsEmpty) {
  Target t = splitTarget("/applications");
  EXPECT_EQ(t.path, "/applications");
  EXPECT_EQ(t.query, "");
}

TEST(SplitTarget, SplitsOnTheFirstQuestionMarkOnly) {
  Target t = splitTarget("/?a=b?c");
  EXPECT_EQ(t.path, "/");
  EXPECT_EQ(t.query, "a=b?c");
  Target empty_query = splitTarget("/tags/x?");
  EXPECT_EQ(empty_query.path, "/tags/x");
  EXPECT_EQ(empty_query.query, "");
}

TEST(SplitTarget, PathStaysEncoded) {
  Target t = splitTarget("/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2Fx?tagKeys=a");
  EXPECT_EQ(t.path, "/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2Fx");
  EXPECT_EQ(t.query, "tagKeys=a");
}

TEST(PercentDecode, DecodesValidEscapes) {
  std::string out;
  ASSERT_TRUE(percentDecode("arn%3Aaws%3Aemr-serverless", out));
  EXPECT_EQ(out, "arn:aws:emr-serverless");
  ASSERT_TRUE(percentDecode("%41%62%2a", out));  // mixed case hex digits
  EXPECT_EQ(out, "Ab*");
  ASSERT_TRUE(percentDecode("%C3%A9t%C3%A9", out));
  EXPECT_EQ(out, "\xC3\xA9t\xC3\xA9");
  ASSERT_TRUE(percentDecode("", out));
  EXPECT_EQ(out, "");
}

TEST(PercentDecode, PlusStaysPlus) {
  std::string out;
  ASSERT_TRUE(percentDecode("a+b%2Bc", out));
  EXPECT_EQ(out, "a+b+c");
}

TEST(PercentDecode, EncodedSlashBecomesOneSlashByte) {
  std::string out;
  ASSERT_TRUE(percentDecode("%2Fapplications%2f00f1abcdefghij0k", out));
  EXPECT_EQ(out, "/applications/00f1abcdefghij0k");
  EXPECT_EQ(out.size(), 30u);
}

TEST(PercentDecode, NulIsKeptAsAByte) {
  std::string out;
  ASSERT_TRUE(percentDecode("a%00b", out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], 'a');
  EXPECT_EQ(out[1], '\0');
  EXPECT_EQ(out[2], 'b');
}

TEST(PercentDecode, InvalidUtf8BytesAreKept) {
  std::string out;
  ASSERT_TRUE(percentDecode("%FF%fe", out));
  EXPECT_EQ(out, std::string("\xFF\xFE"));
}

TEST(PercentDecode, MalformedEscapesFail) {
  std::string out;
  EXPECT_FALSE(percentDecode("%", out));
  EXPECT_FALSE(percentDecode("%4", out));
  EXPECT_FALSE(percentDecode("abc%2", out));
  EXPECT_FALSE(percentDecode("%G1", out));
  EXPECT_FALSE(percentDecode("%1G", out));
  EXPECT_FALSE(percentDecode("%%41", out));
  EXPECT_FALSE(percentDecode("% 41", out));
}

TEST(PercentDecode, EscapeAtTheVeryEndIsDecoded) {
  std::string out;
  ASSERT_TRUE(percentDecode("ab%3A", out));
  EXPECT_EQ(out, "ab:");
}

TEST(PercentDecode, ClearsThePreviousOutput) {
  std::string out = "stale";
  ASSERT_TRUE(percentDecode("x", out));
  EXPECT_EQ(out, "x");
}

TEST(ParseQuery, KeepsRepeatedKeysInOrder) {
  QueryParams q;
  ASSERT_TRUE(parseQuery("states=RUNNING&states=SUCCESS&maxResults=10&states=FAILED", q));
  EXPECT_EQ(q, (Pairs{{"states", "RUNNING"}, {"states", "SUCCESS"}, {"maxResults", "10"}, {"states", "FAILED"}}));
}

TEST(ParseQuery, PlusInValueIsASpace) {
  QueryParams q;
  ASSERT_TRUE(parseQuery("tagKeys=my+key&other=a%2Bb", q));
  EXPECT_EQ(q, (Pairs{{"tagKeys", "my key"}, {"other", "a+b"}}));
}

TEST(ParseQuery, DecodesEscapesInKeysAndValues) {
  QueryParams q;
  ASSERT_TRUE(parseQuery("createdAtAfter=2024-01-02T03%3A04%3A05Z&X-Amz-Credential=AKID%2F20261124%2Fus-east-1", q));
  EXPECT_EQ(q, (Pairs{{"createdAtAfter", "2024-01-02T03:04:05Z"}, {"X-Amz-Credential", "AKID/20261124/us-east-1"}}));
  ASSERT_TRUE(parseQuery("a%20b=c", q));
  EXPECT_EQ(q, (Pairs{{"a b", "c"}}));
}

TEST(ParseQuery, EmptyValuesAndBareKeys) {
  QueryParams q;
  ASSERT_TRUE(parseQuery("a=&b&c=1", q));
  EXPECT_EQ(q, (Pairs{{"a", ""}, {"b", ""}, {"c", "1"}}));
}

TEST(ParseQuery, ValueMayContainEquals) {
  QueryParams q;
  ASSERT_TRUE(parseQuery("nextToken=abc==&x=1=2", q));
  EXPECT_EQ(q, (Pairs{{"nextToken", "abc=="}, {"x", "1=2"}}));
}

TEST(ParseQuery, SkipsEmptyItems) {
  QueryParams q;
  ASSERT_TRUE(parseQuery("&&a=1&&b=2&", q));
  EXPECT_EQ(q, (Pairs{{"a", "1"}, {"b", "2"}}));
  ASSERT_TRUE(parseQuery("", q));
  EXPECT_TRUE(q.empty());
  ASSERT_TRUE(parseQuery("&", q));
  EXPECT_TRUE(q.empty());
}

TEST(ParseQuery, MalformedEscapeFails) {
  QueryParams q;
  EXPECT_FALSE(parseQuery("a=1&b=%zz", q));
  EXPECT_FALSE(parseQuery("a=%4", q));
  EXPECT_FALSE(parseQuery("%=1", q));
}

TEST(ParseQuery, ClearsThePreviousOutput) {
  QueryParams q = {{"stale", "1"}};
  ASSERT_TRUE(parseQuery("a=1", q));
  EXPECT_EQ(q, (Pairs{{"a", "1"}}));
}

TEST(PathSegments, SplitsAfterTheLeadingSlash) {
  auto s = pathSegments("/applications/00f1abcdefghij0k/jobruns");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], "applications");
  EXPECT_EQ(s[1], "00f1abcdefghij0k");
  EXPECT_EQ(s[2], "jobruns");
}

TEST(PathSegments, RootAndEmptyHaveNoSegments) {
  EXPECT_TRUE(pathSegments("/").empty());
  EXPECT_TRUE(pathSegments("").empty());
}

TEST(PathSegments, EncodedSlashesStayInsideTheirSegment) {
  auto s = pathSegments("/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2Fx");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], "tags");
  EXPECT_EQ(s[1], "arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2Fx");
}

TEST(PathSegments, EmptySegmentsAreKept) {
  auto trailing = pathSegments("/applications/");
  ASSERT_EQ(trailing.size(), 2u);
  EXPECT_EQ(trailing[0], "applications");
  EXPECT_EQ(trailing[1], "");
  auto doubled = pathSegments("/applications//jobruns");
  ASSERT_EQ(doubled.size(), 3u);
  EXPECT_EQ(doubled[1], "");
  auto no_leading = pathSegments("a/b");
  ASSERT_EQ(no_leading.size(), 2u);
  EXPECT_EQ(no_leading[0], "a");
  EXPECT_EQ(no_leading[1], "b");
}

}  // namespace
}  // namespace trailbox::api
