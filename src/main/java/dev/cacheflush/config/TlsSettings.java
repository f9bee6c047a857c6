package dev.cacheflush.config;

import java.nio.file.Path;

/**
 * How a {@code rediss://} connection checks the server and proves who the client is.
 *
 * @param ca PEM file of the CA(s) to trust; null trusts the JVM's default CAs (enough for ElastiCache)
 * @param verify how much of the server's certificate is checked
 * @param cert PEM client certificate (chain), for servers that require one; null for none
 * @param key PEM private key (PKCS#8, unencrypted) of {@code cert}
 */
public record TlsSettings(Path ca, Verify verify, Path cert, Path key) {
  public enum Verify {
    /** The chain up to a trusted CA, and the host name or IP the client connected to. */
    FULL,
    /**
     * The chain only. ElastiCache cluster nodes announce IP addresses that their certificates do not
     * name, so a cluster over TLS needs this unless the client reaches the nodes by name.
     */
    CA,
    /** Nothing: encrypted but unauthenticated; for tests only. */
    NONE
  }

  public static final TlsSettings DEFAULT = new TlsSettings(null, Verify.FULL, null, null);
}
