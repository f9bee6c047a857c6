package dev.cacheflush.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlsRedisIT {
  private static TestCertificates certs;
  private static RedisServer noClientAuth;
  private static RedisServer clientAuthRequired;
  private static RedisClient client;

  @BeforeAll
  static void start() {
    long started = System.nanoTime();
    certs = TestCertificates.shared();
    System.out.println(
        "TlsRedisIT: certificates generated in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms");
    noClientAuth = RedisServers.tls(TlsClientAuth.NONE);
    clientAuthRequired = RedisServers.tls(TlsClientAuth.REQUIRED);
    client = RedisClient.create();
  }

  @AfterAll
  static void stop() {
    try {
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    } finally {
      if (noClientAuth != null) {
        noClientAuth.close();
      }
      if (clientAuthRequired != null) {
        clientAuthRequired.close();
      }
    }
  }

  @Test
  void certificateFilesExistAndServerHandleExposesThem() {
    assertThat(certs.caCert()).isRegularFile();
    assertThat(certs.serverCert()).isRegularFile();
    assertThat(certs.serverKey()).isRegularFile();
    assertThat(certs.clientCert()).isRegularFile();
    assertThat(certs.clientKey()).isRegularFile();
    assertThat(certs.wrongCaCert()).isRegularFile();
    assertThat(noClientAuth.isTls()).isTrue();
    assertThat(noClientAuth.tlsUrl()).isEqualTo("rediss://127.0.0.1:" + noClientAuth.port());
    assertThat(noClientAuth.url()).isEqualTo(noClientAuth.tlsUrl());
    assertThat(noClientAuth.certificates()).isSameAs(certs);
  }

  @Test
  void clientTrustingTheTestCaConnectsWithFullHostnameVerification() {
    try (StatefulRedisConnection<String, String> connection =
        connect(noClientAuth, certs.caCert(), null, null)) {
      connection.sync().set("mocs:tls", "yes");
      assertThat(connection.sync().get("mocs:tls")).isEqualTo("yes");
    }
    assertThat(noClientAuth.callString("GET", "mocs:tls"))
        .isEqualTo("yes"); // admin calls speak TLS too
  }

  @Test
  void clientTrustingTheWrongCaFailsTheHandshake() {
    assertThatThrownBy(() -> connect(noClientAuth, certs.wrongCaCert(), null, null).close())
        .isInstanceOf(RedisConnectionException.class);
  }

  @Test
  void plainTextClientCannotTalkToTheTlsPort() {
    RedisURI uri = RedisURI.create("redis://127.0.0.1:" + noClientAuth.port());
    uri.setTimeout(Duration.ofSeconds(1));
    assertThatThrownBy(() -> client.connect(uri).close()).isInstanceOf(RuntimeException.class);
  }

  @Test
  void requiredClientCertificateIsEnforced() {
    assertThatThrownBy(() -> connect(clientAuthRequired, certs.caCert(), null, null).sync().ping())
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(
            () ->
                connect(
                        clientAuthRequired,
                        certs.caCert(),
                        certs.wrongClientCert(),
                        certs.wrongClientKey())
                    .sync()
                    .ping())
        .isInstanceOf(RuntimeException.class);
    try (StatefulRedisConnection<String, String> connection =
        connect(clientAuthRequired, certs.caCert(), certs.clientCert(), certs.clientKey())) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");
    }
  }

  @Test
  void tlsPassesThroughTheFaultProxy() {
    try (FaultProxy proxy = FaultProxy.to(noClientAuth)) {
      assertThat(proxy.url()).startsWith("rediss://");
      RedisURI uri = RedisURI.create(proxy.url());
      uri.setTimeout(Duration.ofSeconds(2));
      client.setOptions(options(certs.caCert(), null, null));
      try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void tlsClusterFormsAndServesClients() {
    try (RedisCluster cluster = RedisServers.tlsCluster(3, 0, TlsClientAuth.NONE)) {
      assertThat(cluster.seedUrl()).startsWith("rediss://");
      RedisURI uri = RedisURI.create(cluster.seedUrl());
      uri.setTimeout(Duration.ofSeconds(2));
      RedisClusterClient clusterClient = RedisClusterClient.create(uri);
      try {
        clusterClient.setOptions(
            ClusterClientOptions.builder()
                .sslOptions(
                    SslOptions.builder()
                        .jdkSslProvider()
                        .trustManager(certs.caCert().toFile())
                        .build())
                .build());
        try (StatefulRedisClusterConnection<String, String> connection = clusterClient.connect()) {
          for (int i = 0; i < 30; i++) {
            connection.sync().set("gallery:" + i, "x");
          }
          assertThat(connection.sync().dbsize()).isEqualTo(30L);
        }
      } finally {
        clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  private static StatefulRedisConnection<String, String> connect(
      RedisServer server, Path ca, Path cert, Path key) {
    RedisURI uri = RedisURI.create(server.tlsUrl());
    uri.setTimeout(Duration.ofSeconds(2));
    synchronized (client) {
      client.setOptions(options(ca, cert, key));
      return client.connect(uri);
    }
  }

  private static ClientOptions options(Path ca, Path cert, Path key) {
    SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().trustManager(ca.toFile());
    if (cert != null) {
      ssl.keyManager(cert.toFile(), key.toFile(), null);
    }
    return ClientOptions.builder()
        .sslOptions(ssl.build())
        .autoReconnect(false)
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
        .build();
  }
}
