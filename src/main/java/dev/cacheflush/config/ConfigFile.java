package dev.cacheflush.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
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

/** Reads {@code cacheflush.yml}: the team's patterns and tuning, checked into the deploy repo. */
public final class ConfigFile {
  public static final String DEFAULT_NAME = "cacheflush.yml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // A second 'preserve:' would otherwise replace the first without a word, and drop a preserve list.
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

  /** Fields, not a record: Jackson then reports an unknown setting at its own line, not at the end. */
  private static final class Content {
    public String redisUrl;
    public List<String> flush;
    public List<String> preserve;
    public Boolean dryRun;
    public Integer scanCount;
    public Integer batchSize;
    public Integer maxInFlight;
    public String timeout;
    public Integer retries;
    public String connectTimeout;
    public String commandTimeout;
    public Boolean lock;
    public Boolean verify;
    public Long maxRate;
    public String maxLatency;
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
      throw new ConfigException("Config file " + file + " does not exist: check the path given to --config");
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage());
    }
    if (text.isBlank()) {
      return SettingsLayer.EMPTY;
    }
    Content c;
    try {
      c = YAML.readValue(text, Content.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(file + settingLine(text, e.getPropertyName(), e.getLocation()) + ": unknown setting '"
          + e.getPropertyName()
          + "'; known settings are redisUrl, flush, preserve, dryRun, scanCount, batchSize, maxInFlight, timeout, "
          + "retries, connectTimeout, commandTimeout, lock, verify, maxRate, maxLatency");
    } catch (JsonProcessingException e) {
      Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
      if (duplicate.find()) {
        String name = duplicate.group(1);
        throw new ConfigException(file + ": '" + name + "' is set twice, on " + settingLines(text, name,
            e.getLocation()) + ": keep one (YAML would silently keep only the last)");
      }
      throw new ConfigException(file + where(e.getLocation()) + ": " + e.getOriginalMessage()
          .replaceAll("\\s+", " ").replaceAll(" \\(for Object starting.*", ""));
    }
    if (c == null) {
      return SettingsLayer.EMPTY;
    }
    return new SettingsLayer(
        c.redisUrl,
        c.flush,
        c.preserve,
        c.dryRun,
        c.scanCount,
        c.batchSize,
        c.maxInFlight,
        duration(c.timeout, file, "timeout"),
        c.retries,
        duration(c.connectTimeout, file, "connectTimeout"),
        duration(c.commandTimeout, file, "commandTimeout"),
        c.lock,
        c.verify,
        c.maxRate,
        duration(c.maxLatency, file, "maxLatency"),
        null);
  }

  private static Duration duration(String value, Path file, String name) {
    return value == null ? null : Durations.parse(value, file + ": " + name);
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
      // Written in a way the scan above does not see (flow style): Jackson's place of the second one.
      return where(fallback).isEmpty() ? "two lines" : where(fallback).strip();
    }
    return "lines " + String.join(", ", numbers.subList(0, numbers.size() - 1)) + " and " + numbers.get(numbers.size() - 1);
  }

  private static boolean startsWithSetting(String line, String name) {
    return line.startsWith(name + ":") || line.startsWith("\"" + name + "\":") || line.startsWith("'" + name + "':")
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
