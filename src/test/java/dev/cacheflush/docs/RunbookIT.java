package dev.cacheflush.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cacheflush.support.AwsStub;
import dev.cacheflush.support.CliRun;
import dev.cacheflush.support.CloudWatchStub;
import dev.cacheflush.support.FreePorts;
import dev.cacheflush.support.PostgresServer;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.TrafficGenerator;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/runbook.md, run as written: every shell block, in order, in one bash session, as a person
 * at 2 a.m. would paste them, against a throwaway Redis (with an application reading through it
 * and loading misses from a throwaway PostgreSQL), a CloudWatch stand-in and a Route53/ElastiCache
 * stand-in that the real aws CLI talks to. Only two things differ from production: the variables of
 * the block marked "runbook: environment" point at these servers, and the waits are cut short
 * (each replacement is listed in {@link #SHORTER}; the database probe's cadence and the database
 * gate's slack with them). So a command that stops working, a flag that
 * is renamed or a report field a gate reads that disappears fails this test, and the runbook
 * cannot rot.
 */
class RunbookIT {
  static final Path RUNBOOK = Path.of("docs/runbook.md");

  /**
   * The waits of the runbook and what this test waits instead; a duration not listed fails the
   * test. With the waits, the database gate's slack: cut to 1 s, an interval's median database
   * latency is that of a few dozen queries on a host shared with the whole suite, and on a busy CI
   * machine it swings from 1 to 170 ms from one second to the next whatever the cache does. The
   * gate's judgement of the database is tested on reports with known figures ({@link
   * #everyGateShouldPassOnARecoveredStageAndFailOnEveryReportItCannotPass}); here the gates run as written
   * and pass on the hit rate.
   */
  static final Map<String, String> SHORTER =
      Map.of(
          "--sample-window 30s", "--sample-window 1s",
          "--watch 2m", "--watch 4s",
          "--interval 10s", "--interval 1s",
          "--within 8m", "--within 40s",
          "--for 2m", "--for 4s",
          "--db-slack 5ms", "--db-slack 10s");

  static final Pattern DURATION_OPTION =
      Pattern.compile("--(sample-window|watch|interval|within|for|timeout|db-slack) \\S+");
  static final int ITEMS = 4_000;
  static final String PASSWORD = "Runbook-Redis-Pw-" + System.nanoTime();

  /** The self-managed Redis's admin, whose password the runbook has in REDISCLI_AUTH. */
  static final String ADMIN_PASSWORD = "Runbook-Admin-Pw-" + System.nanoTime();

  static RedisServer redis;
  static PostgresServer postgres;
  static TrafficGenerator traffic;
  static CloudWatchStub cloudWatch;
  static AwsStub aws;

  /** Where the runbook runs: its reports and its log stay there for a person to read. */
  static final Path dir = Path.of("target/runbook").toAbsolutePath();

  @BeforeAll
  static void start() throws Exception {
    deleteTree(dir);
    Files.createDirectories(dir);
    redis = RedisServers.standalone();
    redis.call("ACL", "SETUSER", "admin", "on", ">" + ADMIN_PASSWORD, "~*", "&*", "+@all");
    postgres = PostgresServer.fromEnvironmentOrStart();
    TrafficGenerator.createItems(postgres, ITEMS);
    traffic =
        new TrafficGenerator(
            redis.url(), postgres, ITEMS, 1.0, 4, 1_000, "SELECT payload FROM items WHERE id = ?");
    traffic.warm();
    traffic.start();
    cloudWatch = new CloudWatchStub();
    aws = new AwsStub();
  }

  @AfterAll
  static void stop() {
    traffic.close();
    cloudWatch.close();
    aws.close();
    redis.close();
    postgres.close();
  }

  /** The values of the environment block's variables here. */
  static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDIS_URL", redis.url());
    env.put("REDIS_USERNAME", "cacheflush");
    env.put("REDIS_PASSWORD", PASSWORD);
    env.put("REDIS_ADMIN_URL", redis.url());
    env.put("REDIS_ADMIN_USER", "admin");
    env.put("CACHE_CLUSTER_ID", "runbook-redis-001");
    env.put("USER_GROUP_ID", "runbook-users");
    env.put("DB_URL", postgres.jdbcUrl());
    env.put("DB_USER", postgres.user());
    env.put("DB_PASSWORD", postgres.password());
    env.put("DB_INSTANCE_ID", "runbook-db");
    env.put("DB_PROBE_QUERY", "SELECT payload FROM items WHERE id = 1");
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("HOSTED_ZONE_ID", "Z0123456789RUNBOOK");
    env.put("RECORD_NAME", "api.runbook.test");
    env.put("EXPRESS_TARGET", "express.runbook.test");
    env.put("SERVERLESS_TARGET", "serverless.runbook.test");
    return env;
  }

  @Test
  void theEnvironmentBlockShouldSetExactlyTheVariablesTheTestReplaces() {
    List<Runbook.Block> environment =
        Runbook.shellBlocks(RUNBOOK).stream()
            .filter(b -> "environment".equals(b.marker()))
            .toList();

    assertThat(environment).hasSize(1);
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("\\b([A-Z][A-Z0-9_]+)=").matcher(environment.get(0).text());
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(names).isEqualTo(new TreeSet<>(environment().keySet()));
  }

  @Test
  void theRunbookShouldRunFromPreflightToRollback() throws Exception {
    Map<String, String> env = environment();
    String log = runAllBlocks(env);

    // The least-privilege user: created on ElastiCache with the access string cacheflush acl
    // prints,
    // and on the test server with its ACL rule; every cacheflush command after it ran as that user.
    String accessString =
        new CliRun()
            .run("acl", "--user", "cacheflush")
            .out()
            .lines()
            .filter(l -> l.startsWith("# on ~"))
            .findFirst()
            .orElseThrow()
            .substring(2);
    assertThat(aws.elastiCacheRequests())
        .extracting(r -> r.get("Action"))
        .containsExactly("CreateUser", "ModifyUserGroup");
    Map<String, String> createUser = aws.elastiCacheRequests().get(0);
    assertThat(createUser)
        .containsEntry("UserId", "cacheflush")
        .containsEntry("AccessString", accessString)
        .containsEntry("AuthenticationMode.Type", "password")
        .containsEntry("AuthenticationMode.Passwords.member.1", PASSWORD);
    assertThat(aws.elastiCacheRequests().get(1))
        .containsEntry("UserGroupId", "runbook-users")
        .containsEntry("UserIdsToAdd.member.1", "cacheflush");
    assertThat(redis.call("ACL", "GETUSER", "cacheflush").toString())
        .contains("~mocs:*", "~cacheflush:lock");
    assertThat((List<?>) redis.call("ACL", "LOG")).as("commands Redis refused the user").isEmpty();
    assertThat(dir.resolve("cacheflush-auth.json"))
        .as("the password's file, removed")
        .doesNotExist();

    // The dry run, the flush and the gates wrote their reports, and the state caches are intact.
    ObjectMapper json = new ObjectMapper();
    JsonNode plan = json.readTree(dir.resolve("plan-canary-25.json").toFile());
    assertThat(plan.get("dryRun").asBoolean()).isTrue();
    JsonNode flush = json.readTree(dir.resolve("flush-canary-25.json").toFile());
    assertThat(flush.get("exitCode").asInt()).isZero();
    // The flush followed the approved plan, and its report names it by the plan's digest.
    assertThat(flush.get("plan").get("digest").asText())
        .isEqualTo(
            json.readTree(dir.resolve("plan-canary-25.plan.json").toFile()).get("digest").asText());
    assertThat(flush.get("keysDeleted").asLong()).isGreaterThan(ITEMS / 2);
    // Counted from SCAN, which returns a key twice when Redis shrinks its table mid-scan (the
    // deletions make it shrink): at least the 100 sessions, which KEYS counts exactly below.
    assertThat(flush.get("verification").get("preservedBefore").asLong())
        .isGreaterThanOrEqualTo(100);
    assertThat(flush.get("verification").get("preservedAfter").asLong())
        .isGreaterThanOrEqualTo(100);
    assertThat(flush.get("database").get("baseline").get("samples").asInt()).isPositive();
    JsonNode gate = json.readTree(dir.resolve("watch-canary-25.json").toFile());
    assertThat(gate.get("command").asText()).isEqualTo("watch");
    JsonNode rollback = json.readTree(dir.resolve("flush-rollback-from-canary-25.json").toFile());
    assertThat(rollback.get("exitCode").asInt()).isZero();
    for (String page :
        List.of(
            "plan-canary-25.html",
            "flush-canary-25.html",
            "watch-canary-25.html",
            "flush-rollback-from-canary-25.html")) {
      assertThat(Files.readString(dir.resolve(page)))
          .contains("</html>")
          .doesNotContain(PASSWORD)
          .doesNotContain(postgres.password());
    }
    assertThat(traffic.sessionMisses()).as("session reads that found nothing").isZero();
    assertThat((List<?>) redis.call("KEYS", "sessions:*")).hasSize(100);

    // The weights: the stage, then the rollback, each one change batch the real aws CLI sent and
    // the
    // stand-in read as Route53 would, each waited for until in sync.
    assertThat(aws.refused()).isEmpty();
    List<AwsStub.Route53Change> changes = aws.route53Changes();
    assertThat(changes).hasSize(2);
    assertWeights(changes.get(0), 75, 25);
    assertWeights(changes.get(1), 100, 0);
    assertThat(changes.get(0).comment())
        .isEqualTo("rollout stage canary-25: Express 75, Serverless 25");
    assertThat(aws.changeIdsAsked()).containsExactly("C00000001", "C00000002");

    // CloudWatch: the dashboard, and the metrics of the stage and of the rollback under their
    // names.
    List<CloudWatchStub.Request> requests = cloudWatch.requests();
    assertThat(requests)
        .extracting(CloudWatchStub.Request::action)
        .contains("PutDashboard", "PutMetricData");
    Set<String> stages = new TreeSet<>();
    requests.stream()
        .flatMap(r -> r.data().stream())
        .filter(d -> d.name().equals("HitRate"))
        .forEach(d -> stages.add(d.dimensions().get("Stage")));
    assertThat(stages).containsExactly("canary-25", "rollback-from-canary-25");

    assertThat(log)
        .doesNotContain(PASSWORD)
        .doesNotContain(postgres.password())
        .doesNotContain(ADMIN_PASSWORD);
  }

  @Test
  void theChangeBatchesShouldHaveTheShapeRoute53Takes() throws Exception {
    Map<String, String> values = new HashMap<>(environment());
    values.putAll(Map.of("STAGE", "canary-25", "EXPRESS_WEIGHT", "75", "SERVERLESS_WEIGHT", "25"));
    Pattern heredoc = Pattern.compile("<<EOF\\n(.*?)\\nEOF\\n", Pattern.DOTALL);
    int batches = 0;
    for (Runbook.Block block : Runbook.shellBlocks(RUNBOOK)) {
      if (!block.text().contains("change-resource-record-sets")) {
        continue;
      }
      Matcher m = heredoc.matcher(block.text());
      assertThat(m.find()).as("the change batch of the block on line " + block.line()).isTrue();
      JsonNode batch = new ObjectMapper().readTree(substitute(m.group(1), values));
      assertThat(batch.fieldNames()).toIterable().containsExactlyInAnyOrder("Comment", "Changes");
      assertThat(batch.get("Changes")).hasSize(2);
      List<String> identifiers = new ArrayList<>();
      for (JsonNode change : batch.get("Changes")) {
        assertThat(change.fieldNames())
            .toIterable()
            .containsExactlyInAnyOrder("Action", "ResourceRecordSet");
        assertThat(change.get("Action").asText()).isEqualTo("UPSERT");
        JsonNode set = change.get("ResourceRecordSet");
        assertThat(set.fieldNames())
            .toIterable()
            .containsExactlyInAnyOrder(
                "Name", "Type", "SetIdentifier", "Weight", "TTL", "ResourceRecords");
        assertThat(set.get("Name").asText()).isEqualTo("api.runbook.test");
        assertThat(set.get("Type").asText()).isEqualTo("CNAME");
        assertThat(set.get("Weight").isIntegralNumber()).isTrue();
        assertThat(set.get("Weight").asInt()).isBetween(0, 255);
        assertThat(set.get("TTL").isIntegralNumber()).isTrue();
        assertThat(set.get("ResourceRecords"))
            .singleElement()
            .satisfies(r -> assertThat(r.get("Value").asText()).endsWith(".runbook.test"));
        identifiers.add(set.get("SetIdentifier").asText());
      }
      assertThat(identifiers).containsExactly("express", "serverless");
      batches++;
    }
    assertThat(batches).as("the stage's and the rollback's").isEqualTo(2);
  }

  /**
   * The self-managed step's redis-cli, with the environment block's admin URL pointed at the test
   * server and the admin's password in REDISCLI_AUTH as the page says: it must be the admin user
   * there. (A user in the URL without a password, {@code rediss://admin@host}, is taken by redis-cli
   * for the password; AUTH fails and it goes on as the default user.)
   */
  @Test
  void theSelfManagedStepShouldReachRedisAsTheAdminUser() throws Exception {
    String environment =
        Runbook.shellBlocks(RUNBOOK).stream()
            .filter(b -> "environment".equals(b.marker()))
            .findFirst()
            .orElseThrow()
            .text();
    Matcher url = Pattern.compile("REDIS_ADMIN_URL='([^']*)'").matcher(environment);
    assertThat(url.find()).isTrue();
    String here =
        url.group(1)
            .replaceFirst("^rediss://", "redis://")
            .replaceFirst("[^@/]+:\\d+$", "127.0.0.1:" + redis.port());
    Matcher user = Pattern.compile("REDIS_ADMIN_USER=(\\S+)").matcher(environment);
    String redisCli =
        Runbook.shellBlocks(RUNBOOK).stream()
            .filter(b -> b.text().contains("ACL SETUSER"))
            .findFirst()
            .orElseThrow()
            .text()
            .lines()
            .findFirst()
            .orElseThrow()
            .replaceFirst("^.*\\| *redis-cli", "redis-cli");

    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", "printf 'ACL WHOAMI\\n' | " + redisCli)
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("REDIS"));
    pb.environment().put("REDIS_ADMIN_URL", here);
    pb.environment().put("REDIS_ADMIN_USER", user.find() ? user.group(1) : "");
    pb.environment().put("REDISCLI_AUTH", ADMIN_PASSWORD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(out.strip()).as("who redis-cli is, running " + redisCli).isEqualTo("admin");
  }

  @Test
  void theRollbackTextShouldDescribeTheOrderItsBlockRuns() throws Exception {
    String page = Files.readString(RUNBOOK);
    String section = page.substring(page.indexOf("## Rollback"), page.indexOf("## Where to look"));
    String prose =
        section.substring(0, section.indexOf("```sh")).replace("**", "").replaceAll("\\s+", " ");
    String block = section.substring(section.indexOf("```sh"));

    assertThat(block.indexOf("change-resource-record-sets"))
        .isPositive()
        .isLessThan(block.indexOf("cacheflush flush"));
    assertThat(prose).contains("move the users first, then flush").doesNotContain("flush first");
  }

  /**
   * Each gate command of the page (the blocks marked "gate"), run as written on the reports of real
   * flushes and watches of the test's cache: it passes on a stage that recovered, and fails, saying
   * why, on every report it cannot pass: too few intervals, a watch without a probe, a probe that
   * failed, a flush without a baseline, a database that has not settled, a hit rate that has not
   * recovered. The last two are the recovered watch with its numbers changed.
   */
  @Test
  void everyGateShouldPassOnARecoveredStageAndFailOnEveryReportItCannotPass() throws Exception {
    Path gates = Path.of("target/runbook-gates").toAbsolutePath();
    deleteTree(gates);
    Files.createDirectories(gates);
    CliRun cli =
        new CliRun()
            .env("DB_USER", postgres.user())
            .env("DB_PASSWORD", postgres.password())
            .in(gates);
    String[] redisUrl = {"--redis-url", redis.url()};
    String[] probe = {
      "--db-url", postgres.jdbcUrl(), "--db-query", "SELECT payload FROM items WHERE id = 1"
    };
    report(
        cli,
        "flush-probed.json",
        concat(new String[] {"flush", "--yes", "--sample-window", "1s"}, redisUrl, probe));
    report(
        cli,
        "flush-unprobed.json",
        concat(new String[] {"flush", "--yes", "--sample-window", "1s"}, redisUrl));
    report(
        cli,
        "watch-probe-failed.json",
        concat(
            new String[] {"watch", "--for", "3s", "--interval", "1s"},
            redisUrl,
            new String[] {
              "--db-url", "jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/shop"
            }));
    report(
        cli,
        "watch-unprobed.json",
        concat(new String[] {"watch", "--for", "3s", "--interval", "1s"}, redisUrl));
    report(
        cli,
        "watch-short.json",
        concat(new String[] {"watch", "--for", "1s", "--interval", "1s"}, redisUrl, probe));
    report(
        cli,
        "watch-recovered.json",
        concat(
            new String[] {
              "watch",
              "--until-hit-rate",
              "0.8",
              "--within",
              "90s",
              "--interval",
              "1s",
              "--consecutive",
              "3"
            },
            redisUrl,
            probe));
    ObjectMapper json = new ObjectMapper();
    double baseline =
        json.readTree(gates.resolve("flush-probed.json").toFile())
            .at("/database/baseline/p50Ms")
            .asDouble();
    // The database measured in the watch is this machine's: on a busy one its p50 wanders past the
    // gate's 1.5 x of a baseline taken a minute earlier. The gate's judgement is what is tested, so
    // the recovered watch keeps its real intervals with the database settled at the baseline.
    changeIntervals(gates, "watch-recovered.json", "watch-recovered.json", "dbP50Ms", baseline);
    changeIntervals(
        gates, "watch-recovered.json", "watch-spike.json", "dbP50Ms", 10 * baseline + 10);
    changeIntervals(gates, "watch-recovered.json", "watch-not-recovered.json", "hitRate", 0.5);

    List<String> commands = gateCommands();
    assertThat(commands).as("the gate commands of the page").isNotEmpty();
    for (String command : commands) {
      assertGate(
          gates,
          command,
          "watch-recovered.json",
          "flush-probed.json",
          0,
          "passed  hit rate: ",
          "passed  database: p50 ");
      assertGate(
          gates,
          command,
          "watch-short.json",
          "flush-probed.json",
          3,
          "FAILED  hit rate: no data: ",
          "FAILED  database: no data: ");
      assertGate(
          gates,
          command,
          "watch-unprobed.json",
          "flush-probed.json",
          3,
          "FAILED  database: no data: watch-t.json has no database probe");
      assertGate(
          gates,
          command,
          "watch-probe-failed.json",
          "flush-probed.json",
          3,
          "FAILED  database: the probe failed in watch-t.json: ");
      assertGate(
          gates,
          command,
          "watch-recovered.json",
          "flush-unprobed.json",
          3,
          "FAILED  database: no baseline: flush-t.json has no database section");
      assertGate(
          gates,
          command,
          "watch-spike.json",
          "flush-probed.json",
          3,
          "passed  hit rate: ",
          "FAILED  database: p50 ",
          ": not settled");
      assertGate(
          gates,
          command,
          "watch-not-recovered.json",
          "flush-probed.json",
          3,
          "FAILED  hit rate: 50.0%, ",
          ": not recovered",
          "passed  database: ");
    }
  }

  /** The {@code cacheflush gate} commands of the blocks marked "gate", continuation lines joined, each once. */
  static List<String> gateCommands() {
    Set<String> commands = new LinkedHashSet<>();
    for (Runbook.Block block : Runbook.shellBlocks(RUNBOOK)) {
      if ("gate".equals(block.marker())) {
        block
            .text()
            .replace("\\\n", " ")
            .lines()
            .filter(l -> l.startsWith("cacheflush gate "))
            .forEach(commands::add);
      }
    }
    return List.copyOf(commands);
  }

  static void report(CliRun cli, String file, String... args) {
    CliRun.Result r = cli.run(concat(args, new String[] {"--report", file, "--quiet"}));
    assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.err()).isZero();
  }

  static String[] concat(String[]... parts) {
    return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
  }

  /** A copy of a report with one field of every watch interval set to a value. */
  static void changeIntervals(Path dir, String from, String to, String field, double value)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode report = json.readTree(dir.resolve(from).toFile());
    report.at("/watch/intervals").forEach(i -> ((ObjectNode) i).put(field, value));
    json.writeValue(dir.resolve(to).toFile(), report);
  }

  /** Runs a gate command of the page on a watch's and a flush's report, as STAGE t, in a folder of its own. */
  static void assertGate(
      Path dir, String command, String watch, String flush, int exitCode, String... says)
      throws Exception {
    Path run =
        Files.createDirectories(
            dir.resolve(watch.replace(".json", "") + "+" + flush.replace(".json", "")));
    Files.copy(
        dir.resolve(watch), run.resolve("watch-t.json"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        dir.resolve(flush), run.resolve("flush-t.json"), StandardCopyOption.REPLACE_EXISTING);
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", "set -euo pipefail\nSTAGE=t\n" + command)
            .directory(run.toFile())
            .redirectErrorStream(true);
    pb.environment()
        .put(
            "PATH",
            Path.of("bin").toAbsolutePath() + File.pathSeparator + pb.environment().get("PATH"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(watch + " with " + flush + ":\n" + out).isEqualTo(exitCode);
    assertThat(out).as(watch + " with " + flush).contains(says);
  }

  static void deleteTree(Path root) throws Exception {
    if (Files.exists(root)) {
      try (Stream<Path> old = Files.walk(root)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  static void assertWeights(AwsStub.Route53Change change, int express, int serverless) {
    assertThat(change.hostedZoneId()).isEqualTo("Z0123456789RUNBOOK");
    assertThat(change.changes())
        .containsExactly(
            new AwsStub.RecordSet(
                "UPSERT",
                "api.runbook.test",
                "CNAME",
                "express",
                express,
                60,
                List.of("express.runbook.test")),
            new AwsStub.RecordSet(
                "UPSERT",
                "api.runbook.test",
                "CNAME",
                "serverless",
                serverless,
                60,
                List.of("serverless.runbook.test")));
  }

  /**
   * Writes every block but the environment's into one bash script, each with the waits cut short
   * and announced by a marker line, runs it in {@link #dir} and returns what it printed.
   */
  String runAllBlocks(Map<String, String> values) throws Exception {
    // The aws CLI goes to the stand-ins, with made-up credentials and no profile of this machine's.
    StringBuilder script =
        new StringBuilder(
            "set -euo pipefail\n"
                + "aws() { command aws --endpoint-url \"$RUNBOOK_AWS_ENDPOINT\" \"$@\"; }\n");
    List<Runbook.Block> blocks = Runbook.shellBlocks(RUNBOOK);
    Runbook.Block watchAgain = watchAgainBlock(blocks);
    for (Runbook.Block block : blocks) {
      if ("environment".equals(block.marker())) {
        continue;
      }
      assertThat(block.marker())
          .as("marker of the block on line " + block.line())
          .isIn(null, "gate");
      script
          .append("printf '\\n::block on line %d at %s\\n' ")
          .append(block.line())
          .append(" \"$(date +%T)\"\n");
      if ("gate".equals(block.marker())) {
        // The page's own answer to a failed gate (exit 3): watch again and re-check, until ten
        // minutes after the flush (four more two-minute watches). A database slowed by a busy
        // host fails a gate that a settled one passes, as it would in production.
        script
            .append(inSubshell(shorter(block)))
            .append("rechecks=0\n")
            .append("while [ \"$status\" -ne 0 ]; do\n")
            .append("  [ \"$status\" -eq 3 ] && [ \"$rechecks\" -lt 4 ] || exit \"$status\"\n")
            .append("  rechecks=$((rechecks + 1))\n")
            .append("  printf '\\n::gate failed: watching again (block on line %d), %d of 4\\n' ")
            .append(watchAgain.line())
            .append(" \"$rechecks\"\n")
            .append(inSubshell(shorter(watchAgain)))
            .append("done\n");
      } else {
        script.append(shorter(block)).append('\n');
      }
    }
    script.append("printf '\\n::done\\n'\n");
    Path file = dir.resolve("runbook.sh");
    Files.writeString(file, script);

    Path awsConfig = Files.writeString(dir.resolve("aws-config"), "[default]\n");
    // The probe's cadence is cut short with the waits, so an interval holds as many queries as in
    // production (20 in 10 s): with 2 in a 1 s interval, one query slowed by a busy host left an
    // interval without a latency, and the gate rightly failed closed on it.
    Files.writeString(dir.resolve("cacheflush.yml"), "dbInterval: 50ms\n");
    ProcessBuilder pb =
        new ProcessBuilder("bash", file.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("runbook.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.keySet()
        .removeIf(k -> k.startsWith("AWS_") || k.startsWith("REDIS") || k.startsWith("DB_"));
    env.putAll(values);
    // bin/cacheflush is the runbook's cacheflush.
    env.put("PATH", Path.of("bin").toAbsolutePath() + File.pathSeparator + env.get("PATH"));
    env.put("REDISCLI_AUTH", ADMIN_PASSWORD);
    env.put("RUNBOOK_AWS_ENDPOINT", aws.endpoint());
    env.put("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.endpoint());
    env.put("AWS_ACCESS_KEY_ID", "AKIDRUNBOOKTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "runbook-test-secret");
    env.put("AWS_CONFIG_FILE", awsConfig.toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", awsConfig.toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_PAGER", "");
    Process p = pb.start();
    boolean ended = p.waitFor(300, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String log = Files.readString(dir.resolve("runbook.log"));
    assertThat(ended).as("the runbook did not finish in 300 s:\n" + log).isTrue();
    assertThat(p.exitValue())
        .as("the runbook failed in the last block started:\n" + tail(log))
        .isZero();
    assertThat(log).endsWith("::done\n");
    return log;
  }

  /** The gate block of "When a gate fails": a watch, then the gate on it. */
  static Runbook.Block watchAgainBlock(List<Runbook.Block> blocks) {
    List<Runbook.Block> gates =
        blocks.stream()
            .filter(b -> "gate".equals(b.marker()) && b.text().contains("cacheflush watch"))
            .toList();
    assertThat(gates).as("the gate blocks that watch again").isNotEmpty();
    return gates.get(gates.size() - 1);
  }

  /** Runs a block so that its first failing command ends it, and keeps its exit code in $status. */
  static String inSubshell(String block) {
    return "set +e\n(\nset -e\n" + block + "\n)\nstatus=$?\nset -e\n";
  }

  static String shorter(Runbook.Block block) {
    Matcher m = DURATION_OPTION.matcher(block.text());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = SHORTER.get(m.group());
      assertThat(replacement)
          .as(
              "a wait in the block on line "
                  + block.line()
                  + " this test does not shorten: "
                  + m.group())
          .isNotNull();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String substitute(String text, Map<String, String> values) {
    Matcher m = Pattern.compile("\\$([A-Z_]+)").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      assertThat(value).as("a value for $" + m.group(1)).isNotNull();
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String tail(String log) {
    int start = log.lastIndexOf("::block on line");
    return start < 0 ? log : log.substring(start);
  }
}
