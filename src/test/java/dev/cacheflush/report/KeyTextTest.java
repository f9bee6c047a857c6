package dev.cacheflush.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyTextTest {
  @Test
  void printableKeysShouldBeShownAsTheyAre() {
    assertThat(KeyText.render("mocs:42".getBytes(StandardCharsets.UTF_8))).isEqualTo("mocs:42");
  }

  @Test
  void otherBytesShouldBeEscapedLikeRedisCli() {
    assertThat(KeyText.render(new byte[] {'a', (byte) 0xff, '\n', '\\', '"'}))
        .isEqualTo("a\\xff\\x0a\\\\\\\"");
  }

  @Test
  void aSampleOfALongKeyShouldShowItsStartAndItsLengthOnly() {
    byte[] key = new byte[1 << 20];
    Arrays.fill(key, (byte) 0xff);
    key[0] = 'm';

    String sample = KeyText.sample(key);

    assertThat(sample).startsWith("m\\xff").endsWith("\\xff… (1,048,576 bytes)");
    assertThat(sample).hasSize(1 + 4 * (KeyText.SAMPLE_BYTES - 1) + "… (1,048,576 bytes)".length());
    assertThat(KeyText.sample("mocs:42".getBytes(StandardCharsets.UTF_8))).isEqualTo("mocs:42");
  }
}
