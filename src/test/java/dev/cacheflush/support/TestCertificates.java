package dev.cacheflush.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throwaway PKI for TLS tests, generated with the {@code openssl} CLI into a temp folder, once per
 * JVM ({@link #shared()}) or on demand ({@link #generate()}), deleted when the JVM exits (kept with
 * {@code -Dcacheflush.keepTestDirs=true}). All files are PEM; keys are unencrypted
 * PKCS#8 EC P-256 (fast to generate, supported by Redis, redis-cli, the JDK and Netty), valid 30 days.
 *
 * <ul>
 *   <li>{@link #caCert()}: the test CA that signs the server and client certificates.
 *   <li>{@link #serverCert()}/{@link #serverKey()}: SAN {@code IP:127.0.0.1, DNS:localhost}, usable
 *       for serverAuth and clientAuth (Redis also presents it on replication and cluster-bus links).
 *   <li>{@link #clientCert()}/{@link #clientKey()}: a client certificate signed by the CA.
 *   <li>{@link #wrongCaCert()}: an unrelated CA; trusting it must fail the handshake.
 *   <li>{@link #wrongClientCert()}/{@link #wrongClientKey()}: a client certificate signed by the
 *       wrong CA; a server requiring client certificates must reject it.
 * </ul>
 */
public final class TestCertificates {
  private static TestCertificates shared;

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** One set per test JVM, generated on first use. */
  public static synchronized TestCertificates shared() {
    if (shared == null) {
      shared = generate();
    }
    return shared;
  }

  /** A fresh set in a new temp folder. */
  public static TestCertificates generate() {
    try {
      Path dir = Files.createTempDirectory("cacheflush-tls-");
      Path cnf = dir.resolve("openssl.cnf");
      Files.writeString(
          cnf,
          String.join(
              "\n",
              "[req]",
              "distinguished_name = dn",
              "prompt = no",
              "[dn]",
              "CN = placeholder",
              "[ca_ext]",
              "basicConstraints = critical, CA:TRUE",
              "keyUsage = critical, keyCertSign, cRLSign",
              "subjectKeyIdentifier = hash",
              "[server_ext]",
              "basicConstraints = critical, CA:FALSE",
              "keyUsage = critical, digitalSignature",
              "extendedKeyUsage = serverAuth, clientAuth",
              "subjectAltName = IP:127.0.0.1, DNS:localhost",
              "subjectKeyIdentifier = hash",
              "authorityKeyIdentifier = keyid",
              "[client_ext]",
              "basicConstraints = critical, CA:FALSE",
              "keyUsage = critical, digitalSignature",
              "extendedKeyUsage = clientAuth",
              "subjectKeyIdentifier = hash",
              "authorityKeyIdentifier = keyid",
              ""));
      // Two independent chains, generated in parallel.
      Thread wrong =
          new Thread(
              () -> {
                ca(dir, cnf, "wrong-ca", "cacheflush unrelated CA");
                leaf(dir, cnf, "wrong-client", "wrong-ca", "cacheflush wrong client", "client_ext");
              },
              "openssl-wrong-ca");
      Throwable[] failure = new Throwable[1];
      wrong.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
      wrong.start();
      ca(dir, cnf, "ca", "cacheflush test CA");
      leaf(dir, cnf, "server", "ca", "localhost", "server_ext");
      leaf(dir, cnf, "client", "ca", "cacheflush test client", "client_ext");
      wrong.join();
      if (failure[0] != null) {
        throw new IllegalStateException("generating the wrong CA failed", failure[0]);
      }
      if (!Boolean.getBoolean("cacheflush.keepTestDirs")) {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(() -> RedisServer.deleteRecursively(dir), "delete-test-certificates"));
      }
      return new TestCertificates(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path caCert() {
    return dir.resolve("ca.crt");
  }

  public Path caKey() {
    return dir.resolve("ca.key");
  }

  public Path serverCert() {
    return dir.resolve("server.crt");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  public Path clientCert() {
    return dir.resolve("client.crt");
  }

  public Path clientKey() {
    return dir.resolve("client.key");
  }

  public Path wrongCaCert() {
    return dir.resolve("wrong-ca.crt");
  }

  public Path wrongClientCert() {
    return dir.resolve("wrong-client.crt");
  }

  public Path wrongClientKey() {
    return dir.resolve("wrong-client.key");
  }

  /**
   * A JDK SSLContext that trusts {@link #caCert()} and, if asked, presents {@link #clientCert()}.
   * Handy for raw sockets; Lettuce users can point {@code SslOptions} at the PEM files instead.
   */
  public SSLContext sslContext(boolean presentClientCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", readCertificates(caCert()).get(0));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (presentClientCertificate) {
        char[] password = "test".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        List<X509Certificate> chain = readCertificates(clientCert());
        keys.setKeyEntry(
            "client", readPrivateKey(clientKey()), password, chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an SSLContext from " + dir, e);
    }
  }

  private static List<X509Certificate> readCertificates(Path pem)
      throws IOException, GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certificates = new ArrayList<>();
    try (InputStream in = Files.newInputStream(pem)) {
      for (Certificate certificate : factory.generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
    }
    return certificates;
  }

  private static PrivateKey readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new GeneralSecurityException("expected an unencrypted PKCS#8 key in " + pem);
    }
    String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(base64);
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  private static void ca(Path dir, Path cnf, String name, String commonName) {
    openssl(
        dir,
        "req",
        "-x509",
        "-config",
        cnf.toString(),
        "-extensions",
        "ca_ext",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-sha256",
        "-days",
        "30",
        "-subj",
        "/CN=" + commonName,
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt");
  }

  private static void leaf(
      Path dir, Path cnf, String name, String ca, String commonName, String extensions) {
    openssl(
        dir,
        "req",
        "-new",
        "-config",
        cnf.toString(),
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-sha256",
        "-subj",
        "/CN=" + commonName,
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr");
    byte[] serial = new byte[8];
    new SecureRandom().nextBytes(serial);
    serial[0] &= 0x7f;
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-sha256",
        "-days",
        "30",
        "-CA",
        ca + ".crt",
        "-CAkey",
        ca + ".key",
        "-set_serial",
        "0x" + HexFormat.of().formatHex(serial),
        "-extfile",
        cnf.toString(),
        "-extensions",
        extensions,
        "-out",
        name + ".crt");
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "openssl "
                + String.join(" ", args)
                + " failed:\n"
                + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (is it installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TestCertificates[" + dir + "]";
  }
}
