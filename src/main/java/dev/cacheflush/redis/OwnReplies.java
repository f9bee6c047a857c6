package dev.cacheflush.redis;

/**
 * A command whose replies {@link ReplyInterceptor} hands to it as their bytes arrive, before
 * Lettuce's decoder sees them: Lettuce's decoding costs the client's one I/O thread a dozen calls
 * per key of a SCAN page, and its bookkeeping per command made many small UNLINKs the client's main
 * cost in a cluster (docs/benchmarks.md).
 *
 * <p>Lettuce still completes the command, so that its queue of commands, its timeouts and its
 * failure of everything unanswered when a connection closes stay as they are: once the command has
 * read all its replies, it gives the interceptor one reply to pass on in their place.
 */
interface OwnReplies {
  /** A reply Lettuce can take for any command, to complete it. */
  byte[] OK = {'+', 'O', 'K', '\r', '\n'};

  /**
   * Reads what it can of its replies in {@code resp[from, limit)}, which may end inside one; called
   * on the connection's I/O thread, in the order the bytes come, until {@link #inPlace} is not null.
   *
   * @return where it stopped: {@code from} if it needs more bytes to go on
   * @throws IllegalStateException for bytes that are not the reply it expects
   */
  int read(byte[] resp, int from, int limit);

  /**
   * Once all its replies are read, the reply Lettuce decodes in their place: {@link #OK}, or an error
   * reply, which fails the command; null until then.
   */
  byte[] inPlace();
}
