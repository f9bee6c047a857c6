package dev.cacheflush.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyIT {
  private static final byte[] PING = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
  private static RedisServer server;
  private static RedisClient client;
  private FaultProxy proxy;

  @BeforeAll
  static void startServer() {
    server = RedisServers.standalone();
    client = RedisClient.create();
    client.setOptions(ClientOptions.builder().autoReconnect(true).build());
  }

  @AfterAll
  static void stopServer() {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } finally {
      server.close();
    }
  }

  @BeforeEach
  void startProxy() {
    proxy = FaultProxy.to(server);
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
  }

  @Test
  void passesBytesThroughUnmodified() {
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + 7);
    }
    try (StatefulRedisConnection<String, String> connection = connect(Duration.ofSeconds(5))) {
      RedisCommands<String, String> redis = connection.sync();
      redis.set("mocs:small", "héllo");
      assertThat(redis.get("mocs:small")).isEqualTo("héllo");
      assertThat(proxy.connectionCount()).isEqualTo(1);
    }
    server.callRaw("SET", "mocs:big", big);
    assertThat((byte[]) rawGet("mocs:big")).isEqualTo(big);
    assertThat(proxy.url()).isEqualTo("redis://127.0.0.1:" + proxy.port());
    // The proxy counts a chunk once its write returns, which may be just after the reader has it.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(proxy.bytesForwarded()).isGreaterThan(big.length));
  }

  @Test
  void cutAllResetsOpenConnections() throws IOException {
    try (Socket socket = rawConnection()) {
      assertThat(ping(socket)).isEqualTo("+PONG");
      proxy.cutAll();
      assertThat(proxy.connectionCount()).isZero();
      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
    assertThat(proxy.resetCount()).isEqualTo(1);
  }

  @Test
  void lettuceReconnectsAfterACut() {
    try (StatefulRedisConnection<String, String> connection = connect(Duration.ofSeconds(2))) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");
      proxy.cutAll();
      await()
          .atMost(Duration.ofSeconds(5))
          .ignoreExceptions()
          .until(() -> "PONG".equals(connection.sync().ping()));
      assertThat(proxy.acceptedCount()).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void latencyDelaysBothDirections() throws IOException {
    try (Socket socket = rawConnection()) {
      ping(socket);
      proxy.latency(Duration.ofMillis(150));
      long started = System.nanoTime();
      assertThat(ping(socket)).isEqualTo("+PONG");
      // A lower bound only: load can make a round trip slower, never faster than the proxy holds
      // it.
      assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(290L);
      proxy.latency(Duration.ZERO);
      assertThat(ping(socket)).isEqualTo("+PONG");
    }
  }

  @Test
  void latencyIsNotAThroughputLimit() throws IOException {
    proxy.latency(Duration.ofMillis(100));
    try (Socket socket = rawConnection()) {
      long started = System.nanoTime();
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 20; i++) {
        out.write(PING); // pipelined: 20 chunks in flight together
        out.flush();
      }
      byte[] expected = "+PONG\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII);
      assertThat(socket.getInputStream().readNBytes(expected.length)).isEqualTo(expected);
      // Held one after the other, 20 chunks each way would take at least 20 x 2 x 100 ms: staying
      // under
      // that is the proxy's doing (each chunk due 100 ms after it came), not the machine's speed.
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(20 * 2 * 100);
    }
  }

  @Test
  void blackholeStallsAndHealingDeliversWhatWasHeld() throws IOException {
    try (Socket socket = rawConnection();
        StatefulRedisConnection<String, String> lettuce = connect(Duration.ofMillis(300))) {
      ping(socket);
      proxy.blackhole(true);
      socket.getOutputStream().write(PING);
      socket.setSoTimeout(300);
      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThatThrownBy(() -> lettuce.sync().ping())
          .isInstanceOf(RedisCommandTimeoutException.class);
      assertThat(proxy.connectionCount()).isEqualTo(2);

      proxy.blackhole(false);
      socket.setSoTimeout(2000);
      assertThat(readLine(socket.getInputStream())).isEqualTo("+PONG");
    }
  }

  @Test
  void pausedServerHangsUntilResumed() throws IOException {
    RedisServer paused = RedisServers.standalone();
    try (Socket socket = new Socket(paused.host(), paused.port())) {
      paused.pause();
      socket.setSoTimeout(300);
      socket.getOutputStream().write(PING);
      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      paused.resume();
      socket.setSoTimeout(2000);
      assertThat(readLine(socket.getInputStream())).isEqualTo("+PONG");
      paused.pause();
    } finally {
      paused.close(); // kills a paused server too
    }
    assertThat(paused.isRunning()).isFalse();
  }

  @Test
  void refusedConnectionsAreClosedAtOnce() throws IOException {
    proxy.refuse(true);
    try (Socket socket = rawConnection()) {
      socket.setSoTimeout(2000);
      assertThatThrownBy(
              () -> {
                socket.getOutputStream().write(PING);
                if (socket.getInputStream().read() < 0) {
                  throw new SocketException("closed: reset or EOF");
                }
              })
          .isInstanceOf(SocketException.class);
    }
    assertThat(proxy.refusedCount()).isEqualTo(1);
    proxy.refuse(false);
    try (Socket socket = rawConnection()) {
      assertThat(ping(socket)).isEqualTo("+PONG");
    }
  }

  @Test
  void targetDownMeansClientsAreCutAtOnce() throws IOException {
    try (FaultProxy nowhere = FaultProxy.to("127.0.0.1", FreePorts.next());
        Socket socket = new Socket(nowhere.host(), nowhere.port())) {
      socket.setSoTimeout(2000);
      assertThatThrownBy(
              () -> {
                if (socket.getInputStream().read() < 0) {
                  throw new SocketException("closed: reset or EOF");
                }
              })
          .isInstanceOf(SocketException.class);
      await().atMost(Duration.ofSeconds(2)).until(() -> nowhere.connectionCount() == 0);
    }
  }

  @Test
  void cutAfterBytesResetsMidReply() throws IOException {
    server.call("SET", "gallery:blob", "x".repeat(200_000));
    proxy.cutAfterBytes(50_000);
    try (Socket socket = rawConnection()) {
      socket.setSoTimeout(2000);
      socket
          .getOutputStream()
          .write("*2\r\n$3\r\nGET\r\n$12\r\ngallery:blob\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      long received = 0;
      try {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
          received += n;
        }
      } catch (SocketException reset) {
        // expected: the proxy reset the connection
      }
      assertThat(received).isLessThanOrEqualTo(50_000);
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> proxy.resetCount() == 1);
  }

  @Test
  void cutEveryKeepsResettingConnections() {
    proxy.cutEvery(Duration.ofMillis(100));
    try (StatefulRedisConnection<String, String> connection = connect(Duration.ofSeconds(1))) {
      await().atMost(Duration.ofSeconds(3)).until(() -> proxy.resetCount() >= 3);
      proxy.cutEvery(null);
      await()
          .atMost(Duration.ofSeconds(5))
          .ignoreExceptions()
          .until(() -> "PONG".equals(connection.sync().ping()));
    }
  }

  @Test
  void handlesManyConnectionsAndLeavesNoThreadBehind() throws IOException {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        sockets.add(rawConnection());
      }
      for (Socket socket : sockets) {
        socket.getOutputStream().write(PING);
      }
      for (Socket socket : sockets) {
        assertThat(readLine(socket.getInputStream())).isEqualTo("+PONG");
      }
      assertThat(proxy.connectionCount()).isEqualTo(200);
      proxy.close();
      assertThat(proxy.connectionCount()).isZero();
      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(thread -> thread.getName().startsWith("fault-proxy-" + proxy.port()));
      for (Socket socket : sockets) {
        socket.setSoTimeout(2000);
        try {
          assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (SocketException reset) {
          // also fine: the proxy is gone
        }
      }
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private StatefulRedisConnection<String, String> connect(Duration timeout) {
    RedisURI uri = RedisURI.create(proxy.url());
    uri.setTimeout(timeout);
    return client.connect(uri);
  }

  private Socket rawConnection() throws IOException {
    Socket socket = new Socket(proxy.host(), proxy.port());
    socket.setSoTimeout(5000);
    socket.setTcpNoDelay(true);
    return socket;
  }

  private Object rawGet(String key) {
    try (Resp resp = Resp.connect(proxy.port(), null, Duration.ofSeconds(5))) {
      return resp.call("GET", key);
    }
  }

  private static String ping(Socket socket) throws IOException {
    socket.getOutputStream().write(PING);
    socket.getOutputStream().flush();
    return readLine(socket.getInputStream());
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\r'; b = in.read()) {
      if (b < 0) {
        throw new IOException("EOF after " + line);
      }
      line.append((char) b);
    }
    in.read();
    return line.toString();
  }
}
