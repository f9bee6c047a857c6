package dev.cacheflush.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for CloudWatch on a loopback port that decodes what the AWS SDK really sends, with no
 * SDK code of its own: the SDK pinned in pom.xml speaks the AWS Query protocol to CloudWatch
 * (form-encoded {@code Action=PutMetricData&MetricData.member.1.MetricName=...}) and gzips bodies
 * of 10 KB and more. A request in another protocol (newer SDKs speak Smithy RPC v2 CBOR, marked by
 * a {@code smithy-protocol} header) is refused and recorded, so a test fails saying so rather than
 * passing on data it never read.
 */
public final class CloudWatchStub implements AutoCloseable {
  public record Datum(String name, String unit, double value, Instant timestamp, Map<String, String> dimensions,
      Integer storageResolution) {}

  /**
   * @param bodyBytes the body as sent (compressed if gzipped)
   * @param decodedBytes the body after gunzip
   */
  public record Request(String action, Map<String, String> params, List<Datum> data, boolean gzipped,
      int bodyBytes, int decodedBytes, String authorization, String contentType) {}

  private static final Pattern MEMBER = Pattern.compile("MetricData\\.member\\.(\\d+)\\.(.+)");
  private static final Pattern DIMENSION = Pattern.compile("Dimensions\\.member\\.(\\d+)\\.(Name|Value)");
  private static final String XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private volatile int failWith;
  private volatile String validationMessage;

  public CloudWatchStub() {
    server = LoopbackHttp.start(this::handle);
  }

  public String endpoint() {
    return LoopbackHttp.endpoint(server);
  }

  /** Answers every request with this HTTP status and a CloudWatch error body; 0 answers normally. */
  public void failWith(int status) {
    this.failWith = status;
  }

  /** PutDashboard answers with this validation message. */
  public void validationMessage(String message) {
    this.validationMessage = message;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests in a protocol the stub does not decode; a test expects none. */
  public List<String> refused() {
    return List.copyOf(refused);
  }

  public List<Datum> data() {
    return requests.stream().flatMap(r -> r.data().stream()).toList();
  }

  public void reset() {
    requests.clear();
    refused.clear();
    failWith = 0;
    validationMessage = null;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      String smithy = exchange.getRequestHeaders().getFirst("smithy-protocol");
      if (smithy != null) {
        refused.add("smithy-protocol: " + smithy + " at " + exchange.getRequestURI());
        respond(exchange, 400, error("Sender", "UnsupportedProtocol",
            "this stub decodes the AWS Query protocol; the SDK sent " + smithy));
        return;
      }
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      boolean gzipped = encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip");
      byte[] body = gzipped ? gunzip(raw) : raw;
      Map<String, String> params = form(new String(body, StandardCharsets.UTF_8));
      String action = params.get("Action");
      requests.add(new Request(action, params, "PutMetricData".equals(action) ? data(params) : List.of(), gzipped,
          raw.length, body.length, exchange.getRequestHeaders().getFirst("Authorization"),
          exchange.getRequestHeaders().getFirst("Content-Type")));
      if (failWith != 0) {
        respond(exchange, failWith, error(failWith >= 500 ? "Receiver" : "Sender",
            failWith >= 500 ? "InternalServiceError" : "InvalidParameterValue", "stub failure " + failWith));
      } else if ("PutDashboard".equals(action)) {
        String messages = validationMessage == null ? "<DashboardValidationMessages/>"
            : "<DashboardValidationMessages><member><DataPath>/widgets/0</DataPath><Message>" + validationMessage
                + "</Message></member></DashboardValidationMessages>";
        respond(exchange, 200, "<PutDashboardResponse xmlns=\"" + XMLNS + "\"><PutDashboardResult>" + messages
            + "</PutDashboardResult>" + metadata() + "</PutDashboardResponse>");
      } else {
        respond(exchange, 200, "<" + action + "Response xmlns=\"" + XMLNS + "\">" + metadata() + "</" + action
            + "Response>");
      }
    }
  }

  private static List<Datum> data(Map<String, String> params) {
    Map<Integer, Map<String, String>> members = new TreeMap<>();
    params.forEach((name, value) -> {
      Matcher m = MEMBER.matcher(name);
      if (m.matches()) {
        members.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new LinkedHashMap<>()).put(m.group(2), value);
      }
    });
    List<Datum> data = new ArrayList<>();
    for (Map<String, String> fields : members.values()) {
      Map<Integer, String[]> dims = new TreeMap<>();
      fields.forEach((field, value) -> {
        Matcher d = DIMENSION.matcher(field);
        if (d.matches()) {
          String[] pair = dims.computeIfAbsent(Integer.parseInt(d.group(1)), i -> new String[2]);
          pair["Name".equals(d.group(2)) ? 0 : 1] = value;
        }
      });
      Map<String, String> dimensions = new LinkedHashMap<>();
      dims.values().forEach(pair -> dimensions.put(pair[0], pair[1]));
      String resolution = fields.get("StorageResolution");
      data.add(new Datum(fields.get("MetricName"), fields.get("Unit"), Double.parseDouble(fields.get("Value")),
          fields.containsKey("Timestamp") ? Instant.parse(fields.get("Timestamp")) : null, dimensions,
          resolution == null ? null : Integer.valueOf(resolution)));
    }
    return data;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (params.put(name, value) != null) {
        throw new IllegalStateException("parameter " + name + " sent twice");
      }
    }
    return params;
  }

  private static byte[] gunzip(byte[] raw) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      return in.readAllBytes();
    }
  }

  private static String metadata() {
    return "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>";
  }

  private static String error(String type, String code, String message) {
    return "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>" + type + "</Type><Code>" + code + "</Code><Message>"
        + message + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
  }

  private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
