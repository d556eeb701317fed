package dev.workspace.server.edge;

import dev.workspace.model.AckResult;
import dev.workspace.model.ErrorCode;
import dev.workspace.server.ServerOptions;
import dev.workspace.server.session.Access;
import dev.workspace.server.session.ChannelPermissions;
import dev.workspace.server.session.TokenBucket;

/**
 * The edge's access rules as the HTTP faces ({@code /mcp}) use them: the same origin policy, bearer-header parsing,
 * channel permissions, rate bucket and metrics as the WebSocket edge and the REST API, with no second copy.
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
    return Access.bearer(header);
  }

  /**
   * @param identity a token's identity, or {@code null} in open mode
   * @return the channels it may use
   */
  public static Channels channels(Authenticator.Identity identity) {
    return new Channels(Access.permissions(identity));
  }

  /** Counts a limit passed, under the node's {@code workspace_limit_hits} metric. */
  public void limitHit(String limit) {
    metrics.limitHit(limit);
  }

  /** Counts an error answered, under the node's {@code workspace_errors} metric. */
  public void error(ErrorCode code) {
    metrics.error(code);
  }

  /** Counts a refused token. */
  public void authFailure() {
    metrics.authFailure();
  }

  /** The channels one identity may use. Immutable and thread-safe. */
  public static final class Channels {
    private final ChannelPermissions permissions;

    private Channels(ChannelPermissions permissions) {
      this.permissions = permissions;
    }

    /**
     * @param channel a channel name
     * @return whether it may join, post to, read and list the channel
     */
    public boolean allows(String channel) {
      return permissions.allows(channel);
    }

    /**
     * @param channelList a {@code list_channels} result
     * @return it, holding only the allowed channels
     */
    public AckResult.ChannelList filter(AckResult.ChannelList channelList) {
      return permissions.filterChannelList(channelList);
    }
  }

  /** A token bucket of one session, owned by its event loop: not thread-safe. */
  public static final class Budget {
    private final TokenBucket bucket;

    /**
     * @param perSecond sustained rate, at least 1
     * @param burst capacity, at least 1
     */
    public Budget(int perSecond, int burst) {
      this.bucket = new TokenBucket(perSecond, burst, System.nanoTime());
    }

    /** @return whether a token was taken */
    public boolean tryTake() {
      return bucket.tryTake(System.nanoTime());
    }
  }
}
