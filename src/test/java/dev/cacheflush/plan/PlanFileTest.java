package dev.cacheflush.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.redis.TargetIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanFileTest {
  @TempDir Path dir;

  static final Plan PLAN =
      new Plan(
          Plan.VERSION,
          "2026-01-01T00:00:00Z",
          new TargetIdentity(
              "redis://cache:6379", "standalone", 0, "replica", "c".repeat(40), List.of()),
          List.of("mocs:*"),
          List.of("sessions:*"),
          600,
          600,
          400,
          200,
          0,
          0,
          List.of(new Plan.PatternCount("mocs:*", 400, List.of("mocs:1", "caf\\xc3"))),
          List.of(new Plan.FamilyCount("sessions:*", 200, List.of("sessions:1"))));

  Path write(String text) throws Exception {
    Path file = dir.resolve("plan.json");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void aPlanShouldReadBackAsWrittenAndIntact() throws Exception {
    PlanFile.Loaded loaded = PlanFile.read(write(PlanFile.toJson(PLAN)), "--plan");

    assertThat(loaded.plan()).isEqualTo(PLAN);
    assertThat(loaded.intact()).isTrue();
    assertThat(loaded.statedDigest()).isEqualTo(PlanFile.digest(PLAN)).startsWith("sha256:");
  }

  @Test
  void reindentingShouldKeepTheDigestAndAnyChangedValueShouldNot() throws Exception {
    String json = PlanFile.toJson(PLAN);
    String compact = json.replaceAll("\\n\\s*", "");
    assertThat(PlanFile.read(write(compact), "--plan").intact()).isTrue();

    for (String[] edit :
        new String[][] {
          {"\"keysMatched\" : 400", "\"keysMatched\" : 401"},
          {"\"mocs:1\"", "\"mocs:2\""},
          {"\"readFrom\" : \"replica\"", "\"readFrom\" : \"primary\""},
          {"2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
        }) {
      assertThat(json).contains(edit[0]);
      PlanFile.Loaded loaded = PlanFile.read(write(json.replace(edit[0], edit[1])), "--plan");
      assertThat(loaded.intact()).as(edit[1]).isFalse();
    }
  }

  @Test
  void aFileThatIsNotAPlanShouldBeAUsageError() throws Exception {
    String json = PlanFile.toJson(PLAN);
    for (String text :
        new String[] {
          "not json",
          "{}",
          json.replace("\"planVersion\" : 1", "\"planVersion\" : 2"),
          json.replace("\"dbSize\" : 600,", "\"dbSize\" : 600, \"extra\" : 1,"),
          json.replace("\"dbSize\" : 600,", ""),
        }) {
      Path file = write(text);
      assertThatThrownBy(() -> PlanFile.read(file, "--plan"))
          .as(text)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("The plan " + file + " is not a cacheflush plan");
    }
    assertThatThrownBy(() -> PlanFile.read(dir.resolve("missing.json"), "--plan"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("does not exist");
  }
}
