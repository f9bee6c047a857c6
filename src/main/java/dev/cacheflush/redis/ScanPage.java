package dev.cacheflush.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SCAN cursor COUNT n, whose reply {@link ReplyInterceptor} hands to it: the page is read here, one
 * array copy per key, and Lettuce completes the command with it.
 */
final class ScanPage extends Command<byte[], byte[], KeyScanCursor<byte[]>> implements OwnReplies {
  ScanPage(ScanCursor cursor, int count) {
    super(CommandType.SCAN, new PageOutput(), args(cursor, count));
  }

  private static CommandArgs<byte[], byte[]> args(ScanCursor cursor, int count) {
    CommandArgs<byte[], byte[]> args =
        new CommandArgs<>(ByteArrayCodec.INSTANCE).add(cursor.getCursor());
    ScanArgs.Builder.limit(count).build(args);
    return args;
  }

  /** Where the reading of the reply is: each part is read whole, but a key's bytes as they come. */
  private enum Part {
    TOP,
    CURSOR,
    KEY_COUNT,
    KEY_LENGTH,
    KEY
  }

  private Part part = Part.TOP;
  private final KeyScanCursor<byte[]> page = new KeyScanCursor<>();
  private long keysLeft;

  /** The key being read, made at its full length from its header, and how much of it is here. */
  private byte[] key;

  private int filled;

  /** The number on the line {@link #line} read last. */
  private long number;

  private byte[] inPlace;

  /**
   * Reads the page, {@code *2 $cursor *n $key...}, a key's bytes straight into the key's array, so
   * that a page of long keys is held once; an error reply goes on to Lettuce, which fails the
   * command with it as with any command.
   */
  @Override
  public int read(byte[] resp, int from, int limit) {
    int at = from;
    while (inPlace == null) {
      int next = -1;
      switch (part) {
        case TOP -> {
          if (at < limit && resp[at] == '-') {
            int end = RespFrames.end(resp, at, limit);
            if (end >= 0) {
              inPlace = Arrays.copyOfRange(resp, at, end);
            }
            return Math.max(at, end);
          }
          next = line(resp, at, limit, '*');
          if (next >= 0) {
            if (number != 2) {
              throw new IllegalStateException(
                  "SCAN replied with an array that is not [cursor, keys]");
            }
            part = Part.CURSOR;
          }
        }
        case CURSOR -> {
          next = RespFrames.end(resp, at, limit);
          if (next >= 0) {
            int content = line(resp, at, limit, '$');
            String cursor = new String(resp, content, (int) number, StandardCharsets.US_ASCII);
            page.setCursor(cursor);
            page.setFinished("0".equals(cursor));
            part = Part.KEY_COUNT;
          }
        }
        case KEY_COUNT -> {
          next = line(resp, at, limit, '*');
          if (next >= 0) {
            keysLeft = number;
            part = Part.KEY_LENGTH;
          }
        }
        case KEY_LENGTH -> {
          if (keysLeft == 0) {
            ((PageOutput) getOutput()).page = page;
            inPlace = OK;
            return at;
          }
          next = line(resp, at, limit, '$');
          if (next >= 0) {
            key = new byte[(int) number];
            filled = 0;
            part = Part.KEY;
          }
        }
        case KEY -> {
          int copied = Math.min(key.length - filled, limit - at);
          System.arraycopy(resp, at, key, filled, copied);
          filled += copied;
          at += copied;
          if (filled < key.length || limit - at < 2) {
            return at;
          }
          if (resp[at] != '\r' || resp[at + 1] != '\n') {
            throw new IllegalStateException("SCAN replied with a key not ended by CRLF");
          }
          next = at + 2;
          page.getKeys().add(key);
          key = null;
          keysLeft--;
          part = Part.KEY_LENGTH;
        }
      }
      if (next < 0) {
        return at;
      }
      at = next;
    }
    return at;
  }

  @Override
  public byte[] inPlace() {
    return inPlace;
  }

  /**
   * Reads the line at {@code at}, of type {@code type}, into {@link #number}.
   *
   * @return where the line ends, after its CRLF; -1 if it has not all arrived
   */
  private int line(byte[] resp, int at, int limit, char type) {
    int cr = RespFrames.lineEnd(resp, at + 1, limit);
    if (cr < 0) {
      return -1;
    }
    if (resp[at] != type) {
      throw new IllegalStateException("SCAN replied with RESP type " + (char) resp[at]);
    }
    number = RespFrames.number(resp, at + 1, cr);
    if (number < 0) {
      throw new IllegalStateException("SCAN replied with a nil");
    }
    return cr + 2;
  }

  /** Holds the page the reply was read into; takes Lettuce's stand-in reply without decoding it. */
  private static final class PageOutput
      extends CommandOutput<byte[], byte[], KeyScanCursor<byte[]>> {
    private KeyScanCursor<byte[]> page;

    PageOutput() {
      super(ByteArrayCodec.INSTANCE, null);
    }

    @Override
    public KeyScanCursor<byte[]> get() {
      return page;
    }

    @Override
    public void set(ByteBuffer bytes) {
      // The stand-in OK: the page is already here.
    }

    /** Only a connection without the interceptor decodes a page here: it must fail, not return nothing. */
    @Override
    public void multi(int count) {
      setError("SCAN reply decoded without cacheflush's ReplyInterceptor on the connection");
    }
  }
}
