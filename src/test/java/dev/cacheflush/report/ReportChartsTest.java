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
}
