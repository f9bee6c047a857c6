package dev.cacheflush.redis;

import dev.cacheflush.redis.RedisNode.UnlinkReplies;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.internal.ExceptionFactory;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;

/**
 * One UNLINK per group of keys, written together as one command of Lettuce's: each reply, read by
 * {@link ReplyInterceptor}, goes to {@link UnlinkReplies} under its group as it arrives. To Lettuce
 * the batch is one command, so its cost per command (its queue, its promise, its decoding) is paid
 * once per batch, not once per group; in a cluster, where a group is one slot's keys of one flush
 * pattern, a batch is about a hundred groups (docs/benchmarks.md).
 *
 * <p>A group is answered once: by its reply, or as failed when the connection closes first (Lettuce
 * then fails or cancels the command, and with it every group not yet answered). The batch is not
 * timed by the client ({@link RedisNode#untimed}): the deleter bounds its wait itself.
 */
final class UnlinkBatch extends Command<byte[], byte[], String> implements OwnReplies {
  private static final byte[] NAME = "UNLINK".getBytes(StandardCharsets.US_ASCII);

  private final int groups;
  private final UnlinkReplies replies;

  /** Every group's UNLINK in RESP, made on the sender's thread: the I/O thread only copies it. */
  private final byte[] resp;

  /** Replies read; the next reply is that group's. Written on the I/O thread only. */
  private volatile int read;

  UnlinkBatch(byte[][][] groups, UnlinkReplies replies) {
    super(CommandType.UNLINK, new StatusOutput<>(ByteArrayCodec.INSTANCE));
    this.groups = groups.length;
    this.replies = replies;
    this.resp = resp(groups);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeBytes(resp);
  }

  /** Each group's reply, whole: its count of keys removed, or the error that refused it. */
  @Override
  public int read(byte[] resp, int from, int limit) {
    int at = from;
    while (read < groups) {
      int end = RespFrames.end(resp, at, limit);
      if (end < 0) {
        break;
      }
      int group = read;
      if (resp[at] == ':') {
        replies.removed(group, RespFrames.number(resp, at + 1, end - 2));
      } else if (resp[at] == '-') {
        replies.failed(
            group, ExceptionFactory.createExecutionException(RespFrames.line(resp, at, end)));
      } else {
        throw new IllegalStateException("UNLINK replied with RESP type " + (char) resp[at]);
      }
      read = group + 1;
      at = end;
    }
    return at;
  }

  @Override
  public byte[] inPlace() {
    return read == groups ? OK : null;
  }

  @Override
  public void complete() {
    super.complete();
    if (read < groups) {
      failUnread(new IllegalStateException("UNLINK batch completed before its replies were read"));
    }
  }

  @Override
  public boolean completeExceptionally(Throwable error) {
    boolean first = super.completeExceptionally(error);
    failUnread(error);
    return first;
  }

  @Override
  public void cancel() {
    super.cancel();
    failUnread(new CancellationException("UNLINK cancelled: the connection closed"));
  }

  /** The groups without a reply: failed, so that their keys are sent again. */
  private void failUnread(Throwable error) {
    for (int group = read; group < groups; group++) {
      replies.failed(group, error);
    }
  }

  /** RESP, as {@code CommandArgs} would write it, without an argument object per key. */
  static byte[] resp(byte[][][] groups) {
    int size = 0;
    for (byte[][] keys : groups) {
      size += 1 + digits(keys.length + 1) + 2 + bulkSize(NAME.length);
      for (byte[] key : keys) {
        size += bulkSize(key.length);
      }
    }
    byte[] out = new byte[size];
    int at = 0;
    for (byte[][] keys : groups) {
      out[at] = '*';
      at = decimal(out, at + 1, keys.length + 1);
      at = bulk(out, at, NAME);
      for (byte[] key : keys) {
        at = bulk(out, at, key);
      }
    }
    return out;
  }

  private static int bulkSize(int length) {
    return 1 + digits(length) + 2 + length + 2;
  }

  private static int bulk(byte[] out, int at, byte[] bytes) {
    out[at] = '$';
    at = decimal(out, at + 1, bytes.length);
    System.arraycopy(bytes, 0, out, at, bytes.length);
    at += bytes.length;
    out[at] = '\r';
    out[at + 1] = '\n';
    return at + 2;
  }

  private static int digits(int value) {
    int digits = 1;
    for (int rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    return digits;
  }

  /** The number and CRLF at {@code at}; returns where they end. */
  private static int decimal(byte[] out, int at, int value) {
    int end = at + digits(value);
    for (int i = end - 1, rest = value; i >= at; i--, rest /= 10) {
      out[i] = (byte) ('0' + rest % 10);
    }
    out[end] = '\r';
    out[end + 1] = '\n';
    return end + 2;
  }
}
