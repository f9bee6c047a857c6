package dev.cacheflush.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.EmfValidator;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.Release;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OCI image, loaded and run with a real container runtime (podman with runc, as root, its own
 * storage in a temporary folder so the machine's images are left alone), against a redis-server on the host
 * network, as an ECS task or a Kubernetes Job would run it.
 */
class ContainerImageIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path podmanDir;
  static Map<String, String> env;
  static String image;
  static RedisServer redis;

  @BeforeAll
  static void load() throws IOException {
    // Under the temporary folder: podman refuses a run root path longer than 50 characters.
    podmanDir = Files.createTempDirectory("cacheflush-podman");
    // Debian's podman asks for ulimits these sandboxes refuse unless told otherwise.
    Path conf =
        Files.writeString(
            podmanDir.resolve("containers.conf"), "[containers]\ndefault_ulimits = []\n");
    env =
        Map.of(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME",
            podmanDir.toString(),
            "CONTAINERS_CONF",
            conf.toString(),
            "TMPDIR",
            podmanDir.toString());
    Release.Result loaded = podman("load", "-i", Release.image().toString());
    assertThat(loaded.exitCode()).as(loaded.err()).isZero();
    Matcher name = Pattern.compile("Loaded image(?:\\(s\\))?: (\\S+)").matcher(loaded.out());
    assertThat(name.find()).as(loaded.out()).isTrue();
    image = name.group(1);
    redis = RedisServers.standalone();
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
    if (podmanDir != null) {
      podman("system", "reset", "--force");
      Release.run(
          Path.of("target"),
          env,
          Duration.ofMinutes(1),
          List.of("rm", "-rf", podmanDir.toString()));
    }
  }

  @BeforeEach
  void fill() {
    redis.call("FLUSHALL");
    redis.call(
        "MSET",
        "mocs:1",
        "a",
        "mocs:2",
        "b",
        "gallery:1",
        "c",
        "sessions:1",
        "s",
        "sessions:2",
        "t");
  }

  static List<String> podmanCommand(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "podman",
                "--root",
                podmanDir.resolve("storage").toString(),
                "--runroot",
                podmanDir.resolve("run").toString(),
                "--runtime",
                "runc",
                "--cgroup-manager",
                "cgroupfs",
                "--events-backend",
                "file"));
    command.addAll(List.of(args));
    return command;
  }

  static Release.Result podman(String... args) {
    return Release.run(podmanDir, env, Duration.ofMinutes(3), podmanCommand(args));
  }

  static List<String> runArgs(String... cacheflushArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--rm",
                "--network",
                "host",
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=1024:1024"));
    args.add(image);
    args.addAll(List.of(cacheflushArgs));
    return args;
  }

  static Release.Result cacheflush(String... args) {
    return podman(runArgs(args).toArray(String[]::new));
  }

  @Test
  void theImageShouldRunAsANonRootUserWithTheLauncherAsEntrypoint() throws Exception {
    Release.Result inspect = podman("image", "inspect", image);
    assertThat(inspect.exitCode()).as(inspect.err()).isZero();
    JsonNode config = JSON.readTree(inspect.out()).get(0).get("Config");
    assertThat(config.get("Entrypoint").toString()).isEqualTo("[\"cacheflush\"]");
    assertThat(config.get("User").asText()).isEqualTo("10001:10001");

    Release.Result uid =
        podman(
            "run",
            "--rm",
            "--ulimit",
            "nofile=1024:1024",
            "--ulimit",
            "nproc=1024:1024",
            "--entrypoint",
            "bash",
            image,
            "-c",
            "echo $UID");
    assertThat(uid.out().strip()).as(uid.err()).isEqualTo("10001");
    assertThat(Files.size(Release.image())).isLessThan(80L << 20);
  }

  @Test
  void planAndFlushShouldWriteTheirJsonReportsOnStdoutAndJsonLogLines() throws Exception {
    Release.Result plan =
        cacheflush(
            "plan",
            "--redis-url",
            redis.url(),
            "--flush",
            "mocs:*",
            "--flush",
            "gallery:*",
            "--preserve",
            "sessions:*",
            "--format",
            "json");
    assertThat(plan.exitCode()).as(plan.err()).isZero();
    assertThat(JSON.readTree(plan.out()).get("keysMatched").asLong()).isEqualTo(3);

    Release.Result flush =
        cacheflush(
            "flush",
            "--yes",
            "--redis-url",
            redis.url(),
            "--flush",
            "mocs:*",
            "--flush",
            "gallery:*",
            "--preserve",
            "sessions:*",
            "--sample-window",
            "0",
            "--format",
            "json");
    assertThat(flush.exitCode()).as(flush.err()).isZero();
    JsonNode report = JSON.readTree(flush.out());
    assertThat(report.get("keysDeleted").asLong()).isEqualTo(3);
    assertThat(redis.call("DBSIZE")).isEqualTo(2L);
    // The image logs JSON lines (CACHEFLUSH_LOG_FORMAT=json), one object each, for CloudWatch Logs
    // Insights.
    List<String> logs = flush.err().lines().filter(l -> !l.isBlank()).toList();
    assertThat(logs)
        .isNotEmpty()
        .allSatisfy(
            l -> {
              JsonNode line = JSON.readTree(l);
              assertThat(line.get("level").asText()).isNotEmpty();
              assertThat(line.get("formattedMessage").asText()).isNotEmpty();
            });
  }

  @Test
  void flushWithEmfShouldWriteEmbeddedMetricDocumentsOnStdout() {
    Release.Result flush =
        cacheflush(
            "flush",
            "--yes",
            "--redis-url",
            redis.url(),
            "--flush",
            "mocs:*",
            "--preserve",
            "sessions:*",
            "--sample-window",
            "0",
            "--metrics",
            "emf",
            "--stage",
            "canary-10");
    assertThat(flush.exitCode()).as(flush.err()).isZero();
    List<JsonNode> emf =
        flush.out().lines().filter(l -> l.startsWith("{")).map(EmfValidator::validate).toList();
    assertThat(emf).isNotEmpty();
    assertThat(emf.toString()).contains("KeysDeleted").contains("canary-10");
  }

  @Test
  void podmanStopMidWatchShouldEndTheRunWithExit130() throws Exception {
    String name = "cacheflush-watch-" + ProcessHandle.current().pid();
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--name",
                name,
                "--network",
                "host",
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=1024:1024",
                image,
                "watch",
                "--redis-url",
                redis.url(),
                "--for",
                "5m",
                "--interval",
                "1s"));
    ProcessBuilder builder =
        new ProcessBuilder(podmanCommand(args.toArray(String[]::new)))
            .redirectOutput(podmanDir.resolve("watch.out").toFile())
            .redirectError(podmanDir.resolve("watch.err").toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process watch = builder.start();
    try {
      // Stopped once the watch is under way: its first interval line is out.
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  !Files.readString(podmanDir.resolve("watch.out")).isBlank() || !watch.isAlive());
      assertThat(watch.isAlive()).as(Files.readString(podmanDir.resolve("watch.err"))).isTrue();
      Release.Result stop = podman("stop", "--time", "30", name);
      assertThat(stop.exitCode()).as(stop.err()).isZero();
      assertThat(watch.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(watch.exitValue())
          .as(Files.readString(podmanDir.resolve("watch.err")))
          .isEqualTo(130);
    } finally {
      watch.destroyForcibly();
      podman("rm", "--force", name);
    }
  }
}
