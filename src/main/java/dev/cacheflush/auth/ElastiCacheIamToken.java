package dev.cacheflush.auth;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.IamSettings;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * ElastiCache IAM authentication tokens: the SigV4-presigned request {@code GET
 * http://<cache>/?Action=connect&User=<user>} (plus {@code ResourceType=ServerlessCache} for a
 * serverless cache) for the service {@code elasticache}, without its {@code http://}, used as the
 * password of AUTH. ElastiCache accepts a token for 15 minutes and checks it only when the
 * connection authenticates, so every connection attempt signs a new one.
 */
public final class ElastiCacheIamToken implements AutoCloseable {
  /** The longest life ElastiCache accepts. */
  static final Duration LIFETIME = Duration.ofMinutes(15);

  private static final String SERVICE = "elasticache";
  private static final Logger log = LoggerFactory.getLogger(ElastiCacheIamToken.class);

  private final IamSettings settings;
  private final String region;
  private final AwsCredentialsProvider credentials;
  private final Clock clock;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  public ElastiCacheIamToken(
      IamSettings settings, String region, AwsCredentialsProvider credentials, Clock clock) {
    this.settings = settings;
    this.region = region;
    this.credentials = credentials;
    this.clock = clock;
  }

  /**
   * Tokens signed with the AWS SDK's default credentials chain (environment, profile, container or
   * instance role) in the region given, or else the one the SDK finds.
   */
  public static ElastiCacheIamToken fromDefaultChain(IamSettings settings) {
    String region = settings.region();
    if (region == null) {
      try {
        region = DefaultAwsRegionProviderChain.builder().build().getRegion().id();
      } catch (SdkClientException e) {
        throw new CacheflushException(
            ExitCode.USAGE, "No AWS region for the IAM token: pass --region or set AWS_REGION");
      }
    }
    return new ElastiCacheIamToken(
        settings, region, DefaultCredentialsProvider.builder().build(), Clock.systemUTC());
  }

  /** Stops the credential provider's background refresh, if it has one. */
  @Override
  public void close() {
    if (credentials instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // Nothing is left to do with credentials at the end of a run.
      }
    }
  }

  public String user() {
    return settings.user();
  }

  /** A freshly signed token; a secret, like a password. */
  public String token() {
    AwsCredentialsIdentity identity;
    try {
      identity = credentials.resolveCredentials();
    } catch (SdkClientException e) {
      throw new CacheflushException(
          ExitCode.USAGE,
          "No AWS credentials to sign the ElastiCache IAM token (--iam): set "
              + "AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an instance or task role",
          e);
    }
    // Which of the engineer's credentials signed it (SSO, web identity, task role...): the key id
    // is no secret.
    log.debug(
        "Signing the ElastiCache IAM token with AWS credentials from {} (access key id {})",
        identity.providerName().orElse("an unnamed provider"),
        identity.accessKeyId());
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .protocol("http")
            .host(settings.cacheName())
            .encodedPath("/")
            .putRawQueryParameter("Action", "connect")
            .putRawQueryParameter("User", settings.user());
    if (settings.serverless()) {
      request.putRawQueryParameter("ResourceType", "ServerlessCache");
    }
    SdkHttpRequest signed =
        signer
            .sign(
                r ->
                    r.identity(identity)
                        .request(request.build())
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(
                            AwsV4FamilyHttpSigner.AUTH_LOCATION,
                            AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, LIFETIME)
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock))
            .request();
    return signed.getUri().toString().substring("http://".length());
  }
}
