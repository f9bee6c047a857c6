package dev.cacheflush.redis;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Says which TLS check failed and which flag changes it. The JDK reports a failed certificate
 * check deep in a cause chain, in words (PKIX, subject alternative names) that do not lead to
 * the fix; these are the cases people meet with Redis and ElastiCache.
 */
final class TlsFailures {
  private TlsFailures() {}

  /** One explanation for a TLS failure, or null if {@code failure} is not one. */
  static String explain(Throwable failure) {
    String check = failedCheck(failure);
    if (check != null) {
      return check;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return "the TLS handshake failed ("
            + firstLine(failure)
            + "): check that the server speaks TLS and that "
            + "--tls-ca, --tls-cert and --tls-key are the right files";
      }
    }
    return null;
  }

  /**
   * Whether a certificate or protocol check failed, which fails the same way on the next attempt
   * (unlike a handshake cut short by the network).
   */
  static boolean isPermanent(Throwable failure) {
    return failedCheck(failure) != null;
  }

  private static String failedCheck(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      String lower = m.toLowerCase(Locale.ROOT);
      if (t instanceof CertificateExpiredException
          || t instanceof CertificateNotYetValidException
          || lower.contains("validity check failed")) {
        return "the server's certificate is outside its validity period (the validity check of --tls-verify full or ca):"
            + " renew the certificate; --tls-verify none skips all checks, for tests only";
      }
      if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
        return "the server's certificate does not name the address connected to ("
            + m
            + ") (the host name check of "
            + "--tls-verify full): connect by a name the certificate lists, or pass --tls-verify ca to check the CA "
            + "chain only, as ElastiCache cluster nodes announce IP addresses";
      }
      if (lower.contains("pkix path")
          || lower.contains("unable to find valid certification path")
          || lower.contains("signature check failed")) {
        return "the server's certificate is not signed by a trusted CA (the chain check of --tls-verify full or ca): pass"
            + " the PEM file of the CA that signed it with --tls-ca; --tls-verify none skips all checks, for tests only";
      }
      if (lower.contains("certificate_required")
          || lower.contains("bad_certificate")
          || lower.contains("unknown_ca")
          || lower.contains("certificate_unknown")) {
        return "the server refused the client certificate ("
            + alert(m)
            + "): it requires one signed by a CA it trusts;"
            + " pass it with --tls-cert and --tls-key";
      }
      if (lower.contains("not an ssl/tls record")) {
        return "the server does not speak TLS on this port: use redis:// instead of rediss://";
      }
    }
    return null;
  }

  private static String alert(String message) {
    int at = message.indexOf("alert: ");
    return at >= 0 ? "TLS alert " + message.substring(at + "alert: ".length()) : message;
  }

  private static String firstLine(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = String.valueOf(root.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
