package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CountedUnlinkTest {
  /** The UNLINK written from the key arrays is byte for byte the one Lettuce's own arguments write. */
  @Test
  void itShouldWriteWhatLettucesCommandArgsWriteForKeysOfEveryNumberOfDigits() {
    for (int length : new int[] {0, 1, 9, 10, 99, 100, 999, 1_000, 65_536, 1_234_567}) {
      byte[][] keys = new byte[12][];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = new byte[length + i];
        Arrays.fill(keys[i], (byte) ('a' + i));
      }
      ByteBuf ours = Unpooled.buffer(4);
      new RedisNode.CountedUnlink(keys, 0, null).encode(ours);
      ByteBuf lettuces = Unpooled.buffer();
      new Command<>(
              CommandType.UNLINK,
              new IntegerOutput<>(ByteArrayCodec.INSTANCE),
              new CommandArgs<>(ByteArrayCodec.INSTANCE).addKeys(keys))
          .encode(lettuces);
      assertThat(bytesOf(ours)).as("keys of %d bytes", length).isEqualTo(bytesOf(lettuces));
    }
  }

  private static byte[] bytesOf(ByteBuf buf) {
    byte[] bytes = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), bytes);
    return bytes;
  }
}
