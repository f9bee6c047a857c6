package dev.cacheflush.config;

import java.nio.file.Path;

/**
 * The credentials, TLS and IAM settings one source gives; null means "this source says nothing".
 * Only the environment and flags give them: secrets do not belong in the checked-in cacheflush.yml,
 * and certificate paths differ from machine to machine.
 */
public record AccessLayer(
    String username,
    String password,
    Path tlsCa,
    TlsSettings.Verify tlsVerify,
    Path tlsCert,
    Path tlsKey,
    Boolean iam,
    String iamUser,
    String iamCacheName,
    Boolean iamServerless,
    String region) {

  public static final AccessLayer EMPTY =
      new AccessLayer(null, null, null, null, null, null, null, null, null, null, null);

  /** This layer with every value the higher layer gives replaced by that value. */
  public AccessLayer overriddenBy(AccessLayer higher) {
    return new AccessLayer(
        pick(higher.username, username),
        pick(higher.password, password),
        pick(higher.tlsCa, tlsCa),
        pick(higher.tlsVerify, tlsVerify),
        pick(higher.tlsCert, tlsCert),
        pick(higher.tlsKey, tlsKey),
        pick(higher.iam, iam),
        pick(higher.iamUser, iamUser),
        pick(higher.iamCacheName, iamCacheName),
        pick(higher.iamServerless, iamServerless),
        pick(higher.region, region));
  }

  /** Whether any IAM detail is given, which only makes sense together with --iam. */
  boolean hasIamDetails() {
    return iamUser != null || iamCacheName != null || iamServerless != null;
  }

  boolean hasTlsDetails() {
    return tlsCa != null || tlsVerify != null || tlsCert != null || tlsKey != null;
  }

  private static <T> T pick(T higher, T lower) {
    return higher != null ? higher : lower;
  }
}
