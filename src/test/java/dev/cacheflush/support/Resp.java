package dev.cacheflush.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A tiny synchronous RESP2 client for admin commands in test support. It owns no threads and no
 * pools, so a dead server costs one connect timeout and nothing leaks. Replies: simple strings as
 * {@link String}, integers as {@link Long}, bulk strings as {@code byte[]}, arrays as {@link List},
 * nil as {@code null}; error replies throw {@link RedisErrorReply}.
 */
final class Resp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private Resp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
  }

  static Resp connect(int port, SSLContext tls, Duration timeout) {
    Socket socket = null;
    try {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      if (tls != null) {
        SSLSocket ssl =
            (SSLSocket) tls.getSocketFactory().createSocket(socket, "127.0.0.1", port, true);
        ssl.setSoTimeout((int) timeout.toMillis());
        ssl.startHandshake();
        socket = ssl;
      }
      return new Resp(socket);
    } catch (IOException e) {
      closeQuietly(socket);
      throw new UncheckedIOException(
          "cannot connect to 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  /** One command, one reply. Arguments are {@code byte[]} or anything whose toString() is the argument. */
  Object call(Object... args) {
    try {
      write(args);
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "command "
              + (args.length > 0 ? args[0] : "")
              + " failed on port "
              + socket.getPort()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private void write(Object[] args) throws IOException {
    out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (Object arg : args) {
      byte[] bytes =
          arg instanceof byte[] b ? b : String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
      out.write(
          ('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write('\r');
      out.write('\n');
    }
  }

  private Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed by server");
    }
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RedisErrorReply(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int length = Integer.parseInt(line);
          if (length < 0) {
            return null;
          }
          byte[] data = in.readNBytes(length);
          if (data.length < length) {
            throw new EOFException("truncated bulk string");
          }
          in.readNBytes(2);
          return data;
        }
      case '*':
        {
          int count = Integer.parseInt(line);
          if (count < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            try {
              items.add(read());
            } catch (RedisErrorReply nested) {
              items.add(nested);
            }
          }
          return items;
        }
      default:
        throw new IOException("unexpected RESP type byte " + (char) type);
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(32);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed mid-reply");
      }
      if (b == '\r') {
        in.read();
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
  }

  /** Bulk strings become Strings (UTF-8), recursively; everything else is returned as is. */
  static Object decode(Object reply) {
    if (reply instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (reply instanceof List<?> list) {
      List<Object> decoded = new ArrayList<>(list.size());
      for (Object item : list) {
        decoded.add(decode(item));
      }
      return decoded;
    }
    return reply;
  }

  @Override
  public void close() {
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
