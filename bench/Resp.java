package bench;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A minimal RESP client for the harness's own commands to the server under test. */
final class Resp implements Closeable {
  final Socket s;
  final InputStream in;
  final OutputStream o;

  Resp(int port) throws IOException {
    s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    in = new BufferedInputStream(s.getInputStream(), 1 << 16);
    o = s.getOutputStream();
  }

  Object call(String... args) throws IOException {
    StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      b.append('$')
          .append(a.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n")
          .append(a)
          .append("\r\n");
    }
    o.write(b.toString().getBytes(StandardCharsets.UTF_8));
    o.flush();
    return read();
  }

  Object read() throws IOException {
    int t = in.read();
    String line = line();
    switch (t) {
      case '+':
        return line;
      case '-':
        throw new IOException("Redis error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int n = Integer.parseInt(line);
          if (n < 0) {
            return null;
          }
          byte[] d = in.readNBytes(n + 2);
          return new String(d, 0, n, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int n = Integer.parseInt(line);
          List<Object> l = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            l.add(read());
          }
          return l;
        }
      default:
        throw new IOException("unexpected RESP type " + t);
    }
  }

  String line() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\r'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      b.append((char) c);
    }
    in.read();
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    s.close();
  }
}
