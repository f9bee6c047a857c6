package dev.cacheflush.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The services the AWS SDK's credential providers ask, on one loopback port, each answering what
 * the real one does and only to a request shaped as the SDK sends it (anything else is refused and
 * recorded). Each hands out its own access key id, so a signature names the provider it came from:
 *
 * <ul>
 *   <li>STS {@code AssumeRoleWithWebIdentity} (AWS Query, form-encoded; EKS IRSA), via
 *       {@code AWS_ENDPOINT_URL_STS}: {@link #WEB_IDENTITY_KEY}.
 *   <li>IAM Identity Center's portal {@code GET /federation/credentials} with the cached SSO token
 *       in {@code x-amz-sso_bearer_token}, via {@code AWS_ENDPOINT_URL_SSO}: {@link #SSO_KEY}.
 *   <li>The container credentials endpoint (ECS task roles, EKS Pod Identity) {@code GET
 *       /container/...} with the {@code Authorization} token, via
 *       {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}: {@link #CONTAINER_KEY}.
 *   <li>EC2 instance metadata, IMDSv2 (a PUT for the session token, then the role and its
 *       credentials), via {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}: {@link #INSTANCE_KEY}.
 * </ul>
 */
public final class AwsCredentialsStub implements AutoCloseable {
  public static final String WEB_IDENTITY_KEY = "ASIASTUBWEBIDENTITY";
  public static final String SSO_KEY = "ASIASTUBSSOPORTAL";
  public static final String CONTAINER_KEY = "ASIASTUBCONTAINER";
  public static final String INSTANCE_KEY = "ASIASTUBINSTANCE";
  public static final String ROLE = "cacheflush-role";

  /** The token the container endpoint expects in Authorization. */
  public static final String CONTAINER_TOKEN = "container-authorization-token";

  /** The access token an SSO login would have cached. */
  public static final String SSO_TOKEN = "cached-sso-access-token";

  private static final String IMDS_TOKEN = "imds-session-token";

  /** A request the stub answered, as "what: detail". */
  private final List<String> served = new CopyOnWriteArrayList<>();

  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  public AwsCredentialsStub() {
    server = LoopbackHttp.start(this::handle);
  }

  public String endpoint() {
    return LoopbackHttp.endpoint(server);
  }

  public List<String> served() {
    return List.copyOf(served);
  }

  public List<String> refused() {
    return List.copyOf(refused);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Instant expires = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
      if (method.equals("POST") && path.equals("/")) {
        Map<String, String> form = LoopbackHttp.form(body);
        if (!"AssumeRoleWithWebIdentity".equals(form.get("Action"))
            || form.get("WebIdentityToken") == null
            || form.get("RoleArn") == null) {
          refuse(exchange, "STS " + form);
          return;
        }
        served.add(
            "sts: AssumeRoleWithWebIdentity "
                + form.get("RoleArn")
                + " token "
                + form.get("WebIdentityToken"));
        respond(
            exchange,
            "text/xml",
            "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
                + "2011-06-15/\"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>"
                + WEB_IDENTITY_KEY
                + "</AccessKeyId><SecretAccessKey>web-identity-secret</SecretAccessKey><SessionToken>web-identity-session"
                + "</SessionToken><Expiration>"
                + expires
                + "</Expiration></Credentials><AssumedRoleUser><Arn>"
                + form.get("RoleArn")
                + "/session</Arn><AssumedRoleId>AROASTUB:session</AssumedRoleId></AssumedRoleUser>"
                + "<SubjectFromWebIdentityToken>system:serviceaccount:ops:cacheflush</SubjectFromWebIdentityToken>"
                + "</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata>"
                + "</AssumeRoleWithWebIdentityResponse>");
      } else if (method.equals("GET") && path.equals("/federation/credentials")) {
        Map<String, String> query = LoopbackHttp.form(exchange.getRequestURI().getRawQuery());
        if (!SSO_TOKEN.equals(exchange.getRequestHeaders().getFirst("x-amz-sso_bearer_token"))) {
          refuse(exchange, "SSO without the cached token " + query);
          return;
        }
        served.add("sso: account " + query.get("account_id") + " role " + query.get("role_name"));
        respond(
            exchange,
            "application/json",
            "{\"roleCredentials\":{\"accessKeyId\":\""
                + SSO_KEY
                + "\","
                + "\"secretAccessKey\":\"sso-secret\",\"sessionToken\":\"sso-session\",\"expiration\":"
                + expires.toEpochMilli()
                + "}}");
      } else if (method.equals("GET") && path.startsWith("/container/")) {
        if (!CONTAINER_TOKEN.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
          refuse(exchange, "container credentials without the authorization token");
          return;
        }
        served.add("container: " + path);
        respond(
            exchange,
            "application/json",
            "{\"AccessKeyId\":\""
                + CONTAINER_KEY
                + "\",\"SecretAccessKey\":"
                + "\"container-secret\",\"Token\":\"container-session\",\"Expiration\":\""
                + expires
                + "\"}");
      } else if (method.equals("PUT") && path.equals("/latest/api/token")) {
        if (exchange.getRequestHeaders().getFirst("x-aws-ec2-metadata-token-ttl-seconds") == null) {
          refuse(exchange, "IMDS token without a TTL");
          return;
        }
        served.add("imds: token");
        respond(exchange, "text/plain", IMDS_TOKEN);
      } else if (method.equals("GET")
          && path.startsWith("/latest/meta-data/iam/security-credentials/")) {
        if (!IMDS_TOKEN.equals(exchange.getRequestHeaders().getFirst("x-aws-ec2-metadata-token"))) {
          refuse(exchange, "IMDS without the session token (IMDSv1)");
          return;
        }
        String role = path.substring("/latest/meta-data/iam/security-credentials/".length());
        served.add("imds: " + (role.isEmpty() ? "role" : "credentials of " + role));
        respond(
            exchange,
            "text/plain",
            role.isEmpty()
                ? ROLE
                : "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\","
                    + "\"AccessKeyId\":\""
                    + INSTANCE_KEY
                    + "\",\"SecretAccessKey\":\"instance-secret\",\"Token\":"
                    + "\"instance-session\",\"Expiration\":\""
                    + expires
                    + "\",\"LastUpdated\":\""
                    + Instant.now()
                    + "\"}");
      } else {
        refuse(exchange, method + " " + exchange.getRequestURI());
      }
    }
  }

  private void refuse(HttpExchange exchange, String what) throws IOException {
    refused.add(what);
    byte[] bytes = "refused by the stand-in".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(400, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void respond(HttpExchange exchange, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
