package dev.workspace.server;

import dev.workspace.server.config.Setting;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** How connections authenticate and which browser origins may connect. Setters check their argument and return {@code this}. */
public final class SecurityOptions {
  /** Algorithms a server can pin for tokens: HMAC with a shared secret, RSA or EC with a public key. */
  public static final Set<String> JWT_ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
      "ES256", "ES384", "ES512");
  /** Default token algorithm. */
  public static final String DEFAULT_JWT_ALGORITHM = "HS256";
  /** Shortest HMAC secret accepted, in bytes (RFC 7518: at least the hash size). */
  public static final int MIN_JWT_SECRET_BYTES = 32;

  private ServerOptions.AuthMode authMode = ServerOptions.AuthMode.NONE;
  private String jwtAlgorithm = DEFAULT_JWT_ALGORITHM;
  private String jwtSecret;
  private String jwtPublicKey;
  private List<String> allowedOrigins = List.of();
  private List<String> allowedHosts = List.of();

  /** Options with every default. */
  public SecurityOptions() {
  }

  /** @param other the options to copy */
  public SecurityOptions(SecurityOptions other) {
    this.authMode = other.authMode;
    this.jwtAlgorithm = other.jwtAlgorithm;
    this.jwtSecret = other.jwtSecret;
    this.jwtPublicKey = other.jwtPublicKey;
    this.allowedOrigins = other.allowedOrigins;
    this.allowedHosts = other.allowedHosts;
  }

  /** @return how connections authenticate; default {@link ServerOptions.AuthMode#NONE} */
  public ServerOptions.AuthMode getAuthMode() {
    return authMode;
  }

  /** @param authMode how connections authenticate */
  @Setting(name = "auth", description = "none: a client names itself (loopback only); token: a signed token names it")
  public SecurityOptions setAuthMode(ServerOptions.AuthMode authMode) {
    this.authMode = Objects.requireNonNull(authMode, "authMode");
    return this;
  }

  /** @return the one token algorithm the server accepts; default {@value #DEFAULT_JWT_ALGORITHM} */
  public String getJwtAlgorithm() {
    return jwtAlgorithm;
  }

  /**
   * @param jwtAlgorithm the one token algorithm to accept: HS256/384/512 (with {@link #setJwtSecret}), RS256/384/512
   *     or ES256/384/512 (with {@link #setJwtPublicKey}); tokens naming any other algorithm, {@code none} included,
   *     are refused
   */
  @Setting(name = "jwt-algorithm", description = "the one token algorithm accepted: HS256/384/512, RS256/384/512 or ES256/384/512")
  public SecurityOptions setJwtAlgorithm(String jwtAlgorithm) {
    if (jwtAlgorithm == null || !JWT_ALGORITHMS.contains(jwtAlgorithm.trim())) {
      throw new IllegalArgumentException("jwtAlgorithm must be one of " + new TreeSet<>(JWT_ALGORITHMS)
          + ", was " + jwtAlgorithm);
    }
    this.jwtAlgorithm = jwtAlgorithm.trim();
    return this;
  }

  /** @return the HMAC secret tokens are signed with, or {@code null} */
  public String getJwtSecret() {
    return jwtSecret;
  }

  /** @param jwtSecret the HMAC secret for HS256/384/512 tokens, at least 32 bytes of UTF-8, or {@code null} */
  @Setting(name = "jwt-secret", secret = true, defaultText = "none",
      description = "HMAC secret of HS256/384/512 tokens, at least 32 bytes")
  public SecurityOptions setJwtSecret(String jwtSecret) {
    if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES) {
      throw new IllegalArgumentException("the token secret must be at least " + MIN_JWT_SECRET_BYTES + " bytes");
    }
    this.jwtSecret = jwtSecret;
    return this;
  }

  /** @return the PEM public key RS/ES tokens are checked with, or {@code null} */
  public String getJwtPublicKey() {
    return jwtPublicKey;
  }

  /** @param jwtPublicKey a PEM {@code PUBLIC KEY} for RS256/384/512 or ES256/384/512 tokens, or {@code null} */
  @Setting(name = "jwt-public-key", fromFile = true, defaultText = "none",
      description = "PEM PUBLIC KEY that checks RS256/384/512 and ES256/384/512 tokens")
  public SecurityOptions setJwtPublicKey(String jwtPublicKey) {
    if (jwtPublicKey != null && !jwtPublicKey.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new IllegalArgumentException("the token public key must be a PEM PUBLIC KEY");
    }
    this.jwtPublicKey = jwtPublicKey;
    return this;
  }

  /**
   * @return the browser origins allowed besides the server's own; default empty: a request carrying an
   *     {@code Origin} header is allowed only when it is same-origin (its host and port are the request's
   *     {@code Host}); requests without an {@code Origin} (agents, tools) are always allowed
   */
  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  /**
   * @param allowedOrigins origins such as {@code https://app.example.com} or {@code http://localhost:3000}; a
   *     {@code *} inside an entry matches any run of characters ({@code https://*.example.com}); the entry
   *     {@code *} alone allows every origin
   */
  @Setting(name = "allowed-origins", defaultText = "same-origin only",
      description = "browser origins allowed besides the server's own (https://*.example.com, or * for all); clients without an Origin are always allowed")
  public SecurityOptions setAllowedOrigins(List<String> allowedOrigins) {
    Objects.requireNonNull(allowedOrigins, "allowedOrigins");
    for (String o : allowedOrigins) {
      if (o == null || o.isBlank() || (!o.equals("*") && !o.contains("://"))) {
        throw new IllegalArgumentException("an allowed origin is '*' or scheme://host[:port], was '" + o + "'");
      }
    }
    this.allowedOrigins = List.copyOf(allowedOrigins);
    return this;
  }

  /**
   * @return the names a request's {@code Host} may carry in open mode ({@code --auth none}) besides
   *     {@code localhost}, {@code 127.0.0.1} and {@code [::1]} (any port); default empty. In token mode every
   *     {@code Host} is accepted.
   */
  public List<String> getAllowedHosts() {
    return allowedHosts;
  }

  /**
   * @param allowedHosts host names or addresses without a port, such as {@code workspace.internal} or
   *     {@code 10.0.0.5}; IPv6 addresses in brackets
   */
  @Setting(name = "allowed-hosts", defaultText = "loopback only",
      description = "in open mode, Host names accepted besides loopback (any other Host gets 403, against DNS rebinding)")
  public SecurityOptions setAllowedHosts(List<String> allowedHosts) {
    Objects.requireNonNull(allowedHosts, "allowedHosts");
    for (String h : allowedHosts) {
      if (h == null || h.isBlank() || h.contains("/") || h.contains("*") || (h.contains(":") && !h.startsWith("["))) {
        throw new IllegalArgumentException("an allowed host is a name or an address without a port, was '" + h + "'");
      }
    }
    this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(java.util.Locale.ROOT)).toList();
    return this;
  }
}
