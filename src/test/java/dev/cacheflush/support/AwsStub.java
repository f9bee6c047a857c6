package dev.cacheflush.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A stand-in for the two AWS APIs the runbook calls with the aws CLI, on a loopback port (the CLI's
 * {@code --endpoint-url}), decoding what the CLI really sends:
 *
 * <ul>
 *   <li>Route53 (REST-XML): {@code ChangeResourceRecordSets}, whose XML body is read element by
 *       element and checked against the API's shape (an unknown element, a missing one, a weight
 *       out of 0-255 or a change of another action is refused with Route53's {@code InvalidInput},
 *       so the CLI fails); and {@code GetChange}, answered {@code INSYNC}, for the waiter.
 *   <li>ElastiCache (AWS Query, form-encoded): {@code CreateUser} and {@code ModifyUserGroup}.
 * </ul>
 *
 * Everything received is recorded; anything else is refused and recorded as such.
 */
public final class AwsStub implements AutoCloseable {
  /** One record set of a change. */
  public record RecordSet(
      String action,
      String name,
      String type,
      String setIdentifier,
      int weight,
      long ttl,
      List<String> values) {}

  public record Route53Change(String hostedZoneId, String comment, List<RecordSet> changes) {}

  private static final Pattern CHANGE_RRSETS =
      Pattern.compile("/2013-04-01/hostedzone/([^/]+)/rrset/?");
  private static final Pattern GET_CHANGE = Pattern.compile("/2013-04-01/change/([^/]+)");
  private static final String ROUTE53_NS = "https://route53.amazonaws.com/doc/2013-04-01/";
  private static final String ELASTICACHE_NS = "http://elasticache.amazonaws.com/doc/2015-02-02/";

  private final HttpServer server;
  private final List<Route53Change> changes = new CopyOnWriteArrayList<>();
  private final List<String> changeIdsAsked = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> elastiCache = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final AtomicInteger changeIds = new AtomicInteger();
  private final AtomicInteger requestIds = new AtomicInteger();

  public AwsStub() {
    server = LoopbackHttp.start(this::handle);
  }

  public String endpoint() {
    return LoopbackHttp.endpoint(server);
  }

  public List<Route53Change> route53Changes() {
    return List.copyOf(changes);
  }

  /** The change ids GetChange was asked about, as the waiter polls. */
  public List<String> changeIdsAsked() {
    return List.copyOf(changeIdsAsked);
  }

  /** ElastiCache requests as their decoded form parameters, {@code Action} included. */
  public List<Map<String, String>> elastiCacheRequests() {
    return List.copyOf(elastiCache);
  }

  /** Requests refused, each as "METHOD path: why". */
  public List<String> refused() {
    return List.copyOf(refused);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    byte[] body = exchange.getRequestBody().readAllBytes();
    String method = exchange.getRequestMethod();
    try {
      Matcher rrsets = CHANGE_RRSETS.matcher(path);
      Matcher change = GET_CHANGE.matcher(path);
      if (method.equals("POST") && rrsets.matches()) {
        String id = "C" + String.format("%08d", changeIds.incrementAndGet());
        changes.add(parseChangeBatch(rrsets.group(1), body));
        reply(
            exchange,
            200,
            "<?xml version=\"1.0\"?>\n<ChangeResourceRecordSetsResponse xmlns=\""
                + ROUTE53_NS
                + "\">"
                + changeInfo(id, "PENDING")
                + "</ChangeResourceRecordSetsResponse>");
      } else if (method.equals("GET") && change.matches()) {
        changeIdsAsked.add(change.group(1));
        reply(
            exchange,
            200,
            "<?xml version=\"1.0\"?>\n<GetChangeResponse xmlns=\""
                + ROUTE53_NS
                + "\">"
                + changeInfo(change.group(1), "INSYNC")
                + "</GetChangeResponse>");
      } else if (method.equals("POST") && path.equals("/")) {
        elastiCache(exchange, LoopbackHttp.form(new String(body, StandardCharsets.UTF_8)));
      } else {
        throw new InvalidInput("no such operation in this stand-in");
      }
    } catch (InvalidInput | NumberFormatException e) {
      refused.add(method + " " + path + ": " + e.getMessage());
      reply(
          exchange,
          400,
          "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\""
              + ROUTE53_NS
              + "\"><Error><Type>Sender"
              + "</Type><Code>InvalidInput</Code><Message>"
              + escape(e.getMessage())
              + "</Message></Error><RequestId>"
              + "stub</RequestId></ErrorResponse>");
    }
  }

  private void elastiCache(HttpExchange exchange, Map<String, String> params) throws IOException {
    String action = params.getOrDefault("Action", "");
    String result =
        switch (action) {
          case "CreateUser" ->
              "<UserId>"
                  + escape(require(params, "UserId"))
                  + "</UserId><UserName>"
                  + escape(require(params, "UserName"))
                  + "</UserName><Status>active</Status><Engine>"
                  + escape(require(params, "Engine"))
                  + "</Engine><AccessString>"
                  + escape(require(params, "AccessString"))
                  + "</AccessString>";
          case "ModifyUserGroup" ->
              "<UserGroupId>"
                  + escape(require(params, "UserGroupId"))
                  + "</UserGroupId><Status>modifying</Status>";
          default ->
              throw new InvalidInput("ElastiCache action '" + action + "' is not in this stand-in");
        };
    elastiCache.add(params);
    reply(
        exchange,
        200,
        "<"
            + action
            + "Response xmlns=\""
            + ELASTICACHE_NS
            + "\"><"
            + action
            + "Result>"
            + result
            + "</"
            + action
            + "Result><ResponseMetadata><RequestId>stub-"
            + requestIds.incrementAndGet()
            + "</RequestId></ResponseMetadata></"
            + action
            + "Response>");
  }

  /** Reads a ChangeResourceRecordSetsRequest as Route53 does, refusing what Route53 would refuse. */
  static Route53Change parseChangeBatch(String zone, byte[] body) {
    Element root = xml(body).getDocumentElement();
    expect(root, "ChangeResourceRecordSetsRequest");
    Element batch = only(root, "ChangeBatch");
    allowOnly(batch, "Comment", "Changes");
    List<RecordSet> sets = new ArrayList<>();
    for (Element change : children(only(batch, "Changes"), "Change")) {
      allowOnly(change, "Action", "ResourceRecordSet");
      String action = text(only(change, "Action"));
      if (!List.of("CREATE", "DELETE", "UPSERT").contains(action)) {
        throw new InvalidInput("Action '" + action + "' is not CREATE, DELETE or UPSERT");
      }
      Element set = only(change, "ResourceRecordSet");
      allowOnly(set, "Name", "Type", "SetIdentifier", "Weight", "TTL", "ResourceRecords");
      int weight = Integer.parseInt(text(only(set, "Weight")));
      if (weight < 0 || weight > 255) {
        throw new InvalidInput("Weight " + weight + " is not within 0-255");
      }
      List<String> values = new ArrayList<>();
      for (Element record : children(only(set, "ResourceRecords"), "ResourceRecord")) {
        values.add(text(only(record, "Value")));
      }
      if (values.isEmpty()) {
        throw new InvalidInput("ResourceRecords is empty");
      }
      sets.add(
          new RecordSet(
              action,
              text(only(set, "Name")),
              text(only(set, "Type")),
              text(only(set, "SetIdentifier")),
              weight,
              Long.parseLong(text(only(set, "TTL"))),
              values));
    }
    if (sets.isEmpty()) {
      throw new InvalidInput("ChangeBatch has no Change");
    }
    List<Element> comment = children(batch, "Comment");
    return new Route53Change(zone, comment.isEmpty() ? null : text(comment.get(0)), sets);
  }

  private static Document xml(byte[] body) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    } catch (SAXException | IOException | javax.xml.parsers.ParserConfigurationException e) {
      throw new InvalidInput("the body is not XML: " + e.getMessage());
    }
  }

  private static void expect(Element e, String name) {
    if (!e.getLocalName().equals(name) || !ROUTE53_NS.equals(e.getNamespaceURI())) {
      throw new InvalidInput("expected " + name + " in " + ROUTE53_NS + ", got " + e.getTagName());
    }
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getLocalName().equals(name)) {
        found.add(e);
      }
    }
    return found;
  }

  private static Element only(Element parent, String name) {
    List<Element> found = children(parent, name);
    if (found.size() != 1) {
      throw new InvalidInput(
          parent.getLocalName() + " needs exactly one " + name + ", has " + found.size());
    }
    return found.get(0);
  }

  private static void allowOnly(Element parent, String... names) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && !List.of(names).contains(e.getLocalName())) {
        throw new InvalidInput(
            parent.getLocalName() + " has an unexpected element " + e.getLocalName());
      }
    }
  }

  private static String text(Element e) {
    return e.getTextContent().strip();
  }

  private static String require(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      throw new InvalidInput(name + " is missing");
    }
    return value;
  }

  private static String changeInfo(String id, String status) {
    return "<ChangeInfo><Id>/change/"
        + id
        + "</Id><Status>"
        + status
        + "</Status><SubmittedAt>"
        + Instant.now()
        + "</SubmittedAt></ChangeInfo>";
  }

  private static void reply(HttpExchange exchange, int status, String xml) throws IOException {
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/xml");
    exchange.getResponseHeaders().set("x-amzn-RequestId", "stub");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static final class InvalidInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidInput(String message) {
      super(message);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
