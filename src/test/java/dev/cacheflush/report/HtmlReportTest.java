package dev.cacheflush.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  static final Pattern POLYLINE = Pattern.compile("<polyline [^>]*points=\"([^\"]+)\"");
  static final Pattern CIRCLE = Pattern.compile("<circle cx=\"([\\d.]+)\" cy=\"([\\d.]+)\"");
  static final Pattern BAND =
      Pattern.compile(
          "<rect class=\"band\" data-label=\"flush\" x=\"([\\d.]+)\" y=\"\\d+\" "
              + "width=\"([\\d.]+)\"");

  @Test
  void thePageShouldNeedNothingFromTheNetwork() {
    for (String page :
        List.of(
            HtmlReport.render(SampleReports.flush()),
            HtmlReport.render(SampleReports.dryRun()),
            HtmlReport.render(SampleReports.watch()))) {
      // The only URL is the SVG namespace, a name that is never fetched.
      assertThat(page.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
          .doesNotContain("http:", "https:");
      assertThat(page)
          .doesNotContain(
              "<script", "<link", "<img", "<iframe", "<object", "@import", "url(", "src=", "href=");
      assertThat(page)
          .startsWith("<!DOCTYPE html>")
          .contains("<meta charset=\"utf-8\">")
          .endsWith("</html>\n");
    }
  }

  @Test
  void keysFromTheCacheShouldBeShownAsTextNeverAsMarkup() {
    String page = HtmlReport.render(SampleReports.flush());

    assertThat(page).doesNotContain("<script>alert");
    assertThat(page)
        .contains("<code>mocs:&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</code>");
    assertThat(page)
        .contains("<code>mocs:&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;:pinned</code>");
  }

  @Test
  void theHitRateChartShouldFallAtTheFlushAndClimbBackDuringTheWatch() {
    String chart = svg(HtmlReport.render(SampleReports.flush()), "hit-rate-chart");

    // before, after, and the twelve watch intervals, one of which measured nothing
    assertThat(chart).contains("data-series=\"hit rate\" data-points=\"13\"");
    List<double[]> points = circles(chart);
    assertThat(points).hasSize(13);
    Matcher band = BAND.matcher(chart);
    assertThat(band.find()).isTrue();
    double bandStart = Double.parseDouble(band.group(1));
    double bandEnd = bandStart + Double.parseDouble(band.group(2));
    // The flush lies between the window before it and the one after it, and the rate falls across
    // it
    // (SVG's y grows downwards).
    assertThat(points.get(0)[0]).isLessThan(bandStart);
    assertThat(points.get(1)[0]).isGreaterThan(bandEnd);
    assertThat(points.get(1)[1]).isGreaterThan(points.get(0)[1]);
    assertThat(points.get(points.size() - 1)[1]).isLessThan(points.get(1)[1]);
    for (int i = 1; i < points.size(); i++) {
      assertThat(points.get(i)[0])
          .as("time runs left to right")
          .isGreaterThan(points.get(i - 1)[0]);
    }
    // The interval without lookups is a gap between two lines, not a drop to 0 %.
    assertThat(POLYLINE.matcher(chart).results().count()).isEqualTo(2);
    assertThat(chart).contains("gate 80%");
  }

  @Test
  void theLatencyChartShouldShowEveryWindowAndIntervalOfBothPercentiles() {
    String chart = svg(HtmlReport.render(SampleReports.flush()), "db-latency-chart");

    // The windows before and after the flush, and the twelve intervals of the watch.
    assertThat(chart)
        .contains("data-series=\"p50\" data-points=\"14\"")
        .contains("data-series=\"p99\" data-points=\"14\"");
    assertThat(chart).contains("data-label=\"flush\"");
    // The y axis fits the highest value (p99 38 ms right after the flush), in round steps.
    assertThat(chart)
        .contains(">0 ms<", ">10 ms<", ">40 ms<", ">50 ms<")
        .doesNotContain(">60 ms<")
        .doesNotContain("%<");
  }

  @Test
  void theFlushPageShouldCarryEveryTableOfTheReport() {
    String page = HtmlReport.render(SampleReports.flush());

    assertThat(page)
        .contains(
            "<title>cacheflush flush: completed · redis://cacheflush:****@cache.internal:6379</title>");
    assertThat(page).contains("class=\"badge ok\" id=\"outcome\">completed · exit 0<");
    assertThat(table(page, "patterns-table"))
        .contains("<code>gallery:*</code>", ">29,999<", ">99,998<", "total", "3 keys");
    assertThat(table(page, "conflicts-table"))
        .contains("<code>mocs:7:pinned</code>", "<code>mocs:*:pinned</code>");
    assertThat(table(page, "verification-table")).contains(">100,000<");
    assertThat(table(page, "watch-table")).contains("02:00:32", "48.0%", "n/a", "86.0%", "9.0 ms");
    assertThat(table(page, "database-table"))
        .contains("before the flush", ">1.2 ms<", "after the flush", ">21.5 ms<");
    assertThat(table(page, "recoveries-table")).contains("connection reset");
    assertThat(table(page, "shards-table"))
        .contains(
            "<code>10.0.1.12:6379</code>",
            "<code>b2c3d4e5f60718293a4b5c6d7e8f901234567890</code>",
            ">73,300<",
            ">33,299<",
            ">220,000<",
            ">99,998<");
    assertThat(page)
        .contains("recovered: hit rate 80.0% or more in 3 consecutive intervals, 110.0 s after");
    assertThat(page).contains("password=****").contains("93.0% → 42.0%");
    assertThat(table(page, "pacing-table"))
        .contains(
            "124.3 s",
            "120.0 s",
            "keys to delete (estimate)",
            "100,000 (first 98,700), 833 keys/s planned",
            "3 slowdowns, 41 speedups, lowest 413 keys/s",
            "p99 11.9 ms");
  }

  @Test
  void aDryRunPageShouldSayNothingWasDeletedAndWhetherTheFlushFitsTheTimeout() {
    String page = HtmlReport.render(SampleReports.dryRun());

    assertThat(page).contains("Dry run: nothing was deleted").contains("would delete");
    assertThat(page).contains("It does not fit: raise --timeout");
    assertThat(page).doesNotContain("<svg").doesNotContain("id=\"watch\"");
    assertThat(table(page, "shards-table")).contains("would delete").doesNotContain("deleted<");
  }

  @Test
  void aWatchPageShouldPlotItsIntervalsAndShowWhyTheGateFailed() {
    String page = HtmlReport.render(SampleReports.watch());

    assertThat(page).contains("class=\"badge bad\" id=\"outcome\">not-recovered · exit 3<");
    assertThat(page)
        .contains("the hit rate did not reach 90.0% in 3 consecutive intervals within 2m");
    assertThat(svg(page, "hit-rate-chart"))
        .contains("data-points=\"11\"")
        .contains("gate 90%")
        .doesNotContain("class=\"band\"");
    assertThat(svg(page, "db-latency-chart")).contains("data-series=\"p50\" data-points=\"12\"");
    assertThat(table(page, "database-table"))
        .contains("during the watch")
        .doesNotContain("before the flush");
  }

  @Test
  void aFailedFlushPageShouldSayWhyInRedAndShowNoChart() {
    String page = HtmlReport.render(SampleReports.failed());

    assertThat(page)
        .contains("class=\"badge bad\" id=\"outcome\">failed · exit 1<")
        .contains(
            "<p class=\"note bad\">Cannot connect to Redis at redis://cache.internal:6379 after 4 attempts")
        .contains("<p class=\"meta\">redis://cache.internal:6379 · started")
        .doesNotContain("null")
        .doesNotContain("<svg");
  }

  @Test
  void noLineShouldCrossTheFlushBandSoTheFallIsNotDrawnBeforeTheFlush() {
    String page = HtmlReport.render(SampleReports.flush());

    for (String id : List.of("hit-rate-chart", "db-latency-chart")) {
      String chart = svg(page, id);
      Matcher band = BAND.matcher(chart);
      assertThat(band.find()).isTrue();
      double bandStart = Double.parseDouble(band.group(1));
      double bandEnd = bandStart + Double.parseDouble(band.group(2));
      for (String polyline : POLYLINE.matcher(chart).results().map(m -> m.group(1)).toList()) {
        List<Double> xs =
            Arrays.stream(polyline.split(" "))
                .map(p -> Double.parseDouble(p.split(",")[0]))
                .toList();
        assertThat(xs.get(0) < bandEnd && xs.get(xs.size() - 1) > bandStart)
            .as(
                id
                    + ": a line from x "
                    + xs.get(0)
                    + " to "
                    + xs.get(xs.size() - 1)
                    + " over the band "
                    + bandStart
                    + "-"
                    + bandEnd)
            .isFalse();
      }
    }
  }

  @Test
  void aGateOf999ShouldBeLabelled999AndValuesAt100ShouldSitInsideThePlot() {
    String chart = svg(HtmlReport.render(SampleReports.failedGate()), "hit-rate-chart");

    assertThat(chart).contains(">gate 99.9%<").doesNotContain("gate 100%");
    Matcher plot = Pattern.compile("<rect class=\"plot\" x=\"\\d+\" y=\"(\\d+)\"").matcher(chart);
    assertThat(plot.find()).isTrue();
    double top = Double.parseDouble(plot.group(1));
    assertThat(circles(chart))
        .hasSize(6)
        .allSatisfy(p -> assertThat(p[1]).as("a dot's centre").isGreaterThanOrEqualTo(top + 8));
  }

  @Test
  void aTimeoutAndAFailedGateShouldBeRedNotTheAmberOfADryRun() {
    assertThat(HtmlReport.render(SampleReports.dryRun()))
        .contains("class=\"badge ok\" id=\"outcome\"")
        .contains("<p class=\"note warn\">Dry run: nothing was deleted");
    assertThat(HtmlReport.render(SampleReports.timeout()))
        .contains("class=\"badge bad\" id=\"outcome\">timeout · exit 3<")
        .contains("<p class=\"note bad\">The deadline of 60.0 s was reached");
    assertThat(HtmlReport.render(SampleReports.failedGate()))
        .contains("class=\"badge bad\" id=\"outcome\">not-recovered · exit 3<")
        .contains("<p class=\"note bad\">the hit rate did not reach 99.9%");
    assertThat(HtmlReport.render(SampleReports.declined()))
        .contains("class=\"badge warn\" id=\"outcome\">declined · exit 2<");
  }

  @Test
  void theTimelineHeadingShouldNameOnlyWhatItsChartsShow() {
    assertThat(HtmlReport.render(SampleReports.withoutDatabase()))
        .contains("<h2 id=\"timeline\">Hit rate</h2>")
        .doesNotContain("id=\"db-latency-chart\"");
    assertThat(HtmlReport.render(SampleReports.failedGate()))
        .contains("<h2 id=\"timeline\">Hit rate</h2>");
    assertThat(HtmlReport.render(SampleReports.flush()))
        .contains("<h2 id=\"timeline\">Hit rate and database latency</h2>");
  }

  @Test
  void aDeclinedOrNeverConnectedFlushPageShouldShowNoTablesOfZeros() {
    for (FlushReport report : List.of(SampleReports.declined(), SampleReports.failed())) {
      String page = HtmlReport.render(report);

      assertThat(page)
          .containsOnlyOnce("othing was deleted")
          .doesNotContain("id=\"patterns-table\"")
          .doesNotContain("id=\"preserved\"")
          .doesNotContain("class=\"cards\"")
          .contains("id=\"settings-table\"");
    }
  }

  @Test
  void niceStepsShouldBeOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(SvgChart.niceStep(0.24)).isEqualTo(0.25);
    assertThat(SvgChart.niceStep(3.1)).isEqualTo(5);
    assertThat(SvgChart.niceStep(20)).isEqualTo(20);
    assertThat(SvgChart.niceStep(21)).isEqualTo(25);
  }

  static String svg(String page, String id) {
    int start = page.indexOf("<svg id=\"" + id + "\"");
    assertThat(start).as("chart " + id).isNotNegative();
    return page.substring(start, page.indexOf("</svg>", start));
  }

  static String table(String page, String id) {
    int start = page.indexOf("<table id=\"" + id + "\"");
    assertThat(start).as("table " + id).isNotNegative();
    return page.substring(start, page.indexOf("</table>", start));
  }

  static List<double[]> circles(String svg) {
    List<double[]> points = new ArrayList<>();
    Matcher m = CIRCLE.matcher(svg);
    while (m.find()) {
      points.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
    }
    return points;
  }
}
