package dev.cacheflush.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cacheflush.cli.Cli;
import dev.cacheflush.cli.CliContext;
import dev.cacheflush.flush.StopSignal;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployment examples of docs/deployments.md ("Running it where the cache is") are what an
 * operator copies: each must parse, name the image this release builds, and hold command lines the
 * tool accepts.
 */
class DeploymentsDocTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final YAMLMapper YAML = new YAMLMapper();
  static List<String> json = new ArrayList<>();
  static List<String> yaml = new ArrayList<>();
  static String version;

  @BeforeAll
  static void read() throws IOException {
    String doc = Files.readString(Path.of("docs/deployments.md"));
    String section = doc.substring(doc.indexOf("## Running it where the cache is"));
    Matcher block = Pattern.compile("```(json|yaml)\\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (block.find()) {
      (block.group(1).equals("json") ? json : yaml).add(block.group(2));
    }
    Matcher pom =
        Pattern.compile("<artifactId>cacheflush</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(pom.find()).isTrue();
    version = pom.group(1).replace("-SNAPSHOT", "");
  }

  /** Throws, naming the option, unless the command line parses with the tool's own options. */
  static void assertAccepted(List<String> args) {
    StringWriter sink = new StringWriter();
    CliContext context =
        new CliContext(
            new PrintWriter(sink),
            new PrintWriter(sink),
            Map.of(),
            Path.of(""),
            null,
            new StopSignal());
    Cli.commandLine(context).parseArgs(args.toArray(String[]::new));
  }

  static void assertImage(String image) {
    assertThat(image)
        .matches(
            "[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/cacheflush:"
                + Pattern.quote(version));
  }

  static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  @Test
  void theIamPolicyShouldAllowConnectPutMetricDataAndPutDashboard() throws IOException {
    JsonNode policy = JSON.readTree(json.get(0));
    assertThat(policy.get("Version").asText()).isEqualTo("2012-10-17");
    List<String> actions = new ArrayList<>();
    policy
        .get("Statement")
        .forEach(
            s -> {
              assertThat(s.get("Effect").asText()).isEqualTo("Allow");
              actions.add(s.get("Action").asText());
            });
    assertThat(actions)
        .containsExactlyInAnyOrder(
            "elasticache:Connect", "cloudwatch:PutMetricData", "cloudwatch:PutDashboard");
  }

  @Test
  void theEcsTaskDefinitionShouldHaveATaskRoleAStopTimeoutLogsAndACommandTheToolAccepts()
      throws IOException {
    JsonNode task = JSON.readTree(json.get(1));
    assertThat(task.get("taskRoleArn").asText()).startsWith("arn:aws:iam::");
    JsonNode container = task.get("containerDefinitions").get(0);
    assertImage(container.get("image").asText());
    assertThat(container.get("stopTimeout").asInt()).isBetween(30, 120);
    assertThat(container.get("logConfiguration").get("logDriver").asText()).isEqualTo("awslogs");
    assertAccepted(strings(container.get("command")));
  }

  @Test
  void theKubernetesJobShouldRunAsItsServiceAccountWithAGracePeriodAndArgsTheToolAccepts()
      throws IOException {
    List<JsonNode> documents =
        YAML.readValues(new YAMLFactory().createParser(yaml.get(0)), JsonNode.class).readAll();
    JsonNode account =
        documents.stream()
            .filter(d -> d.get("kind").asText().equals("ServiceAccount"))
            .findFirst()
            .orElseThrow();
    JsonNode job =
        documents.stream()
            .filter(d -> d.get("kind").asText().equals("Job"))
            .findFirst()
            .orElseThrow();
    JsonNode pod = job.get("spec").get("template").get("spec");
    assertThat(pod.get("serviceAccountName").asText())
        .isEqualTo(account.get("metadata").get("name").asText());
    assertThat(pod.get("terminationGracePeriodSeconds").asInt()).isBetween(30, 120);
    JsonNode container = pod.get("containers").get(0);
    assertImage(container.get("image").asText());
    assertAccepted(strings(container.get("args")));
  }

  @Test
  void theCiStepShouldUnpackThisReleaseAndRunCommandsTheToolAccepts() throws IOException {
    JsonNode steps = YAML.readTree(yaml.get(1)).get("jobs").elements().next().get("steps");
    List<String> runs = new ArrayList<>();
    steps.forEach(
        s -> {
          if (s.has("run")) {
            runs.addAll(s.get("run").asText().lines().toList());
          }
        });
    assertThat(runs).anyMatch(l -> l.contains("cacheflush-" + version + "-linux-x64.tar.gz"));
    List<String> commands = runs.stream().filter(l -> l.contains("/bin/cacheflush ")).toList();
    assertThat(commands).hasSize(2);
    for (String line : commands) {
      List<String> args =
          List.of(
              line.substring(line.indexOf("/bin/cacheflush ") + 16).replace("\"", "").split(" +"));
      assertAccepted(args);
    }
  }
}
