// The applications' one HTML escaper, one display width (utf8proc's East Asian widths)
// and zh-CN numbers (ICU).
#include <gtest/gtest.h>

#include "report/text.hpp"

namespace jiceng::report {
namespace {

TEST(ReportText, DisplayWidthCountsWideCharactersTwice) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("一街道党工委"), 12u);        // CJK ideographs: two columns each
  EXPECT_EQ(display_width("办结率 done"), 11u);
  EXPECT_EQ(display_width("—"), 1u);                    // em dash: narrow
  EXPECT_EQ(display_width("ＡＢ"), 4u);                 // full-width Latin
  EXPECT_EQ(display_width("e\xCC\x81"), 1u);            // e + combining acute: one column
  EXPECT_EQ(display_width("\xF0\xA0\x80\x80"), 2u);     // U+20000, a supplementary ideograph
  EXPECT_EQ(display_width("a\xFF" "b"), 3u);            // an invalid byte counts one column
  EXPECT_EQ(display_width("\xE4\xB8"), 2u);             // a cut sequence: its bytes, one each
}

TEST(ReportText, PaddingAlignsByColumnsNotBytes) {
  EXPECT_EQ(pad_right("社区", 6), "社区  ");
  EXPECT_EQ(pad_left("社区", 6), "  社区");
  EXPECT_EQ(pad_right("abc", 2), "abc");
  EXPECT_EQ(pad_left("abc", 3), "abc");
}

TEST(ReportText, NumbersAreGroupedForZhCn) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_fixed(1234.56, 1), "1,234.6");
  EXPECT_EQ(format_fixed(87.25, 1), "87.2");  // half-even
  EXPECT_EQ(format_fixed(3, 0), "3");
  EXPECT_EQ(format_percent(0.8734), "87.3%");
  EXPECT_EQ(format_percent(1), "100.0%");
}

TEST(ReportText, HtmlEscapeCoversTextAndAttributes) {
  EXPECT_EQ(html_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  EXPECT_EQ(html_escape("居民诉求"), "居民诉求");
  EXPECT_EQ(html_escape("</script>"), "&lt;/script&gt;");
}

}  // namespace
}  // namespace jiceng::report
