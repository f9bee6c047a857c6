package dev.cacheflush.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cacheflush.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A plan as a file: its JSON, with a {@code digest} field over the rest.
 *
 * <p>The digest is {@code sha256:} and the SHA-256, in hex, of the plan's canonical form: the JSON
 * of every field but {@code digest}, object fields sorted by name at every level, no whitespace,
 * UTF-8. So a plan re-indented by an editor keeps its digest, and any changed value (a count, a
 * pattern, the time, the target) changes it. A digest is not a signature: it shows an edit or a
 * mix-up, not a forger, who can compute it too; the approval is the digest recorded in the change
 * record, which the flush's report repeats.
 */
public final class PlanFile {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  /** A plan as read: its content, the digest the file states, and the one its content has. */
  public record Loaded(Plan plan, String statedDigest, String contentDigest) {
    public boolean intact() {
      return contentDigest.equals(statedDigest);
    }
  }

  private PlanFile() {}

  /** The file's text: the plan's fields, then its digest. */
  public static String toJson(Plan plan) {
    ObjectNode tree = JSON.valueToTree(plan);
    tree.put("digest", digest(tree));
    try {
      return JSON.writeValueAsString(tree) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plan is always serialisable", e);
    }
  }

  public static String digest(Plan plan) {
    return digest(JSON.valueToTree(plan));
  }

  /** Reads a plan; throws a {@link ConfigException} (exit 2) if the file is missing or not a plan. */
  public static Loaded read(Path file, String option) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "The plan " + file + " does not exist: give " + option + " the file 'plan --out' wrote");
    } catch (IOException e) {
      throw new ConfigException("Cannot read the plan " + file + ": " + e.getMessage(), e);
    }
    String notAPlan =
        "The plan "
            + file
            + " is not a cacheflush plan ("
            + option
            + " takes the file 'plan --out' wrote)";
    JsonNode tree;
    try {
      tree = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(notAPlan + ": " + e.getOriginalMessage(), e);
    }
    if (!(tree instanceof ObjectNode object) || !object.path("digest").isTextual()) {
      throw new ConfigException(notAPlan + ": it has no digest");
    }
    if (object.path("planVersion").asInt() != Plan.VERSION) {
      throw new ConfigException(
          notAPlan
              + ": its planVersion is "
              + object.path("planVersion")
              + ", this cacheflush reads "
              + Plan.VERSION);
    }
    String stated = object.remove("digest").asText();
    String content = digest(object);
    try {
      return new Loaded(JSON.treeToValue(object, Plan.class), stated, content);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ConfigException(notAPlan + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  private static String digest(JsonNode tree) {
    ObjectNode content = tree.deepCopy();
    content.remove("digest");
    try {
      byte[] canonical =
          new ObjectMapper()
              .writeValueAsString(canonical(content))
              .getBytes(StandardCharsets.UTF_8);
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same tree with every object's fields sorted by name. */
  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        fields.add(it.next());
      }
      fields.sort(Map.Entry.comparingByKey());
      ObjectNode sorted = JsonNodeFactory.instance.objectNode();
      fields.forEach(f -> sorted.set(f.getKey(), canonical(f.getValue())));
      return sorted;
    }
    if (node.isArray()) {
      var array = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> array.add(canonical(e)));
      return array;
    }
    return node;
  }
}
