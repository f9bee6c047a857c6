package dev.cacheflush.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for fault injection: listens on a free loopback port and forwards every connection
 * to a target, bytes unmodified in both directions (so TLS passes through too), while a test turns
 * faults on and off:
 *
 * <ul>
 *   <li>{@link #cutAll()}: reset (RST, {@code SO_LINGER 0}) every open connection, both sides, now.
 *   <li>{@link #refuse(boolean)}: new connections are accepted and reset at once.
 *   <li>{@link #latency(Duration)}: every chunk is delivered that much later, both directions
 *       (a delay, not a throughput limit: chunks in flight overlap).
 *   <li>{@link #blackhole(boolean)}: bytes are read but not delivered, like a stalled network.
 *       Held bytes (up to 8 MiB per direction, then reading stops) are delivered when it ends,
 *       the way TCP retransmits after a partition heals.
 *   <li>{@link #cutEvery(Duration)}: reset all open connections periodically.
 *   <li>{@link #cutAfterBytes(long)}: reset each connection once it has forwarded that many
 *       bytes (both directions together), mid-reply if that is where the count runs out.
 *   <li>{@link #cutOnRequest(byte[], int, int)}: reset the connection that sends a chosen command
 *       (its RESP bytes, see {@link #bulks}), instead of forwarding it, at chosen occurrences.
 * </ul>
 *
 * One selector thread serves every connection; {@link #close()} stops it and closes everything.
 */
public final class FaultProxy implements AutoCloseable {
  private static final int READ_SIZE = 64 * 1024;
  private static final long MAX_HELD_BYTES = 8L << 20;

  private final InetSocketAddress target;
  private final String scheme;
  private final ServerSocketChannel server;
  private final Selector selector;
  private final int port;
  private final Thread loop;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Set<Connection> connections = new HashSet<>(); // loop thread only
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_SIZE); // loop thread only

  private volatile boolean running = true;
  private volatile boolean refuse;
  private volatile boolean blackhole;
  private volatile long latencyNanos;
  private volatile long cutAfterBytes;
  private volatile long cutEveryNanos;
  private long nextPeriodicCut; // loop thread only
  private volatile int openConnections;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong resets = new AtomicLong();
  private final AtomicLong forwarded = new AtomicLong();
  private volatile byte[] cutFragment;
  private int fragmentSkip; // loop thread only
  private int fragmentCutsLeft; // loop thread only
  private final AtomicLong fragmentSeen = new AtomicLong();
  private final AtomicLong fragmentCuts = new AtomicLong();
  private final ByteArrayOutputStream sentByClients = new ByteArrayOutputStream();
  private volatile boolean recordClientBytes;

  private FaultProxy(String host, int targetPort, String scheme) {
    this.target = new InetSocketAddress(host, targetPort);
    this.scheme = scheme;
    try {
      this.selector = Selector.open();
      this.server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the fault proxy", e);
    }
    this.loop = new Thread(this::run, "fault-proxy-" + port + "->" + targetPort);
    loop.setDaemon(true);
    loop.start();
  }

  /** A proxy to {@code host:port}; {@link #url()} says {@code redis://}. */
  public static FaultProxy to(String host, int port) {
    return new FaultProxy(host, port, "redis");
  }

  /** A proxy to a test server; {@link #url()} uses its scheme ({@code rediss://} for TLS). */
  public static FaultProxy to(RedisServer server) {
    return new FaultProxy(server.host(), server.port(), server.isTls() ? "rediss" : "redis");
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  /** {@code redis://127.0.0.1:<proxy port>} ({@code rediss://} in front of a TLS server). */
  public String url() {
    return scheme + "://127.0.0.1:" + port;
  }

  // ------------------------------------------------------------------------------------------
  // Faults

  /** Resets every open connection (client and target side) and returns once they are closed. */
  public void cutAll() {
    runOnLoop(this::resetAll);
  }

  /** While on, new connections are accepted and reset at once; open ones are left alone. */
  public FaultProxy refuse(boolean on) {
    refuse = on;
    return this;
  }

  /** Delays every chunk by {@code delay} in both directions; {@link Duration#ZERO} turns it off. */
  public FaultProxy latency(Duration delay) {
    latencyNanos = Math.max(0, delay.toNanos());
    selector.wakeup();
    return this;
  }

  /** While on, bytes are read and held, not delivered; turning it off delivers what was held. */
  public FaultProxy blackhole(boolean on) {
    blackhole = on;
    selector.wakeup();
    return this;
  }

  /** Resets all open connections every {@code period}; null or zero turns it off. */
  public FaultProxy cutEvery(Duration period) {
    long nanos = period == null ? 0 : Math.max(0, period.toNanos());
    runOnLoop(
        () -> {
          cutEveryNanos = nanos;
          nextPeriodicCut = nanos == 0 ? 0 : System.nanoTime() + nanos;
        });
    return this;
  }

  /**
   * Resets each connection, present and future, once it has forwarded {@code bytes} bytes (both
   * directions together); zero or negative turns it off.
   */
  public FaultProxy cutAfterBytes(long bytes) {
    cutAfterBytes = Math.max(0, bytes);
    selector.wakeup();
    return this;
  }

  /**
   * Watches what clients send for {@code fragment}: its first {@code skip} occurrences pass, the next
   * {@code times} reset their connection instead of reaching the server, later ones pass again. A
   * fragment is looked for within one read from the client, which holds a whole small command on
   * loopback; {@link #requestsSeen()} and {@link #requestCuts()} count what happened.
   */
  public FaultProxy cutOnRequest(byte[] fragment, int skip, int times) {
    runOnLoop(
        () -> {
          cutFragment = fragment.clone();
          fragmentSkip = skip;
          fragmentCutsLeft = times;
          fragmentSeen.set(0);
          fragmentCuts.set(0);
        });
    return this;
  }

  /** RESP bulk strings, as a command's words appear on the wire: {@code bulks("SET", "cacheflush:lock")}. */
  public static byte[] bulks(String... words) {
    StringBuilder resp = new StringBuilder();
    for (String word : words) {
      resp.append('$')
          .append(word.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n")
          .append(word)
          .append("\r\n");
    }
    return resp.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Turns every fault off (held bytes are delivered). Open connections stay open. */
  public FaultProxy heal() {
    cutFragment = null;
    refuse = false;
    blackhole = false;
    latencyNanos = 0;
    cutAfterBytes = 0;
    cutEvery(null);
    return this;
  }

  // ------------------------------------------------------------------------------------------
  // Counters

  /** Connections open right now. */
  public int connectionCount() {
    return openConnections;
  }

  /** Connections accepted and forwarded since start (refused ones not counted). */
  public long acceptedCount() {
    return accepted.get();
  }

  /** Connections refused because of {@link #refuse(boolean)}. */
  public long refusedCount() {
    return refused.get();
  }

  /** Connections reset by a fault (cutAll, cutEvery, cutAfterBytes) or by a reset from either side. */
  public long resetCount() {
    return resets.get();
  }

  /** From now on, keeps what the clients send, for {@link #sentByClients()}; off by default, as it only grows. */
  public FaultProxy recordClientBytes() {
    recordClientBytes = true;
    return this;
  }

  /** Everything the clients have sent while recording, all connections together, as ISO-8859-1 text. */
  public String sentByClients() {
    synchronized (sentByClients) {
      return sentByClients.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** Bytes delivered, both directions. */
  public long bytesForwarded() {
    return forwarded.get();
  }

  /** Reads from clients that held the fragment of {@link #cutOnRequest}, cut or not. */
  public long requestsSeen() {
    return fragmentSeen.get();
  }

  /** Connections reset by {@link #cutOnRequest}. */
  public long requestCuts() {
    return fragmentCuts.get();
  }

  /** Stops the proxy: closes the listening socket and every connection, and ends its thread. */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    selector.wakeup();
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FaultProxy[127.0.0.1:"
        + port
        + " -> "
        + target.getHostString()
        + ":"
        + target.getPort()
        + "]";
  }

  // ------------------------------------------------------------------------------------------
  // The selector loop

  private void runOnLoop(Runnable task) {
    if (!running) {
      return;
    }
    if (Thread.currentThread() == loop) {
      task.run();
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    tasks.add(
        () -> {
          try {
            task.run();
            done.complete(null);
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    selector.wakeup();
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      if (running) {
        throw new IllegalStateException(this + ": task failed", e);
      }
    }
  }

  private void run() {
    try {
      while (running) {
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
        long now = System.nanoTime();
        if (cutEveryNanos > 0 && nextPeriodicCut != 0 && now - nextPeriodicCut >= 0) {
          resetAll();
          nextPeriodicCut = now + cutEveryNanos;
        }
        long wakeAt = pumpAll(now);
        if (cutEveryNanos > 0 && nextPeriodicCut != 0) {
          wakeAt = Math.min(wakeAt, nextPeriodicCut);
        }
        long waitNanos = wakeAt == Long.MAX_VALUE ? 0 : wakeAt - now;
        if (wakeAt == Long.MAX_VALUE) {
          selector.select();
        } else if (waitNanos <= 0) {
          selector.selectNow();
        } else {
          selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
        }
        Set<SelectionKey> selected = selector.selectedKeys();
        for (SelectionKey key : selected) {
          handle(key);
        }
        selected.clear();
      }
    } catch (IOException | RuntimeException e) {
      // A broken selector: nothing sensible left to do but to close everything below.
    } finally {
      for (Connection connection : new ArrayList<>(connections)) {
        closeQuietly(connection.client);
        closeQuietly(connection.upstream);
      }
      connections.clear();
      openConnections = 0;
      try {
        server.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        selector.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      for (Runnable task; (task = tasks.poll()) != null; ) {
        task.run();
      }
    }
  }

  private void handle(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    if (key.channel() == server) {
      acceptAll();
      return;
    }
    Connection connection = (Connection) key.attachment();
    if (connection.closed) {
      return;
    }
    try {
      SocketChannel channel = (SocketChannel) key.channel();
      if (key.isConnectable()) {
        connection.connected = channel.finishConnect();
      }
      if (key.isValid() && key.isWritable()) {
        (channel == connection.client ? connection.down : connection.up).blocked = false;
      }
      if (key.isValid() && key.isReadable()) {
        read(connection, channel);
      }
      if (!connection.closed) {
        pump(connection, System.nanoTime());
      }
    } catch (IOException | CancelledKeyException e) {
      reset(connection);
    }
  }

  private void acceptAll() {
    while (true) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // e.g. too many open files: try again on the next select
      }
      if (client == null) {
        return;
      }
      if (refuse) {
        refused.incrementAndGet();
        resetQuietly(client);
        continue;
      }
      SocketChannel upstream = null;
      try {
        client.configureBlocking(false);
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        upstream = SocketChannel.open();
        upstream.configureBlocking(false);
        upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Connection connection = new Connection(client, upstream);
        connection.connected = upstream.connect(target);
        connection.clientKey = client.register(selector, 0, connection);
        connection.upstreamKey = upstream.register(selector, 0, connection);
        connections.add(connection);
        openConnections = connections.size();
        accepted.incrementAndGet();
        updateInterest(connection);
      } catch (IOException e) {
        resetQuietly(client);
        if (upstream != null) {
          closeQuietly(upstream);
        }
      }
    }
  }

  private void read(Connection connection, SocketChannel channel) throws IOException {
    Direction direction = channel == connection.client ? connection.up : connection.down;
    readBuffer.clear();
    int n = channel.read(readBuffer);
    if (n < 0) {
      direction.sourceEof = true;
      return;
    }
    if (n == 0) {
      return;
    }
    readBuffer.flip();
    ByteBuffer copy = ByteBuffer.allocate(n);
    copy.put(readBuffer).flip();
    if (recordClientBytes && direction == connection.up) {
      synchronized (sentByClients) {
        sentByClients.write(copy.array(), 0, n);
      }
    }
    if (direction == connection.up && cutsRequest(copy)) {
      reset(connection);
      return;
    }
    direction.queue.add(new Chunk(copy, System.nanoTime() + latencyNanos));
    direction.held += n;
  }

  /** Whether this read from a client holds the watched fragment at an occurrence to cut. */
  private boolean cutsRequest(ByteBuffer chunk) {
    byte[] fragment = cutFragment;
    if (fragment == null || indexOf(chunk.array(), chunk.limit(), fragment) < 0) {
      return false;
    }
    fragmentSeen.incrementAndGet();
    if (fragmentSkip > 0) {
      fragmentSkip--;
      return false;
    }
    if (fragmentCutsLeft <= 0) {
      return false;
    }
    fragmentCutsLeft--;
    fragmentCuts.incrementAndGet();
    return true;
  }

  private static int indexOf(byte[] data, int length, byte[] fragment) {
    outer:
    for (int i = 0; i + fragment.length <= length; i++) {
      for (int j = 0; j < fragment.length; j++) {
        if (data[i + j] != fragment[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Writes what is due on every connection; returns when the next chunk falls due. */
  private long pumpAll(long now) {
    long next = Long.MAX_VALUE;
    for (Connection connection : new ArrayList<>(connections)) {
      try {
        next = Math.min(next, pump(connection, now));
      } catch (IOException | CancelledKeyException e) {
        reset(connection);
      }
    }
    return next;
  }

  private long pump(Connection connection, long now) throws IOException {
    long next =
        Math.min(
            pump(connection, connection.up, connection.upstream, now),
            connection.closed
                ? Long.MAX_VALUE
                : pump(connection, connection.down, connection.client, now));
    if (connection.closed) {
      return Long.MAX_VALUE;
    }
    if (connection.up.destinationShut && connection.down.destinationShut) {
      close(connection);
      return Long.MAX_VALUE;
    }
    updateInterest(connection);
    return next;
  }

  private long pump(Connection connection, Direction direction, SocketChannel destination, long now)
      throws IOException {
    if (destination == connection.upstream && !connection.connected) {
      return Long.MAX_VALUE;
    }
    while (!direction.queue.isEmpty() && !direction.blocked) {
      if (blackhole) {
        return Long.MAX_VALUE;
      }
      Chunk head = direction.queue.peek();
      if (head.due - now > 0) {
        return head.due;
      }
      ByteBuffer data = head.data;
      long limit = cutAfterBytes;
      int oldLimit = data.limit();
      if (limit > 0) {
        long allowed = limit - connection.forwarded;
        if (allowed <= 0) {
          reset(connection);
          return Long.MAX_VALUE;
        }
        if (data.remaining() > allowed) {
          data.limit(data.position() + (int) allowed);
        }
      }
      int attempted = data.remaining();
      int written = destination.write(data);
      data.limit(oldLimit);
      connection.forwarded += written;
      direction.held -= written;
      forwarded.addAndGet(written);
      if (limit > 0 && connection.forwarded >= limit) {
        reset(connection);
        return Long.MAX_VALUE;
      }
      if (written < attempted) {
        direction.blocked = true; // socket buffer full: wait for OP_WRITE
        return Long.MAX_VALUE;
      }
      if (!data.hasRemaining()) {
        direction.queue.poll();
      }
    }
    if (direction.queue.isEmpty() && direction.sourceEof && !direction.destinationShut) {
      direction.destinationShut = true;
      try {
        destination.shutdownOutput();
      } catch (IOException alreadyGone) {
        // the peer is gone; the other direction will notice
      }
    }
    return Long.MAX_VALUE;
  }

  private void updateInterest(Connection connection) {
    if (connection.closed) {
      return;
    }
    int clientOps = 0;
    if (!connection.up.sourceEof && connection.up.held < MAX_HELD_BYTES) {
      clientOps |= SelectionKey.OP_READ;
    }
    if (connection.down.blocked) {
      clientOps |= SelectionKey.OP_WRITE;
    }
    int upstreamOps;
    if (!connection.connected) {
      upstreamOps = SelectionKey.OP_CONNECT;
    } else {
      upstreamOps = 0;
      if (!connection.down.sourceEof && connection.down.held < MAX_HELD_BYTES) {
        upstreamOps |= SelectionKey.OP_READ;
      }
      if (connection.up.blocked) {
        upstreamOps |= SelectionKey.OP_WRITE;
      }
    }
    if (connection.clientKey.interestOps() != clientOps) {
      connection.clientKey.interestOps(clientOps);
    }
    if (connection.upstreamKey.interestOps() != upstreamOps) {
      connection.upstreamKey.interestOps(upstreamOps);
    }
  }

  private void resetAll() {
    for (Connection connection : new ArrayList<>(connections)) {
      reset(connection);
    }
  }

  private void reset(Connection connection) {
    if (connection.closed) {
      return;
    }
    connection.closed = true;
    resets.incrementAndGet();
    resetQuietly(connection.client);
    resetQuietly(connection.upstream);
    connections.remove(connection);
    openConnections = connections.size();
  }

  private void close(Connection connection) {
    if (connection.closed) {
      return;
    }
    connection.closed = true;
    closeQuietly(connection.client);
    closeQuietly(connection.upstream);
    connections.remove(connection);
    openConnections = connections.size();
  }

  private static void resetQuietly(SocketChannel channel) {
    try {
      channel.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException ignored) {
      // not connected: a plain close is all there is
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static final class Connection {
    final SocketChannel client;
    final SocketChannel upstream;
    final Direction up = new Direction();
    final Direction down = new Direction();
    SelectionKey clientKey;
    SelectionKey upstreamKey;
    boolean connected;
    boolean closed;
    long forwarded;

    Connection(SocketChannel client, SocketChannel upstream) {
      this.client = client;
      this.upstream = upstream;
    }
  }

  private static final class Direction {
    final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    long held;
    boolean blocked;
    boolean sourceEof;
    boolean destinationShut;
  }

  private record Chunk(ByteBuffer data, long due) {}
}
