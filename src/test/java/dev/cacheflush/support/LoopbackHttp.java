package dev.cacheflush.support;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** An HTTP server on a free loopback port, for the stand-ins of AWS endpoints. */
final class LoopbackHttp {
  private LoopbackHttp() {}

  static HttpServer start(HttpHandler handler) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", handler);
    server.start();
    return server;
  }

  static String endpoint(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }
}
