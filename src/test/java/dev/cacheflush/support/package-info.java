/**
 * Real servers for integration tests ({@code *IT}); nothing here is mocked.
 *
 * <ul>
 *   <li>{@link dev.cacheflush.support.RedisServers}: factories. {@code standalone(...)},
 *       {@code tls(TlsClientAuth, ...)}, {@code cluster(primaries, replicasPerPrimary, ...)},
 *       {@code tlsCluster(...)}, {@code sentinel(masterName[, sentinels, ...])}.
 *   <li>{@link dev.cacheflush.support.RedisServer}: one process; start/stop/kill/restart on the same
 *       port, {@code url()}, {@code call(...)} for admin commands (TLS and requirepass handled).
 *   <li>{@link dev.cacheflush.support.RedisCluster}: live roles, slot helpers, {@code kill},
 *       {@code awaitFailover}, {@code migrateSlot}/{@code beginMigration} (real resharding).
 *   <li>{@link dev.cacheflush.support.RedisSentinelSetup}: primary + replica + Sentinel(s),
 *       {@code sentinelUrl()} in Lettuce syntax, {@code failover()}.
 *   <li>{@link dev.cacheflush.support.TestCertificates}: throwaway CA, server, client and wrong-CA
 *       PEM files made with the openssl CLI.
 *   <li>{@link dev.cacheflush.support.FaultProxy}: a TCP proxy that cuts, refuses, delays or stalls.
 * </ul>
 *
 * Ports come from {@link dev.cacheflush.support.FreePorts} (never 6379 or other fixed ports). Every
 * process is killed by {@code close()}, by a JVM shutdown hook, and, should the JVM be SIGKILLed,
 * by a watchdog shell that notices the JVM is gone.
 */
package dev.cacheflush.support;
