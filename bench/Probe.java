package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The latency probe (bench/LatencyProbe.java) in its own JVM, driven over its stdin and stdout. */
final class Probe {
  final Path work;
  final Process p;
  final BufferedReader r;
  final Writer w;

  Probe(Path root, Path work, int port, String key) throws Exception {
    this.work = work;
    p =
        new ProcessBuilder(
                "java",
                "-XX:+UseSerialGC",
                "-Xms32m",
                "-Xmx32m",
                "-XX:+AlwaysPreTouch",
                "-XX:-UsePerfData",
                root.resolve("bench/LatencyProbe.java").toString(),
                "--port",
                String.valueOf(port),
                "--key",
                key)
            .redirectError(work.resolve("probe.err").toFile())
            .start();
    r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
    expect("READY");
  }

  void begin() throws IOException {
    w.write("start\n");
    w.flush();
    expect("STARTED");
  }

  Lat end() throws IOException {
    w.write("stop\n");
    w.flush();
    String line = r.readLine();
    if (line == null || !line.startsWith("{")) {
      throw new IOException(
          "latency probe: unexpected " + line + "; see " + work.resolve("probe.err"));
    }
    return Lat.parse(line);
  }

  void expect(String what) throws IOException {
    String line = r.readLine();
    if (!what.equals(line)) {
      throw new IOException(
          "latency probe: expected "
              + what
              + ", got "
              + line
              + "; see "
              + work.resolve("probe.err"));
    }
  }

  void quit() {
    try {
      w.write("quit\n");
      w.flush();
      p.waitFor(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      // gone already
    }
    p.destroyForcibly();
  }
}
