package dev.cacheflush.glob;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A compiled Redis glob pattern that accepts exactly the keys {@code SCAN ... MATCH} and
 * {@code KEYS} accept on Redis 7.0.x (x86-64 build), byte for byte.
 *
 * <p>The matcher is a port of {@code stringmatchlen_impl()} from Redis's {@code src/util.c} with
 * {@code nocase = 0}, quirks included, because a key is only safe to delete when the client-side
 * decision agrees with what the server would select. Quirks worth knowing:
 *
 * <ul>
 *   <li>Only the pattern {@code "*"} matches the empty key: {@code KEYS} and {@code SCAN} skip
 *       matching for exactly {@code "*"}, while {@code stringmatchlen} never matches an empty key
 *       against a non-empty pattern (so {@code "**"} does not).
 *   <li>An unterminated {@code [} runs to the end of the pattern; {@code "[^"} matches any one byte.
 *   <li>{@code [z-a]} is {@code [a-z]}; a range end is never an escape and may be {@code ]}, in which
 *       case that {@code ]} does not close the class ({@code "[a-]x]"} is the class {@code ]..a, x}).
 *   <li>Range bounds and the key byte are compared as <em>signed</em> chars, as gcc compiles Redis on
 *       x86-64: {@code [a-\xff]} is the range {@code -1..97}, which holds {@code \xff} and
 *       {@code a} but not {@code b}. (On platforms where char is unsigned, e.g. arm64, Redis
 *       differs.) Single bytes compare by equality, where signedness does not matter.
 *   <li>Past 1000 levels of {@code *} recursion Redis gives up and reports no match.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; {@link #matches(byte[])} never allocates.
 */
public final class RedisGlob {

  /** Redis 7.0.9+ stops recursing past this depth (CVE-2022-36021) and reports no match. */
  private static final int MAX_NESTING = 1000;

  private static final int NO_MATCH = 0;
  private static final int MATCH = 1;

  /**
   * Redis's {@code skipLongerMatches}: a {@code *} found no position at which the rest of the
   * pattern matches. Redis sets a flag shared by the whole call tree and every enclosing {@code *}
   * loop returns at once, so the overall answer is "no match"; returning this value up the stack
   * has the same effect without the out-parameter (and without allocating one).
   */
  private static final int GIVE_UP = -1;

  private enum Shape {
    /** Exactly {@code "*"}: Redis's KEYS and SCAN skip matching and take every key. */
    EVERYTHING,
    /** Literal bytes only: equal to the key or not. */
    EXACT,
    /** Literal prefix then one or more {@code *}: a prefix compare. */
    PREFIX,
    /** Anything else: the ported matcher. */
    GENERAL
  }

  private final byte[] pattern;
  private final String source;
  private final Shape shape;

  /** Length of the literal part for {@link Shape#EXACT} and {@link Shape#PREFIX}. */
  private final int literalLength;

  private RedisGlob(byte[] pattern, String source) {
    this.pattern = pattern;
    this.source = source;
    int literal = 0;
    while (literal < pattern.length && !isSpecial(pattern[literal])) {
      literal++;
    }
    int stars = literal;
    while (stars < pattern.length && pattern[stars] == '*') {
      stars++;
    }
    this.literalLength = literal;
    if (pattern.length == 1 && pattern[0] == '*') {
      this.shape = Shape.EVERYTHING;
    } else if (literal == pattern.length) {
      this.shape = Shape.EXACT;
    } else if (stars == pattern.length && literal < stars) {
      this.shape = Shape.PREFIX;
    } else {
      this.shape = Shape.GENERAL;
    }
  }

  /** Compiles the pattern bytes as Redis would receive them; the array is copied. */
  public static RedisGlob compile(byte[] pattern) {
    Objects.requireNonNull(pattern, "pattern");
    byte[] copy = pattern.clone();
    return new RedisGlob(copy, readable(copy));
  }

  /**
   * Compiles the UTF-8 encoding of the pattern, which is what a Redis client sends for a string.
   *
   * @throws IllegalArgumentException if the string holds an unpaired surrogate, which has no UTF-8
   *     encoding (silently replacing it would change which keys match)
   */
  public static RedisGlob compile(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    try {
      ByteBuffer encoded =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(pattern));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return new RedisGlob(bytes, pattern);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "pattern is not valid Unicode (unpaired surrogate): "
              + pattern.codePoints().mapToObj(c -> String.format("U+%04X", c)).toList(),
          e);
    }
  }

  /** True if Redis's {@code MATCH} with this pattern would select the key. */
  public boolean matches(byte[] key) {
    return switch (shape) {
      case EVERYTHING -> true;
      case EXACT -> Arrays.equals(pattern, key);
      // stringmatchlen never matches an empty key against a non-empty pattern, so "**" needs a
      // byte even though its literal prefix is empty.
      case PREFIX -> key.length > 0 && key.length >= literalLength && startsWithLiteral(key);
      case GENERAL -> match(key, 0, 0, 0) == MATCH;
    };
  }

  /**
   * A plain loop: a flush matches every key it scans against every pattern, most keys differ from a
   * pattern at their first byte, and the first JIT tier (the launcher's) makes the ranged {@code
   * Arrays.equals} three calls.
   */
  private boolean startsWithLiteral(byte[] key) {
    for (int i = 0; i < literalLength; i++) {
      if (key[i] != pattern[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The pattern as given to {@link #compile(String)}; for {@link #compile(byte[])}, its UTF-8
   * decoding, or when the bytes are not valid UTF-8 a readable form with {@code \xNN} for bytes
   * outside printable ASCII (not reversible: use {@link #patternBytes()} for the exact bytes).
   */
  public String pattern() {
    return source;
  }

  /** A copy of the exact pattern bytes sent to and matched like Redis. */
  public byte[] patternBytes() {
    return pattern.clone();
  }

  /**
   * True when the pattern is made only of {@code *}s, so it selects every key (every non-empty one
   * for {@code "**"} and longer): a flush with it is a full flush.
   */
  public boolean matchesEverything() {
    if (pattern.length == 0) {
      return false;
    }
    for (byte b : pattern) {
      if (b != '*') {
        return false;
      }
    }
    return true;
  }

  /** Equal when the pattern bytes are equal: such globs select the same keys. */
  @Override
  public boolean equals(Object other) {
    return this == other
        || (other instanceof RedisGlob glob && Arrays.equals(pattern, glob.pattern));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pattern);
  }

  @Override
  public String toString() {
    return "RedisGlob[" + source + "]";
  }

  /**
   * Port of Redis 7.0's {@code stringmatchlen_impl} with {@code nocase = 0}: {@code p} and
   * {@code s} are the C pointers as indexes, {@code pattern.length - p} is {@code patternLen}.
   * Where the C code reads {@code pattern[patternLen]} it sees the string's NUL terminator, which is
   * never special; the bounds checks below stand in for it.
   */
  @SuppressWarnings(
      "StatementSwitchToExpressionSwitch") // case for case as in util.c, to read side by side
  private int match(byte[] key, int p, int s, int nesting) {
    if (nesting > MAX_NESTING) {
      return NO_MATCH;
    }
    final byte[] pat = pattern;
    final int plen = pat.length;
    final int slen = key.length;

    while (p < plen && s < slen) {
      switch (pat[p]) {
        case '*':
          {
            while (p + 1 < plen && pat[p + 1] == '*') {
              p++;
            }
            if (p == plen - 1) {
              return MATCH;
            }
            for (; s < slen; s++) {
              int rest = match(key, p + 1, s, nesting + 1);
              if (rest != NO_MATCH) {
                return rest;
              }
            }
            // The rest of the pattern matches nowhere in the rest of the key; an earlier '*' taking
            // more bytes would only start it later, so Redis abandons the whole match.
            return GIVE_UP;
          }
        case '?':
          s++;
          break;
        case '[':
          {
            p++;
            boolean negate = p < plen && pat[p] == '^';
            if (negate) {
              p++;
            }
            boolean member = false;
            byte c = key[s];
            while (true) {
              if (plen - p >= 2 && pat[p] == '\\') {
                p++;
                if (pat[p] == c) {
                  member = true;
                }
              } else if (p < plen && pat[p] == ']') {
                break;
              } else if (p == plen) {
                // Out of pattern without ']': Redis steps back onto the last byte so the increment
                // after the switch lands exactly on the end, and the class ends there.
                p--;
                break;
              } else if (plen - p >= 3 && pat[p + 1] == '-') {
                // Keep Java's signed bytes (no & 0xff): Redis's char is signed on x86-64, so
                // 0x80..0xff
                // sort below 0x00 in ranges, and the live-server differential test relies on that.
                int start = pat[p];
                int end = pat[p + 2];
                if (start > end) {
                  int t = start;
                  start = end;
                  end = t;
                }
                p += 2;
                if (c >= start && c <= end) {
                  member = true;
                }
              } else if (pat[p] == c) {
                member = true;
              }
              p++;
            }
            if (negate) {
              member = !member;
            }
            if (!member) {
              return NO_MATCH;
            }
            s++;
            break;
          }
        default:
          // A trailing backslash has nothing to escape and stands for itself.
          if (pat[p] == '\\' && plen - p >= 2) {
            p++;
          }
          if (pat[p] != key[s]) {
            return NO_MATCH;
          }
          s++;
          break;
      }
      p++;
      if (s == slen) {
        while (p < plen && pat[p] == '*') {
          p++;
        }
        break;
      }
    }
    return p == plen && s == slen ? MATCH : NO_MATCH;
  }

  private static boolean isSpecial(byte b) {
    return b == '*' || b == '?' || b == '[' || b == '\\';
  }

  private static String readable(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      StringBuilder out = new StringBuilder(bytes.length * 2);
      for (byte b : bytes) {
        int u = b & 0xff;
        if (u >= 0x20 && u < 0x7f) {
          out.append((char) u);
        } else {
          out.append(String.format("\\x%02x", u));
        }
      }
      return out.toString();
    }
  }
}
