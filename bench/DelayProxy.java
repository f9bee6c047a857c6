package bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy that adds a fixed delay to each direction, for measuring a client at network
 * distance on one machine (this kernel has no netem). Every chunk read from one side is stamped with
 * the time it arrived and written to the other side when that time plus the delay has come: order
 * is kept, and throughput is not limited, since the reader never waits for the writer (a queue of
 * chunks in flight sits between them, as a long wire would hold them). With a delay of 0 it is a
 * plain relay, so a run through it at 0 is the baseline that isolates the delay from the relay's own
 * cost.
 *
 * <p>Command line (prints {@code DelayProxy port=P} on stdout once it listens, then runs until
 * killed):
 *
 * <pre>
 * java -cp target/bench/classes bench.DelayProxy --listen 0 --to 127.0.0.1:6400 --delay-ms 0.5
 * </pre>
 *
 * {@code --delay-ms} is the hold in each direction (fractions allowed), so the round trip grows by
 * twice it; {@code --rtt-ms R} is the same as {@code --delay-ms R/2}. {@code --listen 0} (the
 * default) picks a free port. From code: {@link #start}, {@link #port}, {@link #close}.
 *
 * <p>Self-contained on purpose (no other class of the harness), so it can be copied or
 * cherry-picked alone.
 */
public final class DelayProxy implements AutoCloseable {
  private static final int CHUNK = 64 * 1024;

  /** Marks the end of a direction's stream in its queue. */
  private static final byte[] EOF = new byte[0];

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final long delayNanos;
  private final Thread acceptor;
  private final ConcurrentHashMap<Socket, Boolean> sockets = new ConcurrentHashMap<>();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong chunks = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private volatile boolean closed;

  private DelayProxy(ServerSocket server, InetSocketAddress target, long delayNanos) {
    this.server = server;
    this.target = target;
    this.delayNanos = delayNanos;
    this.acceptor = new Thread(this::acceptLoop, "delay-proxy-accept");
    this.acceptor.setDaemon(true);
  }

  /**
   * Listens on 127.0.0.1:{@code listenPort} (0: a free port) and relays every connection to {@code
   * target}, holding each chunk {@code delayNanosEachWay} in each direction.
   */
  public static DelayProxy start(int listenPort, InetSocketAddress target, long delayNanosEachWay)
      throws IOException {
    if (delayNanosEachWay < 0) {
      throw new IllegalArgumentException("delay must be >= 0");
    }
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 128);
    DelayProxy p = new DelayProxy(ss, target, delayNanosEachWay);
    p.acceptor.start();
    return p;
  }

  public int port() {
    return server.getLocalPort();
  }

  public long delayNanosEachWay() {
    return delayNanos;
  }

  /** Connections accepted, chunks and bytes relayed (both directions) so far. */
  public String counters() {
    return "connections=" + connections.get() + " chunks=" + chunks.get() + " bytes=" + bytes.get();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    for (Socket s : sockets.keySet()) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("DelayProxy: accept failed: " + e);
        }
        return;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 5000);
        for (Socket s : new Socket[] {client, upstream}) {
          s.setTcpNoDelay(true);
          s.setReceiveBufferSize(4 * CHUNK);
          s.setSendBufferSize(4 * CHUNK);
        }
      } catch (IOException e) {
        System.err.println("DelayProxy: cannot connect to " + target + ": " + e);
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      sockets.put(client, Boolean.TRUE);
      sockets.put(upstream, Boolean.TRUE);
      connections.incrementAndGet();
      long id = connections.get();
      Pair pair = new Pair(client, upstream);
      pair.direction(client, upstream, "c" + id + "-up");
      pair.direction(upstream, client, "c" + id + "-down");
    }
  }

  /** The two sockets of one relayed connection; closed together when both directions are done. */
  private final class Pair {
    final Socket a;
    final Socket b;
    int open = 2;

    Pair(Socket a, Socket b) {
      this.a = a;
      this.b = b;
    }

    synchronized void directionDone(boolean failed) {
      open--;
      if (failed || open == 0) {
        sockets.remove(a);
        sockets.remove(b);
        closeQuietly(a);
        closeQuietly(b);
      }
    }

    /** One direction: a reader stamps chunks into the queue, a writer sends each when due. */
    void direction(Socket from, Socket to, String name) {
      LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
      Thread reader =
          new Thread(
              () -> {
                byte[] buf = new byte[CHUNK];
                try {
                  InputStream in = from.getInputStream();
                  while (true) {
                    int n = in.read(buf);
                    long now = System.nanoTime();
                    if (n < 0) {
                      queue.add(new Chunk(now + delayNanos, EOF));
                      return;
                    }
                    queue.add(new Chunk(now + delayNanos, Arrays.copyOf(buf, n)));
                  }
                } catch (IOException e) {
                  // The socket was closed (by the other direction or close()): the writer ends too.
                  queue.add(new Chunk(System.nanoTime(), null));
                }
              },
              "delay-proxy-" + name + "-read");
      Thread writer =
          new Thread(
              () -> {
                boolean failed = true;
                // Chunks already due are written together: fewer system calls, same order.
                byte[] out = new byte[4 * CHUNK];
                try {
                  OutputStream os = to.getOutputStream();
                  Chunk c = queue.take();
                  while (true) {
                    waitUntil(c.due);
                    if (c.data == null) {
                      return;
                    }
                    if (c.data == EOF) {
                      to.shutdownOutput();
                      failed = false;
                      return;
                    }
                    System.arraycopy(c.data, 0, out, 0, c.data.length);
                    int len = c.data.length;
                    int n = 1;
                    Chunk next;
                    while ((next = queue.peek()) != null
                        && next.data != null
                        && next.data != EOF
                        && len + next.data.length <= out.length
                        && next.due - System.nanoTime() <= 0) {
                      queue.poll();
                      System.arraycopy(next.data, 0, out, len, next.data.length);
                      len += next.data.length;
                      n++;
                    }
                    os.write(out, 0, len);
                    chunks.addAndGet(n);
                    bytes.addAndGet(len);
                    c = queue.take();
                  }
                } catch (SocketException e) {
                  // Closed under us: the connection is over.
                } catch (IOException e) {
                  if (!closed) {
                    System.err.println("DelayProxy: " + name + ": " + e);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  directionDone(failed);
                }
              },
              "delay-proxy-" + name + "-write");
      reader.setDaemon(true);
      writer.setDaemon(true);
      writer.start();
      reader.start();
    }
  }

  private static void waitUntil(long due) {
    long left;
    while ((left = due - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  private record Chunk(long due, byte[] data) {}

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing: nothing to do
    }
  }

  public static void main(String[] args) throws Exception {
    int listen = 0;
    String to = null;
    double delayMs = 0;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--listen" -> listen = Integer.parseInt(args[++i]);
          case "--to" -> to = args[++i];
          case "--delay-ms" -> delayMs = Double.parseDouble(args[++i]);
          case "--rtt-ms" -> delayMs = Double.parseDouble(args[++i]) / 2;
          case "--help", "-h" -> {
            System.out.println(USAGE);
            return;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (to == null || to.lastIndexOf(':') < 0) {
        throw new IllegalArgumentException("--to host:port is required");
      }
      if (delayMs < 0 || listen < 0 || listen > 65535) {
        throw new IllegalArgumentException("--delay-ms must be >= 0, --listen a port (0: free)");
      }
    } catch (RuntimeException e) {
      System.err.println("DelayProxy: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    int colon = to.lastIndexOf(':');
    InetSocketAddress target =
        new InetSocketAddress(to.substring(0, colon), Integer.parseInt(to.substring(colon + 1)));
    DelayProxy p = start(listen, target, Math.round(delayMs * 1_000_000));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("DelayProxy: " + p.counters());
                  p.close();
                }));
    System.out.println("DelayProxy port=" + p.port());
    System.out.flush();
    System.err.printf(
        "DelayProxy: 127.0.0.1:%d -> %s, %.3f ms each way (+%.3f ms round trip)%n",
        p.port(), to, delayMs, 2 * delayMs);
    Thread.currentThread().join();
  }

  static final String USAGE =
      "usage: java -cp target/bench/classes bench.DelayProxy [--listen PORT] --to HOST:PORT"
          + " [--delay-ms MS_EACH_WAY | --rtt-ms MS_ROUND_TRIP]";
}
