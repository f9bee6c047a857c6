package dev.cacheflush.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The database probe: the same query timed before the flush (baseline) and after it (during the
 * after-window and the watch).
 *
 * @param url the JDBC URL with secrets masked
 * @param spikeRatio during p50 / baseline p50, null when either is unknown
 * @param error the first probe failure, secrets removed, or null
 */
@JsonPropertyOrder({"url", "query", "intervalMs", "baseline", "during", "spikeRatio", "error"})
public record DatabaseReport(
    String url,
    String query,
    long intervalMs,
    LatencyReport baseline,
    LatencyReport during,
    Double spikeRatio,
    String error) {}
