import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Latency probe: one connection, one outstanding request, GET of one key in a tight loop, each
 * round trip timed with System.nanoTime() into a histogram of 1-microsecond buckets (exact max).
 * Raw RESP over a plain socket with TCP_NODELAY; the measuring loop allocates nothing, so no GC
 * pause can land in it (run it with a small fixed heap: -Xms32m -Xmx32m).
 *
 * <p>Two ways to run it (Java 17 source-file mode, nothing to build):
 *
 * <pre>
 *   java bench/LatencyProbe.java --port 6400 --key sessions:1 --seconds 5     # measure 5 s, print, exit
 *   java bench/LatencyProbe.java --port 6400 --key sessions:1                 # controlled on stdin
 * </pre>
 *
 * Controlled on stdin (how bench/run drives it): after connecting and warming up (JIT) it prints
 * {@code READY}; it then keeps the loop going without recording. {@code start} resets the
 * histogram, runs 200 ms unrecorded and prints {@code STARTED}; from then on every round trip is
 * recorded. {@code stop} prints one JSON line with the figures and pauses the loop (so the probe
 * does not load Redis between measurements). {@code quit} or end of input ends it.
 *
 * <p>A reply that is not the key's value (nil: the key is gone; an error such as BUSY) is counted
 * in {@code missing} / {@code errors}: a preserved key must never go missing.
 */
public final class LatencyProbe {
  private static final int BUCKETS =
      100_000; // 1 us each: up to 100 ms; beyond that only the count and the max
  private static final int MAX_STALLS = 256;
  private static final long STALL_NANOS =
      2_000_000; // round trips over 2 ms are listed with their time

  private final long[] hist = new long[BUCKETS];
  private long over;
  private long count;
  private long sumNanos;
  private long maxNanos;
  private long missing;
  private long errors;
  private long recordStart;
  private final long[] stallAt = new long[MAX_STALLS];
  private final long[] stallNanos = new long[MAX_STALLS];
  private int stalls;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] request;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;

  /** Commands from stdin, in order; the recording loop only peeks (no allocation, no lock). */
  private final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();

  LatencyProbe(String host, int port, String key) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 5000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    String head = "*2\r\n$3\r\nGET\r\n$" + k.length + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    request = new byte[h.length + k.length + 2];
    System.arraycopy(h, 0, request, 0, h.length);
    System.arraycopy(k, 0, request, h.length, k.length);
    request[request.length - 2] = '\r';
    request[request.length - 1] = '\n';
  }

  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = 6379;
    String key = null;
    double seconds = -1;
    long warmupMs = 1500;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--key" -> key = args[++i];
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--warmup-ms" -> warmupMs = Long.parseLong(args[++i]);
        default -> {
          System.err.println(
              "usage: LatencyProbe --port N --key KEY [--host H] [--seconds S] [--warmup-ms MS]");
          System.exit(2);
        }
      }
    }
    if (key == null) {
      System.err.println("LatencyProbe: --key is required");
      System.exit(2);
    }
    LatencyProbe probe = new LatencyProbe(host, port, key);
    probe.loopFor(warmupMs * 1_000_000L, false); // JIT warm-up, not recorded
    if (seconds >= 0) {
      probe.reset();
      probe.loopFor((long) (seconds * 1e9), true);
      System.out.println(probe.json());
      return;
    }
    probe.controlled();
  }

  private void controlled() throws IOException {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  commands.add(line.trim());
                }
              } catch (IOException e) {
                // end of input: quit
              }
              commands.add("quit");
            },
            "stdin");
    reader.setDaemon(true);
    reader.start();
    System.out.println("READY");
    System.out.flush();
    while (true) {
      String c = commands.poll();
      if (c == null) {
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      } else if (c.equals("start")) {
        loopFor(200_000_000L, false);
        reset();
        System.out.println("STARTED");
        System.out.flush();
        while (commands.peek() == null) {
          roundTrip(true);
        }
        System.out.println(json());
        System.out.flush();
        if (commands.peek().equals("stop")) {
          commands.poll();
        }
      } else if (c.equals("quit")) {
        socket.close();
        return;
      }
    }
  }

  private void loopFor(long nanos, boolean record) throws IOException {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      roundTrip(record);
    }
  }

  private void reset() {
    Arrays.fill(hist, 0);
    over = count = sumNanos = maxNanos = missing = errors = 0;
    stalls = 0;
    recordStart = System.nanoTime();
  }

  private void roundTrip(boolean record) throws IOException {
    long t0 = System.nanoTime();
    out.write(request);
    readReply();
    long t1 = System.nanoTime();
    if (!record) {
      return;
    }
    long d = t1 - t0;
    count++;
    sumNanos += d;
    if (d > maxNanos) {
      maxNanos = d;
    }
    long us = d / 1000;
    if (us < BUCKETS) {
      hist[(int) us]++;
    } else {
      over++;
    }
    if (d > STALL_NANOS && stalls < MAX_STALLS) {
      stallAt[stalls] = t0 - recordStart;
      stallNanos[stalls++] = d;
    }
  }

  private int next() throws IOException {
    if (pos == lim) {
      lim = in.read(buf, 0, buf.length);
      pos = 0;
      if (lim <= 0) {
        throw new IOException("Redis closed the connection");
      }
    }
    return buf[pos++];
  }

  /** Reads one reply: a bulk string is the value, $-1 (nil) a missing key, -ERR an error. */
  private void readReply() throws IOException {
    int type = next();
    long n = 0;
    boolean negative = false;
    if (type == '$') {
      int c = next();
      if (c == '-') {
        negative = true;
        c = next();
      }
      while (c != '\r') {
        n = n * 10 + (c - '0');
        c = next();
      }
      next(); // \n
      if (negative) {
        missing++;
        return;
      }
      long skip = n + 2;
      while (skip > 0) {
        if (pos == lim) {
          next();
          pos--;
        }
        int take = (int) Math.min(skip, lim - pos);
        pos += take;
        skip -= take;
      }
    } else {
      if (type == '-') {
        errors++;
      }
      int c = next();
      while (c != '\n') {
        c = next();
      }
    }
  }

  /** The smallest latency (upper edge of its 1 us bucket) at or below which fraction q of the round trips fall. */
  private double percentileMs(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * count);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += hist[i];
      if (seen >= rank) {
        return Math.min((i + 1) / 1000.0, maxNanos / 1e6);
      }
    }
    return maxNanos / 1e6;
  }

  private long countOver(long micros) {
    long n = over;
    for (int i = (int) Math.min(micros, BUCKETS); i < BUCKETS; i++) {
      n += hist[i];
    }
    return n;
  }

  private String json() {
    double seconds = (System.nanoTime() - recordStart) / 1e9;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "{\"samples\":%d,\"seconds\":%.3f,\"meanMs\":%.4f,\"p50Ms\":%.3f,\"p90Ms\":%.3f,\"p99Ms\":%.3f,"
                + "\"p999Ms\":%.3f,\"p9999Ms\":%.3f,\"maxMs\":%.3f,\"over1ms\":%d,\"over2ms\":%d,\"over20ms\":%d,"
                + "\"missing\":%d,\"errors\":%d,\"hist\":\"",
            count,
            seconds,
            count == 0 ? 0 : sumNanos / 1e6 / count,
            percentileMs(0.50),
            percentileMs(0.90),
            percentileMs(0.99),
            percentileMs(0.999),
            percentileMs(0.9999),
            maxNanos / 1e6,
            countOver(1000),
            countOver(2000),
            countOver(20000),
            missing,
            errors));
    // The histogram itself, sparse ("us:count,..."), so runs can be pooled exactly.
    boolean first = true;
    for (int i = 0; i < BUCKETS; i++) {
      if (hist[i] != 0) {
        s.append(first ? "" : ",").append(i).append(':').append(hist[i]);
        first = false;
      }
    }
    if (over > 0) {
      s.append(first ? "" : ",").append(BUCKETS).append(':').append(over);
    }
    s.append("\",\"stalls\":[");
    for (int i = 0; i < stalls; i++) {
      s.append(i == 0 ? "" : ",")
          .append(String.format(Locale.ROOT, "[%.3f,%.3f]", stallAt[i] / 1e9, stallNanos[i] / 1e6));
    }
    s.append("]}");
    return s.toString();
  }
}
