package dev.cacheflush.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds loopback ports nobody listens on, so tests never touch the machine's own services.
 *
 * <p>Ports are picked at random <em>below</em> Linux's ephemeral range (32768+), so an outgoing
 * connection (a client reconnecting to a killed server, a cluster bus link) can never be handed
 * the port of a server that is down for a restart, and a connect to a port with no listener cannot
 * "self-connect" and squat it. Ports handed out once are never handed out again by this JVM. The
 * well-known Redis ports (6379, 16379, 26379) are never returned.
 */
public final class FreePorts {
  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
  private static final Set<Integer> NEVER = Set.of(6379, 16379, 26379);

  private FreePorts() {}

  public static int next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = random.nextInt(LOW, HIGH);
      if (NEVER.contains(port) || HANDED_OUT.contains(port)) {
        continue;
      }
      if (isFree(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    // Extremely busy machine: fall back to whatever the kernel hands out.
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = socket.getLocalPort();
        if (!NEVER.contains(port) && HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free loopback port found");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }
}
