package dev.cacheflush.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads {@code cacheflush.yml}: the team's patterns and tuning, checked into the deploy repo. */
public final class ConfigFile {
  public static final String DEFAULT_NAME = "cacheflush.yml";

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
          // A second 'preserve:' would otherwise replace the first without a word, and drop a
          // preserve list.
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationSetting()))
          .addMixIn(SettingsLayer.class, FileLayer.class)
          .addMixIn(SettingsLayer.Builder.class, FileBuilder.class);
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

  /**
   * The file's keys are the layer builder's setters, so a setting added to the layer is read from
   * the file with no code here; Jackson then reports an unknown setting at its own line.
   */
  @JsonDeserialize(builder = SettingsLayer.Builder.class)
  private abstract static class FileLayer {}

  @JsonPOJOBuilder(withPrefix = "")
  private abstract static class FileBuilder {
    /** Secrets and machine-specific paths do not belong in the checked-in file. */
    @JsonIgnore
    @SuppressWarnings("UnusedMethod") // a Jackson mix-in: read by reflection, never called
    abstract SettingsLayer.Builder access(AccessLayer value);
  }

  /** Durations written as people type them (500ms, 60s, 2m), checked with the setting's name. */
  private static final class DurationSetting extends StdDeserializer<Duration> {
    DurationSetting() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext context) throws IOException {
      return Durations.parse(p.getValueAsString(), p.currentName());
    }
  }

  private ConfigFile() {}

  /**
   * The layer in {@code explicit} (which must exist) or, when none is named, in {@code
   * cacheflush.yml} in the working directory if there is one.
   */
  public static SettingsLayer load(Path explicit, Path workingDirectory) {
    Path file = explicit != null ? explicit : workingDirectory.resolve(DEFAULT_NAME);
    if (explicit == null && !Files.exists(file)) {
      return SettingsLayer.EMPTY;
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "Config file " + file + " does not exist: check the path given to --config");
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage());
    }
    if (text.isBlank()) {
      return SettingsLayer.EMPTY;
    }
    SettingsLayer layer;
    try {
      layer = YAML.readValue(text, SettingsLayer.class);
    } catch (PropertyBindingException e) {
      throw new ConfigException(
          file
              + settingLine(text, e.getPropertyName(), e.getLocation())
              + ": unknown setting '"
              + e.getPropertyName()
              + "'; known settings are "
              + e.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof ConfigException bad
          && e instanceof JsonMappingException mapping
          && !mapping.getPath().isEmpty()) {
        String name = mapping.getPath().get(mapping.getPath().size() - 1).getFieldName();
        throw new ConfigException(
            file + settingLine(text, name, e.getLocation()) + ": " + bad.getMessage(), bad);
      }
      Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
      if (duplicate.find()) {
        String name = duplicate.group(1);
        throw new ConfigException(
            file
                + ": '"
                + name
                + "' is set twice, on "
                + settingLines(text, name, e.getLocation())
                + ": keep one (YAML would silently keep only the last)");
      }
      throw new ConfigException(
          file
              + where(e.getLocation())
              + ": "
              + e.getOriginalMessage()
                  .replaceAll("\\s+", " ")
                  .replaceAll(" \\(for Object starting.*", ""));
    }
    return layer == null ? SettingsLayer.EMPTY : layer;
  }

  /** The lines a top-level setting is written on, for a setting given twice: "lines 2 and 5". */
  private static String settingLines(String text, String name, JsonLocation fallback) {
    List<String> lines = text.lines().toList();
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (startsWithSetting(lines.get(i).stripLeading(), name)) {
        numbers.add(String.valueOf(i + 1));
      }
    }
    if (numbers.size() < 2) {
      // Written in a way the scan above does not see (flow style): Jackson's place of the second
      // one.
      return where(fallback).isEmpty() ? "two lines" : where(fallback).strip();
    }
    return "lines "
        + String.join(", ", numbers.subList(0, numbers.size() - 1))
        + " and "
        + numbers.get(numbers.size() - 1);
  }

  private static boolean startsWithSetting(String line, String name) {
    return line.startsWith(name + ":")
        || line.startsWith("\"" + name + "\":")
        || line.startsWith("'" + name + "':")
        || line.startsWith(name + " :");
  }

  /**
   * Jackson places an unknown setting at its value, which in YAML is often the next line; people
   * look for the name, so point at the first line that starts with it.
   */
  private static String settingLine(String text, String name, JsonLocation fallback) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (startsWithSetting(lines.get(i).stripLeading(), name)) {
        return " line " + (i + 1);
      }
    }
    return where(fallback);
  }

  private static String where(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
