package dev.cacheflush.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportChartsTest {
  @Test
  void theFlushBandShouldSpanTheFlushNotTheWaitAtThePromptBeforeIt() {
    // The sample's baseline window ends at 10.2 s; the person answered and the flush began at 10.3
    // s.
    FlushReport r = SampleReports.flush();

    List<SvgChart.Chart> charts = ReportCharts.forFlush(r);

    SvgChart.Band band = charts.get(0).bands().get(0);
    assertThat(band.from()).isEqualTo(10.3);
    assertThat(band.to()).as("the end of the deleting, not of the watch").isEqualTo(12.3);
  }

  @Test
  void aWatchChartShouldStartWhereItsFirstIntervalDoesNotWhereTheCommandStarted() {
    // The sample's first 10 s interval starts at 22.4 s; this watch started 6 s before that
    // (connecting, and the database's first answer on a busy host).
    WatchRunReport w = SampleReports.watch();
    WatchRunReport r =
        new WatchRunReport(
            w.schemaVersion(),
            w.command(),
            w.target(),
            w.mode(),
            w.outcome(),
            w.exitCode(),
            w.message(),
            SampleReports.at(16_400),
            w.finishedAt(),
            w.durationMs() + 6_000,
            w.watch(),
            w.database());

    List<SvgChart.Chart> charts = ReportCharts.forWatch(r);

    SvgChart.Point first = charts.get(0).series().get(0).points().get(0);
    assertThat(first.x()).as("the middle of the first interval").isEqualTo(5.0);
  }
}
