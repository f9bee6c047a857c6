package dev.cacheflush.support;

/** Redis's {@code tls-auth-clients}: must a TLS client present a certificate signed by the CA? */
public enum TlsClientAuth {
  /** Client certificates are required ({@code tls-auth-clients yes}, Redis's default). */
  REQUIRED("yes"),
  /** Client certificates are accepted and verified if presented, but not required. */
  OPTIONAL("optional"),
  /** Client certificates are neither requested nor verified. */
  NONE("no");

  private final String redisValue;

  TlsClientAuth(String redisValue) {
    this.redisValue = redisValue;
  }

  /** The value for {@code --tls-auth-clients}. */
  public String redisValue() {
    return redisValue;
  }
}
