package dev.cacheflush.config;

import java.net.URI;
import java.net.URISyntaxException;

/** Where the run's metrics go, under which namespace, and the stage label they carry. */
public record MetricsSettings(Sink sink, String namespace, URI endpoint, String stage) {
  public enum Sink {
    none,
    cloudwatch,
    emf
  }

  public static final String DEFAULT_NAMESPACE = "Cacheflush";
  public static final String DEFAULT_STAGE = "none";
  public static final MetricsSettings NONE =
      new MetricsSettings(Sink.none, DEFAULT_NAMESPACE, null, DEFAULT_STAGE);

  public static MetricsSettings of(Sink sink, String namespace, String endpoint, String stage) {
    Sink s = sink != null ? sink : Sink.none;
    String ns = namespace != null ? namespace : DEFAULT_NAMESPACE;
    // CloudWatch's own limits, checked here so that a typo fails before the flush, not in a warning
    // after it.
    if (ns.isBlank()
        || ns.length() > 255
        || !ns.matches("[A-Za-z0-9.\\-_/#:]+")
        || ns.startsWith("AWS/")) {
      throw new ConfigException(
          "--metrics-namespace '"
              + ns
              + "' is not a CloudWatch namespace: use 1-255 of "
              + "letters, digits and . - _ / # : and do not start with AWS/");
    }
    String st = stage != null ? stage : DEFAULT_STAGE;
    if (st.isBlank() || st.length() > 255 || !st.matches("[\\x21-\\x7e]+")) {
      throw new ConfigException(
          "--stage '"
              + st
              + "' must be 1-255 printable ASCII characters without spaces, "
              + "e.g. canary-10");
    }
    URI uri = null;
    if (endpoint != null) {
      if (s != Sink.cloudwatch) {
        throw new ConfigException("--metrics-endpoint only applies with --metrics cloudwatch");
      }
      try {
        uri = new URI(endpoint);
      } catch (URISyntaxException e) {
        uri = null;
      }
      if (uri == null
          || uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new ConfigException(
            "--metrics-endpoint '"
                + endpoint
                + "' is not an http(s) URL, e.g. "
                + "https://monitoring.eu-west-1.amazonaws.com");
      }
    }
    return new MetricsSettings(s, ns, uri, st);
  }
}
