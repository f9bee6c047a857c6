package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class ReplyInterceptorTest {
  /** Keys as SCAN may return them: any bytes, CRLF and the empty key included. */
  private static final String PAGE =
      "*2\r\n$2\r\n17\r\n*3\r\n$6\r\nmocs:1\r\n$0\r\n\r\n$4\r\na\r\nb\r\n";

  /** The replies of {@link Conversation}'s commands, in order. */
  private static final String SERVER =
      "$5\r\nhello\r\n"
          + PAGE
          + ":2\r\n-MOVED 12 127.0.0.1:7001\r\n:0\r\n"
          + "-NOPERM no permissions\r\n"
          + "+PONG\r\n"
          + ":1\r\n";

  /** What Lettuce's command handler must see: the other commands' replies, and a stand-in for each of ours. */
  private static final String TO_LETTUCE =
      "$5\r\nhello\r\n"
          + "+OK\r\n"
          + "+OK\r\n"
          + "-NOPERM no permissions\r\n"
          + "+PONG\r\n"
          + "+OK\r\n";

  /** A GET, a SCAN, a batch of 3 UNLINKs, a refused SCAN, then a PING and a 1-UNLINK batch written together. */
  private static final class Conversation {
    final EmbeddedChannel channel;
    final List<String> unlinked = new ArrayList<>();
    final ScanPage page = new ScanPage(new ScanCursor("0", false), 10);
    final ScanPage refused = new ScanPage(new ScanCursor("0", false), 10);

    Conversation(EmbeddedChannel channel) {
      this.channel = channel;
      channel.writeOutbound(plain(CommandType.GET));
      channel.writeOutbound(new AsyncCommand<>(page));
      channel.writeOutbound(new UnlinkBatch(groups(3), recording("three", unlinked)));
      channel.writeOutbound(new AsyncCommand<>(refused));
      channel.writeOutbound(
          List.of(plain(CommandType.PING), new UnlinkBatch(groups(1), recording("one", unlinked))));
    }

    /** Feeds the server's bytes in pieces cut at {@code cuts}; returns what reached Lettuce. */
    String receive(byte[] server, int[] cuts) {
      int from = 0;
      for (int cut : cuts) {
        channel.writeInbound(Unpooled.wrappedBuffer(server, from, cut - from));
        from = cut;
      }
      channel.writeInbound(Unpooled.wrappedBuffer(server, from, server.length - from));
      ByteArrayOutputStream toLettuce = new ByteArrayOutputStream();
      for (ByteBuf forwarded = channel.readInbound();
          forwarded != null;
          forwarded = channel.readInbound()) {
        byte[] bytes = new byte[forwarded.readableBytes()];
        forwarded.readBytes(bytes);
        forwarded.release();
        toLettuce.writeBytes(bytes);
      }
      return toLettuce.toString(StandardCharsets.UTF_8);
    }

    void assertRepliesWentToTheirCommands() {
      KeyScanCursor<byte[]> read = page.getOutput().get();
      assertThat(read.getCursor()).isEqualTo("17");
      assertThat(read.isFinished()).isFalse();
      assertThat(read.getKeys())
          .map(k -> new String(k, StandardCharsets.UTF_8))
          .containsExactly("mocs:1", "", "a\r\nb");
      assertThat(refused.getOutput().get()).isNull();
      assertThat(unlinked)
          .containsExactly(
              "three 0 removed 2",
              "three 1 failed RedisCommandExecutionException: MOVED 12 127.0.0.1:7001",
              "three 2 removed 0",
              "one 0 removed 1");
    }
  }

  private static AsyncCommand<byte[], byte[], String> plain(CommandType type) {
    return new AsyncCommand<>(new Command<>(type, new StatusOutput<>(ByteArrayCodec.INSTANCE)));
  }

  @Test
  void itShouldHandEachReplyToItsCommandHoweverTheBytesAreCut() {
    byte[] server = SERVER.getBytes(StandardCharsets.UTF_8);
    Random random = new Random(15);
    for (int trial = 0; trial < 500; trial++) {
      int[] cuts = random.ints(random.nextInt(12), 1, server.length).sorted().distinct().toArray();
      Conversation c = new Conversation(new EmbeddedChannel(new ReplyInterceptor()));
      assertThat(c.receive(server, cuts))
          .as("cut at %s", Arrays.toString(cuts))
          .isEqualTo(TO_LETTUCE);
      c.assertRepliesWentToTheirCommands();
    }
  }

  @Test
  void itShouldHandEachReplyToItsCommandWhenTheBytesComeOneByOne() {
    byte[] server = SERVER.getBytes(StandardCharsets.UTF_8);
    int[] everyByte = new int[server.length - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    Conversation c = new Conversation(new EmbeddedChannel(new ReplyInterceptor()));
    assertThat(c.receive(server, everyByte)).isEqualTo(TO_LETTUCE);
    c.assertRepliesWentToTheirCommands();
  }

  /** A command whose write failed gets no reply: the next reply is the next command's, as for Lettuce. */
  @Test
  void itShouldForgetACommandWhoseWriteFailed() {
    RedisCommand<byte[], byte[], String> lost = plain(CommandType.DBSIZE);
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
                  throws Exception {
                if (msg == lost) {
                  promise.setFailure(new IOException("encoding failed"));
                } else {
                  super.write(ctx, msg, promise);
                }
              }
            },
            new ReplyInterceptor());
    assertThat(channel.writeAndFlush(lost).isSuccess()).isFalse();
    Conversation c = new Conversation(channel);
    assertThat(c.receive(SERVER.getBytes(StandardCharsets.UTF_8), new int[0]))
        .isEqualTo(TO_LETTUCE);
    c.assertRepliesWentToTheirCommands();
  }

  @Test
  void itShouldCloseTheConnectionOnBytesThatAreNotRESP2() {
    for (RedisCommand<?, ?, ?> head :
        List.of(plain(CommandType.GET), new AsyncCommand<>(new ScanPage(ScanCursor.INITIAL, 10)))) {
      EmbeddedChannel channel = new EmbeddedChannel(new ReplyInterceptor());
      channel.writeOutbound(head);
      assertClosedOn(channel, "HTTP/1.1 400\r\n")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("RESP");
    }
  }

  /** A reply its command cannot take leaves where the next reply starts unknown, as bytes that are not RESP do. */
  @Test
  void itShouldCloseTheConnectionWhenACommandCannotTakeItsReply() {
    EmbeddedChannel channel = new EmbeddedChannel(new ReplyInterceptor());
    channel.writeOutbound(
        new UnlinkBatch(
            groups(2),
            new RedisNode.UnlinkReplies() {
              @Override
              public void removed(int group, long keys) {
                throw new IllegalArgumentException("the tally refused it");
              }

              @Override
              public void failed(int group, Throwable error) {}
            }));
    channel.writeOutbound(plain(CommandType.GET));
    assertClosedOn(channel, ":1\r\n:1\r\n$-1\r\n")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the tally refused it");
  }

  /**
   * Feeds {@code bytes}: the connection must close with nothing passed on to Lettuce, and the
   * failure, returned for its checks, reach the end of the pipeline.
   */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertClosedOn(
      EmbeddedChannel channel, String bytes) {
    Throwable failure =
        catchThrowable(
            () ->
                channel.writeInbound(
                    Unpooled.wrappedBuffer(bytes.getBytes(StandardCharsets.UTF_8))));
    assertThat(channel.isOpen()).isFalse();
    assertThat((Object) channel.readInbound()).isNull();
    return assertThat(failure);
  }

  /** Without the interceptor, Lettuce would decode a page itself: the SCAN must fail, not return nothing. */
  @Test
  void aPageDecodedByLettuceItselfShouldFail() {
    ScanPage page = new ScanPage(ScanCursor.INITIAL, 10);
    page.getOutput().multi(2);
    assertThat(page.getOutput().hasError()).isTrue();
    assertThat(page.getOutput().getError()).contains("ReplyInterceptor");
  }

  @Test
  void aBatchShouldFailTheGroupsNotAnsweredWhenTheConnectionCloses() {
    List<String> unlinked = new ArrayList<>();
    UnlinkBatch batch = new UnlinkBatch(groups(3), recording("cut", unlinked));
    batch.read(":5\r\n:6".getBytes(StandardCharsets.US_ASCII), 0, 6);
    batch.cancel();
    assertThat(unlinked)
        .containsExactly(
            "cut 0 removed 5",
            "cut 1 failed CancellationException: UNLINK cancelled: the connection closed",
            "cut 2 failed CancellationException: UNLINK cancelled: the connection closed");
  }

  /** {@code n} groups of one key each. */
  private static byte[][][] groups(int n) {
    byte[][][] groups = new byte[n][][];
    for (int g = 0; g < n; g++) {
      groups[g] = new byte[][] {("k" + g).getBytes(StandardCharsets.US_ASCII)};
    }
    return groups;
  }

  private static RedisNode.UnlinkReplies recording(String batch, List<String> into) {
    return new RedisNode.UnlinkReplies() {
      @Override
      public void removed(int group, long keys) {
        into.add(batch + " " + group + " removed " + keys);
      }

      @Override
      public void failed(int group, Throwable error) {
        into.add(
            batch
                + " "
                + group
                + " failed "
                + error.getClass().getSimpleName()
                + ": "
                + error.getMessage());
      }
    };
  }
}
