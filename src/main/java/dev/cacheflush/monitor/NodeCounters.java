package dev.cacheflush.monitor;

/** One node's lifetime counters from INFO stats at one moment. */
public record NodeCounters(long hits, long misses, long commands) {}
