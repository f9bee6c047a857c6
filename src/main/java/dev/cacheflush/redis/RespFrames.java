package dev.cacheflush.redis;

import java.nio.charset.StandardCharsets;

/**
 * Where a RESP2 reply ends in a byte array, found without decoding it: how {@link ReplyInterceptor}
 * tells one reply from the next. Also the pieces of a reply that the commands reading their own
 * replies ({@link OwnReplies}) take apart.
 */
final class RespFrames {
  private RespFrames() {}

  /**
   * The end (exclusive) of the reply that starts at {@code at}, or -1 when {@code [at, limit)} does
   * not hold all of it yet.
   *
   * @throws IllegalStateException for bytes that are not a RESP2 reply
   */
  static int end(byte[] resp, int at, int limit) {
    int cr = lineEnd(resp, at + 1, limit);
    if (cr < 0) {
      return -1;
    }
    switch (resp[at]) {
      case '+', '-', ':' -> {
        return cr + 2;
      }
      case '$' -> {
        long length = number(resp, at + 1, cr);
        if (length < 0) {
          return cr + 2;
        }
        long end = cr + 2 + length + 2;
        return end <= limit ? (int) end : -1;
      }
      case '*' -> {
        long elements = number(resp, at + 1, cr);
        int next = cr + 2;
        for (long i = 0; i < elements; i++) {
          next = end(resp, next, limit);
          if (next < 0) {
            return -1;
          }
        }
        return next;
      }
      default -> throw new IllegalStateException("not a RESP2 reply: type byte " + resp[at]);
    }
  }

  /**
   * Where the line that starts at {@code from} ends: the index of its CR, or -1 when its CRLF has not
   * arrived yet. A RESP2 line (a type, then a number or a simple string) holds no CR of its own.
   */
  static int lineEnd(byte[] resp, int from, int limit) {
    for (int i = from; i < limit - 1; i++) {
      if (resp[i] == '\r') {
        if (resp[i + 1] != '\n') {
          throw new IllegalStateException("not a RESP2 reply: CR without LF");
        }
        return i;
      }
    }
    return -1;
  }

  /** The decimal number in {@code resp[from, to)}, as RESP writes a length or an integer. */
  static long number(byte[] resp, int from, int to) {
    boolean negative = from < to && resp[from] == '-';
    int i = negative ? from + 1 : from;
    if (i == to) {
      throw new IllegalStateException("not a RESP2 reply: a number without digits");
    }
    long value = 0;
    for (; i < to; i++) {
      int digit = resp[i] - '0';
      if (digit < 0 || digit > 9) {
        throw new IllegalStateException("not a RESP2 reply: a number with a non-digit");
      }
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  }

  /** The text of the simple string or error reply at {@code resp[at, to)}, without its type byte. */
  static String line(byte[] resp, int at, int to) {
    int cr = lineEnd(resp, at + 1, to);
    return new String(resp, at + 1, cr - at - 1, StandardCharsets.UTF_8);
  }
}
