package dev.workspace.server.redis;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a node finds Redis, parsed from the one {@code --redis} connection string, in the three forms the Vert.x
 * Redis client knows:
 *
 * <ul>
 *   <li>one instance: {@code redis://[user:password@]host:port[/db]} (or {@code rediss://}, or {@code unix://path});
 *   <li>Sentinel: {@code redis-sentinel://[user:password@]host:port,host:port[/db]?master=name}: the sentinels to
 *       ask, and the name of the primary they watch; the node always talks to the current primary;
 *   <li>Cluster: several seed URIs separated by commas, {@code redis://host:port,redis://host:port}, or
 *       {@code redis-cluster://host:port,host:port}.
 * </ul>
 *
 * <p>Query parameters tune durability: {@code wait_replicas} (how many replicas must have a published event before
 * it is acknowledged; default 1 with Sentinel and Cluster, 0 for one instance) and {@code wait_timeout_ms} (how long
 * to wait for them; default 500). A publish that the replicas do not confirm in time fails with {@code unavailable}.
 *
 * @param mode which of the three forms
 * @param endpoints the {@code redis://} URIs of the instance, the sentinels or the cluster seeds
 * @param master the Sentinel primary's name, or {@code null}
 * @param user the user, or {@code null}
 * @param password the password, or {@code null}
 * @param waitReplicas how many replicas must confirm a publish before it is acknowledged; 0 for none
 * @param waitTimeoutMs how long a publish waits for them, in ms
 */
public record RedisEndpoints(Mode mode, List<String> endpoints, String master, String user, String password,
    int waitReplicas, long waitTimeoutMs) {

  /** How the node reaches Redis. */
  public enum Mode {
    /** One Redis instance. */
    STANDALONE,
    /** A primary and its replicas, found through Redis Sentinel. */
    SENTINEL,
    /** A Redis Cluster, sharded by hash slot. */
    CLUSTER;

    /** @return the lower-case name shown in {@code /info} and the logs */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Default time a publish waits for its replicas, in ms. */
  public static final long DEFAULT_WAIT_TIMEOUT_MS = 500;

  private static final Set<String> PARAMS = Set.of("master", "wait_replicas", "wait_timeout_ms");

  /**
   * @param uri the connection string
   * @return the parsed endpoints
   * @throws IllegalArgumentException naming what is wrong, with any password masked
   */
  public static RedisEndpoints parse(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("the Redis URI is empty");
    }
    String shown = mask(uri);
    String scheme = uri.contains("://") ? uri.substring(0, uri.indexOf("://")).toLowerCase(Locale.ROOT) : "";
    String rest = uri.contains("://") ? uri.substring(uri.indexOf("://") + 3) : uri;
    return switch (scheme) {
      case "redis-sentinel" -> hosts(Mode.SENTINEL, rest, shown);
      case "redis-cluster" -> hosts(Mode.CLUSTER, rest, shown);
      case "redis", "rediss", "unix" -> uri.contains(",") ? seeds(uri, shown) : single(uri, shown);
      default -> throw new IllegalArgumentException("the Redis URI must look like redis://host:port,"
          + " redis-sentinel://host:port,host:port?master=name or redis://host:port,redis://host:port (cluster),"
          + " was '" + shown + "'");
    };
  }

  private static RedisEndpoints single(String uri, String shown) {
    URI u = toUri(uri, shown);
    String scheme = u.getScheme();
    boolean tcp = "redis".equals(scheme) || "rediss".equals(scheme);
    if (!(tcp && u.getHost() != null) && !("unix".equals(scheme) && u.getPath() != null)) {
      throw new IllegalArgumentException("the Redis URI must look like redis://host:port, was '" + shown + "'");
    }
    Map<String, String> q = query(u.getRawQuery(), shown);
    String[] auth = userInfo(u.getRawUserInfo());
    String base = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    return of(Mode.STANDALONE, List.of(base), null, auth, q, shown);
  }

  private static RedisEndpoints seeds(String uri, String shown) {
    List<String> list = new ArrayList<>();
    String[] auth = {null, null};
    Map<String, String> q = Map.of();
    for (String part : uri.split(",")) {
      URI u = toUri(part.trim(), shown);
      if (!("redis".equals(u.getScheme()) || "rediss".equals(u.getScheme())) || u.getHost() == null
          || u.getPort() <= 0) {
        throw new IllegalArgumentException("each cluster seed must look like redis://host:port, was '" + shown + "'");
      }
      if (u.getRawUserInfo() != null) {
        auth = userInfo(u.getRawUserInfo());
      }
      if (u.getRawQuery() != null) {
        q = query(u.getRawQuery(), shown);
      }
      list.add(u.getScheme() + "://" + hostPort(u));
    }
    return of(Mode.CLUSTER, list, null, auth, q, shown);
  }

  private static RedisEndpoints hosts(Mode mode, String rest, String shown) {
    String query = null;
    int qi = rest.indexOf('?');
    if (qi >= 0) {
      query = rest.substring(qi + 1);
      rest = rest.substring(0, qi);
    }
    String db = null;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      db = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
      if (!db.isEmpty() && !db.matches("\\d{1,2}")) {
        throw new IllegalArgumentException("the Redis database must be a number, was '" + shown + "'");
      }
    }
    String[] auth = {null, null};
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      auth = userInfo(rest.substring(0, at));
      rest = rest.substring(at + 1);
    }
    List<String> list = new ArrayList<>();
    for (String hp : rest.split(",")) {
      URI u = toUri("redis://" + hp.trim(), shown);
      if (u.getHost() == null || u.getPort() <= 0) {
        throw new IllegalArgumentException("each host must look like host:port, was '" + shown + "'");
      }
      list.add("redis://" + hostPort(u) + (db == null || db.isEmpty() || mode == Mode.CLUSTER ? "" : "/" + db));
    }
    Map<String, String> q = query(query, shown);
    if (mode == Mode.SENTINEL && (q.get("master") == null || q.get("master").isBlank())) {
      throw new IllegalArgumentException("a Sentinel URI names its primary: ...?master=name, was '" + shown + "'");
    }
    return of(mode, list, q.get("master"), auth, q, shown);
  }

  private static RedisEndpoints of(Mode mode, List<String> endpoints, String master, String[] auth,
      Map<String, String> q, String shown) {
    if (mode != Mode.SENTINEL && q.containsKey("master")) {
      throw new IllegalArgumentException("'master' is a Sentinel parameter, was '" + shown + "'");
    }
    int replicas = mode == Mode.STANDALONE ? 0 : 1;
    long timeout = DEFAULT_WAIT_TIMEOUT_MS;
    try {
      if (q.containsKey("wait_replicas")) {
        replicas = Integer.parseInt(q.get("wait_replicas"));
      }
      if (q.containsKey("wait_timeout_ms")) {
        timeout = Long.parseLong(q.get("wait_timeout_ms"));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("wait_replicas and wait_timeout_ms are whole numbers, was '" + shown + "'");
    }
    if (replicas < 0 || replicas > 16 || timeout < 1 || timeout > 60_000) {
      throw new IllegalArgumentException("wait_replicas is 0-16 and wait_timeout_ms 1-60000, was '" + shown + "'");
    }
    return new RedisEndpoints(mode, List.copyOf(endpoints), master, auth[0], auth[1], replicas, timeout);
  }

  /** @return the Vert.x client options for these endpoints (the caller adds pool and socket settings) */
  public RedisOptions toOptions() {
    RedisOptions o = new RedisOptions().setEndpoints(new ArrayList<>(endpoints));
    switch (mode) {
      case STANDALONE -> o.setType(RedisClientType.STANDALONE);
      case SENTINEL -> o.setType(RedisClientType.SENTINEL).setMasterName(master).setRole(RedisRole.MASTER)
          .setAutoFailover(false);
      case CLUSTER -> o.setType(RedisClientType.CLUSTER);
    }
    if (password != null) {
      o.setPassword(password);
    }
    if (user != null) {
      o.setUser(user);
    }
    return o;
  }

  /** @return the endpoints as shown in logs and {@code /info}: no password */
  public String describe() {
    return mode.label() + (master == null ? "" : " (primary '" + master + "')") + " at "
        + String.join(",", endpoints.stream().map(RedisEndpoints::mask).toList());
  }

  /**
   * @param uri a connection string
   * @return the same with any {@code user:password@} removed
   */
  public static String mask(String uri) {
    return uri == null ? null : uri.replaceAll("//[^@/,]*@", "//");
  }

  private static URI toUri(String s, String shown) {
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the Redis URI is not a URI: '" + shown + "'");
    }
  }

  private static String hostPort(URI u) {
    return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
  }

  private static String[] userInfo(String raw) {
    if (raw == null || raw.isEmpty()) {
      return new String[] {null, null};
    }
    int colon = raw.indexOf(':');
    String user = colon < 0 ? null : decode(raw.substring(0, colon));
    String password = decode(colon < 0 ? raw : raw.substring(colon + 1));
    return new String[] {user == null || user.isEmpty() ? null : user, password};
  }

  private static Map<String, String> query(String raw, String shown) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      String k = decode(eq < 0 ? kv : kv.substring(0, eq));
      String v = eq < 0 ? "" : decode(kv.substring(eq + 1));
      if (!PARAMS.contains(k)) {
        throw new IllegalArgumentException("unknown Redis URI parameter '" + k + "' (known: " + PARAMS + "), was '"
            + shown + "'");
      }
      q.put(k, v);
    }
    return q;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
