package dev.cacheflush.support;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A real headless Chromium (Debian's {@code chromium} package; scripts/setup installs it) that
 * loads a local page, screenshots it and prints its DOM as the browser parsed it. It runs behind a
 * {@link RefusingProxy}, so the page gets no network, and the requests it tried are reported.
 * Chromium itself calls a few Google hosts (time, updates, accounts) whatever the flags say; those
 * are told apart by {@link #chromiumsOwn}.
 */
public final class Chromium {
  private static final Pattern CHROMIUMS_OWN =
      Pattern.compile(
          "^\\S+ (https?://)?[a-z0-9.-]*\\.(google\\.com|googleapis\\.com|gvt1\\.com)(:\\d+)?([/ ].*)?$");

  /**
   * @param dom the document after loading, serialised by the browser
   * @param screenshot the viewport, as rendered
   * @param requests the first line of every request the browser tried to make through the proxy
   */
  public record Page(String dom, BufferedImage screenshot, List<String> requests) {
    /** The requests that were not Chromium's own housekeeping: what the page itself asked for. */
    public List<String> pageRequests() {
      return requests.stream().filter(r -> !chromiumsOwn(r)).toList();
    }
  }

  private Chromium() {}

  static boolean chromiumsOwn(String requestLine) {
    return CHROMIUMS_OWN.matcher(requestLine).matches();
  }

  /** Loads {@code page} in a window of the given size, writes the screenshot to {@code png}. */
  public static Page load(Path page, Path png, int width, int height) {
    Path profile = null;
    try (RefusingProxy proxy = new RefusingProxy()) {
      profile = Files.createTempDirectory("cacheflush-chromium-");
      Files.createDirectories(png.toAbsolutePath().getParent());
      Files.deleteIfExists(png);
      Path dom = profile.resolveSibling(profile.getFileName() + ".dom.html");
      Path log = profile.resolveSibling(profile.getFileName() + ".log");
      List<String> command =
          new ArrayList<>(
              List.of(
                  binary(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-quic",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--user-data-dir=" + profile,
                  "--proxy-server=" + proxy.url(),
                  "--proxy-bypass-list=<-loopback>",
                  "--hide-scrollbars",
                  "--force-device-scale-factor=1",
                  "--window-size=" + width + "," + height,
                  "--screenshot=" + png.toAbsolutePath(),
                  "--dump-dom",
                  page.toAbsolutePath().toUri().toString()));
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(dom.toFile())
              .redirectError(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("chromium did not finish within 60 s: " + tail(log));
      }
      if (p.exitValue() != 0 || !Files.exists(png)) {
        throw new IllegalStateException(
            "chromium failed (exit " + p.exitValue() + "): " + tail(log));
      }
      String html = Files.readString(dom);
      Files.delete(dom);
      Files.delete(log);
      return new Page(html, ImageIO.read(png.toFile()), proxy.requests());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      RedisServer.deleteRecursively(profile);
    }
  }

  private static String binary() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir :
          System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    throw new IllegalStateException(
        "no chromium on PATH: scripts/setup installs it (apt-get install chromium)");
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }
}
