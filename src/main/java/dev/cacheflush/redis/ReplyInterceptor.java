package dev.cacheflush.redis;

import io.lettuce.core.protocol.CommandHandler;
import io.lettuce.core.protocol.CommandWrapper;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;

/**
 * Sits in each connection's pipeline just before Lettuce's {@link CommandHandler}, and hands the
 * replies of the commands that read their own ({@link OwnReplies}) to them, passing every other
 * reply on to Lettuce unchanged.
 *
 * <p>Redis answers the commands of a connection in the order they were written, one reply each (in
 * RESP2, which the connections speak, with no push messages). So this handler keeps, as Lettuce's
 * command handler does, the commands written and not yet answered, in order: it sees each one on its
 * way out, after Lettuce has queued it and before it is encoded. A write that fails is taken out of
 * both queues, as Lettuce takes it out of its own.
 *
 * <p>The bytes that arrive go to the command at the head of the queue if it reads its own replies,
 * as they come, so that a page of long keys is never held twice; a command that has read all its
 * replies gives one in their place, which Lettuce decodes to complete it. Any other reply is gathered
 * until it is whole ({@link RespFrames#end}) and goes on to Lettuce. Bytes that are not RESP2, or a
 * reply its command cannot take, close the connection: nothing after them could be matched to its
 * command.
 */
final class ReplyInterceptor extends ChannelDuplexHandler {
  private static final int INITIAL_BYTES = 8 << 10;

  /** A buffer grown past this for a long reply of Lettuce's is given back once the reply is passed on. */
  private static final int KEPT_BYTES = 1 << 20;

  /** The commands written and not answered, as Lettuce wrote them (possibly wrapped). */
  private final ArrayDeque<RedisCommand<?, ?, ?>> written = new ArrayDeque<>();

  /** Bytes received: {@code [start, limit)} are not read yet. */
  private byte[] received = new byte[INITIAL_BYTES];

  private int start;
  private int limit;

  /** Adds the interceptor to a channel Lettuce has just set up; fails if Lettuce's handler is not there. */
  static void install(Channel channel) {
    ChannelHandlerContext lettuce = channel.pipeline().context(CommandHandler.class);
    if (lettuce == null) {
      throw new IllegalStateException("no Lettuce CommandHandler in " + channel.pipeline().names());
    }
    channel.pipeline().addBefore(lettuce.name(), "cacheflush-replies", new ReplyInterceptor());
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    List<RedisCommand<?, ?, ?>> commands = commandsOf(msg);
    written.addAll(commands);
    if (!commands.isEmpty() && !promise.isVoid()) {
      promise.addListener(
          sent -> {
            if (!sent.isSuccess()) {
              commands.forEach(written::removeFirstOccurrence);
            }
          });
    }
    super.write(ctx, msg, promise);
  }

  @SuppressWarnings("unchecked")
  private static List<RedisCommand<?, ?, ?>> commandsOf(Object msg) {
    if (msg instanceof RedisCommand<?, ?, ?> command) {
      return List.of(command);
    }
    if (msg instanceof Collection<?> commands) {
      return List.copyOf((Collection<RedisCommand<?, ?, ?>>) commands);
    }
    return List.of();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    ByteBuf forward = null;
    try {
      append((ByteBuf) msg);
      while (start < limit) {
        RedisCommand<?, ?, ?> head = written.peek();
        if (head != null && CommandWrapper.unwrap(head) instanceof OwnReplies own) {
          int stopped = own.read(received, start, limit);
          boolean progressed = stopped > start;
          start = stopped;
          byte[] inPlace = own.inPlace();
          if (inPlace != null) {
            written.poll();
            forward = forwarded(ctx, forward, inPlace, 0, inPlace.length);
          } else if (!progressed) {
            break;
          }
        } else {
          int end = RespFrames.end(received, start, limit);
          if (end < 0) {
            break;
          }
          written.poll();
          forward = forwarded(ctx, forward, received, start, end - start);
          start = end;
        }
      }
    } catch (RuntimeException notRead) {
      // Bytes that are not RESP2, or a reply its command could not take: where the next reply
      // starts is no longer known. First to Lettuce, which fails the command at the head of its
      // queue with it; the close fails the rest.
      release(forward);
      ctx.fireExceptionCaught(notRead);
      ctx.close();
      return;
    } finally {
      ((ByteBuf) msg).release();
    }
    compact();
    if (forward != null) {
      ctx.fireChannelRead(forward);
    }
  }

  private static ByteBuf forwarded(
      ChannelHandlerContext ctx, ByteBuf forward, byte[] bytes, int from, int length) {
    ByteBuf to = forward != null ? forward : ctx.alloc().buffer(Math.max(length, 64));
    return to.writeBytes(bytes, from, length);
  }

  private void append(ByteBuf data) {
    int length = data.readableBytes();
    if (limit + length > received.length) {
      compact();
    }
    if (limit + length > received.length) {
      byte[] larger = new byte[Math.max(limit + length, 2 * received.length)];
      System.arraycopy(received, 0, larger, 0, limit);
      received = larger;
    }
    data.readBytes(received, limit, length);
    limit += length;
  }

  /** Moves the bytes not yet read to the front; gives back a buffer grown for a long reply. */
  private void compact() {
    if (start == limit) {
      start = 0;
      limit = 0;
      if (received.length > KEPT_BYTES) {
        received = new byte[INITIAL_BYTES];
      }
    } else if (start > 0) {
      System.arraycopy(received, start, received, 0, limit - start);
      limit -= start;
      start = 0;
    }
  }

  private static void release(ByteBuf buf) {
    if (buf != null) {
      buf.release();
    }
  }
}
