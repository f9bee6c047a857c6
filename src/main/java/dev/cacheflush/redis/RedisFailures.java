package dev.cacheflush.redis;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.RedisUrl;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;

/** Turns what the client library throws into one line that says what happened and what to change. */
public final class RedisFailures {
  /** Error replies that say "not now" rather than "never": a restart, a failover, a busy script. */
  private static final List<String> TRANSIENT_REPLIES =
      List.of("LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "READONLY", "CLUSTERDOWN");

  private static final String CHECK_CREDENTIALS =
      "check the user and password in --redis-url or "
          + "REDIS_USERNAME/REDIS_PASSWORD (or --redis-username/--redis-password)";

  private RedisFailures() {}

  /** Whether trying again, on a new connection, may succeed. */
  public static boolean isRetryable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (isAuthFailure(t)
          || t instanceof UnknownHostException
          || TlsFailures.isPermanent(t)
          || t instanceof CacheflushException
          || t instanceof OutOfMemoryError) {
        return false;
      }
      if (t instanceof RedisCommandExecutionException) {
        String reply = String.valueOf(t.getMessage());
        return TRANSIENT_REPLIES.stream().anyMatch(reply::startsWith);
      }
    }
    return true;
  }

  public static CacheflushException explain(String target, Throwable failure) {
    return explain("Cannot use Redis at " + target, target, failure);
  }

  /**
   * As {@link #explain(String, Throwable)}, saying which user the refused credentials were for
   * (never the password).
   */
  public static CacheflushException explain(RedisUrl url, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (isAuthFailure(t)) {
        String who = url.username().map(u -> "of user '" + u + "'").orElse("of the default user");
        String how = url.password().isPresent() ? "" : " (no password given)";
        return new CacheflushException(
            ExitCode.USAGE,
            "Redis at "
                + url.masked()
                + " refused the credentials "
                + who
                + how
                + " ("
                + firstLine(t.getMessage())
                + "): "
                + CHECK_CREDENTIALS,
            failure);
      }
    }
    return explain(url.masked(), failure);
  }

  /** @param what the first words of the line: what could not be done */
  public static CacheflushException explain(String what, String target, Throwable failure) {
    Throwable root = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      root = t;
      // Already explained by the tool (e.g. no AWS credentials for an IAM token, met inside a
      // connect).
      if (t instanceof CacheflushException known) {
        return known;
      }
      if (isAuthFailure(t)) {
        return new CacheflushException(
            ExitCode.USAGE,
            "Redis at "
                + target
                + " refused the credentials ("
                + firstLine(t.getMessage())
                + "): "
                + CHECK_CREDENTIALS,
            failure);
      }
      if (t instanceof RedisCommandExecutionException
          && String.valueOf(t.getMessage()).contains("DB index is out")) {
        return new CacheflushException(
            ExitCode.USAGE,
            "Redis at "
                + target
                + " has no such database ("
                + firstLine(t.getMessage())
                + "): use a database number below the server's 'databases' setting (16 by "
                + "default) after the host in --redis-url",
            failure);
      }
      if (t instanceof RedisCommandExecutionException
          && String.valueOf(t.getMessage()).contains("SELECT is not allowed in cluster mode")) {
        return new CacheflushException(
            ExitCode.USAGE,
            "Redis at "
                + target
                + " is a cluster, which has database 0 "
                + "only: drop the /N after the host in --redis-url",
            failure);
      }
    }
    // A certificate the other side refuses is a setting to change, like a wrong password.
    int code = TlsFailures.isPermanent(failure) ? ExitCode.USAGE : ExitCode.FAILED;
    String advice =
        isClosedConnection(root)
            ? ": is this port a Redis server, and does it need TLS (rediss://)?"
            : "";
    return new CacheflushException(code, what + ": " + hint(failure) + advice, failure);
  }

  private static boolean isClosedConnection(Throwable t) {
    // Lettuce says "RedisHandshakeHandler not registered" when the other side closes the connection
    // before its handshake got going (a TLS port spoken to in plain text, now and then).
    return t instanceof ClosedChannelException
        || containsIgnoreCase(t.getMessage(), "connection reset")
        || containsIgnoreCase(t.getMessage(), "connection closed")
        || containsIgnoreCase(t.getMessage(), "RedisHandshakeHandler not registered");
  }

  /** The likely cause of a failure and what to check, in a few words. */
  public static String hint(Throwable failure) {
    String tls = TlsFailures.explain(failure);
    if (tls != null) {
      return tls;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // Memory is bounded in bytes, but a page or a batch holds at least one key: a key name longer
      // than the heap allows fails the same way every time, so it is not retried.
      if (t instanceof OutOfMemoryError) {
        return "the JVM ran out of memory ("
            + firstLine(t.getMessage())
            + ") holding key names this long: give it "
            + "more, e.g. CACHEFLUSH_JAVA_OPTS=-Xmx1g (README, Memory)";
      }
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof UnknownHostException) {
      return "the host name does not resolve: check the host in --redis-url";
    }
    if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
      return "nothing accepted the connection: check host and port, and that a security group or firewall lets "
          + "this machine reach it";
    }
    if (root instanceof RedisCommandTimeoutException
        || containsIgnoreCase(root.getMessage(), "timed out")) {
      return "the server did not answer in time: check that the port is Redis's, that TLS is used if the server "
          + "needs it (rediss://), and that the network path is open";
    }
    if (isClosedConnection(root)) {
      return "the connection was closed by the other side";
    }
    if (root instanceof RedisCommandExecutionException
        && String.valueOf(root.getMessage()).startsWith("NOPERM")) {
      return firstLine(root.getMessage())
          + ": the Redis user lacks a right the flush needs; 'cacheflush acl' prints them";
    }
    return firstLine(root.getMessage());
  }

  /** Redis at {@code maxmemory} with {@code noeviction} refusing a command that would add data. */
  public static boolean isOutOfMemory(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RedisCommandExecutionException
          && String.valueOf(t.getMessage()).startsWith("OOM")) {
        return true;
      }
    }
    return false;
  }

  static boolean isAuthFailure(Throwable t) {
    if (!(t instanceof RedisCommandExecutionException)) {
      return false;
    }
    String m = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
    return m.startsWith("WRONGPASS")
        || m.startsWith("NOAUTH")
        || m.contains("INVALID PASSWORD")
        || m.contains("INVALID USERNAME-PASSWORD");
  }

  private static boolean containsIgnoreCase(String message, String part) {
    return message != null && message.toLowerCase(Locale.ROOT).contains(part);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail given";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
