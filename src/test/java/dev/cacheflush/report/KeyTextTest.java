package dev.cacheflush.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyTextTest {
  @Test
  void printableKeysShouldBeShownAsTheyAre() {
    assertThat(KeyText.render("mocs:42".getBytes(StandardCharsets.UTF_8))).isEqualTo("mocs:42");
  }

  @Test
  void otherBytesShouldBeEscapedLikeRedisCli() {
    assertThat(KeyText.render(new byte[] {'a', (byte) 0xff, '\n', '\\', '"'})).isEqualTo("a\\xff\\x0a\\\\\\\"");
  }
}
