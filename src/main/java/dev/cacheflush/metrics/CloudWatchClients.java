package dev.cacheflush.metrics;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.config.MetricsSettings;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;

/**
 * Builds the CloudWatch client: the SDK's default credential and region chains (environment,
 * system properties, profile, container, instance), an optional endpoint, and timeouts short
 * enough that an unreachable endpoint delays the run by seconds, not minutes.
 */
public final class CloudWatchClients {
  private CloudWatchClients() {}

  /** @param regionFlag the region a command's --region names, or null to use the chain */
  public static CloudWatchClient create(URI endpoint, String regionFlag) {
    CloudWatchClientBuilder builder =
        CloudWatchClient.builder()
            .region(region(regionFlag))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(10))
                    .build())
            .overrideConfiguration(
                o ->
                    o.apiCallAttemptTimeout(Duration.ofSeconds(10))
                        .apiCallTimeout(Duration.ofSeconds(30)));
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  public static CloudWatchClient create(MetricsSettings settings) {
    return create(settings.endpoint(), null);
  }

  /** The region named by a flag, else the SDK's chain; found before anything is touched, or a config error. */
  public static Region region(String flag) {
    if (flag != null) {
      if (!flag.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
        throw new ConfigException(
            "--region '" + flag + "' is not an AWS region name, e.g. eu-west-1");
      }
      return Region.of(flag);
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw new ConfigException(
          "CloudWatch needs an AWS region and none is configured: set AWS_REGION, or a region "
              + "in the AWS profile in use");
    }
  }
}
