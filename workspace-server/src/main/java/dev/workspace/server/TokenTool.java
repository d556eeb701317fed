package dev.workspace.server;

import dev.workspace.model.Ids;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mints a token for development: {@code --agent ID} (required), {@code --workspace NAME} (default {@code default}),
 * {@code --ttl 1h} (seconds, or a number with {@code s}, {@code m}, {@code h} or {@code d}; default one hour),
 * {@code --channels 'general,team-*'} (default: every channel), {@code --alg HS256} (default; or RS256/ES256...),
 * and the key: {@code --secret S}, {@code --secret-file F} or {@code WORKSPACE_JWT_SECRET} for HMAC,
 * {@code --private-key-file F} (PEM PKCS#8) for RSA and EC. Prints the token on standard output.
 */
public final class TokenTool {
  private TokenTool() {
  }

  /**
   * Signs a token with the claims the server checks: {@code sub}, {@code ws}, {@code iat}, {@code exp} and, when
   * given, {@code channels}.
   *
   * @param vertx a Vert.x instance
   * @param algorithm HS256/384/512, RS256/384/512 or ES256/384/512
   * @param key the HMAC secret, or a PEM PKCS#8 private key
   * @param agentId the agent ({@code sub})
   * @param workspace the workspace ({@code ws})
   * @param ttl time until it expires, at least one second
   * @param channels channel patterns ({@code *} matches any run of characters), or {@code null} for every channel
   * @return the token
   */
  public static String mint(Vertx vertx, String algorithm, String key, String agentId, String workspace,
      Duration ttl, List<String> channels) {
    Ids.requireAgentId(agentId);
    Ids.requireWorkspace(workspace);
    if (ttl.getSeconds() < 1) {
      throw new IllegalArgumentException("ttl must be at least one second");
    }
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(key)));
    JsonObject claims = new JsonObject().put("sub", agentId).put("ws", workspace);
    if (channels != null) {
      claims.put("channels", new JsonArray(new ArrayList<>(channels)));
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(algorithm)
        .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.getSeconds())));
  }

  /**
   * @param args the command line
   */
  public static void main(String[] args) {
    try {
      System.out.println(run(args, System.getenv()));
    } catch (IllegalArgumentException e) {
      System.err.println("mint-token: " + e.getMessage());
      System.err.println("usage: mint-token --agent ID [--workspace NAME] [--ttl 1h] [--channels 'general,team-*']"
          + " [--alg HS256] [--secret S | --secret-file F | --private-key-file F]   (or WORKSPACE_JWT_SECRET)");
      System.exit(2);
    }
  }

  /**
   * What {@link #main} does, without printing or exiting.
   *
   * @param args the command line
   * @param env the environment ({@code WORKSPACE_JWT_SECRET})
   * @return the token
   * @throws IllegalArgumentException naming the bad flag or value
   */
  public static String run(String[] args, Map<String, String> env) {
    String agent = null;
    String workspace = Ids.DEFAULT_WORKSPACE;
    Duration ttl = Duration.ofHours(1);
    List<String> channels = null;
    String alg = ServerOptions.DEFAULT_JWT_ALGORITHM;
    String secret = env.get("WORKSPACE_JWT_SECRET");
    String privateKey = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--agent" -> agent = value;
        case "--workspace" -> workspace = value;
        case "--ttl" -> ttl = parseDuration(value);
        case "--channels" -> channels = List.of(value.split(","));
        case "--alg" -> alg = value;
        case "--secret" -> secret = value;
        case "--secret-file" -> secret = read(value).strip();
        case "--private-key-file" -> privateKey = read(value);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    if (agent == null) {
      throw new IllegalArgumentException("--agent is required");
    }
    new ServerOptions().setJwtAlgorithm(alg);
    String key;
    if (alg.startsWith("HS")) {
      if (secret == null) {
        throw new IllegalArgumentException("give the secret: --secret, --secret-file or WORKSPACE_JWT_SECRET");
      }
      new ServerOptions().setJwtSecret(secret);
      key = secret;
    } else {
      if (privateKey == null) {
        throw new IllegalArgumentException(alg + " needs --private-key-file (PEM PKCS#8)");
      }
      key = privateKey;
    }
    Vertx vertx = Vertx.vertx();
    try {
      return mint(vertx, alg, key, agent, workspace, ttl, channels);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage() == null ? e.toString() : e.getMessage());
    } finally {
      vertx.close();
    }
  }

  /**
   * @param text seconds, or a number followed by {@code s}, {@code m}, {@code h} or {@code d}
   * @return the duration
   */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
      if (Character.isDigit(unit)) {
        return Duration.ofSeconds(Long.parseLong(t));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a duration is seconds or a number with s, m, h or d, was '" + text + "'");
    }
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
