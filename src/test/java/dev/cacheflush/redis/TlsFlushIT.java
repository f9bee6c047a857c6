package dev.cacheflush.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.LogCapture;
import dev.cacheflush.support.RedisCluster;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.TestCertificates;
import dev.cacheflush.support.TlsClientAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * rediss:// against real TLS-only servers with a throwaway CA: each certificate check passes with
 * the right flag, and fails, before anything is touched, with one line that names the check and
 * the flag that changes it.
 */
class TlsFlushIT {
  static final int KEYS = 300;
  static TestCertificates certs;
  static RedisServer server;
  static RedisServer clientCertRequired;

  @BeforeAll
  static void start() {
    certs = TestCertificates.shared();
    server = RedisServers.tls(TlsClientAuth.NONE);
    clientCertRequired = RedisServers.tls(TlsClientAuth.REQUIRED);
  }

  @AfterAll
  static void stop() {
    server.close();
    clientCertRequired.close();
  }

  @BeforeEach
  void fill() {
    for (RedisServer s : List.of(server, clientCertRequired)) {
      s.call("FLUSHALL");
      s.call(msetArgs());
    }
  }

  @Test
  void tlsCaShouldLetTheFlushThrough() {
    CliRun.Result r =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                server.tlsUrl(),
                "--tls-ca",
                certs.caCert().toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(server.call("DBSIZE")).isEqualTo((long) KEYS / 2);
    assertThat(server.call("EXISTS", "sessions:1")).isEqualTo(1L);
  }

  @Test
  void wrongCaShouldFailWithOneLineNamingTheChainCheckAndTheFlag() {
    CliRun.Result wrongCa =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                server.tlsUrl(),
                "--tls-ca",
                certs.wrongCaCert().toString());
    CliRun.Result jvmCas =
        new CliRun().run("flush", "--yes", "--sample-window", "0", "--redis-url", server.tlsUrl());

    for (CliRun.Result r : List.of(wrongCa, jvmCas)) {
      assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
      assertThat(r.errorLines())
          .singleElement()
          .asString()
          .contains("Cannot use Redis at " + server.tlsUrl())
          .contains("not signed by a trusted CA (the chain check of --tls-verify full or ca)")
          .contains("--tls-ca");
      assertThat(r.err())
          .doesNotContain("Exception")
          .doesNotContain("\tat ")
          .doesNotContain("WARN");
    }
    assertThat(server.call("DBSIZE")).isEqualTo((long) KEYS);
  }

  /**
   * 0.0.0.0 reaches the loopback server, but the certificate names only 127.0.0.1 and localhost:
   * the host name check fails under --tls-verify full, as for ElastiCache nodes announced by IP.
   */
  @Test
  void hostNameCheckShouldFailUnderFullAndPassUnderCa() {
    String byOtherAddress = "rediss://0.0.0.0:" + server.port();
    CliRun.Result full =
        new CliRun()
            .run("plan", "--redis-url", byOtherAddress, "--tls-ca", certs.caCert().toString());

    assertThat(full.exitCode()).as(full.err()).isEqualTo(2);
    assertThat(full.errorLines())
        .singleElement()
        .asString()
        .contains("does not name the address connected to")
        .contains("the host name check of --tls-verify full")
        .contains("--tls-verify ca");

    CliRun.Result ca =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                byOtherAddress,
                "--tls-ca",
                certs.caCert().toString(),
                "--tls-verify",
                "ca");
    assertThat(ca.exitCode()).as(ca.err()).isZero();
    assertThat(server.call("DBSIZE")).isEqualTo((long) KEYS / 2);
  }

  @Test
  void serverRequiringAClientCertificateShouldSaySoAndAcceptTheRightOne() {
    CliRun.Result without =
        new CliRun()
            .run(
                "plan",
                "--redis-url",
                clientCertRequired.tlsUrl(),
                "--tls-ca",
                certs.caCert().toString());
    assertThat(without.exitCode()).as(without.err()).isEqualTo(2);
    assertThat(without.errorLines())
        .singleElement()
        .asString()
        .contains("refused the client certificate")
        .contains("--tls-cert and --tls-key");

    CliRun.Result with =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                clientCertRequired.tlsUrl(),
                "--tls-ca",
                certs.caCert().toString(),
                "--tls-cert",
                certs.clientCert().toString(),
                "--tls-key",
                certs.clientKey().toString());
    assertThat(with.exitCode()).as(with.err()).isZero();
    assertThat(clientCertRequired.call("DBSIZE")).isEqualTo((long) KEYS / 2);
  }

  /**
   * --iam end to end, offline: credentials from the AWS SDK's default chain (system properties
   * here), a token signed for the IAM user and sent as its password. Redis cannot check a SigV4
   * signature, so a user with a fixed password refuses it (the run says what to check, and Redis
   * logs the attempt as that user), and a user without a password lets the flush through.
   */
  @Test
  void iamShouldAuthenticateAsTheIamUserWithASignedToken() {
    System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
    System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    try {
      String[] iam = {
        "flush",
        "--yes",
        "--sample-window",
        "0",
        "--redis-url",
        server.tlsUrl(),
        "--tls-ca",
        certs.caCert().toString(),
        "--iam",
        "--iam-user",
        "iam-flusher",
        "--iam-cache-name",
        "my-cache",
        "--region",
        "eu-west-1",
        "--retries",
        "0"
      };
      server.call("ACL", "SETUSER", "iam-flusher", "reset", "on", ">not-a-token", "~*", "+@all");
      server.call("ACL", "LOG", "RESET");

      CliRun.Result refused = new CliRun().run(iam);
      assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
      assertThat(refused.errorLines())
          .singleElement()
          .asString()
          .contains("refused the IAM token for user 'iam-flusher'")
          .contains("elasticache:Connect")
          .contains("'my-cache'");
      assertThat(server.callString("ACL", "LOG")).contains("iam-flusher").contains("auth");
      assertThat(server.call("DBSIZE")).isEqualTo((long) KEYS);

      server.call("ACL", "SETUSER", "iam-flusher", "nopass");
      CliRun.Result accepted = new CliRun().run(iam);
      assertThat(accepted.exitCode()).as(accepted.err()).isZero();
      assertThat(server.call("DBSIZE")).isEqualTo((long) KEYS / 2);
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
      server.call("ACL", "DELUSER", "iam-flusher");
    }
  }

  @Test
  void iamWithoutAwsCredentialsShouldSaySoInOneLineAtOnce() {
    assumeTrue(
        System.getenv("AWS_ACCESS_KEY_ID") == null
            && System.getenv("AWS_PROFILE") == null
            && !Files.exists(Path.of(System.getProperty("user.home"), ".aws")),
        "this machine has AWS credentials");
    System.setProperty("aws.disableEc2Metadata", "true");
    try (LogCapture logs = new LogCapture()) {
      CliRun.Result r =
          new CliRun()
              .run(
                  "plan",
                  "--redis-url",
                  server.tlsUrl(),
                  "--tls-ca",
                  certs.caCert().toString(),
                  "--iam",
                  "--iam-user",
                  "u",
                  "--iam-cache-name",
                  "c",
                  "--region",
                  "eu-west-1",
                  "--retries",
                  "10",
                  "--timeout",
                  "30s");

      assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
      assertThat(r.errorLines())
          .singleElement()
          .asString()
          .isEqualTo(
              "cacheflush: No AWS credentials to sign the ElastiCache IAM token (--iam): set AWS_PROFILE or "
                  + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an instance or task role");
      // Not retried: a missing credential does not come back by waiting.
      assertThat(logs.warnings()).as("not retried").noneMatch(w -> w.contains("trying again"));
    } finally {
      System.clearProperty("aws.disableEc2Metadata");
    }
  }

  /** A TLS cluster: nodes found through CLUSTER NODES are reached with the same CA and checks. */
  @Test
  void tlsClusterShouldBeFlushedOnEveryShard() throws Exception {
    try (RedisCluster cluster = RedisServers.tlsCluster(3, 0, TlsClientAuth.NONE)) {
      for (RedisServer primary : cluster.primaries()) {
        String tag = RedisCluster.hashTagForSlot(cluster.slotsOf(primary).get(0));
        primary.call("MSET", "mocs:{" + tag + "}:1", "x", "sessions:{" + tag + "}:1", "x");
      }
      CliRun.Result r =
          new CliRun()
              .run(
                  "flush",
                  "--yes",
                  "--sample-window",
                  "0",
                  "--format",
                  "json",
                  "--redis-url",
                  cluster.seedUrl(),
                  "--tls-ca",
                  certs.caCert().toString());

      assertThat(r.exitCode()).as(r.err()).isZero();
      JsonNode report = new ObjectMapper().readTree(r.out());
      assertThat(report.get("mode").asText()).isEqualTo("cluster");
      assertThat(report.get("keysDeleted").asLong()).isEqualTo(3);
      assertThat(report.get("shards"))
          .hasSize(3)
          .allSatisfy(s -> assertThat(s.get("deleted").asLong()).isEqualTo(1));
      for (RedisServer primary : cluster.primaries()) {
        assertThat(primary.call("DBSIZE")).isEqualTo(1L);
      }
    }
  }

  /** MSET of KEYS keys, half to flush (mocs:), half to keep (sessions:). */
  private static Object[] msetArgs() {
    List<Object> args = new ArrayList<>(List.of("MSET"));
    for (int i = 0; i < KEYS / 2; i++) {
      args.addAll(List.of("mocs:" + i, "v", "sessions:" + i, "v"));
    }
    return args.toArray();
  }
}
