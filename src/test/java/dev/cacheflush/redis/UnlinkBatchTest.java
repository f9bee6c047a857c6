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

class UnlinkBatchTest {
  /** The batch written from the key arrays is byte for byte the UNLINKs Lettuce's own arguments write. */
  @Test
  void itShouldWriteWhatLettucesCommandArgsWriteForKeysOfEveryNumberOfDigits() {
    int[] lengths = {0, 1, 9, 10, 99, 100, 999, 1_000, 65_536, 1_234_567};
    byte[][][] groups = new byte[lengths.length][][];
    ByteBuf lettuces = Unpooled.buffer();
    for (int g = 0; g < lengths.length; g++) {
      groups[g] = new byte[g == 3 ? 10 : 1 + g % 3][];
      for (int i = 0; i < groups[g].length; i++) {
        groups[g][i] = new byte[lengths[g] + i];
        Arrays.fill(groups[g][i], (byte) ('a' + i));
      }
      new Command<>(
              CommandType.UNLINK,
              new IntegerOutput<>(ByteArrayCodec.INSTANCE),
              new CommandArgs<>(ByteArrayCodec.INSTANCE).addKeys(groups[g]))
          .encode(lettuces);
    }
    ByteBuf ours = Unpooled.buffer(4);
    new UnlinkBatch(groups, null).encode(ours);
    assertThat(bytesOf(ours)).isEqualTo(bytesOf(lettuces));
  }

  private static byte[] bytesOf(ByteBuf buf) {
    byte[] bytes = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), bytes);
    return bytes;
  }
}
