package dev.cacheflush.redis;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Turns what the client library throws into one line that says what happened and what to change. */
public final class RedisFailures {
  private RedisFailures() {}

  public static CacheflushException explain(String target, Throwable failure) {
    Throwable root = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      root = t;
      if (isAuthFailure(t)) {
        return new CacheflushException(ExitCode.USAGE, "Redis at " + target + " refused the credentials ("
            + firstLine(t.getMessage()) + "): check the user and password in --redis-url or REDIS_USERNAME/REDIS_PASSWORD",
            failure);
      }
    }
    String hint;
    if (root instanceof UnknownHostException) {
      hint = "the host name does not resolve: check the host in --redis-url";
    } else if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
      hint = "nothing accepted the connection: check host and port, and that a security group or firewall lets "
          + "this machine reach it";
    } else if (root instanceof SSLException) {
      hint = "the TLS handshake failed: check that the server speaks TLS and that its certificate is trusted";
    } else if (root instanceof RedisCommandTimeoutException || containsIgnoreCase(root.getMessage(), "timed out")) {
      hint = "the server did not answer in time: check the port is Redis's, that TLS is used if the server needs it "
          + "(rediss://), and that the network path is open";
    } else if (root instanceof ClosedChannelException || containsIgnoreCase(root.getMessage(), "connection reset")) {
      hint = "the connection was closed by the other side: is this port a Redis server, and does it need TLS (rediss://)?";
    } else {
      hint = firstLine(root.getMessage());
    }
    return new CacheflushException(ExitCode.FAILED, "Cannot use Redis at " + target + ": " + hint, failure);
  }

  static boolean isAuthFailure(Throwable t) {
    if (!(t instanceof RedisCommandExecutionException)) {
      return false;
    }
    String m = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
    return m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.contains("INVALID PASSWORD")
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
