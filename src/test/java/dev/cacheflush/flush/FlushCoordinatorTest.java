package dev.cacheflush.flush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.audit.AuditFile;
import dev.cacheflush.audit.AuditReader;
import dev.cacheflush.audit.AuditTrail;
import dev.cacheflush.audit.AuditWriter;
import dev.cacheflush.config.Settings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.glob.RedisGlob;
import dev.cacheflush.plan.ApprovedPlan;
import dev.cacheflush.plan.Plan;
import dev.cacheflush.plan.PlanFile;
import dev.cacheflush.plan.PlanTolerance;
import dev.cacheflush.redis.Deadline;
import dev.cacheflush.redis.Deployment;
import dev.cacheflush.redis.TargetIdentity;
import dev.cacheflush.report.FlushReport;
import dev.cacheflush.report.HitRateReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of a flush's steps and what each outcome leaves behind, on a scripted cache, a
 * scripted observer and a clock that moves only when a step says it took time.
 */
class FlushCoordinatorTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final TargetIdentity IDENTITY =
      new TargetIdentity(
          "redis://cache:6379", "standalone", 0, "primary", "a".repeat(40), List.of());

  @TempDir Path dir;

  /** What happened, in order, across the target, the observer and the person. */
  final List<String> steps = new ArrayList<>();

  final MovingClock clock = new MovingClock();
  final StopSignal stop = new StopSignal();

  /** Per step name: what it does besides being recorded (take time, ask for a stop, fail). */
  final Map<String, Runnable> effects = new HashMap<>();

  boolean answer = true;
  String watchVerdict;
  AuditTrail audit = AuditTrail.NONE;

  static final class MovingClock extends Clock {
    Instant now = T0;

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  void step(String name) {
    steps.add(name);
    effects.getOrDefault(name, () -> {}).run();
  }

  final class FakeTarget implements FlushTarget {
    @Override
    public Deployment mode() {
      return Deployment.STANDALONE;
    }

    @Override
    public int shards() {
      return 1;
    }

    @Override
    public TargetIdentity identity() {
      step("identity");
      return IDENTITY;
    }

    @Override
    public long dbSize() {
      return 10;
    }

    @Override
    public void retryWithin(Deadline deadline) {}

    @Override
    public HeldLock lock() {
      step("lock");
      return () -> step("unlock");
    }

    @Override
    public Outcome pass(
        boolean delete,
        Tally tally,
        AuditTrail audit,
        Progress progress,
        Deadline deadline,
        long totalKeys,
        Pacing pacing) {
      step(delete ? "delete" : "count");
      Tally.Page page = tally.page();
      for (int i = 0; i < 4; i++) {
        page.matched(0, ("mocs:" + i).getBytes(StandardCharsets.UTF_8));
      }
      for (int i = 4; i < 10; i++) {
        page.untouched();
      }
      page.commit();
      if (delete) {
        tally.addDeleted(0, 4);
        byte[][] keys = new byte[4][];
        for (int i = 0; i < 4; i++) {
          keys[i] = ("mocs:" + i).getBytes(StandardCharsets.UTF_8);
        }
        audit.deleted("127.0.0.1:1", new int[] {0}, new byte[][][] {keys}, () -> {});
      }
      return stop.requested() ? Outcome.INTERRUPTED : Outcome.COMPLETED;
    }

    @Override
    public FlushReport.Verification verify(Tally flushed, Deadline deadline) {
      step("verify");
      return new FlushReport.Verification(true, 6, 0, List.of(), 0, 0);
    }

    @Override
    public List<FlushReport.Recovery> recoveries() {
      return List.of();
    }

    @Override
    public List<FlushReport.Shard> shardCounts() {
      return List.of();
    }

    @Override
    public void close() {
      step("disconnect");
    }
  }

  static final HitRateReport.Window BASELINE =
      new HitRateReport.Window(T0.toString(), 10_000, 90, 10, 0.9, 10, 10, null, null);

  final class FakeObserver implements FlushObserver {
    boolean baselineMeasured;

    @Override
    public void connected() {
      step("observe");
    }

    @Override
    public void baseline() {
      step("baseline");
      baselineMeasured = true;
    }

    @Override
    public void flushStarting() {
      step("flush-starting");
    }

    @Override
    public void flushEnded(Tally tally, long durationMs, Instant at) {
      step("flush-ended");
    }

    @Override
    public void after() {
      step("after");
    }

    @Override
    public String watch() {
      step("watch");
      return watchVerdict;
    }

    @Override
    public Observation observation() {
      return new Observation(
          new HitRateReport(10_000, baselineMeasured ? BASELINE : null, null), null, null);
    }

    @Override
    public void close() {
      step("observer-closed");
    }
  }

  Settings settings(String... env) {
    Map<String, String> vars = new HashMap<>(Map.of("REDIS_URL", "redis://127.0.0.1:1"));
    for (int i = 0; i < env.length; i += 2) {
      vars.put(env[i], env[i + 1]);
    }
    return SettingsResolver.resolve(SettingsLayer.EMPTY, vars, null, dir, false);
  }

  FlushReport run(Settings settings) {
    FlushTarget.Connector connector =
        deadline -> {
          step("connect");
          return new FakeTarget();
        };
    Confirmation confirmation =
        (target, mode, keys) -> {
          step("confirm");
          return answer;
        };
    Progress progress =
        new Progress() {
          @Override
          public void update(Tally tally, long totalKeys) {}

          @Override
          public void done() {
            step("progress-done");
          }
        };
    return new FlushCoordinator(
            settings, connector, confirmation, new FakeObserver(), progress, stop, clock, audit)
        .run();
  }

  /** A plan of the fake cache made at T0, as 'plan --out' would have written it. */
  ApprovedPlan approved(Settings settings, TargetIdentity target) {
    Plan plan =
        new Plan(
            Plan.VERSION,
            T0.toString(),
            target,
            settings.flushPatterns().stream().map(RedisGlob::pattern).toList(),
            settings.preservePatterns().stream().map(RedisGlob::pattern).toList(),
            10,
            10,
            4,
            0,
            6,
            0,
            List.of(new Plan.PatternCount(settings.flushPatterns().get(0).pattern(), 4, List.of())),
            List.of());
    String digest = PlanFile.digest(plan);
    return new ApprovedPlan(
        "/plans/canary.json",
        new PlanFile.Loaded(plan, digest, digest),
        Duration.ofHours(24),
        PlanTolerance.parse("0", "--plan-tolerance"));
  }

  FlushReport run(Settings settings, ApprovedPlan plan) {
    FlushTarget.Connector connector =
        deadline -> {
          step("connect");
          return new FakeTarget();
        };
    Confirmation confirmation =
        (target, mode, keys) -> {
          step("confirm");
          return answer;
        };
    return new FlushCoordinator(
            plan.capped(settings),
            connector,
            confirmation,
            new FakeObserver(),
            Progress.NONE,
            stop,
            clock)
        .following(plan)
        .run();
  }

  @Test
  void anApprovedPlanShouldBeCheckedOnConnectingAndStandInForThePrompt() {
    Settings settings = settings();
    clock.advance(Duration.ofHours(23));
    FlushReport r = run(settings, approved(settings, IDENTITY));

    assertThat(steps)
        .containsExactly(
            "connect",
            "identity",
            "observe",
            "baseline",
            "flush-starting",
            "lock",
            "delete",
            "verify",
            "unlock",
            "disconnect",
            "flush-ended",
            "after",
            "watch",
            "observer-closed");
    assertThat(r.outcome()).isEqualTo("completed");
    assertThat(r.plan().digest()).startsWith("sha256:");
    assertThat(r.plan().path()).isEqualTo("/plans/canary.json");
  }

  @Test
  void aPlanOlderThanItsMaxAgeShouldBeRefusedWithoutConnecting() {
    Settings settings = settings();
    clock.advance(Duration.ofHours(24).plusSeconds(1));
    FlushReport r = run(settings, approved(settings, IDENTITY));

    assertThat(steps).containsExactly("observer-closed");
    assertThat(r.outcome()).isEqualTo("refused");
    assertThat(r.exitCode()).isEqualTo(ExitCode.SAFETY);
    assertThat(r.message()).contains("was made 24h 00m ago").contains("--plan-max-age 24h");
    assertThat(r.keysDeleted()).isZero();
  }

  @Test
  void aPlanOfAnotherCacheShouldBeRefusedBeforeTheBaselineIsMeasured() {
    Settings settings = settings();
    TargetIdentity other =
        new TargetIdentity(
            "redis://cache:6379", "standalone", 0, "primary", "b".repeat(40), List.of());
    FlushReport r = run(settings, approved(settings, other));

    assertThat(steps).containsExactly("connect", "identity", "disconnect", "observer-closed");
    assertThat(r.outcome()).isEqualTo("refused");
    assertThat(r.exitCode()).isEqualTo(ExitCode.SAFETY);
    assertThat(r.message()).contains("is for another cache");
  }

  @Test
  void aFlushFindingMoreKeysThanPlannedShouldStopAtThePlansCap() {
    Settings settings = settings();
    ApprovedPlan plan = approved(settings, IDENTITY);

    assertThat(plan.capped(settings).maxKeys()).isEqualTo(4);
    assertThat(plan.capped(settings.withMaxKeys(3L)).maxKeys()).isEqualTo(3);
    assertThat(plan.capsAt(4L)).isTrue();
  }

  @Test
  void aFlushShouldRunItsStepsInTheOrderTheyHappen() {
    FlushReport r = run(settings());

    assertThat(steps)
        .containsExactly(
            "connect",
            "observe",
            "baseline",
            "confirm",
            "flush-starting",
            "lock",
            "delete",
            "progress-done",
            "verify",
            "unlock",
            "disconnect",
            "flush-ended",
            "after",
            "watch",
            "observer-closed");
    assertThat(r.outcome()).isEqualTo("completed");
    assertThat(r.exitCode()).isZero();
    assertThat(r.keysDeleted()).isEqualTo(4);
    assertThat(r.hitRate().before()).isEqualTo(BASELINE);
  }

  @Test
  void theBaselineShouldBeMeasuredBeforeThePersonIsAsked() {
    run(settings());

    assertThat(steps.indexOf("baseline")).isLessThan(steps.indexOf("confirm"));
  }

  @Test
  void aDeclinedFlushShouldMeasureTheBaselineButDeleteNothing() {
    answer = false;

    FlushReport r = run(settings());

    assertThat(steps)
        .containsExactly(
            "connect", "observe", "baseline", "confirm", "disconnect", "observer-closed");
    assertThat(r.outcome()).isEqualTo("declined");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.keysDeleted()).isZero();
    assertThat(r.hitRate().before()).as("what was measured is reported").isEqualTo(BASELINE);
    assertThat(r.flushStartedAt()).isNull();
  }

  @Test
  void aDryRunShouldCountWithoutAskingLockingOrVerifying() {
    FlushReport r = run(settings("DRY_RUN", "true"));

    assertThat(steps)
        .containsExactly(
            "connect",
            "observe",
            "baseline",
            "flush-starting",
            "count",
            "progress-done",
            "disconnect",
            "flush-ended",
            "observer-closed");
    assertThat(r.command()).isEqualTo("plan");
    assertThat(r.keysMatched()).isEqualTo(4);
    assertThat(r.keysDeleted()).isZero();
    assertThat(r.deadlineEstimate()).isNotNull();
  }

  @Test
  void aStopDuringTheBaselineShouldEndInterruptedBeforeAskingOrDeleting() {
    effects.put("baseline", stop::request);

    FlushReport r = run(settings());

    assertThat(steps)
        .containsExactly(
            "connect", "observe", "baseline", "disconnect", "flush-ended", "observer-closed");
    assertThat(r.outcome()).isEqualTo("interrupted");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(r.message()).isEqualTo("stopped on request before the flush; nothing was deleted");
  }

  @Test
  void aStopAtThePromptShouldEndInterruptedNotDeclined() {
    effects.put("confirm", stop::request);
    answer = false;

    FlushReport r = run(settings());

    assertThat(steps).doesNotContain("lock", "delete");
    assertThat(r.outcome()).isEqualTo("interrupted");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
  }

  @Test
  void aStopDuringTheWindowAfterShouldSkipTheWatchAndSayTheFlushCompleted() {
    effects.put("after", stop::request);

    FlushReport r = run(settings());

    assertThat(steps).endsWith("unlock", "disconnect", "flush-ended", "after", "observer-closed");
    assertThat(r.outcome()).isEqualTo("interrupted");
    assertThat(r.exitCode()).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(r.message()).contains("after the flush").endsWith("the flush had completed");
    assertThat(r.keysDeleted()).isEqualTo(4);
  }

  @Test
  void aStopDuringTheWatchShouldEndInterruptedWithTheLockAlreadyReleased() {
    effects.put("watch", stop::request);
    watchVerdict = "the hit rate did not reach 80.0% in 3 consecutive intervals within 10m";

    FlushReport r = run(settings());

    assertThat(steps.indexOf("unlock")).isLessThan(steps.indexOf("watch"));
    assertThat(r.outcome()).isEqualTo("interrupted");
    assertThat(r.exitCode())
        .as("a stop wins over a gate the watch had no time to pass")
        .isEqualTo(130);
    assertThat(r.message())
        .isEqualTo("stopped on request during the watch; the flush had completed");
  }

  @Test
  void aWatchThatDidNotSeeRecoveryShouldTurnACompletedFlushIntoExit3() {
    watchVerdict = "the hit rate did not reach 80.0% in 3 consecutive intervals within 10m";

    FlushReport r = run(settings());

    assertThat(r.outcome()).isEqualTo("completed");
    assertThat(r.exitCode()).isEqualTo(ExitCode.DEADLINE);
    assertThat(r.message()).isEqualTo(watchVerdict);
  }

  @Test
  void timesShouldLeaveOutThePromptAndPlaceTheFlushWhereItHappened() {
    effects.put("connect", () -> clock.advance(Duration.ofSeconds(1)));
    effects.put("baseline", () -> clock.advance(Duration.ofSeconds(10)));
    effects.put("confirm", () -> clock.advance(Duration.ofSeconds(30)));
    effects.put("delete", () -> clock.advance(Duration.ofSeconds(2)));
    effects.put("after", () -> clock.advance(Duration.ofSeconds(10)));
    effects.put("watch", () -> clock.advance(Duration.ofSeconds(60)));

    FlushReport r = run(settings());

    assertThat(r.startedAt()).isEqualTo(T0.toString());
    assertThat(r.durationMs())
        .as("connecting and deleting, not the baseline nor the wait for an answer")
        .isEqualTo(3_000);
    assertThat(r.flushStartedAt()).isEqualTo(T0.plusSeconds(41).toString());
    assertThat(r.flushFinishedAt()).isEqualTo(T0.plusSeconds(43).toString());
    assertThat(r.finishedAt())
        .as("when the report was made, after the watch")
        .isEqualTo(T0.plusSeconds(113).toString());
  }

  @Test
  void aTargetThatCannotBeReachedShouldEndFailedWithoutObserving() {
    FlushTarget.Connector refused =
        deadline -> {
          throw new CacheflushException(
              ExitCode.FAILED, "Cannot connect to Redis at redis://127.0.0.1:1");
        };
    FlushReport r =
        new FlushCoordinator(
                settings(),
                refused,
                (t, m, k) -> true,
                new FakeObserver(),
                Progress.NONE,
                stop,
                clock)
            .run();

    assertThat(steps).containsExactly("flush-ended", "observer-closed");
    assertThat(r.outcome()).isEqualTo("failed");
    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(r.mode()).isNull();
  }

  @Test
  void aCompletedFlushShouldPutItsAuditInPlaceAndReportIt() throws Exception {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    audit = new AuditWriter(file);

    FlushReport r = run(settings());

    assertThat(r.audit()).isEqualTo(new FlushReport.Audit(file.path().toString(), 4, true));
    try (AuditReader reader = AuditReader.open(file.path())) {
      assertThat(reader.header().startedAt()).isEqualTo(r.startedAt());
      assertThat(reader.header().target()).isEqualTo(r.target());
      assertThat(reader.header().mode()).isEqualTo("standalone");
      assertThat(reader.header().planDigest()).isNull();
      while (reader.next()) {
        assertThat(reader.pattern()).isEqualTo("mocs:*");
      }
      assertThat(reader.trailer().complete()).isTrue();
      assertThat(reader.trailer().keys()).isEqualTo(4);
    }
  }

  @Test
  void aStopDuringTheDeletionShouldKeepThePartialAuditEvenIfTheRestRuns() throws Exception {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    audit = new AuditWriter(file);
    effects.put("delete", stop::request);

    FlushReport r = run(settings());

    assertThat(r.outcome()).isEqualTo("interrupted");
    assertThat(r.audit()).isEqualTo(new FlushReport.Audit(file.partial().toString(), 4, false));
    assertThat(file.path()).doesNotExist();
    try (AuditReader reader = AuditReader.open(file.partial())) {
      while (reader.next()) {
        assertThat(reader.pattern()).isEqualTo("mocs:*");
      }
      assertThat(reader.trailer().complete()).isFalse();
      assertThat(reader.trailer().outcome()).isEqualTo("interrupted");
    }
  }

  @Test
  void aStopAfterTheDeletionCompletedShouldLeaveTheAuditComplete() {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    audit = new AuditWriter(file);
    effects.put("verify", stop::request);

    FlushReport r = run(settings());

    assertThat(r.outcome()).isEqualTo("interrupted");
    assertThat(r.audit()).isEqualTo(new FlushReport.Audit(file.path().toString(), 4, true));
  }

  @Test
  void aDeclinedFlushShouldWriteNoAudit() {
    AuditFile file = AuditFile.check(dir.resolve("audit.gz"));
    audit = new AuditWriter(file);
    answer = false;

    FlushReport r = run(settings());

    assertThat(r.outcome()).isEqualTo("declined");
    assertThat(r.audit()).isEqualTo(new FlushReport.Audit(null, 0, false));
    assertThat(file.path()).doesNotExist();
    assertThat(file.partial()).doesNotExist();
  }
}
