package dev.cacheflush.metrics;

import dev.cacheflush.CacheflushException;
import dev.cacheflush.ExitCode;
import dev.cacheflush.config.ConfigException;
import java.net.URI;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DashboardValidationMessage;
import software.amazon.awssdk.services.cloudwatch.model.PutDashboardResponse;

/** Saves a dashboard with PutDashboard; here the call is the job, so its failure is an error, not a warning. */
public final class DashboardPublisher {
  private DashboardPublisher() {}

  /**
   * Saves the dashboard; returns CloudWatch's validation messages (warnings it was saved with), as lines.
   *
   * @param endpoint the endpoint to use instead of the region's, or null
   */
  public static List<String> put(URI endpoint, String region, String name, String body) {
    try (CloudWatchClient client = CloudWatchClients.create(endpoint, region)) {
      PutDashboardResponse response =
          client.putDashboard(b -> b.dashboardName(name).dashboardBody(body));
      return response.dashboardValidationMessages().stream().map(DashboardPublisher::line).toList();
    } catch (SdkException e) {
      if (String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
        // The SDK's message lists every provider of its chain and why each declined: 1,400
        // characters
        // that bury the one thing to do.
        throw new ConfigException(
            "CloudWatch needs AWS credentials and none were found: set AWS_PROFILE (after "
                + "'aws sso login'), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an instance or task role");
      }
      String message = String.valueOf(e.getMessage());
      int nl = message.indexOf('\n');
      throw new CacheflushException(
          ExitCode.FAILED,
          "CloudWatch did not save dashboard '"
              + name
              + "': "
              + (nl < 0 ? message : message.substring(0, nl)),
          e);
    }
  }

  private static String line(DashboardValidationMessage m) {
    return (m.dataPath() == null ? "" : m.dataPath() + ": ") + m.message();
  }
}
