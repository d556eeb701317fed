package dev.workspace.server;

import dev.workspace.model.Ids;
import dev.workspace.server.cli.TokenCommand;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Mints tokens the server accepts; {@code workspace token} ({@link TokenCommand}) is its command line. */
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
   * Runs {@code workspace token}.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(Main.execute(new CommandLine(new TokenCommand()), args));
  }

  /**
   * What {@code workspace token} does, without printing or exiting.
   *
   * @param args the command line
   * @param env the environment ({@code WORKSPACE_JWT_SECRET})
   * @return the token
   * @throws IllegalArgumentException naming the bad flag or value
   */
  public static String run(String[] args, Map<String, String> env) {
    TokenCommand command = new TokenCommand(env);
    try {
      new CommandLine(command).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    return command.mint();
  }
}
