package dev.cacheflush.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cacheflush.support.AwsCredentialsStub;
import dev.cacheflush.support.CloudWatchStub;
import dev.cacheflush.support.JarRun;
import dev.cacheflush.support.RedisServer;
import dev.cacheflush.support.RedisServers;
import dev.cacheflush.support.TestCertificates;
import dev.cacheflush.support.TlsClientAuth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credentials engineers have, for --iam and for CloudWatch (the sink and the dashboard), each
 * served offline by a loopback stand-in through the endpoint overrides the AWS SDK honours. Each
 * provider's stand-in hands out its own access key id, so the CloudWatch signature and the key id
 * that signed the IAM token name the provider that was used, and the stand-in saw its request.
 */
class AwsCredentialsIT {
  static final String REGION = "eu-west-1";
  static CloudWatchStub cloudWatch;
  static AwsCredentialsStub aws;
  static RedisServer redis;

  @TempDir Path home;
  Map<String, String> env;

  @BeforeAll
  static void start() {
    cloudWatch = new CloudWatchStub();
    aws = new AwsCredentialsStub();
    redis = RedisServers.tls(TlsClientAuth.NONE);
    // Redis cannot check a SigV4 token: the user takes any, and the run says which key signed it.
    redis.call("ACL", "SETUSER", "iam-flusher", "reset", "on", "nopass", "~*", "+@all");
  }

  @AfterAll
  static void stop() {
    cloudWatch.close();
    aws.close();
    redis.close();
  }

  /** A machine with no AWS settings at all, and no instance metadata to fall back on. */
  @BeforeEach
  void emptyMachine() {
    env =
        new HashMap<>(
            Map.of(
                "PATH",
                "/usr/bin:/bin",
                "HOME",
                home.toString(),
                "AWS_REGION",
                REGION,
                "AWS_EC2_METADATA_DISABLED",
                "true"));
    cloudWatch.reset();
  }

  @Test
  void staticKeysFromTheEnvironmentShouldSignTheTokenAndCloudWatch() {
    env.put("AWS_ACCESS_KEY_ID", "AKIASTUBSTATICKEYS");
    env.put("AWS_SECRET_ACCESS_KEY", "static-secret");
    assertSignedWith("AKIASTUBSTATICKEYS");

    // The dashboard's client is built the same way as the sink's (CloudWatchClients).
    cloudWatch.reset();
    JarRun dashboard =
        JarRun.start(
            home,
            env,
            "dashboard",
            "--apply",
            "--metrics-endpoint",
            cloudWatch.endpoint(),
            "--cache-cluster-id",
            "my-cache-001",
            "--dashboard-name",
            "rollout");
    assertThat(waitFor(dashboard)).as(dashboard.err()).isZero();
    assertCloudWatchSignedWith("AKIASTUBSTATICKEYS", "PutDashboard");
  }

  @Test
  void ssoProfileShouldSignWithTheRoleCredentialsOfIamIdentityCenter() throws Exception {
    Path cache = Files.createDirectories(home.resolve(".aws/sso/cache"));
    Files.writeString(
        home.resolve(".aws/config"),
        """
        [profile engineer]
        sso_session = corp
        sso_account_id = 123456789012
        sso_role_name = CacheFlusher
        region = eu-west-1

        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = eu-west-1
        sso_registration_scopes = sso:account:access
        """);
    // What `aws sso login` caches, under the SHA-1 of the session's name.
    String cacheName =
        HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-1")
                        .digest("corp".getBytes(StandardCharsets.UTF_8)))
            + ".json";
    Files.writeString(
        cache.resolve(cacheName),
        "{\"startUrl\":\"https://corp.awsapps.com/start\","
            + "\"region\":\"eu-west-1\",\"accessToken\":\""
            + AwsCredentialsStub.SSO_TOKEN
            + "\","
            + "\"expiresAt\":\"2099-01-01T00:00:00Z\",\"clientId\":\"client\",\"clientSecret\":\"client-secret\","
            + "\"registrationExpiresAt\":\"2099-01-01T00:00:00Z\","
            + "\"refreshToken\":\"refresh\"}");
    env.put("AWS_PROFILE", "engineer");
    env.put("AWS_ENDPOINT_URL_SSO", aws.endpoint());
    assertSignedWith(AwsCredentialsStub.SSO_KEY);
    assertThat(aws.served()).contains("sso: account 123456789012 role CacheFlusher");
  }

  @Test
  void eksWebIdentityShouldSignWithTheRoleStsAssumedForTheServiceAccountToken() throws Exception {
    Path token =
        Files.writeString(home.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.service-account.signature");
    env.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
    env.put("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/cacheflush-irsa");
    env.put("AWS_ROLE_SESSION_NAME", "cacheflush");
    env.put("AWS_ENDPOINT_URL_STS", aws.endpoint());
    assertSignedWith(AwsCredentialsStub.WEB_IDENTITY_KEY);
    assertThat(aws.served())
        .contains(
            "sts: AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/cacheflush-irsa "
                + "token eyJhbGciOiJSUzI1NiJ9.service-account.signature");
  }

  @Test
  void eksPodIdentityShouldSignWithContainerCredentialsFetchedWithTheTokenFile() throws Exception {
    Path token =
        Files.writeString(
            home.resolve("eks-pod-identity-token"), AwsCredentialsStub.CONTAINER_TOKEN);
    env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", aws.endpoint() + "/container/v1/credentials");
    env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token.toString());
    assertSignedWith(AwsCredentialsStub.CONTAINER_KEY);
    assertThat(aws.served()).contains("container: /container/v1/credentials");
  }

  @Test
  void ecsTaskRoleShouldSignWithContainerCredentials() {
    env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", aws.endpoint() + "/container/ecs-task-role");
    env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", AwsCredentialsStub.CONTAINER_TOKEN);
    assertSignedWith(AwsCredentialsStub.CONTAINER_KEY);
    assertThat(aws.served()).contains("container: /container/ecs-task-role");
  }

  @Test
  void ec2InstanceProfileShouldSignWithInstanceMetadataCredentialsOverImdsV2() {
    env.remove("AWS_EC2_METADATA_DISABLED");
    env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", aws.endpoint());
    assertSignedWith(AwsCredentialsStub.INSTANCE_KEY);
    assertThat(aws.served())
        .contains("imds: token", "imds: credentials of " + AwsCredentialsStub.ROLE);
  }

  /** A flush with --iam and the CloudWatch sink, both signed with this key id; the stand-in for CloudWatch saw it. */
  private void assertSignedWith(String accessKeyId) {
    JarRun flush =
        JarRun.start(
            home,
            env,
            "flush",
            "--yes",
            "--redis-url",
            redis.tlsUrl(),
            "--tls-ca",
            TestCertificates.shared().caCert().toString(),
            "--iam",
            "--iam-user",
            "iam-flusher",
            "--iam-cache-name",
            "my-cache",
            "--region",
            REGION,
            "--retries",
            "0",
            "--sample-window",
            "0",
            "--metrics",
            "cloudwatch",
            "--metrics-endpoint",
            cloudWatch.endpoint(),
            "--verbose");
    assertThat(waitFor(flush)).as(flush.err()).isZero();
    assertThat(flush.err())
        .contains("Signing the ElastiCache IAM token with AWS credentials from ")
        .contains("(access key id " + accessKeyId + ")");
    assertCloudWatchSignedWith(accessKeyId, "PutMetricData");
    assertThat(aws.refused()).isEmpty();
  }

  private static void assertCloudWatchSignedWith(String accessKeyId, String action) {
    assertThat(cloudWatch.refused()).isEmpty();
    assertThat(cloudWatch.requests()).extracting(CloudWatchStub.Request::action).contains(action);
    assertThat(cloudWatch.requests())
        .allSatisfy(
            r ->
                assertThat(r.authorization())
                    .startsWith("AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/"));
  }

  private static int waitFor(JarRun run) {
    try {
      return run.waitFor(120);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
