package dev.cacheflush.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A validated Redis URL: {@code redis://}, {@code rediss://} (TLS) or {@code redis-sentinel://}.
 * Parsed here rather than by the client library so that a malformed URL is a configuration error
 * found before any connection, and so that the one place that prints a target masks the password.
 *
 * <p>Form: {@code scheme://[user[:password]@]host[:port][,host[:port]...][/db][#sentinelMaster]}. A
 * user-info without a colon is the user; {@code :password@} gives a password alone.
 */
public final class RedisUrl {
  public enum Scheme {
    REDIS("redis", 6379),
    REDISS("rediss", 6379),
    SENTINEL("redis-sentinel", 26379);

    final String text;
    final int defaultPort;

    Scheme(String text, int defaultPort) {
      this.text = text;
      this.defaultPort = defaultPort;
    }
  }

  public record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private final Scheme scheme;
  private final List<HostPort> hosts;
  private final String username;
  private final String password;
  private final int database;
  private final String sentinelMaster;

  private RedisUrl(
      Scheme scheme,
      List<HostPort> hosts,
      String username,
      String password,
      int database,
      String sentinelMaster) {
    this.scheme = scheme;
    this.hosts = List.copyOf(hosts);
    this.username = username;
    this.password = password;
    this.database = database;
    this.sentinelMaster = sentinelMaster;
  }

  public static RedisUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(
          "No Redis URL given: pass --redis-url redis://host:6379 or set REDIS_URL");
    }
    String url = text.strip();
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      throw invalid(url, "it has no scheme; write it as redis://host:6379 (or rediss:// for TLS)");
    }
    String schemeText = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    Scheme scheme = null;
    for (Scheme s : Scheme.values()) {
      if (s.text.equals(schemeText)) {
        scheme = s;
      }
    }
    if (scheme == null) {
      throw invalid(
          url,
          "the scheme '" + schemeText + "' is not one of redis://, rediss://, redis-sentinel://");
    }
    String rest = url.substring(schemeEnd + 3);

    String master = null;
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      master = decode(rest.substring(hash + 1));
      rest = rest.substring(0, hash);
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      throw invalid(url, "query parameters are not supported; use flags such as --tls-ca instead");
    }

    int at = rest.lastIndexOf('@');
    String user = null;
    String pass = null;
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      if (colon >= 0) {
        user = emptyToNull(decode(userInfo.substring(0, colon)));
        pass = emptyToNull(decode(userInfo.substring(colon + 1)));
      } else {
        // A user name, as RFC 3986 and redis-py read it (redis-cli and Lettuce read a password), so
        // that
        // redis://flusher@host with REDIS_PASSWORD authenticates as flusher; a password alone is
        // :secret@.
        user = emptyToNull(decode(userInfo));
      }
    }

    int database = 0;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String db = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
      if (!db.isEmpty()) {
        try {
          database = Integer.parseInt(db);
        } catch (NumberFormatException e) {
          throw invalid(url, "the database '" + db + "' after the host is not a number");
        }
        if (database < 0) {
          throw invalid(url, "the database number must be 0 or more");
        }
      }
    }

    List<HostPort> hosts = new ArrayList<>();
    for (String hostPort : rest.split(",", -1)) {
      hosts.add(parseHostPort(url, hostPort, scheme.defaultPort));
    }
    if (hosts.size() > 1 && scheme != Scheme.SENTINEL) {
      throw invalid(
          url,
          "several hosts are only allowed with redis-sentinel://; for a cluster give any one node");
    }
    if (scheme == Scheme.SENTINEL && (master == null || master.isBlank())) {
      throw invalid(
          url,
          "a redis-sentinel:// URL needs the primary's name after '#', e.g. redis-sentinel://host:26379#mymaster");
    }
    if (scheme != Scheme.SENTINEL && master != null) {
      throw invalid(url, "'#" + master + "' only makes sense in a redis-sentinel:// URL");
    }
    return new RedisUrl(scheme, hosts, user, pass, database, master);
  }

  private static HostPort parseHostPort(String url, String text, int defaultPort) {
    if (text.isEmpty()) {
      throw invalid(url, "the host is missing");
    }
    String host;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw invalid(url, "the IPv6 address is missing its closing ']'");
      }
      host = text.substring(1, close);
      String after = text.substring(close + 1);
      if (after.startsWith(":")) {
        port = after.substring(1);
      } else if (!after.isEmpty()) {
        throw invalid(url, "unexpected '" + after + "' after the IPv6 address");
      }
    } else {
      int colon = text.lastIndexOf(':');
      host = colon >= 0 ? text.substring(0, colon) : text;
      port = colon >= 0 ? text.substring(colon + 1) : null;
    }
    if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
      throw invalid(url, "the host '" + host + "' is not a valid host name or address");
    }
    int portNumber = defaultPort;
    if (port != null) {
      try {
        portNumber = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw invalid(url, "the port '" + port + "' is not a number");
      }
      if (portNumber < 1 || portNumber > 65535) {
        throw invalid(url, "the port " + portNumber + " is outside 1-65535");
      }
    }
    return new HostPort(host, portNumber);
  }

  private static ConfigException invalid(String url, String why) {
    return new ConfigException("Invalid Redis URL '" + maskRaw(url) + "': " + why);
  }

  /** Masks the password of a URL that could not be parsed, so even the error line leaks nothing. */
  static String maskRaw(String url) {
    int schemeEnd = url.indexOf("://");
    int start = schemeEnd < 0 ? 0 : schemeEnd + 3;
    int at = url.lastIndexOf('@');
    if (at < start) {
      return url;
    }
    String userInfo = url.substring(start, at);
    int colon = userInfo.indexOf(':');
    String user = colon >= 0 ? userInfo.substring(0, colon) : "";
    return url.substring(0, start) + user + ":****" + url.substring(at);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Returns a copy whose credentials are replaced by the given ones where those are present. */
  public RedisUrl withCredentials(String user, String pass) {
    return new RedisUrl(
        scheme,
        hosts,
        user != null ? user : username,
        pass != null ? pass : password,
        database,
        sentinelMaster);
  }

  public Scheme scheme() {
    return scheme;
  }

  public boolean tls() {
    return scheme == Scheme.REDISS;
  }

  public List<HostPort> hosts() {
    return hosts;
  }

  public HostPort firstHost() {
    return hosts.get(0);
  }

  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** The secret; never print it. */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  public int database() {
    return database;
  }

  public Optional<String> sentinelMaster() {
    return Optional.ofNullable(sentinelMaster);
  }

  /** The URL with the password replaced by {@code ****}: the only form that is ever printed. */
  public String masked() {
    StringBuilder sb = new StringBuilder(scheme.text).append("://");
    if (username != null || password != null) {
      if (username != null) {
        sb.append(username);
      }
      if (password != null) {
        sb.append(":****");
      }
      sb.append('@');
    }
    for (int i = 0; i < hosts.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(hosts.get(i));
    }
    if (database != 0) {
      sb.append('/').append(database);
    }
    if (sentinelMaster != null) {
      sb.append('#').append(sentinelMaster);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return masked();
  }
}
