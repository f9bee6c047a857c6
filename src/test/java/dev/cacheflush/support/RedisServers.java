package dev.cacheflush.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Spawns real redis-server processes on free loopback ports for tests: standalone, TLS, cluster
 * (plain or TLS) and Sentinel. Every factory returns started, ready servers; close the handle (or
 * rely on the JVM shutdown hook) to kill them.
 */
public final class RedisServers {
  private RedisServers() {}

  /** A started standalone server; extra arguments are passed to redis-server as given. */
  public static RedisServer standalone(String... extraArgs) {
    return startFresh(() -> create(extraArgs));
  }

  /** A standalone server that is not started yet, for tests where Redis comes up late. */
  public static RedisServer create(String... extraArgs) {
    return new RedisServer(FreePorts.next(), tempDir("cacheflush-redis-"), List.of(extraArgs));
  }

  /**
   * A started replica of {@code primary} ({@code --replicaof}), returned once its link to the
   * primary is up and it holds the primary's keys.
   */
  public static RedisServer replicaOf(RedisServer primary, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of(extraArgs));
    args.addAll(List.of("--replicaof", primary.host(), String.valueOf(primary.port())));
    RedisServer replica = startFresh(() -> create(args.toArray(String[]::new)));
    try {
      Poll.until(
          Duration.ofSeconds(20),
          "replica " + replica + " in sync",
          () -> {
            String link = replica.info("replication").get("master_link_status");
            return "up".equals(link) ? null : "master_link_status:" + link;
          });
      return replica;
    } catch (RuntimeException e) {
      replica.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------------
  // TLS

  /**
   * A started TLS-only server ({@code --port 0 --tls-port P}) using {@link TestCertificates#shared()}.
   * Connect with {@link RedisServer#tlsUrl()}, trusting {@code certificates().caCert()}.
   */
  public static RedisServer tls(TlsClientAuth clientAuth, String... extraArgs) {
    return tls(TestCertificates.shared(), clientAuth, extraArgs);
  }

  /** A started TLS-only server with the given certificates. */
  public static RedisServer tls(
      TestCertificates certificates, TlsClientAuth clientAuth, String... extraArgs) {
    return startFresh(() -> createTls(certificates, clientAuth, extraArgs));
  }

  /** A TLS-only server that is not started yet. */
  public static RedisServer createTls(
      TestCertificates certificates, TlsClientAuth clientAuth, String... extraArgs) {
    return new RedisServer(
        FreePorts.next(),
        tempDir("cacheflush-redis-tls-"),
        List.of(extraArgs),
        certificates,
        clientAuth,
        null);
  }

  // ------------------------------------------------------------------------------------------
  // Cluster

  /**
   * A formed cluster of {@code primaries * (1 + replicasPerPrimary)} nodes: every slot assigned,
   * {@code cluster_state:ok} on every node, every replica attached. With 3 or more primaries the
   * cluster is created by {@code redis-cli --cluster create}; with 1 or 2 (which redis-cli refuses)
   * by the same CLUSTER ADDSLOTSRANGE / MEET / REPLICATE steps done directly. Extra arguments go to
   * every node (with {@code --requirepass}, also pass {@code --masterauth}).
   */
  public static RedisCluster cluster(int primaries, int replicasPerPrimary, String... extraArgs) {
    return cluster(primaries, replicasPerPrimary, null, null, extraArgs);
  }

  /** A cluster whose client port, cluster bus and replication all use TLS ({@code tls-cluster yes}). */
  public static RedisCluster tlsCluster(
      int primaries, int replicasPerPrimary, TlsClientAuth clientAuth, String... extraArgs) {
    return cluster(primaries, replicasPerPrimary, TestCertificates.shared(), clientAuth, extraArgs);
  }

  private static RedisCluster cluster(
      int primaries,
      int replicasPerPrimary,
      TestCertificates tls,
      TlsClientAuth clientAuth,
      String... extraArgs) {
    if (primaries < 1 || replicasPerPrimary < 0) {
      throw new IllegalArgumentException("primaries >= 1 and replicasPerPrimary >= 0");
    }
    int count = primaries * (1 + replicasPerPrimary);
    List<RedisServer> nodes = new ArrayList<>();
    List<Integer> busPorts = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        int[] bus = new int[1];
        nodes.add(
            startFresh(
                () -> {
                  bus[0] = FreePorts.next();
                  List<String> args =
                      new ArrayList<>(
                          List.of(
                              "--cluster-enabled", "yes",
                              "--cluster-config-file", "nodes.conf",
                              "--cluster-node-timeout",
                                  String.valueOf(RedisCluster.NODE_TIMEOUT_MILLIS),
                              "--cluster-port", String.valueOf(bus[0]),
                              "--cluster-replica-validity-factor", "0"));
                  if (tls != null) {
                    args.addAll(List.of("--tls-cluster", "yes"));
                  }
                  args.addAll(Arrays.asList(extraArgs));
                  return new RedisServer(
                      FreePorts.next(),
                      tempDir("cacheflush-cluster-"),
                      args,
                      tls,
                      clientAuth,
                      null);
                }));
        busPorts.add(bus[0]);
      }
      RedisCluster cluster = new RedisCluster(nodes, replicasPerPrimary);
      if (primaries >= 3) {
        createWithRedisCli(nodes, replicasPerPrimary, tls);
      } else {
        createDirectly(cluster, nodes, busPorts, primaries, replicasPerPrimary);
      }
      cluster.awaitFormed(Duration.ofSeconds(30));
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(RedisServer::close);
      throw e;
    }
  }

  private static void createWithRedisCli(
      List<RedisServer> nodes, int replicasPerPrimary, TestCertificates tls) {
    List<String> command = new ArrayList<>(List.of("redis-cli"));
    if (tls != null) {
      command.addAll(
          List.of(
              "--tls",
              "--cacert",
              tls.caCert().toString(),
              "--cert",
              tls.clientCert().toString(),
              "--key",
              tls.clientKey().toString()));
    }
    command.addAll(List.of("--cluster", "create"));
    nodes.forEach(node -> command.add(node.address()));
    command.addAll(
        List.of("--cluster-replicas", String.valueOf(replicasPerPrimary), "--cluster-yes"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    String password = nodes.get(0).password();
    if (password != null) {
      builder.environment().put("REDISCLI_AUTH", password);
    }
    try {
      Process process = builder.start();
      ProcessReaper.register(process);
      try {
        byte[] output = process.getInputStream().readAllBytes();
        boolean done = process.waitFor(30, TimeUnit.SECONDS);
        String text = new String(output, StandardCharsets.UTF_8);
        if (!done || process.exitValue() != 0 || !text.contains("[OK] All 16384 slots covered")) {
          throw new IllegalStateException("redis-cli --cluster create failed:\n" + text);
        }
      } finally {
        process.destroyForcibly();
        ProcessReaper.unregister(process);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run redis-cli (is it installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void createDirectly(
      RedisCluster cluster,
      List<RedisServer> nodes,
      List<Integer> busPorts,
      int primaries,
      int replicasPerPrimary) {
    for (int i = 0; i < primaries; i++) {
      int first = i * RedisCluster.SLOTS / primaries;
      int last = (i + 1) * RedisCluster.SLOTS / primaries - 1;
      nodes.get(i).call("CLUSTER", "ADDSLOTSRANGE", first, last);
    }
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).call("CLUSTER", "SET-CONFIG-EPOCH", i + 1);
    }
    RedisServer seed = nodes.get(0);
    for (int i = 1; i < nodes.size(); i++) {
      nodes.get(i).call("CLUSTER", "MEET", seed.host(), seed.port(), busPorts.get(0));
    }
    Poll.until(
        Duration.ofSeconds(20),
        "cluster nodes meeting",
        () -> {
          for (RedisServer node : nodes) {
            RedisCluster.ClusterView view = cluster.view(node);
            if (view.lines().size() != nodes.size()) {
              return node + " knows " + view.lines().size() + " nodes";
            }
            for (RedisCluster.NodeLine line : view.lines()) {
              if (line.flags().contains("handshake") || line.flags().contains("noaddr")) {
                return node + " is handshaking with " + line.address();
              }
            }
          }
          return null;
        });
    for (int i = primaries; i < nodes.size(); i++) {
      RedisServer primary = nodes.get((i - primaries) / replicasPerPrimary);
      nodes.get(i).call("CLUSTER", "REPLICATE", cluster.nodeId(primary));
    }
  }

  // ------------------------------------------------------------------------------------------
  // Sentinel

  /** A primary, one replica and one Sentinel (quorum 1) monitoring them as {@code masterName}. */
  public static RedisSentinelSetup sentinel(String masterName) {
    return sentinel(masterName, 1);
  }

  /**
   * A primary, one replica and {@code sentinels} Sentinels (quorum: a majority), all ready: every
   * Sentinel reports the primary and the replica (and, with several, knows the other Sentinels).
   * Extra arguments go to the two data nodes (a {@code --requirepass} becomes the Sentinels'
   * {@code auth-pass} and the replica's {@code masterauth}).
   */
  public static RedisSentinelSetup sentinel(
      String masterName, int sentinels, String... serverArgs) {
    if (sentinels < 1) {
      throw new IllegalArgumentException("sentinels >= 1");
    }
    if (!masterName.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("master name must be [A-Za-z0-9._-]+: " + masterName);
    }
    List<String> args = List.of(serverArgs);
    int passwordIndex = args.indexOf("--requirepass");
    String password = passwordIndex >= 0 ? args.get(passwordIndex + 1) : null;
    List<RedisServer> started = new ArrayList<>();
    try {
      RedisServer primary = startFresh(() -> create(serverArgs));
      started.add(primary);
      List<String> replicaArgs = new ArrayList<>(args);
      replicaArgs.addAll(List.of("--replicaof", primary.host(), String.valueOf(primary.port())));
      if (password != null && !args.contains("--masterauth")) {
        replicaArgs.addAll(List.of("--masterauth", password));
      }
      RedisServer replica = startFresh(() -> create(replicaArgs.toArray(String[]::new)));
      started.add(replica);
      Poll.until(
          Duration.ofSeconds(20),
          "replica " + replica + " in sync",
          () -> {
            String link = replica.info("replication").get("master_link_status");
            return "up".equals(link) ? null : "master_link_status:" + link;
          });
      int quorum = sentinels / 2 + 1;
      StringBuilder config =
          new StringBuilder()
              .append("sentinel monitor ")
              .append(masterName)
              .append(" 127.0.0.1 ")
              .append(primary.port())
              .append(' ')
              .append(quorum)
              .append('\n')
              .append("sentinel down-after-milliseconds ")
              .append(masterName)
              .append(" 1000\n")
              .append("sentinel failover-timeout ")
              .append(masterName)
              .append(" 10000\n")
              .append("sentinel parallel-syncs ")
              .append(masterName)
              .append(" 1\n");
      if (password != null) {
        config
            .append("sentinel auth-pass ")
            .append(masterName)
            .append(' ')
            .append(password)
            .append('\n');
      }
      List<RedisServer> sentinelServers = new ArrayList<>();
      for (int i = 0; i < sentinels; i++) {
        RedisServer sentinel =
            startFresh(
                () ->
                    new RedisServer(
                        FreePorts.next(),
                        tempDir("cacheflush-sentinel-"),
                        List.of(),
                        null,
                        null,
                        config.toString()));
        started.add(sentinel);
        sentinelServers.add(sentinel);
      }
      RedisSentinelSetup setup =
          new RedisSentinelSetup(masterName, primary, replica, sentinelServers);
      setup.awaitReady(Duration.ofSeconds(30));
      return setup;
    } catch (RuntimeException e) {
      started.forEach(RedisServer::close);
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------------

  /**
   * Starts a server made by {@code factory}; if another process grabbed its port between the free
   * port check and the bind, throws it away and tries again on a new port.
   */
  static RedisServer startFresh(Supplier<RedisServer> factory) {
    for (int attempt = 1; ; attempt++) {
      RedisServer server = factory.get();
      try {
        return server.start();
      } catch (RuntimeException e) {
        boolean lostRace = server.lostPortRace();
        server.close();
        if (!lostRace || attempt >= 3) {
          throw e;
        }
      }
    }
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
