package dev.cacheflush.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cacheflush.support.Chromium;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.Keyspace;
import dev.cacheflush.support.PostgresServer;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.Screenshot;
import dev.cacheflush.support.TrafficGenerator;
import java.awt.Rectangle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of a real flush and a real watch, opened in a real headless Chromium with no
 * network: the page must render its charts (found in the screenshot by their colours, inside the
 * plot areas) and its tables, and hold no password. The screenshots stay in target/html-report/
 * for a person to look at.
 */
class HtmlReportIT {
  static final Path OUTPUT = Path.of("target/html-report");
  static final String REDIS_PASSWORD = "redis-secret-" + System.nanoTime();
  static final int ITEMS = 4_000;
  static final int PLOT_FILL = rgb(SvgChart.PLOT_FILL);
  static final int BAND = rgb(SvgChart.BAND_COLOUR);

  /** The backgrounds of the outcome badge and notes: amber (nothing done, a dry run) and red (failed). */
  static final int AMBER = rgb("#fef3c7");

  static final int RED = rgb("#fee2e2");

  /** The heading and the line under it, where the outcome's badge is. */
  static final Rectangle HEADING = new Rectangle(0, 0, 1100, 80);

  static RedisServer redis;
  static PostgresServer postgres;
  static TrafficGenerator traffic;
  static String redisUrl;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServers.standalone("--requirepass", REDIS_PASSWORD);
    redisUrl = "redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + redis.port();
    postgres = PostgresServer.fromEnvironmentOrStart();
    TrafficGenerator.createItems(postgres, ITEMS);
    traffic =
        new TrafficGenerator(
            redisUrl, postgres, ITEMS, 1.0, 4, 1_000, "SELECT payload FROM items WHERE id = ?");
    traffic.warm();
    traffic.start();
    Files.createDirectories(OUTPUT);
  }

  @AfterAll
  static void stop() {
    if (traffic != null) {
      traffic.close();
    }
    redis.close();
    postgres.close();
  }

  @Test
  void theFlushPageShouldShowTheHitRateFallAndRecoverInChromium() throws Exception {
    Path html = OUTPUT.resolve("flush-report.html");
    Path json = dir.resolve("flush.json");

    CliRun.Result r =
        new CliRun()
            .run(
                "flush",
                "--redis-url",
                redisUrl,
                "--yes",
                "--sample-window",
                "1s",
                "--watch",
                "20s",
                "--interval",
                "1s",
                "--until-hit-rate",
                "0.8",
                "--consecutive",
                "2",
                "--db-url",
                postgres.jdbcUrlWithCredentials(),
                "--db-interval",
                "100ms",
                "--report",
                json.toString(),
                "--html",
                html.toAbsolutePath().toString());

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    traffic.throwIfFailed();
    assertThat(r.err()).contains("HTML report written to " + html.toAbsolutePath());
    JsonNode report = new ObjectMapper().readTree(Files.readString(json));
    int intervals = report.get("watch").get("intervals").size();
    // The probe's latency over each window too, so the chart shows the database right after the
    // flush.
    assertThat(report.get("hitRate").get("before").get("dbP50Ms").isNumber()).isTrue();
    assertThat(report.get("hitRate").get("after").get("dbP99Ms").isNumber()).isTrue();
    String page = Files.readString(html);
    assertThat(page).doesNotContain(REDIS_PASSWORD).doesNotContain(postgres.password());

    Chromium.Page loaded = Chromium.load(html, OUTPUT.resolve("flush-report.png"), 1100, 1500);

    assertThat(loaded.pageRequests()).as("requests the page made").isEmpty();
    // The DOM as Chromium built it: the charts are SVG with every point, the tables are there.
    assertThat(loaded.dom())
        .contains("id=\"hit-rate-chart\"")
        .contains("id=\"db-latency-chart\"")
        .contains("data-series=\"hit rate\" data-points=\"" + (2 + intervals) + "\"")
        .contains("data-series=\"p50\" data-points=\"" + (2 + intervals) + "\"")
        .contains("id=\"patterns-table\"")
        .contains("id=\"verification-table\"")
        .contains("completed · exit 0");
    Screenshot shot = new Screenshot(loaded.screenshot());
    List<Rectangle> plots = shot.areasOf(PLOT_FILL, 300);
    assertThat(plots).as("plot areas: the hit rate, then the database latency").hasSize(2);

    Rectangle hitRate = plots.get(0);
    Rectangle line = assertLineDrawn(shot, hitRate, ReportCharts.HIT_RATE_COLOUR, "hit rate");
    // Where the line is must be where the report's numbers put it: its start (the window before the
    // flush), its lowest point and its end, measured in pixels against the plot's height.
    List<Double> ratios = new ArrayList<>();
    ratios.add(report.get("hitRate").get("before").get("ratio").asDouble());
    ratios.add(report.get("hitRate").get("after").get("ratio").asDouble());
    report.get("watch").get("intervals").forEach(i -> ratios.add(i.get("hitRate").asDouble()));
    double lowestRatio = Collections.min(ratios);
    List<int[]> pixels =
        shot.pixelsNear(withMargin(hitRate), rgb(ReportCharts.HIT_RATE_COLOUR), 40);
    int startY = averageY(pixels, line.x, line.x + 6);
    int endY = averageY(pixels, line.x + line.width - 6, line.x + line.width);
    int lowestY =
        averageY(
            pixels.stream().filter(p -> p[1] >= line.y + line.height - 5).toList(),
            line.x,
            line.x + line.width);
    assertThat(lowestY - startY)
        .as("the fall, in pixels")
        .isCloseTo(
            (int) Math.round((ratios.get(0) - lowestRatio) * (hitRate.height - SvgChart.HEADROOM)),
            within(8));
    assertThat(lowestY - endY)
        .as("the recovery, in pixels")
        .isCloseTo(
            (int)
                Math.round(
                    (ratios.get(ratios.size() - 1) - lowestRatio)
                        * (hitRate.height - SvgChart.HEADROOM)),
            within(8));
    assertThat(ratios.get(0) - lowestRatio)
        .as("the flush made the hit rate fall")
        .isGreaterThan(0.15);
    assertThat(shot.pixelsNear(hitRate, BAND, 30))
        .as("the flush's mark")
        .hasSizeGreaterThan(hitRate.height / 2);
    // Nothing was measured while the flush ran: no line from the window before it to the one after.
    String chart = loaded.dom().substring(loaded.dom().indexOf("<svg id=\"hit-rate-chart\""));
    Matcher plotX = Pattern.compile("<rect class=\"plot\" x=\"(\\d+)\"").matcher(chart);
    assertThat(plotX.find()).isTrue();
    Matcher dots = Pattern.compile("<circle cx=\"([\\d.]+)\"").matcher(chart);
    assertThat(dots.find()).isTrue();
    int before =
        hitRate.x
            - Integer.parseInt(plotX.group(1))
            + (int) Math.round(Double.parseDouble(dots.group(1)));
    assertThat(dots.find()).isTrue();
    int after =
        hitRate.x
            - Integer.parseInt(plotX.group(1))
            + (int) Math.round(Double.parseDouble(dots.group(1)));
    assertThat(after - before)
        .as("pixels between the dots before and after the flush")
        .isGreaterThan(20);
    assertThat(pixels)
        .as("hit-rate line pixels over the flush band")
        .noneMatch(p -> p[0] > before + 6 && p[0] < after - 6);

    Rectangle latency = plots.get(1);
    assertLineDrawn(shot, latency, ReportCharts.P50_COLOUR, "db p50");
    assertLineDrawn(shot, latency, ReportCharts.P99_COLOUR, "db p99");
    assertThat(shot.pixelsNear(latency, BAND, 30)).hasSizeGreaterThan(latency.height / 2);
  }

  /**
   * Every interval on the time line: the hit rate's line drawn across the plot, and the database's
   * with a point for every interval that has a latency. Which intervals have one is the probe's
   * business (on a busy host its first query may take seconds), and where the p50 line lies under
   * the p99 line its pixels are hidden, so the database series is checked in the page, against the
   * report's intervals.
   */
  @Test
  void theWatchPageShouldPlotEveryIntervalInChromium() throws Exception {
    Path html = OUTPUT.resolve("watch-report.html");
    Path json = OUTPUT.resolve("watch-report.json");

    CliRun.Result r =
        new CliRun()
            .env("DB_USER", postgres.user())
            .env("DB_PASSWORD", postgres.password())
            .run(
                "watch",
                "--redis-url",
                redisUrl,
                "--for",
                "6s",
                "--interval",
                "1s",
                "--db-url",
                postgres.jdbcUrl(),
                "--db-interval",
                "100ms",
                "--report",
                json.toAbsolutePath().toString(),
                "--html",
                html.toAbsolutePath().toString());

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(Files.readString(html))
        .doesNotContain(REDIS_PASSWORD)
        .doesNotContain(postgres.password());

    Chromium.Page loaded = Chromium.load(html, OUTPUT.resolve("watch-report.png"), 1100, 1300);

    assertThat(loaded.pageRequests()).isEmpty();
    assertThat(loaded.dom())
        .contains("data-series=\"hit rate\" data-points=\"6\"")
        .contains("id=\"watch-table\"")
        .contains("observed · exit 0");
    long withLatency = 0;
    for (JsonNode i : new ObjectMapper().readTree(json.toFile()).at("/watch/intervals")) {
      withLatency += i.get("dbP50Ms").isNull() ? 0 : 1;
    }
    assertThat(withLatency).as("intervals with a database latency").isPositive();
    assertThat(loaded.dom()).contains("data-series=\"p50\" data-points=\"" + withLatency + "\"");
    Screenshot shot = new Screenshot(loaded.screenshot());
    List<Rectangle> plots = shot.areasOf(PLOT_FILL, 300);
    assertThat(plots).hasSize(2);
    assertLineDrawn(shot, plots.get(0), ReportCharts.HIT_RATE_COLOUR, "hit rate");
    assertThat(shot.pixelsNear(plots.get(0), BAND, 30))
        .as("a watch alone has no flush to mark")
        .isEmpty();
  }

  @Test
  void aDeclinedFlushPageShouldBeAmberAndShowNoChartInChromium() throws Exception {
    Path html = OUTPUT.resolve("declined-report.html");

    CliRun.Result r =
        new CliRun()
            .withTerminal("no")
            .env("NO_COLOR", "1")
            .run(
                "flush",
                "--redis-url",
                redisUrl,
                "--sample-window",
                "0",
                "--html",
                html.toAbsolutePath().toString());

    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.out()).isEqualTo("Declined: nothing was deleted (exit 2)\n");
    Chromium.Page loaded = Chromium.load(html, OUTPUT.resolve("declined-report.png"), 1100, 900);
    assertThat(loaded.dom()).contains("declined · exit 2").doesNotContain("<svg");
    Screenshot shot = new Screenshot(loaded.screenshot());
    assertBadge(shot, AMBER, RED);
  }

  @Test
  void aTimeoutPageShouldBeRedNotTheAmberOfADryRunInChromium() throws Exception {
    Path html = OUTPUT.resolve("timeout-report.html");
    Files.writeString(html, HtmlReport.render(SampleReports.timeout()));

    Chromium.Page loaded = Chromium.load(html, OUTPUT.resolve("timeout-report.png"), 1100, 1300);

    assertThat(loaded.dom())
        .contains("timeout · exit 3")
        .contains("<h2 id=\"timeline\">Hit rate and database latency</h2>");
    Screenshot shot = new Screenshot(loaded.screenshot());
    assertBadge(shot, RED, AMBER);
  }

  /**
   * A 99.9 % gate the hit rate missed by a hair: red, labelled 99.9 %, its points at 100 % drawn
   * inside the plot rather than on its border, under a heading that names no database.
   */
  @Test
  void aFailedGatePageShouldBeRedWithItsGateAndItsTopValuesInsideThePlotInChromium()
      throws Exception {
    Path html = OUTPUT.resolve("failed-gate-report.html");
    Files.writeString(html, HtmlReport.render(SampleReports.failedGate()));

    Chromium.Page loaded =
        Chromium.load(html, OUTPUT.resolve("failed-gate-report.png"), 1100, 1000);

    assertThat(loaded.dom())
        .contains("not-recovered · exit 3")
        .contains(">gate 99.9%<")
        .contains("<h2 id=\"timeline\">Hit rate</h2>")
        .doesNotContain("db-latency-chart");
    Screenshot shot = new Screenshot(loaded.screenshot());
    assertBadge(shot, RED, AMBER);
    List<Rectangle> plots = shot.areasOf(PLOT_FILL, 300);
    assertThat(plots).isNotEmpty();
    // A line along the top cuts the fill's rows apart, so the plot is found by its bottom edge and
    // the height the page gives it.
    Matcher height =
        Pattern.compile(
                "<rect class=\"plot\" x=\"\\d+\" y=\"\\d+\" width=\"\\d+\" height=\"(\\d+)\"")
            .matcher(loaded.dom());
    assertThat(height.find()).isTrue();
    Rectangle found = plots.get(plots.size() - 1);
    int bottom = found.y + found.height;
    Rectangle plot =
        new Rectangle(
            found.x,
            bottom - Integer.parseInt(height.group(1)),
            found.width,
            Integer.parseInt(height.group(1)));
    Rectangle line = assertLineDrawn(shot, plot, ReportCharts.HIT_RATE_COLOUR, "hit rate");
    assertThat(line.y)
        .as("the top of the line, against the plot's top border at " + plot.y)
        .isGreaterThanOrEqualTo(plot.y + 4);
  }

  @Test
  void anHtmlFileThatCannotBeWrittenShouldStopTheFlushBeforeItDeletesAnything() throws Exception {
    Path notADirectory = dir.resolve("file");
    Files.writeString(notADirectory, "x");
    long keys;
    try (Keyspace keyspace = new Keyspace(redisUrl)) {
      keys = keyspace.dbSize();

      CliRun.Result unwritable =
          new CliRun()
              .run(
                  "flush",
                  "--redis-url",
                  redisUrl,
                  "--yes",
                  "--sample-window",
                  "0",
                  "--html",
                  notADirectory.resolve("report.html").toString());
      CliRun.Result same =
          new CliRun()
              .run(
                  "flush",
                  "--redis-url",
                  redisUrl,
                  "--yes",
                  "--sample-window",
                  "0",
                  "--report",
                  dir.resolve("r").toString(),
                  "--html",
                  dir.resolve("r").toString());

      assertThat(unwritable.exitCode()).isEqualTo(2);
      assertThat(unwritable.errorLines())
          .singleElement()
          .asString()
          .startsWith("cacheflush: Cannot write the HTML report to ")
          .endsWith("choose a writable file path for --html");
      assertThat(same.exitCode()).isEqualTo(2);
      assertThat(same.errorLines())
          .singleElement()
          .asString()
          .contains("--report and --html both name");
      assertThat(keyspace.dbSize()).as("nothing deleted").isGreaterThanOrEqualTo(keys);
    }
  }

  /** The heading's badge (and any note under it) is in one colour, and nothing there in the other. */
  static void assertBadge(Screenshot shot, int colour, int not) {
    assertThat(shot.pixelsNear(HEADING, colour, 2))
        .as("the badge's colour")
        .hasSizeGreaterThan(200);
    assertThat(shot.pixelsNear(HEADING, not, 2)).as("the other colour").isEmpty();
  }

  /**
   * Pixels of the line's colour on the plot, spread over most of its width; returns their extent.
   * The plot is searched with a margin of a few pixels: a line at 100 % or at 0 lies on the edge.
   */
  static Rectangle assertLineDrawn(Screenshot shot, Rectangle plot, String colour, String name) {
    List<int[]> pixels = shot.pixelsNear(withMargin(plot), rgb(colour), 40);
    assertThat(pixels).as(name + " line pixels in " + plot).hasSizeGreaterThan(150);
    Rectangle extent = Screenshot.extent(pixels);
    assertThat(extent.width).as(name + " line width in " + plot).isGreaterThan(plot.width / 2);
    return extent;
  }

  static Rectangle withMargin(Rectangle plot) {
    Rectangle wider = new Rectangle(plot);
    wider.grow(6, 6);
    return wider;
  }

  static int averageY(List<int[]> pixels, int fromX, int toX) {
    return (int)
        pixels.stream()
            .filter(p -> p[0] >= fromX && p[0] < toX)
            .mapToInt(p -> p[1])
            .average()
            .orElseThrow(
                () -> new AssertionError("no line pixels between x " + fromX + " and " + toX));
  }

  static int rgb(String hex) {
    return Integer.parseInt(hex.substring(1), 16);
  }
}
