package dev.cacheflush.cli;

import dev.cacheflush.config.AccessLayer;
import dev.cacheflush.config.TlsSettings;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Who the run is to Redis, and how a TLS connection is checked. */
public final class AccessOptions {
  @Option(
      names = "--redis-username",
      paramLabel = "NAME",
      description = "ACL user. Default: $REDIS_USERNAME, else the user in the Redis URL.")
  String username;

  /** What picocli gives --redis-password without a value: no one types a NUL. */
  private static final String ASK = "\0ask";

  // Not picocli's interactive option: it prompts with the whole description, on stdout, and echoes
  // the password when stdout is not a terminal.
  @Option(
      names = "--redis-password",
      paramLabel = "PASSWORD",
      arity = "0..1",
      fallbackValue = ASK,
      description =
          "Password; without a value it is asked for on the terminal, unechoed. Prefer $REDIS_PASSWORD: a "
              + "value given here shows in the process list. Default: $REDIS_PASSWORD, else the password in the Redis URL.")
  String password;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description =
          "PEM file of the CA that signed the server's certificate (rediss:// only). Default: the JVM's CAs.")
  Path tlsCa;

  @Option(
      names = "--tls-verify",
      paramLabel = "MODE",
      description =
          "full: CA chain and host name; ca: CA chain only (ElastiCache cluster nodes announce IP addresses);"
              + " none: no checks, tests only. Default: full.")
  TlsSettings.Verify tlsVerify;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM client certificate, for servers that require one; with --tls-key.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM (PKCS#8) private key of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--iam",
      description =
          "Authenticate with ElastiCache IAM tokens signed with this machine's AWS credentials (rediss:// only).")
  Boolean iam;

  @Option(
      names = "--iam-user",
      paramLabel = "NAME",
      description =
          "The IAM-enabled ElastiCache user. Default: --redis-username, $REDIS_USERNAME or the URL's user.")
  String iamUser;

  @Option(
      names = "--iam-cache-name",
      paramLabel = "ID",
      description = "The replication group id, or the serverless cache name, the token is for.")
  String iamCacheName;

  @Option(names = "--iam-serverless", description = "The cache is ElastiCache Serverless.")
  Boolean iamServerless;

  @Mixin RegionOption region;

  AccessLayer layer() {
    return AccessLayer.builder()
        .username(username)
        .password(ASK.equals(password) ? PasswordPrompt.ask() : password)
        .tlsCa(tlsCa)
        .tlsVerify(tlsVerify)
        .tlsCert(tlsCert)
        .tlsKey(tlsKey)
        .iam(iam)
        .iamUser(iamUser)
        .iamCacheName(iamCacheName)
        .iamServerless(iamServerless)
        .region(region.region)
        .build();
  }
}
