package dev.cacheflush.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.config.IamSettings;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The token's shape, offline, with static credentials and a fixed clock; and its signature checked
 * by an independent SigV4 implementation written from the AWS specification, so a token the AWS
 * signer produced for the wrong host, service, scope or expiry cannot pass.
 */
class ElastiCacheIamTokenTest {
  private static final String KEY_ID = "AKIDEXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final Instant NOW = Instant.parse("2025-11-23T10:15:30Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void tokenShouldBeAPresignedConnectRequestForTheCacheValidFor900Seconds() throws Exception {
    String token =
        token(
            new IamSettings("cacheflush-iam", "prod-cache", "eu-west-1", false),
            StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, SECRET)));

    assertThat(token).startsWith("prod-cache/?").doesNotContain("http://").doesNotContain(SECRET);
    Map<String, String> query = query(token);
    assertThat(query)
        .containsEntry("Action", "connect")
        .containsEntry("User", "cacheflush-iam")
        .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
        .containsEntry("X-Amz-Credential", KEY_ID + "/20251123/eu-west-1/elasticache/aws4_request")
        .containsEntry("X-Amz-Date", "20251123T101530Z")
        .containsEntry("X-Amz-Expires", "900")
        .containsEntry("X-Amz-SignedHeaders", "host")
        .doesNotContainKey("ResourceType")
        .doesNotContainKey("X-Amz-Security-Token");
    assertThat(query.get("X-Amz-Signature"))
        .matches("[0-9a-f]{64}")
        .isEqualTo(expectedSignature(token, "eu-west-1", SECRET));
  }

  @Test
  void serverlessTokenShouldNameTheResourceTypeAndCarryTheSessionToken() throws Exception {
    String token =
        token(
            new IamSettings("app user", "my-serverless", "us-east-1", true),
            StaticCredentialsProvider.create(
                AwsSessionCredentials.create(KEY_ID, SECRET, "session/token+1=")));

    Map<String, String> query = query(token);
    assertThat(query)
        .containsEntry("ResourceType", "ServerlessCache")
        .containsEntry("User", "app user")
        .containsEntry("X-Amz-Security-Token", "session/token+1=")
        .containsEntry("X-Amz-Credential", KEY_ID + "/20251123/us-east-1/elasticache/aws4_request");
    assertThat(query.get("X-Amz-Signature"))
        .isEqualTo(expectedSignature(token, "us-east-1", SECRET));
  }

  @Test
  void everyCallShouldSignAgainAtTheCurrentTime() {
    IamSettings settings = new IamSettings("u", "c", "eu-west-1", false);
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, SECRET));
    String first = new ElastiCacheIamToken(settings, "eu-west-1", credentials, CLOCK).token();
    String later =
        new ElastiCacheIamToken(
                settings,
                "eu-west-1",
                credentials,
                Clock.fixed(NOW.plusSeconds(600), ZoneOffset.UTC))
            .token();

    assertThat(query(later).get("X-Amz-Date")).isEqualTo("20251123T102530Z");
    assertThat(later).isNotEqualTo(first);
  }

  @Test
  void missingCredentialsShouldBeOneClearLine() {
    IamSettings settings = new IamSettings("u", "c", "eu-west-1", false);
    ElastiCacheIamToken tokens =
        new ElastiCacheIamToken(
            settings,
            "eu-west-1",
            () -> {
              throw SdkClientException.create(
                  "Unable to load credentials from any of the providers in the chain");
            },
            CLOCK);

    assertThatThrownBy(tokens::token)
        .isInstanceOf(CacheflushException.class)
        .hasMessageStartingWith("No AWS credentials to sign the ElastiCache IAM token (--iam)")
        .hasMessageContaining("AWS_PROFILE");
  }

  private static String token(IamSettings settings, StaticCredentialsProvider credentials) {
    return new ElastiCacheIamToken(settings, settings.region(), credentials, CLOCK).token();
  }

  /** Parameters in the order they appear, decoded. */
  private static Map<String, String> query(String token) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : URI.create("http://" + token).getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
    }
    return params;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * SigV4 query-string signing, by the specification: canonical request (GET, path, sorted
   * URI-encoded query without the signature, the host header, the SHA-256 of the empty body), the
   * string to sign over the scope date/region/service, and the HMAC key chain from the secret.
   */
  private static String expectedSignature(String token, String region, String secret)
      throws Exception {
    URI uri = URI.create("http://" + token);
    TreeMap<String, String> sorted = new TreeMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(pair.substring(0, eq));
      if (!name.equals("X-Amz-Signature")) {
        sorted.put(encode(name), encode(decode(pair.substring(eq + 1))));
      }
    }
    StringBuilder canonicalQuery = new StringBuilder();
    sorted.forEach(
        (k, v) ->
            canonicalQuery
                .append(canonicalQuery.length() == 0 ? "" : "&")
                .append(k)
                .append('=')
                .append(v));
    String canonicalRequest =
        String.join(
            "\n", "GET", "/", canonicalQuery, "host:" + uri.getHost(), "", "host", hex(sha256("")));
    Map<String, String> q = query(token);
    String date = q.get("X-Amz-Date");
    String scope = date.substring(0, 8) + "/" + region + "/elasticache/aws4_request";
    String stringToSign =
        String.join("\n", "AWS4-HMAC-SHA256", date, scope, hex(sha256(canonicalRequest)));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date.substring(0, 8));
    key = hmac(key, region);
    key = hmac(key, "elasticache");
    key = hmac(key, "aws4_request");
    return hex(hmac(key, stringToSign));
  }

  /** RFC 3986 unreserved characters stay, everything else is %XX (uppercase), as SigV4 requires. */
  private static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || "-_.~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static byte[] sha256(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
