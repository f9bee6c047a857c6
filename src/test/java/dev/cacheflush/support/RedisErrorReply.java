package dev.cacheflush.support;

/** An error reply ({@code -ERR ...}, {@code -MOVED ...}) from a server called through the support code. */
public final class RedisErrorReply extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RedisErrorReply(String message) {
    super(message);
  }
}
