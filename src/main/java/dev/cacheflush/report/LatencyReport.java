package dev.cacheflush.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Query latencies over a stretch of time: queries that answered, those that failed, nearest-rank percentiles. */
@JsonPropertyOrder({"samples", "errors", "p50Ms", "p99Ms", "maxMs"})
public record LatencyReport(int samples, int errors, Double p50Ms, Double p99Ms, Double maxMs) {}
