package dev.cacheflush.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextReportTest {
  @Test
  void theFlushSummaryShouldBeATableWithItsCountsUnderTheirHeadings() {
    List<String> lines = TextReport.render(SampleReports.flush(), false).lines().toList();

    int header = lines.indexOf("  pattern          matched       deleted");
    assertThat(header).as(String.join("\n", lines)).isPositive();
    assertThat(lines.subList(header + 1, header + 8))
        .containsExactly(
            "  ----------  ------------  ------------",
            "  mocs:*            40,000        39,999",
            "  gallery:*         30,000        29,999",
            "  wishlist:*        20,000        20,000",
            "  albums:*          10,000        10,000",
            "  ----------  ------------  ------------",
            "  total            100,000        99,998");
  }

  @Test
  void aPacedFlushShouldSayHowLongItTookAgainstTheSpreadAndWhatTheBoundDecided() {
    String text = TextReport.render(SampleReports.flush(), false);
    assertThat(text)
        .contains(
            "Paced     deleted in 124.3 s (spread asked: 120.0 s); planned on an estimate of\n"
                + "          100,000 keys (98,700 at first), 833 keys/s\n"
                + "          database p99 bound 12 ms: 3 slowdowns, 41 speedups, lowest 413 keys/s;\n"
                + "          p99 11.9 ms while deleting\n");
    assertThat(TextReport.render(SampleReports.oneKeyEach(), false)).doesNotContain("Paced");
  }

  @Test
  void aClusterFlushShouldAlsoShowItsShards() {
    String text = TextReport.render(SampleReports.flush(), false);

    assertThat(text)
        .contains(
            """
          shard                scanned       matched       deleted
          --------------  ------------  ------------  ------------
          10.0.1.11:6379        73,400        33,400        33,399
        """);
  }

  @Test
  void anAuditedFlushShouldSayWhereItsAuditIs() {
    assertThat(TextReport.render(SampleReports.flush(), false))
        .contains("\nAudit     99,998 keys listed in /var/log/cacheflush/canary-10.audit.gz\n");
    assertThat(TextReport.render(SampleReports.dryRun(), false)).doesNotContain("Audit");
  }

  @Test
  void aDryRunTableShouldHaveNoDeletedColumn() {
    String text = TextReport.render(SampleReports.dryRun(), false);

    assertThat(text)
        .contains(
            "  pattern     would delete\n  ----------  ------------\n  mocs:*            40,000\n");
    assertThat(text).doesNotContain("deleted  ").contains("DRY RUN: nothing was deleted");
  }

  @Test
  void colourShouldOnlyBeThereWhenAskedFor() {
    assertThat(TextReport.render(SampleReports.flush(), false)).doesNotContain("\u001b[");
    assertThat(TextReport.render(SampleReports.flush(), true))
        .contains("\u001b[1m  pattern")
        .contains("\u001b[32mcompleted (exit 0)\u001b[0m");
  }

  @Test
  void aDeclinedFlushShouldSayInOneLineThatNothingWasDeleted() {
    assertThat(TextReport.render(SampleReports.declined(), false))
        .isEqualTo("Declined: nothing was deleted (exit 2)\n");
  }

  @Test
  void aFlushRefusedAtConnectingShouldSayInOneLineThatNothingWasDeleted() {
    assertThat(TextReport.render(SampleReports.failed(), false))
        .isEqualTo("Not connected (failed): nothing was deleted (exit 1)\n");
  }

  @Test
  void everyLineShouldFitEightyColumns() {
    for (FlushReport report :
        List.of(
            SampleReports.flush(),
            SampleReports.dryRun(),
            SampleReports.timeout(),
            SampleReports.withoutDatabase())) {
      assertThat(TextReport.render(report, false).lines())
          .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
      assertThat(TextReport.render(report, true).replaceAll("\u001b\\[[0-9;]*m", "").lines())
          .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
    }
  }

  @Test
  void oneKeyShouldBeOneKey() {
    String text = TextReport.render(SampleReports.oneKeyEach(), false);

    assertThat(text)
        .contains("Scanned   3 of 3 keys in ")
        .contains("Preserved 1 key matching sessions:*")
        .contains("Untouched 1 key matching no pattern")
        .contains("Verified  1 key scanned again: 0 match")
        .doesNotContain(" 1 keys");
  }
}
