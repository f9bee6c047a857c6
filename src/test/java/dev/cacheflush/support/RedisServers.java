package dev.cacheflush.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** Spawns real redis-server processes on free loopback ports for tests. */
public final class RedisServers {
  private RedisServers() {}

  /** A started standalone server; extra arguments are passed to redis-server as given. */
  public static RedisServer standalone(String... extraArgs) {
    return create(extraArgs).start();
  }

  /** A standalone server that is not started yet, for tests where Redis comes up late. */
  public static RedisServer create(String... extraArgs) {
    try {
      return new RedisServer(FreePorts.next(), Files.createTempDirectory("cacheflush-redis-"), List.of(extraArgs));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
