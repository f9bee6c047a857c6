package dev.cacheflush.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --report and --html given paths that are not plain files: a FIFO, a device node, a link to
 * either (as /dev/stdout and a shell's >(cat) are) is written into and never replaced; a path that
 * cannot take a report is refused (exit 2) before a key is deleted. Every special file is made in
 * a temporary folder, never the machine's own /dev.
 */
class ReportPathsIT {
  private static final int FIFO = 0010000;
  private static final int CHARACTER_DEVICE = 0020000;

  static RedisServer server;
  static Keyspace keyspace;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    server = RedisServers.standalone();
    keyspace = new Keyspace(server.url());
  }

  @AfterAll
  static void stop() {
    keyspace.close();
    server.close();
  }

  @BeforeEach
  void fill() {
    keyspace.connection().sync().flushall();
    keyspace.write(Keyspace.families(Map.of("mocs", 300, "sessions", 200)));
  }

  @Test
  void fifoShouldReceiveTheReportAndStayAFifo() throws Exception {
    Path fifo = mkfifo(dir.resolve("report.fifo"));
    Path received = dir.resolve("received.json");
    Process reader =
        new ProcessBuilder("cat", fifo.toString()).redirectOutput(received.toFile()).start();
    try {
      CliRun.Result r =
          new CliRun()
              .run(
                  "flush",
                  "--yes",
                  "--sample-window",
                  "0",
                  "--redis-url",
                  server.url(),
                  "--report",
                  fifo.toString());

      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(new ObjectMapper().readTree(received.toFile()).get("keysDeleted").asLong())
          .isEqualTo(300);
      assertThat(type(fifo)).as("still a FIFO").isEqualTo(FIFO);
    } finally {
      reader.destroyForcibly();
    }
  }

  @Test
  void deviceNodeShouldBeWrittenIntoAndStayADevice() throws Exception {
    Path node = dir.resolve("null-device");
    // A copy of the null device (major 1, minor 3): writes to it vanish, as to /dev/null.
    int made = new ProcessBuilder("mknod", node.toString(), "c", "1", "3").start().waitFor();
    assumeTrue(made == 0, "mknod needs CAP_MKNOD");

    Path link = Files.createSymbolicLink(dir.resolve("link-to-device"), node);

    CliRun.Result r =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                server.url(),
                "--report",
                node.toString(),
                "--html",
                link.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(keyspace.dbSize()).isEqualTo(200);
    assertThat(type(node)).as("still a character device").isEqualTo(CHARACTER_DEVICE);
    assertThat(Files.isSymbolicLink(link)).as("still a link").isTrue();
  }

  @Test
  void linkToAFifoShouldBeWrittenThroughAndStayALink() throws Exception {
    // As /dev/stdout is, when stdout is a pipe.
    Path fifo = mkfifo(dir.resolve("pipe"));
    Path link = Files.createSymbolicLink(dir.resolve("stdout"), fifo);
    Path received = dir.resolve("received.html");
    Process reader =
        new ProcessBuilder("cat", fifo.toString()).redirectOutput(received.toFile()).start();
    try {
      CliRun.Result r =
          new CliRun().run("plan", "--redis-url", server.url(), "--html", link.toString());

      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(received)).startsWith("<!DOCTYPE html>");
      assertThat(Files.isSymbolicLink(link)).isTrue();
      assertThat(type(fifo)).isEqualTo(FIFO);
    } finally {
      reader.destroyForcibly();
    }
  }

  /** The issue's own reproduction, in a real shell: the report into a process substitution, as a real process. */
  @Test
  void processSubstitutionShouldReceiveTheReport() throws Exception {
    Path jar = Path.of("target/cacheflush.jar").toAbsolutePath();
    Path received = dir.resolve("from-cat.json");
    Process shell =
        new ProcessBuilder(
                "bash",
                "-c",
                "exec java -jar \"$0\" flush --yes --sample-window 0 "
                    + "--redis-url \"$1\" --report >(cat > \"$2\")",
                jar.toString(),
                server.url(),
                received.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("shell.txt").toFile())
            .start();
    assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(shell.exitValue()).as(Files.readString(dir.resolve("shell.txt"))).isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.size(received) > 0 && Files.readString(received).strip().endsWith("}"));
    assertThat(new ObjectMapper().readTree(received.toFile()).get("outcome").asText())
        .isEqualTo("completed");
    assertThat(keyspace.dbSize()).isEqualTo(200);
  }

  @Test
  void directoryShouldBeRefusedBeforeAnyKeyIsDeleted() throws Exception {
    Path directory = Files.createDirectory(dir.resolve("report.json"));
    assertRefused("--report", directory.toString(), "it is a directory");
  }

  @Test
  void pathUnderAFileShouldBeRefusedBeforeAnyKeyIsDeleted() throws Exception {
    Path file = Files.writeString(dir.resolve("plain.txt"), "x");
    assertRefused(
        "--html", file.resolve("sub/report.html").toString(), "Cannot write the HTML report");
  }

  /**
   * A directory that cannot be made even by root, for whom every permission check passes: the
   * issue's /proc/nope/x.json. Nothing can be created under /proc, so the path is harmless.
   */
  @Test
  void pathNoOneCanCreateShouldBeRefusedBeforeAnyKeyIsDeleted() {
    assertRefused(
        "--report",
        "/proc/cacheflush-no-such-" + ProcessHandle.current().pid() + "/x.json",
        "Cannot write the report");
  }

  @Test
  void missingParentDirectoriesShouldBeCreatedAndTheReportWritten() throws Exception {
    Path nested = dir.resolve("reports/stage-1/flush.json");
    CliRun.Result r =
        new CliRun().run("plan", "--redis-url", server.url(), "--report", nested.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Files.isRegularFile(nested)).isTrue();
  }

  private void assertRefused(String option, String path, String fragment) {
    CliRun.Result r =
        new CliRun()
            .run(
                "flush",
                "--yes",
                "--sample-window",
                "0",
                "--redis-url",
                server.url(),
                option,
                path);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.errorLines()).singleElement().asString().contains(fragment, option);
    assertThat(keyspace.dbSize()).as("nothing deleted").isEqualTo(500);
  }

  private static Path mkfifo(Path path) throws Exception {
    assertThat(new ProcessBuilder("mkfifo", path.toString()).start().waitFor()).isZero();
    return path;
  }

  private static int type(Path path) throws Exception {
    return ((Integer) Files.getAttribute(path, "unix:mode")) & 0170000;
  }
}
