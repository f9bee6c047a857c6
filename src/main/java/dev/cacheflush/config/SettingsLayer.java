package dev.cacheflush.config;

import java.time.Duration;
import java.util.List;

/**
 * The settings one source gives (built-in defaults, cacheflush.yml, environment, flags); null means
 * "this source says nothing". Layers are merged lowest first, so a higher source replaces a value,
 * and a pattern list, as a whole. Built by name ({@link #builder()}), never by position.
 *
 * @param maxKeys the most keys a flush may delete (a blast-radius cap), null for none
 * @param spread, dbMaxLatency how a flush paces its deletions (PacingSettings), null for not
 * @param sampleWindow, watchInterval, dbQuery, dbInterval, metricsNamespace, stage what a flush (or
 *     watch) observes; their defaults and checks are in MonitorSettings, WatchSettings, DbSettings
 *     and MetricsSettings. The database URL is not among them: it may hold a password, so it comes
 *     from --db-url only.
 * @param access credentials, TLS and IAM: from the environment and flags only, never the file
 */
public record SettingsLayer(
    String redisUrl,
    List<String> flush,
    List<String> preserve,
    Boolean dryRun,
    Integer scanCount,
    Integer batchSize,
    Integer maxInFlight,
    Duration timeout,
    Integer retries,
    Duration connectTimeout,
    Duration commandTimeout,
    Boolean lock,
    Boolean verify,
    Long maxRate,
    Duration maxLatency,
    Long maxKeys,
    Duration spread,
    Duration dbMaxLatency,
    Duration sampleWindow,
    Duration watchInterval,
    String dbQuery,
    Duration dbInterval,
    String metricsNamespace,
    String stage,
    AccessLayer access) {

  /** The defaults, each once: the help texts quote these constants. */
  public static final String FLUSH = "mocs:* gallery:* wishlist:* albums:*";

  public static final String PRESERVE = "sessions:* ratelimit:* user-profiles:*";
  public static final int MAX_IN_FLIGHT = 2;
  public static final String TIMEOUT = "60s";
  public static final int RETRIES = 3;
  public static final String CONNECT_TIMEOUT = "10s";
  public static final String COMMAND_TIMEOUT = "5s";

  public static final SettingsLayer EMPTY = builder().build();

  /** The story's lists and figures, and the tuning measured in docs/benchmarks.md. */
  public static final SettingsLayer DEFAULTS =
      builder()
          .flush(List.of(FLUSH.split(" ")))
          .preserve(List.of(PRESERVE.split(" ")))
          .dryRun(false)
          // scanCount and batchSize: the resolver picks them by whether the flush is paced
          .maxInFlight(MAX_IN_FLIGHT)
          .timeout(Durations.parse(TIMEOUT, "timeout"))
          .retries(RETRIES)
          .connectTimeout(Durations.parse(CONNECT_TIMEOUT, "connectTimeout"))
          .commandTimeout(Durations.parse(COMMAND_TIMEOUT, "commandTimeout"))
          .lock(true)
          .verify(true)
          .maxRate(0L)
          .build();

  public SettingsLayer {
    access = access == null ? AccessLayer.EMPTY : access;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This layer with every value the higher layer gives replaced by that value. */
  public SettingsLayer overriddenBy(SettingsLayer higher) {
    return Layers.merge(this, higher);
  }

  /** Sets what one source says, by name; what it leaves unset stays null ("says nothing"). */
  public static final class Builder {
    private String redisUrl;
    private List<String> flush;
    private List<String> preserve;
    private Boolean dryRun;
    private Integer scanCount;
    private Integer batchSize;
    private Integer maxInFlight;
    private Duration timeout;
    private Integer retries;
    private Duration connectTimeout;
    private Duration commandTimeout;
    private Boolean lock;
    private Boolean verify;
    private Long maxRate;
    private Duration maxLatency;
    private Long maxKeys;
    private Duration spread;
    private Duration dbMaxLatency;
    private Duration sampleWindow;
    private Duration watchInterval;
    private String dbQuery;
    private Duration dbInterval;
    private String metricsNamespace;
    private String stage;
    private AccessLayer access;

    private Builder() {}

    public Builder redisUrl(String value) {
      redisUrl = value;
      return this;
    }

    public Builder flush(List<String> value) {
      flush = value;
      return this;
    }

    public Builder preserve(List<String> value) {
      preserve = value;
      return this;
    }

    public Builder dryRun(Boolean value) {
      dryRun = value;
      return this;
    }

    public Builder scanCount(Integer value) {
      scanCount = value;
      return this;
    }

    public Builder batchSize(Integer value) {
      batchSize = value;
      return this;
    }

    public Builder maxInFlight(Integer value) {
      maxInFlight = value;
      return this;
    }

    public Builder timeout(Duration value) {
      timeout = value;
      return this;
    }

    public Builder retries(Integer value) {
      retries = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder commandTimeout(Duration value) {
      commandTimeout = value;
      return this;
    }

    public Builder lock(Boolean value) {
      lock = value;
      return this;
    }

    public Builder verify(Boolean value) {
      verify = value;
      return this;
    }

    public Builder maxRate(Long value) {
      maxRate = value;
      return this;
    }

    public Builder maxLatency(Duration value) {
      maxLatency = value;
      return this;
    }

    public Builder maxKeys(Long value) {
      maxKeys = value;
      return this;
    }

    public Builder sampleWindow(Duration value) {
      sampleWindow = value;
      return this;
    }

    public Builder watchInterval(Duration value) {
      watchInterval = value;
      return this;
    }

    public Builder spread(Duration value) {
      spread = value;
      return this;
    }

    public Builder dbMaxLatency(Duration value) {
      dbMaxLatency = value;
      return this;
    }

    public Builder dbQuery(String value) {
      dbQuery = value;
      return this;
    }

    public Builder dbInterval(Duration value) {
      dbInterval = value;
      return this;
    }

    public Builder metricsNamespace(String value) {
      metricsNamespace = value;
      return this;
    }

    public Builder stage(String value) {
      stage = value;
      return this;
    }

    public Builder access(AccessLayer value) {
      access = value;
      return this;
    }

    public SettingsLayer build() {
      return new SettingsLayer(
          redisUrl,
          flush,
          preserve,
          dryRun,
          scanCount,
          batchSize,
          maxInFlight,
          timeout,
          retries,
          connectTimeout,
          commandTimeout,
          lock,
          verify,
          maxRate,
          maxLatency,
          maxKeys,
          spread,
          dbMaxLatency,
          sampleWindow,
          watchInterval,
          dbQuery,
          dbInterval,
          metricsNamespace,
          stage,
          access);
    }
  }
}
