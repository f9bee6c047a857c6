package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespFramesTest {
  private static final String[] REPLIES = {
    "+OK\r\n",
    "-MOVED 1234 127.0.0.1:7001\r\n",
    ":0\r\n",
    ":-12345678901\r\n",
    "$-1\r\n",
    "$0\r\n\r\n",
    "$12\r\nwith\r\nCRLF\r\n\r\n",
    "*-1\r\n",
    "*0\r\n",
    "*2\r\n$3\r\n176\r\n*3\r\n$6\r\nmocs:1\r\n$0\r\n\r\n$-1\r\n",
    "*3\r\n*2\r\n:1\r\n+a\r\n*1\r\n*1\r\n-ERR x\r\n$1\r\n*\r\n",
  };

  @Test
  void itShouldFindTheEndOfEachKindOfReplyAndNotBeforeAllOfItHasArrived() {
    for (String reply : REPLIES) {
      byte[] bytes = (reply + "+NEXT\r\n").getBytes(StandardCharsets.UTF_8);
      int length = reply.length();
      assertThat(RespFrames.end(bytes, 0, bytes.length)).as(reply).isEqualTo(length);
      for (int cut = 0; cut < length; cut++) {
        assertThat(RespFrames.end(bytes, 0, cut)).as("%s cut at %d", reply, cut).isEqualTo(-1);
      }
    }
  }

  @Test
  void itShouldFindAReplyThatStartsInsideTheArray() {
    byte[] bytes = "xx:7\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(RespFrames.end(bytes, 2, bytes.length)).isEqualTo(bytes.length);
  }

  @Test
  void itShouldRefuseBytesThatAreNotRESP2() {
    for (String notResp :
        new String[] {"HTTP/1.1 400\r\n", "*1a\r\n", "$\r\n", "+OK\rX\n", "%1\r\n"}) {
      byte[] bytes = notResp.getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> RespFrames.end(bytes, 0, bytes.length))
          .as(notResp)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("not a RESP2 reply");
    }
  }

  @Test
  void itShouldReadTheTextOfAnErrorReply() {
    byte[] bytes = "-NOPERM this user has no permissions\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(RespFrames.line(bytes, 0, bytes.length))
        .isEqualTo("NOPERM this user has no permissions");
  }
}
