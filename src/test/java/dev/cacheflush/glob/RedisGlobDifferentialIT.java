package dev.cacheflush.glob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Differential test: for generated keys and patterns, the keys a real redis-server selects with
 * {@code KEYS p} and {@code SCAN 0 MATCH p} must be exactly the keys {@link RedisGlob} accepts.
 *
 * <p>One run uses a fixed seed; another uses a fresh seed, printed, and reproducible with
 * {@code -Dcacheflush.glob.seed=<seed>}.
 */
class RedisGlobDifferentialIT {

  private static final long FIXED_SEED = 0x5EED_C0FFEEL;
  private static final int KEYS_PER_RUN = 3000;
  private static final int PATTERNS_PER_RUN = 500;
  private static final int MAX_REPORTED_MISMATCHES = 15;

  /** Glob syntax, its edge bytes, bytes that are never valid UTF-8 alone; letters weigh more. */
  private static final byte[] ALPHABET =
      bytes("aaabbbccc-^[]\\*?", 0x00, 0x7f, 0x80, 0xc3, 0xfe, 0xff);

  private static RedisServer server;
  private static RedisClient client;
  private static StatefulRedisConnection<byte[], byte[]> connection;
  private static RedisCommands<byte[], byte[]> redis;

  @BeforeAll
  static void startServer() {
    server = RedisServers.standalone();
    client = RedisClient.create(RedisURI.create(server.url()));
    connection = client.connect(ByteArrayCodec.INSTANCE);
    redis = connection.sync();
  }

  @AfterAll
  static void stopServer() {
    if (connection != null) {
      connection.close();
    }
    if (client != null) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void emptyTheServer() {
    redis.flushall();
  }

  @Test
  void generatedPatternsShouldSelectTheSameKeysAsRedisWithFixedSeed() {
    assertAgreement(FIXED_SEED);
  }

  @Test
  void generatedPatternsShouldSelectTheSameKeysAsRedisWithFreshSeed() {
    long seed = Long.getLong("cacheflush.glob.seed", System.nanoTime());
    System.out.println(
        "RedisGlobDifferentialIT fresh seed: "
            + seed
            + " (rerun with -Dcacheflush.glob.seed="
            + seed
            + ")");
    assertAgreement(seed);
  }

  @Test
  void handPickedQuirksShouldSelectTheSameKeysAsRedis() {
    List<byte[]> keys =
        latin1(
            List.of(
                "",
                "a",
                "b",
                "c",
                "d",
                "e",
                "x",
                "-",
                "^",
                "]",
                "[",
                "\\",
                "_",
                "`",
                "0",
                "*",
                "?",
                "\u0000",
                "\u007f",
                "\u0080",
                "\u0090",
                "\u00c3",
                "\u00ff",
                "ab",
                "ac",
                "xa",
                "xb",
                "xy",
                "x]",
                "xa]",
                "[a]",
                "[abc",
                "a[",
                "a\\",
                "xy\\",
                "axb",
                "axyzb",
                "abc",
                "abbbcbc",
                "mocs",
                "mocs:",
                "mocs:1",
                "mocs:x:y:v3",
                "a\u0000b",
                "\u00ff\u00fe",
                "user:\u00ff\u00fe\u00c3"));
    List<byte[]> patterns =
        latin1(
            List.of(
                "",
                "*",
                "**",
                "***",
                "?",
                "??",
                "*?",
                "?*",
                "*a",
                "a*",
                "a**",
                "a*b",
                "a**b",
                "*a*b",
                "a*b*c",
                "*?a",
                "[abc]",
                "[^a]",
                "[a^]",
                "[b-d]",
                "[d-b]",
                "[^b-d]",
                "[-a]",
                "[-]",
                "[a-b-d]",
                "[--a]",
                "[a-]",
                "[a-]x]",
                "[a-]b",
                "[\\]]",
                "[\\]a]",
                "[\\\\]",
                "[\\^a]",
                "[a\\-z]",
                "[\\a-c]",
                "[a-\\]",
                "[]",
                "[]a]",
                "[^]",
                "[^]a]",
                "[",
                "a[",
                "[^",
                "[^a",
                "[abc",
                "x[ab",
                "[b-d",
                "a*[^",
                "\\",
                "a\\",
                "*\\",
                "[a\\",
                "[\\",
                "[^\\",
                "\\*",
                "\\?",
                "\\[a]",
                "\\\\",
                "\\a",
                "a\\*b",
                "[a-\u00ff]",
                "[\u0080-\u00ff]",
                "[\u007f-\u0080]",
                "[\u00ff-a]",
                "[^\u00ff]",
                "\\\u00ff*",
                "*\u00c3",
                "user:[^a-z]*",
                "a\u0000*",
                "[\u0000]",
                "[\u0000",
                "mocs:*",
                "[m]ocs:*",
                "mocs:***",
                "mocs",
                "mocs:*:v[0-9]"));
    assertAgreement("hand-picked", keys, patterns);
  }

  @Test
  void deepStarNestingShouldSelectTheSameKeysAsRedis() {
    List<byte[]> keys = new ArrayList<>();
    for (int n : new int[] {998, 999, 1000, 1001, 1002, 2003}) {
      keys.add(bytes("a".repeat(n)));
    }
    List<byte[]> patterns = new ArrayList<>();
    for (int n : new int[] {999, 1000, 1001}) {
      patterns.add(bytes("*a".repeat(n)));
      patterns.add(bytes("a*".repeat(n)));
      patterns.add(bytes("*?".repeat(n)));
      patterns.add(bytes("*a".repeat(n) + "*"));
    }
    assertAgreement("deep nesting", keys, patterns);
  }

  private static void assertAgreement(long seed) {
    Random random = new Random(seed);
    Set<String> unique = new LinkedHashSet<>();
    while (unique.size() < KEYS_PER_RUN) {
      unique.add(latin1(randomBytes(random, random.nextInt(7))));
    }
    List<byte[]> patterns = new ArrayList<>();
    for (int i = 0; i < PATTERNS_PER_RUN; i++) {
      patterns.add(randomPattern(random));
    }
    assertAgreement("seed " + seed, latin1(unique), patterns);
  }

  private static void assertAgreement(String run, List<byte[]> keys, List<byte[]> patterns) {
    load(keys);
    assertThat(redis.dbsize()).as("keys loaded").isEqualTo(keys.size());
    List<String> mismatches = new ArrayList<>();
    int selectedSomething = 0;
    for (byte[] pattern : patterns) {
      RedisGlob glob = RedisGlob.compile(pattern);
      Set<String> byMatcher = new TreeSet<>();
      for (byte[] key : keys) {
        if (glob.matches(key)) {
          byMatcher.add(latin1(key));
        }
      }
      Set<String> byKeys = latin1Set(redis.keys(pattern));
      Set<String> byScan = scan(pattern);
      selectedSomething += byKeys.isEmpty() ? 0 : 1;
      if (!byMatcher.equals(byKeys) || !byMatcher.equals(byScan)) {
        mismatches.add(describe(pattern, byMatcher, byKeys, byScan));
      }
    }
    System.out.printf(
        "RedisGlobDifferentialIT %s: %d keys, %d patterns (%d selecting some key),"
            + " %d mismatches%n",
        run, keys.size(), patterns.size(), selectedSomething, mismatches.size());
    assertThat(mismatches)
        .withFailMessage(
            () ->
                "RedisGlob disagrees with redis-server ("
                    + run
                    + ") on "
                    + mismatches.size()
                    + " of "
                    + patterns.size()
                    + " patterns:\n"
                    + String.join(
                        "\n",
                        mismatches.subList(
                            0, Math.min(mismatches.size(), MAX_REPORTED_MISMATCHES))))
        .isEmpty();
  }

  private static void load(List<byte[]> keys) {
    Map<byte[], byte[]> batch = new LinkedHashMap<>();
    byte[] value = bytes("1");
    for (byte[] key : keys) {
      batch.put(key, value); // distinct arrays, so identity keys are fine
      if (batch.size() == 500) {
        redis.mset(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      redis.mset(batch);
    }
  }

  private static Set<String> scan(byte[] pattern) {
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(100_000);
    Set<String> keys = new TreeSet<>();
    KeyScanCursor<byte[]> cursor = redis.scan(args);
    keys.addAll(latin1Set(cursor.getKeys()));
    while (!cursor.isFinished()) {
      cursor = redis.scan(cursor, args);
      keys.addAll(latin1Set(cursor.getKeys()));
    }
    return keys;
  }

  private static byte[] randomPattern(Random random) {
    if (random.nextInt(10) == 0) {
      return randomBytes(random, 1 + random.nextInt(8)); // raw soup: any byte anywhere
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int tokens = 1 + random.nextInt(5);
    for (int i = 0; i < tokens; i++) {
      switch (random.nextInt(10)) {
        case 0, 1 -> out.writeBytes(random.nextInt(4) == 0 ? bytes("**") : bytes("*"));
        case 2 -> out.write('?');
        case 3, 4 -> writeBracket(random, out);
        case 5 -> {
          out.write('\\');
          out.write(pick(random));
        }
        default -> out.write(pick(random));
      }
    }
    if (random.nextInt(8) == 0) {
      out.write('\\');
    }
    return out.toByteArray();
  }

  private static void writeBracket(Random random, ByteArrayOutputStream out) {
    out.write('[');
    if (random.nextInt(3) == 0) {
      out.write('^');
    }
    int members = random.nextInt(4);
    for (int i = 0; i < members; i++) {
      switch (random.nextInt(4)) {
        case 0 -> {
          out.write(pick(random));
          out.write('-');
          out.write(pick(random));
        }
        case 1 -> {
          out.write('\\');
          out.write(pick(random));
        }
        default -> out.write(pick(random));
      }
    }
    if (random.nextInt(4) != 0) {
      out.write(']');
    }
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) pick(random);
    }
    return bytes;
  }

  private static int pick(Random random) {
    return ALPHABET[random.nextInt(ALPHABET.length)] & 0xff;
  }

  private static String describe(
      byte[] pattern, Set<String> byMatcher, Set<String> byKeys, Set<String> byScan) {
    StringBuilder out = new StringBuilder("  pattern ").append(escape(pattern)).append(':');
    appendDifference(out, "KEYS selects, RedisGlob does not", difference(byKeys, byMatcher));
    appendDifference(out, "RedisGlob selects, KEYS does not", difference(byMatcher, byKeys));
    appendDifference(out, "SCAN selects, RedisGlob does not", difference(byScan, byMatcher));
    appendDifference(out, "RedisGlob selects, SCAN does not", difference(byMatcher, byScan));
    return out.toString();
  }

  private static void appendDifference(StringBuilder out, String label, Set<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    out.append("\n    ").append(label).append(" (").append(keys.size()).append("):");
    keys.stream().limit(10).forEach(key -> out.append(' ').append(escapeShortened(bytes(key))));
    if (keys.size() > 10) {
      out.append(" ...");
    }
  }

  private static Set<String> difference(Set<String> left, Set<String> right) {
    Set<String> result = new TreeSet<>(left);
    result.removeAll(right);
    return result;
  }

  /** Like {@link #escape} but long keys (the deep nesting ones) show their start and length. */
  private static String escapeShortened(byte[] bytes) {
    if (bytes.length <= 64) {
      return escape(bytes);
    }
    return escape(Arrays.copyOf(bytes, 32)) + "...(" + bytes.length + " bytes)";
  }

  /** Quoted, with printable ASCII as is and every other byte (and quote, backslash) escaped. */
  static String escape(byte[] bytes) {
    StringBuilder out = new StringBuilder("\"");
    for (byte b : bytes) {
      int u = b & 0xff;
      if (u == '"' || u == '\\') {
        out.append('\\').append((char) u);
      } else if (u >= 0x20 && u < 0x7f) {
        out.append((char) u);
      } else {
        out.append(String.format("\\x%02x", u));
      }
    }
    return out.append('"').toString();
  }

  private static byte[] bytes(String latin1, int... more) {
    byte[] head = latin1.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + more.length];
    System.arraycopy(head, 0, all, 0, head.length);
    for (int i = 0; i < more.length; i++) {
      all[head.length + i] = (byte) more[i];
    }
    return all;
  }

  /** Latin-1 maps each byte to one char and back, so key sets compare byte-exactly as strings. */
  private static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static List<byte[]> latin1(Collection<String> strings) {
    return strings.stream().map(RedisGlobDifferentialIT::bytes).toList();
  }

  private static Set<String> latin1Set(Collection<byte[]> keys) {
    Set<String> result = new TreeSet<>();
    for (byte[] key : keys) {
      result.add(latin1(key));
    }
    return result;
  }
}
