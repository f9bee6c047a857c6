package dev.cacheflush.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy on a loopback port that forwards nothing: it writes down the first line of every
 * request (e.g. {@code GET http://host/path HTTP/1.1}, {@code CONNECT host:443 HTTP/1.1}) and
 * closes the connection. Handed to a browser, it shows what a page would fetch, and keeps the
 * browser off the network whatever it tries.
 */
public final class RefusingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  public RefusingProxy() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::accept, "refusing-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** The request lines received so far. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void accept() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(2_000);
        String line =
            new BufferedReader(
                    new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1))
                .readLine();
        if (line != null) {
          requests.add(line);
        }
        s.getOutputStream()
            .write(
                "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        // a client that hung up, or the proxy closing: nothing to record
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      acceptor.join(2_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
