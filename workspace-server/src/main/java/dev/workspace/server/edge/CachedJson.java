package dev.workspace.server.edge;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A JSON answer that clients may cache (agent cards): a strong {@code ETag} from the body's SHA-256,
 * {@code Cache-Control: max-age=300} (what Agno's card cache and the A2A SDKs expect), and 304 for a matching
 * {@code If-None-Match}.
 */
public final class CachedJson {
  /** How long a client may keep the answer, in seconds. */
  public static final int MAX_AGE_SECONDS = 300;

  private CachedJson() {
  }

  /**
   * Answers with the body, or 304 when the client holds it already.
   *
   * @param ctx the request
   * @param json the JSON body
   */
  public static void send(RoutingContext ctx, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String etag;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      etag = "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ctx.response().putHeader("ETag", etag).putHeader("Cache-Control", "max-age=" + MAX_AGE_SECONDS);
    String match = ctx.request().getHeader("If-None-Match");
    if (match != null && Arrays.stream(match.split(",")).map(String::trim)
        .anyMatch(m -> m.equals(etag) || m.equals("W/" + etag) || m.equals("*"))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(Buffer.buffer(body));
  }
}
