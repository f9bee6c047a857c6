package dev.cacheflush.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.Release;
import dev.cacheflush.support.TestCertificates;
import dev.cacheflush.support.TlsClientAuth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive, unpacked into a fresh folder and run as on a bastion that has nothing
 * installed: no java on PATH, no JAVA_HOME, a HOME without ~/.m2, and no network but the servers
 * on loopback.
 */
class ReleaseArchiveIT {
  @TempDir static Path dir;
  static Path home;
  static Path launcher;
  static Map<String, String> env;
  static RedisServer redis;
  static RedisServer tls;

  @BeforeAll
  static void unpack() throws IOException {
    Path install = Files.createDirectories(dir.resolve("opt"));
    Release.Result untar =
        Release.run(
            dir,
            Map.of("PATH", "/usr/bin:/bin"),
            Duration.ofMinutes(2),
            List.of("tar", "-xzf", Release.archive().toString(), "-C", install.toString()));
    assertThat(untar.exitCode()).as(untar.err()).isZero();
    try (Stream<Path> unpacked = Files.list(install)) {
      launcher = unpacked.findFirst().orElseThrow().resolve("bin/cacheflush");
    }
    // PATH holds bash and the coreutils any machine has, and no java, no mvn.
    Path tools = Files.createDirectories(dir.resolve("tools"));
    for (String tool : List.of("bash", "mkdir", "readlink", "dirname")) {
      Files.createSymbolicLink(tools.resolve(tool), Path.of("/bin", tool));
    }
    home = Files.createDirectories(dir.resolve("home"));
    env = Map.of("PATH", tools.toString(), "HOME", home.toString(), "LANG", "C.UTF-8");
    redis = RedisServers.standalone();
    tls = RedisServers.tls(TlsClientAuth.NONE);
  }

  @AfterAll
  static void stop() {
    RedisServer.closeAll(List.of(redis, tls));
  }

  private static Release.Result cacheflush(String... args) {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    return Release.run(dir, env, Duration.ofMinutes(2), command);
  }

  @Test
  void theArchiveShouldRunWithNoJavaNoMavenAndNoNetwork() throws Exception {
    assertThat(Files.exists(dir.resolve("tools/java"))).isFalse();
    assertThat(env).doesNotContainKey("JAVA_HOME");

    Release.Result version = cacheflush("--version");
    assertThat(version.exitCode()).as(version.err()).isZero();
    assertThat(version.out()).containsPattern("cacheflush \\d+\\.\\d+\\.\\d+");

    redis.call("MSET", "mocs:1", "a", "mocs:2", "b", "sessions:1", "s");
    Release.Result plan =
        cacheflush(
            "plan",
            "--redis-url",
            redis.url(),
            "--flush",
            "mocs:*",
            "--preserve",
            "sessions:*",
            "--format",
            "json");
    assertThat(plan.exitCode()).as(plan.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(plan.out());
    assertThat(report.get("keysMatched").asLong()).isEqualTo(2);
    assertThat(report.get("dryRun").asBoolean()).isTrue();

    // The test certificates are EC P-256: this needs jdk.crypto.ec in the runtime.
    tls.call("MSET", "mocs:1", "a", "sessions:1", "s");
    Release.Result flush =
        cacheflush(
            "flush",
            "--yes",
            "--redis-url",
            tls.tlsUrl(),
            "--tls-ca",
            TestCertificates.shared().caCert().toString(),
            "--flush",
            "mocs:*",
            "--preserve",
            "sessions:*",
            "--sample-window",
            "0");
    assertThat(flush.exitCode()).as(flush.err()).isZero();
    assertThat(tls.call("EXISTS", "mocs:1", "sessions:1")).isEqualTo(1L);

    Release.Result watch =
        cacheflush("watch", "--redis-url", redis.url(), "--for", "2s", "--interval", "1s");
    assertThat(watch.exitCode()).as(watch.err()).isZero();

    try (Stream<Path> left = Files.walk(home)) {
      assertThat(left.filter(p -> p.toString().contains(".m2"))).isEmpty();
    }
  }

  @Test
  void anInstallTheUserCannotWriteShouldKeepItsClassDataArchiveInTheUsersCache()
      throws IOException {
    // The release as root installed it, run by another user (nobody) whose home is their own.
    Path release = launcher.getParent().getParent();
    Files.deleteIfExists(release.resolve("lib/cacheflush.jsa"));
    Files.deleteIfExists(release.resolve("lib/cacheflush.jsa.root"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path userHome = Files.createDirectories(dir.resolve("nobody"));
    Files.setPosixFilePermissions(userHome, PosixFilePermissions.fromString("rwxrwxrwx"));
    Map<String, String> user = new HashMap<>(env);
    user.put("HOME", userHome.toString());

    Release.Result version =
        Release.run(
            dir,
            user,
            Duration.ofMinutes(2),
            List.of(
                "/usr/bin/setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                launcher.toString(),
                "--version"));

    assertThat(version.exitCode()).as(version.err()).isZero();
    assertThat(version.err()).isEmpty();
    assertThat(release.resolve("lib/cacheflush.jsa")).doesNotExist();
    try (Stream<Path> cache = Files.list(userHome.resolve(".cache/cacheflush"))) {
      assertThat(cache.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".jsa"));
    }
  }

  @Test
  void theArchiveShouldShipItsRuntimeCompletionManPagesAndEveryNotice() throws Exception {
    Path release = launcher.getParent().getParent();
    Release.Result modules =
        Release.run(
            dir,
            env,
            Duration.ofMinutes(1),
            List.of(release.resolve("runtime/bin/java").toString(), "--list-modules"));
    assertThat(modules.out())
        .contains("jdk.crypto.ec@")
        .contains("java.sql@")
        .doesNotContain("jdk.compiler@");
    assertThat(release.resolve("runtime/lib/server/classes.jsa")).isRegularFile();

    assertThat(Files.readString(release.resolve("share/man/man1/cacheflush.1")))
        .contains(".TH \"CACHEFLUSH\"");
    assertThat(release.resolve("share/man/man1/cacheflush-flush.1")).isRegularFile();

    assertThat(Files.readString(release.resolve("NOTICE")))
        .contains("Netty")
        .contains("AWS SDK for Java");
    assertThat(Files.readString(release.resolve("LICENSE")))
        .contains("Apache License")
        .contains("MIT");

    // The AWS SDK talks through the JDK's HttpURLConnection; no other HTTP client is shipped.
    try (ZipFile jar = new ZipFile(release.resolve("lib/cacheflush.jar").toFile())) {
      assertThat(
              jar.stream()
                  .map(e -> e.getName())
                  .filter(
                      n ->
                          n.startsWith("org/apache/hc/")
                              || n.startsWith("org/apache/http/")
                              || n.startsWith("software/amazon/awssdk/http/apache")
                              || n.startsWith("software/amazon/awssdk/http/nio/")))
          .isEmpty();
    }
    assertThat(Files.size(Release.archive())).isLessThan(60L << 20);
  }

  @Test
  void theCompletionScriptShouldCompleteCommandsAndOptionsInBash() {
    Path script =
        launcher.getParent().getParent().resolve("share/bash-completion/completions/cacheflush");
    assertThat(complete(script, "cacheflush", "fl")).containsExactly("flush");
    assertThat(complete(script, "cacheflush", "flush", "--redis-")).contains("--redis-url");
  }

  /** What bash offers after the words given, the last one being completed, as <TAB> would. */
  private static List<String> complete(Path script, String... words) {
    String line = String.join(" ", words);
    String program =
        "source '"
            + script
            + "' && COMP_WORDS=("
            + line
            + ") && COMP_CWORD="
            + (words.length - 1)
            + " && COMP_LINE='"
            + line
            + "' && COMP_POINT=${#COMP_LINE} && _complete_cacheflush cacheflush '"
            + words[words.length - 1]
            + "' '"
            + words[words.length - 2]
            + "' && printf '%s\\n' \"${COMPREPLY[@]}\"";
    Map<String, String> shell = new HashMap<>(env);
    Release.Result r =
        Release.run(dir, shell, Duration.ofSeconds(30), List.of("/bin/bash", "-c", program));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
