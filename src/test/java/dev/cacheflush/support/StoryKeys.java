package dev.cacheflush.support;

import static dev.cacheflush.support.Keyspace.bytes;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The story's patterns as the flush tests pass them, and the expectation they are checked against:
 * decided by plain byte prefixes, not by the glob matcher under test.
 */
public final class StoryKeys {
  /** The story's preserve list, plus a sub-family of a flush family that must stay, as flags. */
  public static final List<String> PRESERVE_ARGS =
      List.of(
          "--preserve",
          "sessions:*",
          "--preserve",
          "ratelimit:*",
          "--preserve",
          "user-profiles:*",
          "--preserve",
          "mocs:keep:*");

  /** The prefixes of the default flush patterns. */
  public static final List<String> FLUSH_PREFIXES =
      List.of("mocs:", "gallery:", "wishlist:", "albums:");

  /** The prefixes of {@link #PRESERVE_ARGS}. */
  public static final List<String> PRESERVE_PREFIXES =
      List.of("sessions:", "ratelimit:", "user-profiles:", "mocs:keep:");

  private StoryKeys() {}

  /** True if a flush with {@link #PRESERVE_ARGS} must delete the key. */
  public static boolean shouldGo(byte[] key) {
    return startsWithAny(key, FLUSH_PREFIXES) && !startsWithAny(key, PRESERVE_PREFIXES);
  }

  public static boolean startsWithAny(byte[] key, List<String> prefixes) {
    for (String prefix : prefixes) {
      byte[] p = bytes(prefix);
      if (key.length >= p.length && ByteBuffer.wrap(key, 0, p.length).equals(ByteBuffer.wrap(p))) {
        return true;
      }
    }
    return false;
  }

  public static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
