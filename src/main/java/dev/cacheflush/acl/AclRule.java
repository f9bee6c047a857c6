package dev.cacheflush.acl;

import dev.cacheflush.config.Settings;
import dev.cacheflush.glob.GlobOverlap;
import dev.cacheflush.glob.RedisGlob;
import dev.cacheflush.report.KeyText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Redis ACL rule for a user that can run cacheflush and nothing more, so that Redis itself
 * refuses to delete a key outside the flush patterns even if the tool were wrong.
 *
 * <p>Every command is one the tool sends; nothing else is granted:
 * <ul>
 *   <li>{@code scan} walks the keyspace; {@code unlink} deletes (and releases the lock, in its script);
 *   <li>{@code info} finds the mode ({@code cluster_enabled}), the replicas, the server's run_id
 *       after a reconnect, and the hit-rate counters; {@code dbsize} counts the keys;
 *   <li>{@code cluster|nodes} reads the topology and notices resharding; {@code asking} follows an
 *       ASK redirect while a slot migrates (both are harmless on a standalone server, so one rule
 *       serves every mode);
 *   <li>the lock: {@code set} (SET NX PX), {@code get} and {@code pttl} (who holds it, and for how
 *       long), {@code eval} (release it only while it is still this run's).
 * </ul>
 * Nothing is needed at connect: AUTH is open to every connection, Lettuce sends PING only when it
 * has no credentials, and the tool turns off its CLIENT SETINFO.
 */
public final class AclRule {
  /** A flush pattern and a preserve pattern that some key matches both, e.g. {@code example}. */
  @SuppressWarnings(
      "ArrayRecordComponent") // Redis keys are binary; an overlap is printed, never compared
  public record Overlap(String flushPattern, String preservePattern, byte[] example) {}

  private static final List<String> SCAN_AND_DELETE =
      List.of("+scan", "+unlink", "+info", "+dbsize", "+cluster|nodes", "+asking");
  private static final List<String> LOCK = List.of("+set", "+get", "+pttl", "+eval");

  private final List<String> keyPatterns;
  private final List<String> commands;
  private final List<Overlap> overlaps;

  private AclRule(List<String> keyPatterns, List<String> commands, List<Overlap> overlaps) {
    this.keyPatterns = keyPatterns;
    this.commands = commands;
    this.overlaps = overlaps;
  }

  /** @param lock whether the flush takes the lock key (without --no-lock) */
  public static AclRule forFlush(List<RedisGlob> flush, List<RedisGlob> preserve, boolean lock) {
    List<String> keys = new ArrayList<>();
    flush.forEach(p -> keys.add("~" + p.pattern()));
    List<String> commands = new ArrayList<>(SCAN_AND_DELETE);
    if (lock) {
      keys.add("~" + Settings.LOCK_KEY);
      commands.addAll(LOCK);
    }
    List<Overlap> overlaps = new ArrayList<>();
    for (RedisGlob f : flush) {
      for (RedisGlob p : preserve) {
        Optional<byte[]> key = GlobOverlap.example(f, p);
        key.ifPresent(k -> overlaps.add(new Overlap(f.pattern(), p.pattern(), k)));
      }
    }
    return new AclRule(List.copyOf(keys), List.copyOf(commands), List.copyOf(overlaps));
  }

  public List<String> keyPatterns() {
    return keyPatterns;
  }

  public List<String> commands() {
    return commands;
  }

  /** Pairs of patterns that key patterns cannot keep apart: the user may delete the preserved keys they share. */
  public List<Overlap> overlaps() {
    return overlaps;
  }

  /** {@code ACL SETUSER} for self-managed Redis, quoted for redis-cli; the password is set apart. */
  public String setUser(String user) {
    List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", user, "reset", "on"));
    args.addAll(keyPatterns);
    args.addAll(commands);
    return String.join(" ", args.stream().map(AclRule::quote).toList());
  }

  /** The access string of an ElastiCache user, which takes no password and no {@code reset}. */
  public String accessString() {
    List<String> parts = new ArrayList<>(List.of("on"));
    parts.addAll(keyPatterns);
    parts.add("-@all");
    parts.addAll(commands);
    return String.join(" ", parts.stream().map(AclRule::quote).toList());
  }

  /** The text {@code cacheflush acl} prints: the rule, the ElastiCache form, and any overlap. */
  public String render(String user) {
    StringBuilder out = new StringBuilder();
    out.append(
            "# A Redis user that can run cacheflush (plan, flush) and nothing more. Keys are limited to the flush\n")
        .append("# patterns")
        .append(keyPatterns.contains("~" + Settings.LOCK_KEY) ? " and the lock key" : "")
        .append(", so Redis itself refuses to delete any other key.\n");
    for (Overlap o : overlaps) {
      out.append("# WARNING: flush pattern '")
          .append(o.flushPattern())
          .append("' and preserve pattern '")
          .append(o.preservePattern())
          .append("' overlap (the key ")
          .append(KeyText.render(o.example()))
          .append(" matches both).\n")
          .append("# Key patterns can only allow, so this user may delete keys matching '")
          .append(o.preservePattern())
          .append("' too: cacheflush keeps them\n")
          .append(
              "# (preserve wins), but Redis cannot back that up. Narrow the flush pattern to make the rule exact.\n");
    }
    out.append(setUser(user))
        .append('\n')
        .append("# Then set its password: ACL SETUSER ")
        .append(quote(user))
        .append(" >PASSWORD (or #<its SHA-256>).\n")
        .append("# A URL naming a database other than 0 also needs +select.\n")
        .append("#\n")
        .append(
            "# ElastiCache user access string (the password or IAM authentication is set on the user):\n")
        .append("# ")
        .append(accessString())
        .append('\n');
    return out.toString();
  }

  /** As redis-cli reads arguments: bare when safe, else in double quotes with {@code \}-escapes. */
  static String quote(String arg) {
    byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
    boolean bare = bytes.length > 0;
    for (byte b : bytes) {
      bare &= b > 0x20 && b < 0x7f && b != '"' && b != '\'' && b != '\\';
    }
    return bare ? arg : "\"" + KeyText.render(bytes) + "\"";
  }
}
