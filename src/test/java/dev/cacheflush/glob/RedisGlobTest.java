package dev.cacheflush.glob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Expected answers are Redis 7.0.15's ({@code KEYS}/{@code SCAN MATCH} on x86-64), including where
 * they differ from a textbook glob; RedisGlobDifferentialIT checks the same against a live server.
 */
class RedisGlobTest {

  /** Bytes written as a Latin-1 string: {@code "\u00ff"} is the byte 0xff. */
  private static byte[] b(String latin1) {
    return latin1.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static RedisGlob glob(String latin1) {
    return RedisGlob.compile(b(latin1));
  }

  private static boolean matches(String pattern, String key) {
    return glob(pattern).matches(b(key));
  }

  private static String repeat(String s, int n) {
    return s.repeat(n);
  }

  @Test
  void starShouldMatchEmpty() {
    assertThat(matches("a*", "a")).isTrue();
    assertThat(matches("*a", "a")).isTrue();
    assertThat(matches("a*b", "ab")).isTrue();
    assertThat(matches("a*b*c", "abc")).isTrue();
  }

  @Test
  void starShouldMatchAnyRunOfBytes() {
    assertThat(matches("a*b", "axyzb")).isTrue();
    assertThat(matches("a*b", "a\u00ff\u0000b")).isTrue();
    assertThat(matches("a*b", "axyzc")).isFalse();
    assertThat(matches("*:*", "mocs:1")).isTrue();
    assertThat(matches("*:*", "mocs")).isFalse();
  }

  @Test
  void consecutiveStarsShouldCollapse() {
    for (String key : List.of("", "a", "ab", "axb", "b", "axxbx")) {
      assertThat(matches("a**b", key)).as(key).isEqualTo(matches("a*b", key));
      assertThat(matches("a***", key)).as(key).isEqualTo(matches("a*", key));
    }
  }

  @Test
  void onlyTheSingleStarShouldMatchTheEmptyKey() {
    // KEYS and SCAN skip matching for exactly "*"; stringmatchlen itself rejects an empty key.
    assertThat(matches("*", "")).isTrue();
    assertThat(matches("**", "")).isFalse();
    assertThat(matches("*a*", "")).isFalse();
    assertThat(matches("[^a]*", "")).isFalse();
    assertThat(matches("**", "x")).isTrue();
  }

  @Test
  void emptyPatternShouldMatchOnlyTheEmptyKey() {
    assertThat(matches("", "")).isTrue();
    assertThat(matches("", "a")).isFalse();
  }

  @Test
  void literalPatternShouldMatchOnlyItself() {
    assertThat(matches("mocs", "mocs")).isTrue();
    assertThat(matches("mocs", "mocs:")).isFalse();
    assertThat(matches("mocs", "moc")).isFalse();
    assertThat(matches("a]^-", "a]^-")).isTrue();
  }

  @Test
  void questionMarkShouldMatchExactlyOneByte() {
    assertThat(matches("?", "a")).isTrue();
    assertThat(matches("?", "\u00ff")).isTrue();
    assertThat(matches("?", "")).isFalse();
    assertThat(matches("?", "ab")).isFalse();
    assertThat(matches("a?c", "abc")).isTrue();
    assertThat(matches("a?c", "ac")).isFalse();
  }

  @Test
  void questionMarkShouldMatchOneByteNotOneCharacter() {
    byte[] eAcute = "é".getBytes(StandardCharsets.UTF_8);
    assertThat(RedisGlob.compile("?").matches(eAcute)).isFalse();
    assertThat(RedisGlob.compile("??").matches(eAcute)).isTrue();
  }

  @Test
  void bracketShouldMatchOneListedByte() {
    assertThat(matches("[abc]", "a")).isTrue();
    assertThat(matches("[abc]", "c")).isTrue();
    assertThat(matches("[abc]", "d")).isFalse();
    assertThat(matches("[abc]", "ab")).isFalse();
    assertThat(matches("[abc]", "")).isFalse();
    assertThat(matches("x[*?]y", "x*y")).isTrue();
    assertThat(matches("x[*?]y", "xzy")).isFalse();
  }

  @Test
  void caretShouldNegateBracketOnlyInFirstPlace() {
    assertThat(matches("[^a]", "b")).isTrue();
    assertThat(matches("[^a]", "a")).isFalse();
    assertThat(matches("[^a]", "")).isFalse();
    assertThat(matches("[a^]", "^")).isTrue();
    assertThat(matches("[a^]", "b")).isFalse();
    assertThat(matches("^", "^")).isTrue();
  }

  @Test
  void rangeShouldIncludeBothBounds() {
    assertThat(matches("[b-d]", "a")).isFalse();
    assertThat(matches("[b-d]", "b")).isTrue();
    assertThat(matches("[b-d]", "c")).isTrue();
    assertThat(matches("[b-d]", "d")).isTrue();
    assertThat(matches("[b-d]", "e")).isFalse();
    assertThat(matches("[^b-d]", "c")).isFalse();
    assertThat(matches("[^b-d]", "e")).isTrue();
  }

  @Test
  void reversedRangeShouldBeSwapped() {
    for (String key : List.of("a", "b", "c", "d", "e", "-")) {
      assertThat(matches("[d-b]", key)).as(key).isEqualTo(matches("[b-d]", key));
    }
  }

  @Test
  void dashAtOddPlacesShouldBehaveLikeRedis() {
    assertThat(matches("[-a]", "-")).isTrue();
    assertThat(matches("[-]", "-")).isTrue();
    assertThat(matches("[a-b-d]", "-")).isTrue();
    assertThat(matches("[a-b-d]", "c")).isFalse();
    assertThat(matches("[--a]", "0")).isTrue(); // the range '-'..'a'
    assertThat(matches("a-b", "a-b")).isTrue();
    // "[a-]" is the range 'a'..']' (swapped to ']'..'a'), and that ']' does not close the class.
    assertThat(matches("[a-]", "-")).isFalse();
    assertThat(matches("[a-]", "_")).isTrue();
    assertThat(matches("[a-]", "]")).isTrue();
  }

  @Test
  void rangeEndingInBracketShouldNotCloseTheClass() {
    assertThat(matches("[a-]x]", "x")).isTrue();
    assertThat(matches("[a-]x]", "`")).isTrue();
    assertThat(matches("[a-]x]", "x]")).isFalse();
    // With no later ']', the class runs to the end of the pattern.
    assertThat(matches("[a-]b", "b")).isTrue();
    assertThat(matches("[a-]b", "ab")).isFalse();
  }

  @Test
  void backslashShouldEscapeOutsideBrackets() {
    assertThat(matches("\\*", "*")).isTrue();
    assertThat(matches("\\*", "a")).isFalse();
    assertThat(matches("\\?", "?")).isTrue();
    assertThat(matches("\\?", "a")).isFalse();
    assertThat(matches("\\[a]", "[a]")).isTrue();
    assertThat(matches("\\\\", "\\")).isTrue();
    assertThat(matches("\\a", "a")).isTrue();
    assertThat(matches("a\\*b", "axb")).isFalse();
  }

  @Test
  void backslashShouldEscapeInsideBrackets() {
    assertThat(matches("[\\]]", "]")).isTrue();
    assertThat(matches("[\\]a]", "a")).isTrue();
    assertThat(matches("[\\\\]", "\\")).isTrue();
    assertThat(matches("[\\^a]", "^")).isTrue(); // escaped, so not a negation
    assertThat(matches("[\\^a]", "b")).isFalse();
    assertThat(matches("[a\\-z]", "-")).isTrue();
    assertThat(matches("[a\\-z]", "b")).isFalse();
  }

  @Test
  void escapedByteShouldNotStartARange() {
    assertThat(matches("[\\a-c]", "a")).isTrue();
    assertThat(matches("[\\a-c]", "-")).isTrue();
    assertThat(matches("[\\a-c]", "c")).isTrue();
    assertThat(matches("[\\a-c]", "b")).isFalse();
  }

  @Test
  void rangeEndShouldNeverBeAnEscape() {
    // 'a'..'\' swaps to '\'..'a', then the ']' closes the class.
    assertThat(matches("[a-\\]", "\\")).isTrue();
    assertThat(matches("[a-\\]", "_")).isTrue();
    assertThat(matches("[a-\\]", "b")).isFalse();
  }

  @Test
  void emptyBracketShouldNeverMatchAndNegatedEmptyShouldMatchAnyByte() {
    assertThat(matches("[]", "")).isFalse();
    assertThat(matches("[]", "]")).isFalse();
    assertThat(matches("[]a]", "a")).isFalse();
    assertThat(matches("[]a]", "]")).isFalse();
    assertThat(matches("[^]", "x")).isTrue();
    assertThat(matches("[^]a]", "xa]")).isTrue();
  }

  @Test
  void unterminatedBracketShouldBehaveLikeRedis() {
    assertThat(matches("[abc", "a")).isTrue();
    assertThat(matches("[abc", "c")).isTrue();
    assertThat(matches("[abc", "d")).isFalse();
    assertThat(matches("[abc", "[abc")).isFalse();
    assertThat(matches("x[ab", "xb")).isTrue();
    assertThat(matches("[b-d", "c")).isTrue();
    // A lone '[' is an empty class: it matches nothing, not even "[".
    assertThat(matches("[", "[")).isFalse();
    assertThat(matches("[", "")).isFalse();
    assertThat(matches("a[", "a[")).isFalse();
    // "[^" is a negated empty class: any one byte.
    assertThat(matches("[^", "x")).isTrue();
    assertThat(matches("[^", "^")).isTrue();
    assertThat(matches("[^", "xy")).isFalse();
    assertThat(matches("a*[^", "abc")).isTrue();
    assertThat(matches("[^a", "b")).isTrue();
    assertThat(matches("[^a", "a")).isFalse();
  }

  @Test
  void trailingBackslashShouldMatchItself() {
    assertThat(matches("\\", "\\")).isTrue();
    assertThat(matches("\\", "")).isFalse();
    assertThat(matches("a\\", "a\\")).isTrue();
    assertThat(matches("a\\", "a")).isFalse();
    assertThat(matches("*\\", "xy\\")).isTrue();
  }

  @Test
  void trailingBackslashInUnterminatedBracketShouldBeAMember() {
    assertThat(matches("[a\\", "\\")).isTrue();
    assertThat(matches("[a\\", "a")).isTrue();
    assertThat(matches("[\\", "\\")).isTrue();
    assertThat(matches("[^\\", "\\")).isFalse();
    assertThat(matches("[^\\", "a")).isTrue();
  }

  @Test
  void highBytesShouldMatchByEquality() {
    assertThat(matches("\u00ff", "\u00ff")).isTrue();
    assertThat(matches("[\u00c3\u0080]", "\u0080")).isTrue();
    assertThat(matches("[^\u00ff]", "\u00ff")).isFalse();
    assertThat(matches("\\\u00ff*", "\u00ff\u00fe")).isTrue();
  }

  @Test
  void rangesShouldCompareBytesAsSignedCharsLikeRedisOnX86() {
    // 0xff is -1 as a signed char, so [a-\xff] is -1..97: it holds 0xff and 'a' but not 'b'.
    assertThat(matches("[a-\u00ff]", "a")).isTrue();
    assertThat(matches("[a-\u00ff]", "\u00ff")).isTrue();
    assertThat(matches("[a-\u00ff]", "\u0000")).isTrue();
    assertThat(matches("[a-\u00ff]", "b")).isFalse();
    assertThat(matches("[a-\u00ff]", "\u0080")).isFalse();
    assertThat(matches("[\u0080-\u00ff]", "\u0090")).isTrue();
    assertThat(matches("[\u0080-\u00ff]", "a")).isFalse();
    // 0x7f..0x80 swaps to -128..127: every byte.
    for (int i = 0; i < 256; i++) {
      assertThat(glob("[\u007f-\u0080]").matches(new byte[] {(byte) i})).as("byte %d", i).isTrue();
    }
  }

  @Test
  void keysThatAreNotUtf8ShouldMatch() {
    byte[] key = {'u', 's', 'e', 'r', ':', (byte) 0xff, (byte) 0xfe, (byte) 0xc3};
    assertThat(RedisGlob.compile("user:*").matches(key)).isTrue();
    assertThat(RedisGlob.compile("user:??*").matches(key)).isTrue();
    assertThat(RedisGlob.compile("*\u00c3").matches(key)).isFalse(); // "Ã" is C3 83 in UTF-8
    assertThat(glob("*\u00c3").matches(key)).isTrue();
    assertThat(glob("user:[^a-z]*").matches(key)).isTrue();
  }

  @Test
  void nulBytesShouldBeOrdinaryBytes() {
    assertThat(matches("a\u0000*", "a\u0000b")).isTrue();
    assertThat(matches("[\u0000]", "\u0000")).isTrue();
    assertThat(matches("a\u0000", "a")).isFalse();
    assertThat(matches("[\u0000", "\u0000")).isTrue();
  }

  @Test
  void utf8PatternsShouldMatchUtf8Keys() {
    RedisGlob glob = RedisGlob.compile("gallery:é*");
    assertThat(glob.matches("gallery:été".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(glob.matches("gallery:ete".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void multipleStarsShouldBacktrackCorrectly() {
    assertThat(matches("*a*b", "xaxb")).isTrue();
    assertThat(matches("*a*b", "xbxa")).isFalse();
    assertThat(matches("a*b*c", "abbbcbc")).isTrue();
    assertThat(matches("a*b*c", "abbbcbd")).isFalse();
    assertThat(matches("*?a", "aa")).isTrue();
    assertThat(matches("*?a", "a")).isFalse();
    assertThat(matches("mocs:*:v[0-9]", "mocs:x:y:v3")).isTrue();
  }

  @Test
  void nestingBeyondAThousandStarsShouldNotMatch() {
    // The star k levels in recurses at depth k; Redis gives up past depth 1000.
    String key1000 = repeat("a", 1000);
    assertThat(matches(repeat("*a", 1000), key1000)).isTrue();
    String key1001 = repeat("a", 1001);
    assertThat(matches(repeat("*a", 1001), key1001)).isFalse();
    assertThat(matches(repeat("*a", 1001), key1001 + "a")).isFalse();
    // Giving up is not a crash, however long the pattern.
    assertThat(matches(repeat("*a", 100_000), repeat("a", 100_000))).isFalse();
  }

  @Test
  void prefixFastPathShouldAgreeWithTheGeneralMatcher() {
    // "[m]ocs:*" selects the same keys as "mocs:*" but takes the general path.
    RedisGlob fast = RedisGlob.compile("mocs:*");
    RedisGlob general = RedisGlob.compile("[m]ocs:*");
    RedisGlob fastStars = RedisGlob.compile("mocs:***");
    Random random = new Random(42);
    byte[] alphabet = b("mocs:*?[]\\\u0000\u00ff");
    List<byte[]> keys = new ArrayList<>(List.of(b(""), b("m"), b("mocs"), b("mocs:"), b("mocs:1")));
    for (int i = 0; i < 5000; i++) {
      byte[] key = new byte[random.nextInt(9)];
      for (int j = 0; j < key.length; j++) {
        key[j] = alphabet[random.nextInt(alphabet.length)];
      }
      keys.add(key);
    }
    for (byte[] key : keys) {
      assertThat(fast.matches(key))
          .as(new String(key, StandardCharsets.ISO_8859_1))
          .isEqualTo(general.matches(key))
          .isEqualTo(fastStars.matches(key));
    }
    assertThat(fast.matches(b("mocs:"))).isTrue();
    assertThat(fast.matches(b("mocs"))).isFalse();
  }

  @Test
  void matchesEverythingShouldHoldOnlyForPatternsOfStars() {
    assertThat(RedisGlob.compile("*").matchesEverything()).isTrue();
    assertThat(RedisGlob.compile("**").matchesEverything()).isTrue();
    assertThat(RedisGlob.compile("*****").matchesEverything()).isTrue();
    for (String pattern : List.of("", "a*", "*a", "\\*", "?", "*?", "[*]", "* ")) {
      assertThat(RedisGlob.compile(pattern).matchesEverything()).as(pattern).isFalse();
    }
  }

  @Test
  void patternShouldReturnTheSourceAsGiven() {
    assertThat(RedisGlob.compile("mocs:*").pattern()).isEqualTo("mocs:*");
    assertThat(RedisGlob.compile("é*").pattern()).isEqualTo("é*");
    assertThat(RedisGlob.compile("é*".getBytes(StandardCharsets.UTF_8)).pattern()).isEqualTo("é*");
    assertThat(RedisGlob.compile(new byte[] {'a', (byte) 0xff, '*', '\n'}).pattern())
        .isEqualTo("a\\xff*\\x0a");
  }

  @Test
  void patternBytesShouldBeTheUtf8Encoding() {
    assertThat(RedisGlob.compile("é*").patternBytes())
        .isEqualTo(new byte[] {(byte) 0xc3, (byte) 0xa9, '*'});
  }

  @Test
  void compileShouldCopyItsInput() {
    byte[] source = b("a*");
    RedisGlob glob = RedisGlob.compile(source);
    source[0] = 'b';
    assertThat(glob.matches(b("ax"))).isTrue();
    glob.patternBytes()[0] = 'b';
    assertThat(glob.matches(b("ax"))).isTrue();
  }

  @Test
  void compileShouldRejectUnpairedSurrogates() {
    assertThatThrownBy(() -> RedisGlob.compile("a\uD800*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+D800");
  }

  @Test
  void compileShouldRejectNull() {
    assertThatThrownBy(() -> RedisGlob.compile((String) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RedisGlob.compile((byte[]) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void equalityShouldFollowThePatternBytes() {
    assertThat(RedisGlob.compile("a*"))
        .isEqualTo(RedisGlob.compile(b("a*")))
        .hasSameHashCodeAs(RedisGlob.compile(b("a*")))
        .isNotEqualTo(RedisGlob.compile("a**"));
    assertThat(RedisGlob.compile("mocs:*")).hasToString("RedisGlob[mocs:*]");
  }

  @Test
  void matchingShouldNotAllocatePerKey() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    RedisGlob[] globs = {glob("mocs:*"), glob("*a*[^b]?c"), glob("[a-c]*\\*"), glob("mocs")};
    byte[][] keys = {b("mocs:123"), b("xxaxxdxc"), b("abc*"), b("mocs"), b("zzzz")};
    long tally = 0;
    for (int i = 0; i < 20_000; i++) { // warm up so allocation below is the steady state
      tally += globs[i % globs.length].matches(keys[i % keys.length]) ? 1 : 0;
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 200_000; i++) {
      tally += globs[i % globs.length].matches(keys[i % keys.length]) ? 1 : 0;
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(tally).isPositive();
    assertThat(allocated).as("bytes allocated by 200k matches").isLessThan(64 * 1024);
  }
}
