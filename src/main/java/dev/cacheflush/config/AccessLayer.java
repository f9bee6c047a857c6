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

  public static final AccessLayer EMPTY = builder().build();

  public static Builder builder() {
    return new Builder();
  }

  /** This layer with every value the higher layer gives replaced by that value. */
  public AccessLayer overriddenBy(AccessLayer higher) {
    return Layers.merge(this, higher);
  }

  /** Whether any IAM detail is given, which only makes sense together with --iam. */
  boolean hasIamDetails() {
    return iamUser != null || iamCacheName != null || iamServerless != null;
  }

  boolean hasTlsDetails() {
    return tlsCa != null || tlsVerify != null || tlsCert != null || tlsKey != null;
  }

  /** Sets what one source says, by name; what it leaves unset stays null ("says nothing"). */
  public static final class Builder {
    private String username;
    private String password;
    private Path tlsCa;
    private TlsSettings.Verify tlsVerify;
    private Path tlsCert;
    private Path tlsKey;
    private Boolean iam;
    private String iamUser;
    private String iamCacheName;
    private Boolean iamServerless;
    private String region;

    private Builder() {}

    public Builder username(String value) {
      username = value;
      return this;
    }

    public Builder password(String value) {
      password = value;
      return this;
    }

    public Builder tlsCa(Path value) {
      tlsCa = value;
      return this;
    }

    public Builder tlsVerify(TlsSettings.Verify value) {
      tlsVerify = value;
      return this;
    }

    public Builder tlsCert(Path value) {
      tlsCert = value;
      return this;
    }

    public Builder tlsKey(Path value) {
      tlsKey = value;
      return this;
    }

    public Builder iam(Boolean value) {
      iam = value;
      return this;
    }

    public Builder iamUser(String value) {
      iamUser = value;
      return this;
    }

    public Builder iamCacheName(String value) {
      iamCacheName = value;
      return this;
    }

    public Builder iamServerless(Boolean value) {
      iamServerless = value;
      return this;
    }

    public Builder region(String value) {
      region = value;
      return this;
    }

    public AccessLayer build() {
      return new AccessLayer(
          username,
          password,
          tlsCa,
          tlsVerify,
          tlsCert,
          tlsKey,
          iam,
          iamUser,
          iamCacheName,
          iamServerless,
          region);
    }
  }
}
