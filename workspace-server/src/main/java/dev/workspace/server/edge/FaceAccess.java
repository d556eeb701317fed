package dev.workspace.server.edge;

import dev.workspace.model.ErrorCode;
import dev.workspace.server.ServerOptions;

/**
 * What the HTTP faces ({@code /mcp}) use of the edge before a request reaches a session: the same origin policy,
 * bearer-header parsing and metrics as the WebSocket edge and the REST API.
 */
public final class FaceAccess {
  private final OriginPolicy origins;
  private final ServerMetrics metrics;

  /**
   * @param options the node's options ({@code allowedOrigins})
   * @param metrics the node's metrics
   */
  public FaceAccess(ServerOptions options, ServerMetrics metrics) {
    this.origins = new OriginPolicy(options.getAllowedOrigins());
    this.metrics = metrics;
  }

  /**
   * @param origin the {@code Origin} header, or {@code null}
   * @param host the {@code Host} header, or {@code null}
   * @return whether the edge lets the request in, as on {@code /ws} and {@code /api/}
   */
  public boolean originAllowed(String origin, String host) {
    return origins.allows(origin, host);
  }

  /**
   * @param header an {@code Authorization} header value
   * @return the bearer token
   * @throws dev.workspace.model.ProtocolException {@code unauthorized} when it is not {@code Bearer <token>}
   */
  public static String bearer(String header) {
    return dev.workspace.server.session.Access.bearer(header);
  }

  /** Counts a limit passed, under the node's {@code workspace_limit_hits} metric. */
  public void limitHit(String limit) {
    metrics.limitHit(limit);
  }

  /** Counts an error answered, under the node's {@code workspace_errors} metric. */
  public void error(ErrorCode code) {
    metrics.error(code);
  }

  /**
   * @return the calling event loop's own context: a request runs on a duplicate of it, and a face keeps what it
   *     opens there (its sessions) by the event loop itself
   */
  public static io.vertx.core.Context eventLoopContext() {
    return ((io.vertx.core.internal.ContextInternal) io.vertx.core.Vertx.currentContext()).unwrap();
  }

  /** Counts a refused token. */
  public void authFailure() {
    metrics.authFailure();
  }
}
