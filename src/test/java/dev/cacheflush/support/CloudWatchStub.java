package dev.cacheflush.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for CloudWatch on a loopback port that decodes what the AWS SDK really sends, with no
 * SDK code of its own: the SDK pinned in pom.xml speaks the Smithy RPC v2 CBOR protocol to
 * CloudWatch ({@code POST /service/GraniteServiceVersion20100801/operation/PutMetricData}, a
 * {@code smithy-protocol: rpc-v2-cbor} header and a CBOR body) and gzips bodies of 10 KB and more.
 * A request in another protocol (the AWS Query protocol older SDKs spoke, or whatever comes next)
 * is refused and recorded, so a test fails saying so rather than passing on data it never read.
 */
public final class CloudWatchStub implements AutoCloseable {
  public record Datum(
      String name,
      String unit,
      double value,
      Instant timestamp,
      Map<String, String> dimensions,
      Integer storageResolution) {}

  /**
   * @param fields the body's top-level text fields (Namespace, DashboardName, DashboardBody)
   * @param bodyBytes the body as sent (compressed if gzipped)
   * @param decodedBytes the body after gunzip
   */
  public record Request(
      String action,
      Map<String, String> fields,
      List<Datum> data,
      boolean gzipped,
      int bodyBytes,
      int decodedBytes,
      String authorization,
      String contentType) {}

  private static final String PROTOCOL = "rpc-v2-cbor";
  private static final Pattern OPERATION =
      Pattern.compile("/service/GraniteServiceVersion20100801/operation/(\\w+)");
  private static final Set<String> DATUM_FIELDS =
      Set.of("MetricName", "Dimensions", "Timestamp", "Value", "Unit", "StorageResolution");
  private static final CBORMapper CBOR = new CBORMapper();

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

  /** Requests in a protocol or a shape the stub does not decode; a test expects none. */
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
      String protocol = exchange.getRequestHeaders().getFirst("smithy-protocol");
      Matcher operation = OPERATION.matcher(exchange.getRequestURI().getPath());
      if (!PROTOCOL.equals(protocol)
          || !operation.matches()
          || !exchange.getRequestMethod().equals("POST")) {
        refused.add(
            "not "
                + PROTOCOL
                + ": "
                + exchange.getRequestMethod()
                + " "
                + exchange.getRequestURI()
                + " smithy-protocol="
                + protocol
                + " Content-Type="
                + exchange.getRequestHeaders().getFirst("Content-Type"));
        respond(
            exchange,
            400,
            error("UnsupportedProtocol", "this stub decodes Smithy RPC v2 CBOR only"));
        return;
      }
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      boolean gzipped = encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip");
      byte[] body = gzipped ? gunzip(raw) : raw;
      String action = operation.group(1);
      JsonNode decoded = CBOR.readTree(body);
      List<Datum> data;
      try {
        data = "PutMetricData".equals(action) ? data(decoded.path("MetricData")) : List.of();
      } catch (IllegalArgumentException e) {
        refused.add(action + ": " + e.getMessage());
        respond(exchange, 400, error("InvalidParameterValue", e.getMessage()));
        return;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      decoded
          .fields()
          .forEachRemaining(
              f -> {
                if (f.getValue().isTextual()) {
                  fields.put(f.getKey(), f.getValue().asText());
                }
              });
      requests.add(
          new Request(
              action,
              fields,
              data,
              gzipped,
              raw.length,
              body.length,
              exchange.getRequestHeaders().getFirst("Authorization"),
              exchange.getRequestHeaders().getFirst("Content-Type")));
      if (failWith != 0) {
        respond(
            exchange,
            failWith,
            error(
                failWith >= 500 ? "InternalServiceError" : "InvalidParameterValue",
                "stub failure " + failWith));
      } else if ("PutDashboard".equals(action)) {
        ObjectNode result = CBOR.createObjectNode();
        var messages = result.putArray("DashboardValidationMessages");
        if (validationMessage != null) {
          messages.addObject().put("DataPath", "/widgets/0").put("Message", validationMessage);
        }
        respond(exchange, 200, result);
      } else {
        respond(exchange, 200, CBOR.createObjectNode());
      }
    }
  }

  /** Reads MetricData as CloudWatch's model has it; a field it does not have is refused. */
  private static List<Datum> data(JsonNode metricData) {
    if (!metricData.isArray()) {
      throw new IllegalArgumentException("MetricData is not a list");
    }
    List<Datum> data = new ArrayList<>();
    for (JsonNode d : metricData) {
      d.fieldNames()
          .forEachRemaining(
              name -> {
                if (!DATUM_FIELDS.contains(name)) {
                  throw new IllegalArgumentException("MetricDatum has no field " + name);
                }
              });
      Map<String, String> dimensions = new LinkedHashMap<>();
      for (JsonNode dim : d.path("Dimensions")) {
        dimensions.put(dim.get("Name").asText(), dim.get("Value").asText());
      }
      JsonNode time = d.get("Timestamp");
      JsonNode resolution = d.get("StorageResolution");
      data.add(
          new Datum(
              d.get("MetricName").asText(),
              text(d.get("Unit")),
              d.get("Value").asDouble(),
              time == null ? null : epochSeconds(time),
              dimensions,
              resolution == null ? null : resolution.asInt()));
    }
    return data;
  }

  /** A Smithy timestamp: epoch seconds (CBOR tag 1), an integer or a fraction. */
  private static Instant epochSeconds(JsonNode time) {
    if (!time.isNumber()) {
      throw new IllegalArgumentException("Timestamp is not epoch seconds: " + time);
    }
    BigDecimal seconds = time.decimalValue();
    return Instant.ofEpochSecond(
        seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
  }

  private static String text(JsonNode node) {
    return node == null ? null : node.asText();
  }

  private static byte[] gunzip(byte[] raw) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      return in.readAllBytes();
    }
  }

  private static JsonNode error(String code, String message) {
    return CBOR.createObjectNode()
        .put("__type", "com.amazonaws.cloudwatch#" + code)
        .put("message", message);
  }

  private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = CBOR.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/cbor");
    exchange.getResponseHeaders().set("smithy-protocol", PROTOCOL);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
