package dev.cacheflush.cli;

import dev.cacheflush.config.ConfigException;
import dev.cacheflush.config.MetricsSettings;
import dev.cacheflush.config.SettingsLayer;
import dev.cacheflush.config.SettingsResolver;
import dev.cacheflush.metrics.CloudWatchClients;
import dev.cacheflush.metrics.Dashboard;
import dev.cacheflush.metrics.DashboardPublisher;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    versionProvider = CacheflushCommand.Version.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:printed, or saved with --apply",
      "1:CloudWatch refused the dashboard",
      "2:usage or configuration error (no region, no AWS credentials)"
    },
    description = {
      "Print a CloudWatch dashboard of cacheflush's metrics beside ElastiCache's and RDS's; --apply saves it.",
      "The tool's metrics (every Target and Stage) sit beside CacheHitRate, EngineCPUUtilization and CurrItems of "
          + "the given cache clusters and ReadLatency/WriteLatency of the given DB instances."
    })
final class DashboardCommand implements Callable<Integer> {
  @Option(
      names = "--cache-cluster-id",
      paramLabel = "ID",
      description = "ElastiCache cache cluster (node) to show, e.g. my-redis-001; repeatable.")
  List<String> cacheClusterIds = List.of();

  @Option(
      names = "--db-instance-id",
      paramLabel = "ID",
      description = "RDS DB instance to show; repeatable.")
  List<String> dbInstanceIds = List.of();

  @Mixin CloudWatchOptions cloudWatch;
  @Mixin RegionOption region;
  @Mixin ConfigOption config;

  @Option(
      names = "--apply",
      description = "Save the dashboard in CloudWatch instead of printing it.")
  boolean apply;

  @Option(
      names = "--dashboard-name",
      paramLabel = "NAME",
      defaultValue = "cacheflush",
      description = "Name to save it under. Default: ${DEFAULT-VALUE}.")
  String name;

  private final CliContext context;

  DashboardCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Logging.configure(false, false, Logging.format(null, context.env()));
    // The namespace the flushes publish to, from the same sources they read it from.
    SettingsLayer merged =
        SettingsResolver.merge(
            SettingsLayer.builder().metricsNamespace(cloudWatch.namespace).build(),
            context.env(),
            config.config,
            context.workingDirectory());
    MetricsSettings settings =
        MetricsSettings.of(
            MetricsSettings.Sink.cloudwatch, merged.metricsNamespace(), cloudWatch.endpoint, null);
    for (String id : Stream.concat(cacheClusterIds.stream(), dbInstanceIds.stream()).toList()) {
      if (!id.matches("[A-Za-z0-9-]{1,255}")) {
        throw new ConfigException(
            "'" + id + "' is not an ElastiCache or RDS identifier (letters, digits, hyphens)");
      }
    }
    if (!name.matches("[A-Za-z0-9_-]{1,255}")) {
      throw new ConfigException(
          "--dashboard-name '" + name + "' may only hold letters, digits, - and _");
    }
    if (cloudWatch.endpoint != null && !apply) {
      throw new ConfigException("--metrics-endpoint only applies with --apply");
    }
    String regionName = CloudWatchClients.region(region.region).id();
    String body =
        new Dashboard(settings.namespace(), regionName, cacheClusterIds, dbInstanceIds).body();
    if (!apply) {
      context.out().println(body);
      return 0;
    }
    for (String warning : DashboardPublisher.put(settings.endpoint(), regionName, name, body)) {
      context.err().println("cacheflush: CloudWatch: " + warning);
    }
    context.out().println("Dashboard '" + name + "' saved in " + regionName);
    return 0;
  }
}
