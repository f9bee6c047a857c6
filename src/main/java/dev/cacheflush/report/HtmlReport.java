package dev.cacheflush.report;

import dev.cacheflush.report.HtmlPage.Card;
import dev.cacheflush.report.HtmlPage.Cell;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report as one HTML page for people: what happened at a glance, the hit rate and the
 * database's latency over time with the flush marked, then every count of the JSON report. It is
 * made from the report alone, which holds no secret, so the page holds none either.
 */
public final class HtmlReport {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private HtmlReport() {}

  public static String render(FlushReport r) {
    String title = r.dryRun() ? "Dry run" : "Cache flush";
    HtmlPage page =
        new HtmlPage("cacheflush " + r.command() + ": " + r.outcome() + " · " + r.target());
    page.heading(title, r.outcome(), r.exitCode());
    page.meta(
        where(r.target(), r.mode())
            + " · started "
            + time(r.startedAt())
            + " · took "
            + TextReport.seconds(r.durationMs()));
    if (r.dryRun()) {
      page.note(
          "warn",
          "Dry run: nothing was deleted. The counts show what a flush would delete and keep.");
    }
    if (r.message() != null) {
      page.note(HtmlPage.tone(r.exitCode()), r.message());
    }
    if (r.plan() != null) {
      page.paragraph("Plan " + r.plan().path() + ", digest " + r.plan().digest());
    }
    if (r.outcome().equals("refused")) {
      page.paragraph("Nothing was deleted: the plan was refused before the flush.");
      settings(page, r);
      return finish(page, r);
    }
    if (r.outcome().equals("declined") || r.mode() == null) {
      // Tables of zeros would read as if the preserved keys were lost; as on the terminal, one line
      // (a declined run's message already says that nothing was deleted).
      if (!r.outcome().equals("declined")) {
        page.paragraph(
            "Nothing was deleted: the run never reached Redis, so there is nothing to count.");
      }
      settings(page, r);
      return finish(page, r);
    }
    page.cards(flushCards(r));

    List<SvgChart.Chart> charts = ReportCharts.forFlush(r);
    if (!charts.isEmpty()) {
      page.section("timeline", ReportCharts.heading(charts));
      charts.forEach(page::chart);
      page.caption(
          "Each point is one measuring window, drawn at its middle: the window before the flush, the one "
              + "after it, then every interval of the watch. The red band is the flush: no line crosses it, as "
              + "nothing was measured while it ran.");
    }
    if (r.watch() != null) {
      watch(page, r.watch());
    }
    if (r.database() != null) {
      database(page, r.database(), true);
    }
    patterns(page, r);
    if (r.shards().size() > 1) {
      shards(page, r);
    }
    preserved(page, r);
    if (r.verification() != null) {
      verification(page, r.verification());
    }
    if (!r.recoveries().isEmpty()) {
      page.section("recoveries", "Recovered faults");
      List<List<Cell>> rows = new ArrayList<>();
      for (FlushReport.Recovery rec : r.recoveries()) {
        rows.add(
            List.of(
                Cell.code(rec.node()),
                Cell.text(rec.cause()),
                Cell.text(
                    rec.scanRestarted()
                        ? "the scan started again (counts include keys seen twice)"
                        : "the scan went on from its cursor")));
      }
      page.table("recoveries-table", List.of("node", "cause", "then"), rows, false);
    }
    if (r.deadlineEstimate() != null) {
      estimate(page, r.deadlineEstimate());
    }
    settings(page, r);
    return finish(page, r);
  }

  private static void settings(HtmlPage page, FlushReport r) {
    page.section("settings", "Settings");
    page.foldedFacts("Scan and delete settings of this run", "settings-table", tuning(r.tuning()));
    FlushReport.Pacing p = r.pacing();
    if (p != null && (p.spreadMs() != null || p.dbMaxLatencyMs() != null)) {
      page.foldedFacts("Pacing of the deletions", "pacing-table", pacing(p));
    }
  }

  /** What --spread and --db-max-latency asked and did; the estimates are labelled so. */
  private static List<String[]> pacing(FlushReport.Pacing p) {
    List<String[]> facts = new ArrayList<>();
    facts.add(new String[] {"deletion took", TextReport.seconds(p.deletionMs())});
    if (p.spreadMs() != null) {
      facts.add(new String[] {"spread asked", TextReport.seconds(p.spreadMs())});
      if (p.estimatedKeys() != null) {
        facts.add(
            new String[] {
              "keys to delete (estimate)",
              TextReport.n(p.estimatedKeys())
                  + " (first "
                  + TextReport.n(p.firstEstimatedKeys())
                  + "), "
                  + String.format(Locale.ROOT, "%,.0f keys/s planned", p.plannedKeysPerSecond())
            });
      }
    }
    if (p.dbMaxLatencyMs() != null) {
      facts.add(new String[] {"database p99 bound", p.dbMaxLatencyMs() + " ms"});
      facts.add(
          new String[] {
            "its decisions",
            p.slowdowns()
                + " slowdowns, "
                + p.speedups()
                + " speedups, lowest "
                + String.format(Locale.ROOT, "%,.0f keys/s", p.lowestKeysPerSecond())
          });
    }
    if (p.database() != null) {
      facts.add(
          new String[] {
            "database while deleting",
            "p50 "
                + WatchText.ms(p.database().p50Ms())
                + ", p99 "
                + WatchText.ms(p.database().p99Ms())
          });
    }
    facts.add(new String[] {"batches held back", TextReport.n(p.heldBatches())});
    return facts;
  }

  private static String finish(HtmlPage page, FlushReport r) {
    return page.finish(
        "cacheflush report (schema "
            + r.schemaVersion()
            + "), written "
            + time(r.finishedAt())
            + ". This page is self-contained: it needs no network.");
  }

  public static String render(WatchRunReport r) {
    HtmlPage page = new HtmlPage("cacheflush watch: " + r.outcome() + " · " + r.target());
    page.heading("Cache watch", r.outcome(), r.exitCode());
    page.meta(
        where(r.target(), r.mode())
            + " · started "
            + time(r.startedAt())
            + " · took "
            + TextReport.seconds(r.durationMs()));
    if (r.message() != null) {
      page.note(HtmlPage.tone(r.exitCode()), r.message());
    }
    WatchReport w = r.watch();
    List<WatchReport.Interval> intervals = w.intervals();
    List<Card> cards = new ArrayList<>();
    cards.add(new Card("Outcome", w.outcome(), "exit " + r.exitCode()));
    cards.add(
        new Card(
            "Hit rate",
            intervals.isEmpty()
                ? "n/a"
                : WatchText.percent(intervals.get(intervals.size() - 1).hitRate()),
            intervals.isEmpty()
                ? null
                : "last interval; first " + WatchText.percent(intervals.get(0).hitRate())));
    if (w.untilHitRate() != null) {
      cards.add(
          new Card(
              "Gate",
              WatchText.percent(w.untilHitRate()),
              "in "
                  + w.consecutive()
                  + " intervals in a row, within "
                  + TextReport.seconds(w.limitMs())));
    }
    if (r.database() != null && r.database().during() != null) {
      cards.add(
          new Card(
              "DB p50",
              WatchText.ms(r.database().during().p50Ms()),
              "p99 " + WatchText.ms(r.database().during().p99Ms())));
    }
    page.cards(cards);
    List<SvgChart.Chart> charts = ReportCharts.forWatch(r);
    if (!charts.isEmpty()) {
      page.section("timeline", ReportCharts.heading(charts));
      charts.forEach(page::chart);
      page.caption("Each point is one interval of the watch, drawn at its middle.");
    }
    watch(page, w);
    if (r.database() != null) {
      database(page, r.database(), false);
    }
    return page.finish(
        "cacheflush watch report (schema "
            + r.schemaVersion()
            + "), written "
            + time(r.finishedAt())
            + ". This page is self-contained: it needs no network.");
  }

  private static List<Card> flushCards(FlushReport r) {
    List<Card> cards = new ArrayList<>();
    if (r.dryRun()) {
      cards.add(new Card("Would delete", TextReport.n(r.keysMatched()), "keys"));
    } else {
      cards.add(
          new Card(
              "Deleted",
              TextReport.n(r.keysDeleted()),
              "of " + TextReport.n(r.keysMatched()) + " matched"));
    }
    cards.add(
        new Card(
            "Preserved",
            TextReport.n(r.keysPreserved()),
            r.conflicts().count() == 0
                ? "no conflicts"
                : TextReport.n(r.conflicts().count()) + " also match a flush pattern"));
    cards.add(
        new Card(
            "Scanned", TextReport.n(r.keysScanned()), "of " + TextReport.n(r.dbSize()) + " keys"));
    FlushReport.DeadlineEstimate e = r.deadlineEstimate();
    if (e != null) {
      cards.add(
          new Card(
              "Estimated flush",
              TextReport.seconds(e.estimatedFlushMs()),
              (e.fitsTimeout() ? "fits" : "does NOT fit")
                  + " the timeout of "
                  + TextReport.seconds(e.timeoutMs())));
    }
    HitRateReport h = r.hitRate();
    if (h != null) {
      cards.add(
          new Card(
              "Hit rate",
              WatchText.percent(h.before() == null ? null : h.before().ratio())
                  + " → "
                  + WatchText.percent(h.after() == null ? null : h.after().ratio()),
              "before → after the flush"));
    }
    if (r.watch() != null) {
      cards.add(
          new Card(
              "Watch",
              r.watch().outcome(),
              r.watch().recoveredAfterMs() == null
                  ? null
                  : "after " + TextReport.seconds(r.watch().recoveredAfterMs())));
    }
    DatabaseReport d = r.database();
    if (d != null) {
      cards.add(
          new Card(
              "DB p50",
              WatchText.ms(d.baseline() == null ? null : d.baseline().p50Ms())
                  + " → "
                  + WatchText.ms(d.during() == null ? null : d.during().p50Ms()),
              d.spikeRatio() == null
                  ? "before → after"
                  : String.format(Locale.ROOT, "×%.2f", d.spikeRatio())));
    }
    return cards;
  }

  private static void watch(HtmlPage page, WatchReport w) {
    page.section("watch", "Watch");
    page.paragraph(WatchText.summary(w));
    boolean db = w.intervals().stream().anyMatch(i -> i.dbP50Ms() != null || i.dbP99Ms() != null);
    List<String> header =
        new ArrayList<>(List.of("UTC", "#hit rate", "#hits", "#misses", "#ops/s", "#keys"));
    if (db) {
      header.addAll(List.of("#db p50", "#db p99"));
    }
    List<List<Cell>> rows = new ArrayList<>();
    for (WatchReport.Interval i : w.intervals()) {
      List<Cell> row =
          new ArrayList<>(
              List.of(
                  Cell.text(CLOCK.format(Instant.parse(i.endedAt()))),
                  Cell.number(WatchText.percent(i.hitRate())),
                  Cell.number(TextReport.n(i.hits())),
                  Cell.number(TextReport.n(i.misses())),
                  Cell.number(TextReport.n(Math.round(i.opsPerSecond()))),
                  Cell.number(TextReport.n(i.keys()))));
      if (db) {
        row.add(Cell.number(WatchText.ms(i.dbP50Ms())));
        row.add(Cell.number(WatchText.ms(i.dbP99Ms())));
      }
      rows.add(row);
    }
    if (!rows.isEmpty()) {
      page.table("watch-table", header, rows, false);
    }
  }

  private static void database(HtmlPage page, DatabaseReport d, boolean withBaseline) {
    page.section("database", "Database probe");
    page.facts(
        "database-facts",
        List.of(
            new String[] {"database", d.url()},
            new String[] {"query", d.query()},
            new String[] {"every", d.intervalMs() + " ms"}));
    List<List<Cell>> rows = new ArrayList<>();
    if (withBaseline) {
      rows.add(latencyRow("before the flush", d.baseline()));
    }
    rows.add(latencyRow(withBaseline ? "after the flush" : "during the watch", d.during()));
    page.table(
        "database-table", List.of("", "#queries", "#errors", "#p50", "#p99", "#max"), rows, false);
    if (d.spikeRatio() != null) {
      page.paragraph(
          String.format(
              Locale.ROOT, "p50 after the flush is %.2f times the p50 before it.", d.spikeRatio()));
    }
    if (d.error() != null) {
      page.note("warn", "The probe failed: " + d.error());
    }
  }

  private static List<Cell> latencyRow(String label, LatencyReport l) {
    if (l == null) {
      return List.of(
          Cell.text(label),
          Cell.number("n/a"),
          Cell.number("n/a"),
          Cell.number("n/a"),
          Cell.number("n/a"),
          Cell.number("n/a"));
    }
    return List.of(
        Cell.text(label),
        Cell.number(TextReport.n(l.samples())),
        Cell.number(TextReport.n(l.errors())),
        Cell.number(WatchText.ms(l.p50Ms())),
        Cell.number(WatchText.ms(l.p99Ms())),
        Cell.number(WatchText.ms(l.maxMs())));
  }

  private static void patterns(HtmlPage page, FlushReport r) {
    page.section("patterns", "Flush patterns");
    List<List<Cell>> rows = new ArrayList<>();
    for (FlushReport.PatternCount p : r.patterns()) {
      rows.add(
          r.dryRun()
              ? List.of(
                  Cell.code(p.pattern()),
                  Cell.number(TextReport.n(p.matched())),
                  Cell.openKeys(p.samples()))
              : List.of(
                  Cell.code(p.pattern()),
                  Cell.number(TextReport.n(p.matched())),
                  Cell.number(TextReport.n(p.deleted())),
                  Cell.keys(p.samples())));
    }
    rows.add(
        r.dryRun()
            ? List.of(Cell.text("total"), Cell.number(TextReport.n(r.keysMatched())), Cell.text(""))
            : List.of(
                Cell.text("total"),
                Cell.number(TextReport.n(r.keysMatched())),
                Cell.number(TextReport.n(r.keysDeleted())),
                Cell.text("")));
    page.table(
        "patterns-table",
        r.dryRun()
            ? List.of("pattern", "#would delete", "sample keys")
            : List.of("pattern", "#matched", "#deleted", "sample keys"),
        rows,
        true);
    page.caption("A key is counted under the first flush pattern it matches.");
  }

  /** Per shard, so that a shard never reached, or reached late, shows; the rows add up to the totals. */
  private static void shards(HtmlPage page, FlushReport r) {
    page.section("shards", "Shards");
    List<List<Cell>> rows = new ArrayList<>();
    long scanned = 0;
    long matched = 0;
    long deleted = 0;
    for (FlushReport.Shard s : r.shards()) {
      List<Cell> row =
          new ArrayList<>(
              List.of(
                  Cell.code(s.address()),
                  Cell.code(s.nodeId() == null ? "" : s.nodeId()),
                  Cell.number(TextReport.n(s.scanned())),
                  Cell.number(TextReport.n(s.matched()))));
      if (!r.dryRun()) {
        row.add(Cell.number(TextReport.n(s.deleted())));
      }
      rows.add(row);
      scanned += s.scanned();
      matched += s.matched();
      deleted += s.deleted();
    }
    List<Cell> total =
        new ArrayList<>(
            List.of(
                Cell.text("total"),
                Cell.text(""),
                Cell.number(TextReport.n(scanned)),
                Cell.number(TextReport.n(matched))));
    if (!r.dryRun()) {
      total.add(Cell.number(TextReport.n(deleted)));
    }
    rows.add(total);
    page.table(
        "shards-table",
        r.dryRun()
            ? List.of("primary", "node id", "#scanned", "#would delete")
            : List.of("primary", "node id", "#scanned", "#matched", "#deleted"),
        rows,
        true);
    page.caption(
        "The primary each shard was last scanned on (after a failover, the promoted replica).");
  }

  private static void preserved(HtmlPage page, FlushReport r) {
    page.section("preserved", "Preserved");
    page.paragraph(
        TextReport.n(r.keysPreserved())
            + " keys matched a preserve pattern and were "
            + (r.dryRun() ? "left alone" : "kept")
            + ": "
            + String.join(", ", r.preservePatterns())
            + ". "
            + TextReport.n(r.keysUntouched())
            + " keys matched no pattern.");
    FlushReport.Conflicts c = r.conflicts();
    if (c.count() == 0) {
      page.paragraph("No key matched both a flush and a preserve pattern.");
      return;
    }
    page.note(
        "warn",
        TextReport.n(c.count())
            + " keys match a flush pattern and a preserve pattern: they were kept "
            + "(preserve wins). Narrow the flush pattern or confirm the preserve list.");
    List<List<Cell>> rows = new ArrayList<>();
    for (FlushReport.ConflictSample s : c.samples()) {
      rows.add(
          List.of(Cell.code(s.key()), Cell.code(s.flushPattern()), Cell.code(s.preservePattern())));
    }
    page.table(
        "conflicts-table",
        List.of("key (sample)", "flush pattern", "preserve pattern"),
        rows,
        false);
  }

  private static void verification(HtmlPage page, FlushReport.Verification v) {
    page.section("verification", "Verification");
    page.paragraph(
        (v.complete() ? "" : "Cut short by the deadline: ")
            + "a second scan after the flush read "
            + TextReport.n(v.keysScanned())
            + " keys; "
            + TextReport.n(v.keysStillMatching())
            + " match a flush pattern again (live traffic re-creates hot keys, so this is expected on a busy cache).");
    page.table(
        "verification-table",
        List.of("preserved keys", "#before", "#after"),
        List.of(
            List.of(
                Cell.text("matching a preserve pattern"),
                Cell.number(TextReport.n(v.preservedBefore())),
                Cell.number(TextReport.n(v.preservedAfter())))),
        false);
    if (!v.samples().isEmpty()) {
      page.table(
          "verification-samples",
          List.of("keys matching again (sample)"),
          List.of(List.of(Cell.keys(v.samples()))),
          false);
    }
  }

  private static void estimate(HtmlPage page, FlushReport.DeadlineEstimate e) {
    page.section("estimate", "Deadline estimate");
    String text =
        "A real flush of this keyspace takes about "
            + TextReport.seconds(e.estimatedFlushMs())
            + " (measured scan rate "
            + TextReport.n(e.scanKeysPerSecond())
            + " keys/s); the timeout is "
            + TextReport.seconds(e.timeoutMs())
            + ".";
    if (e.fitsTimeout()) {
      page.note("ok", text + " It fits.");
    } else {
      page.note("bad", text + " It does not fit: raise --timeout.");
    }
  }

  private static List<String[]> tuning(FlushReport.Tuning t) {
    return List.of(
        new String[] {"scan count", String.valueOf(t.scanCount())},
        new String[] {"batch size", String.valueOf(t.batchSize())},
        new String[] {"max in flight", String.valueOf(t.maxInFlight())},
        new String[] {"timeout", TextReport.seconds(t.timeoutMs())},
        new String[] {"retries", String.valueOf(t.retries())},
        new String[] {"command timeout", TextReport.seconds(t.commandTimeoutMs())},
        new String[] {"lock", t.lock() ? "on" : "off"},
        new String[] {"verify", t.verify() ? "on" : "off"},
        new String[] {
          "max rate", t.maxRate() == 0 ? "none" : TextReport.n(t.maxRate()) + " keys/s"
        },
        new String[] {"max latency", t.maxLatencyMs() == null ? "off" : t.maxLatencyMs() + " ms"});
  }

  /** The target and its mode; a run that never connected has no mode. */
  private static String where(String target, String mode) {
    return mode == null ? target : target + " (" + mode + ")";
  }

  private static String time(String instant) {
    return TIME.format(Instant.parse(instant));
  }
}
