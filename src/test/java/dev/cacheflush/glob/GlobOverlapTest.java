package dev.cacheflush.glob;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GlobOverlapTest {
  @Test
  void overlappingListsShouldYieldAKeyBothMatch() {
    assertOverlap("mocs:*", "mocs:keep:*", "mocs:keep:");
    assertOverlap("*:x", "a:*", "a:x");
    assertOverlap("a?c", "*b*", "abc");
    assertOverlap("a\\*", "a*", "a*");
    assertOverlap("[abc", "b", "b");
    assertOverlap("[^a]x", "bx", "bx");
    assertOverlap("gallery:[0-9]*", "*7", null);
  }

  @Test
  void disjointListsShouldYieldNothing() {
    assertThat(example("mocs:*", "sessions:*")).isEmpty();
    assertThat(example("gallery:[0-9]", "gallery:[a-z]")).isEmpty();
    assertThat(example("a\\*", "ab")).isEmpty();
    assertThat(example("[^a]x", "ax")).isEmpty();
    assertThat(example("mocs:*", "mocsx*")).isEmpty();
    assertThat(example("a?", "a")).isEmpty();
  }

  /**
   * Against brute force over every key of up to five bytes from a small alphabet: an example
   * always matches both globs, and whenever brute force finds a common key, so does the search.
   */
  @Test
  void searchShouldAgreeWithBruteForceOnRandomGlobs() {
    String[] parts = {"a", "b", "*", "?", "[ab]", "[^a]", "\\*", "[b-a]", "["};
    List<byte[]> keys = new ArrayList<>();
    byte[] alphabet = {'a', 'b', 'c', '*', '['};
    collect(new byte[0], alphabet, 5, keys);
    Random random = new Random(42);
    for (int round = 0; round < 400; round++) {
      RedisGlob first = RedisGlob.compile(randomGlob(random, parts));
      RedisGlob second = RedisGlob.compile(randomGlob(random, parts));
      Optional<byte[]> found = GlobOverlap.example(first, second);
      found.ifPresent(
          k ->
              assertThat(first.matches(k) && second.matches(k))
                  .as("%s and %s on %s", first, second, new String(k, StandardCharsets.ISO_8859_1))
                  .isTrue());
      boolean brute =
          keys.stream().anyMatch(k -> k.length > 0 && first.matches(k) && second.matches(k));
      if (brute) {
        assertThat(found).as("%s and %s", first, second).isPresent();
      }
    }
  }

  private static String randomGlob(Random random, String[] parts) {
    StringBuilder sb = new StringBuilder();
    int length = 1 + random.nextInt(4);
    for (int i = 0; i < length; i++) {
      sb.append(parts[random.nextInt(parts.length)]);
    }
    return sb.toString();
  }

  private static void collect(byte[] prefix, byte[] alphabet, int depth, List<byte[]> out) {
    out.add(prefix);
    if (depth == 0) {
      return;
    }
    for (byte b : alphabet) {
      byte[] next = Arrays.copyOf(prefix, prefix.length + 1);
      next[prefix.length] = b;
      collect(next, alphabet, depth - 1, out);
    }
  }

  private static void assertOverlap(String a, String b, String expected) {
    Optional<byte[]> key = example(a, b);
    assertThat(key).as("%s and %s", a, b).isPresent();
    assertThat(RedisGlob.compile(a).matches(key.get())).isTrue();
    assertThat(RedisGlob.compile(b).matches(key.get())).isTrue();
    if (expected != null) {
      assertThat(new String(key.get(), StandardCharsets.UTF_8)).isEqualTo(expected);
    }
  }

  private static Optional<byte[]> example(String a, String b) {
    return GlobOverlap.example(RedisGlob.compile(a), RedisGlob.compile(b));
  }
}
