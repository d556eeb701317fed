package dev.workspace.server.files;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file store of a cluster: files live in Redis, so any node serves any file. A file is a string written with
 * {@code APPEND} in chunks of {@value #CHUNK} bytes as the upload arrives and read back with {@code GETRANGE} one
 * chunk at a time, so neither a command nor a reply ever holds a whole file. Its metadata is a hash, its readers a
 * set, and all three expire with the file; the bytes of a workspace are counted in Redis against
 * {@link FileOptions#getWorkspaceQuota()}. An upload in progress is kept under its own key with an expiry of one
 * hour, so one a crashed node left behind goes away by itself.
 *
 * <p>It has its own pool of connections, apart from the broker's, so that file transfers never queue in front of
 * events.
 *
 * <p>Keys, with {@code W} the workspace and {@code F} the file id: {@code ws:{W}:file:F:part},
 * {@code ws:{W}:file:F:data}, {@code ws:{W}:file:F:meta}, {@code ws:{W}:file:F:readers}, and per workspace
 * {@code ws:{W}:files:sizes} (file id to length), {@code ws:{W}:files:expiry} (sorted by expiry) and
 * {@code ws:{W}:files:used} (bytes held). The workspace's hash tag keeps every key of a script in one slot of a
 * Redis Cluster.
 */
public final class RedisFileStore implements FileStore {
  /** Bytes per {@code APPEND} and per {@code GETRANGE}: 256 KiB. */
  public static final int CHUNK = 256 * 1024;
  private static final long UPLOAD_WINDOW_MS = 3_600_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisFileStore.class);

  private static final String COMMIT = """
      local gone = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', ARGV[2])
      for i = 1, #gone do
        local s = redis.call('HGET', KEYS[5], gone[i])
        if s then redis.call('DECRBY', KEYS[7], s) end
        redis.call('HDEL', KEYS[5], gone[i])
        redis.call('ZREM', KEYS[6], gone[i])
      end
      local size = tonumber(ARGV[5])
      local used = tonumber(redis.call('GET', KEYS[7]) or '0')
      if used + size > tonumber(ARGV[4]) then
        redis.call('DEL', KEYS[1])
        return 0
      end
      if redis.call('EXISTS', KEYS[1]) == 1 then
        redis.call('RENAME', KEYS[1], KEYS[2])
      else
        redis.call('SET', KEYS[2], '')
      end
      redis.call('HSET', KEYS[3], 'owner', ARGV[6], 'name', ARGV[7], 'media_type', ARGV[8], 'sha256', ARGV[9],
        'size', ARGV[5], 'created_at', ARGV[2], 'expires_at', ARGV[3])
      redis.call('SADD', KEYS[4], ARGV[6])
      redis.call('PEXPIREAT', KEYS[2], ARGV[3])
      redis.call('PEXPIREAT', KEYS[3], ARGV[3])
      redis.call('PEXPIREAT', KEYS[4], ARGV[3])
      redis.call('HSET', KEYS[5], ARGV[1], ARGV[5])
      redis.call('ZADD', KEYS[6], ARGV[3], ARGV[1])
      redis.call('INCRBY', KEYS[7], ARGV[5])
      redis.call('PEXPIREAT', KEYS[5], ARGV[3])
      redis.call('PEXPIREAT', KEYS[6], ARGV[3])
      redis.call('PEXPIREAT', KEYS[7], ARGV[3])
      return 1
      """;

  private static final String SHARE = """
      local expires = redis.call('HGET', KEYS[1], 'expires_at')
      if not expires then return 0 end
      for i = 1, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
      redis.call('PEXPIREAT', KEYS[2], expires)
      return 1
      """;

  private static final String DELETE = """
      if redis.call('DEL', KEYS[2]) == 0 then return 0 end
      redis.call('DEL', KEYS[1], KEYS[3])
      local s = redis.call('HGET', KEYS[4], ARGV[1])
      if s then
        redis.call('DECRBY', KEYS[5], s)
        redis.call('HDEL', KEYS[4], ARGV[1])
      end
      redis.call('ZREM', KEYS[6], ARGV[1])
      return 1
      """;

  private final Vertx vertx;
  private final FileOptions options;
  private final Redis redis;

  /**
   * @param vertx the node's Vert.x instance
   * @param redisUri the cluster's Redis, {@code redis://host:port} or {@code redis-sentinel://...} (see
   *     {@link dev.workspace.server.redis.RedisEndpoints})
   * @param options the size limits and time to live
   */
  public RedisFileStore(Vertx vertx, String redisUri, FileOptions options) {
    this.vertx = vertx;
    this.options = new FileOptions(options);
    RedisOptions redisOptions = dev.workspace.server.redis.RedisEndpoints.parse(redisUri).toOptions();
    this.redis = Redis.createClient(vertx, redisOptions.setMaxPoolSize(8).setMaxPoolWaiting(256)
        .setMaxWaitingHandlers(64));
  }

  @Override
  public Future<Void> start() {
    LOG.info("files kept in Redis for {} s, at most {} bytes each and {} bytes per workspace",
        options.getTtl().toSeconds(), options.getMaxFileSize(), options.getWorkspaceQuota());
    return Future.succeededFuture();
  }

  private static String fileKey(String workspace, String fileId, String part) {
    return "ws:{" + workspace + "}:file:" + fileId + ":" + part;
  }

  private static String filesKey(String workspace, String part) {
    return "ws:{" + workspace + "}:files:" + part;
  }

  private Future<Response> send(Request request) {
    return redis.send(request).recover(e -> Future.failedFuture(e instanceof ProtocolException ? e
        : new ProtocolException(ErrorCode.UNAVAILABLE, "the file store (Redis) cannot be reached right now; retry later")));
  }

  private Future<Response> eval(String script, List<String> keys, List<String> args) {
    Request r = Request.cmd(Command.EVAL).arg(script).arg(keys.size());
    keys.forEach(r::arg);
    args.forEach(r::arg);
    return send(r);
  }

  @Override
  public Future<StoredFile> put(String workspace, String owner, String name, String mediaType,
      ReadStream<Buffer> body) {
    body.pause();
    String id = FileNames.newId();
    String part = fileKey(workspace, id, "part");
    return send(Request.cmd(Command.GET).arg(filesKey(workspace, "used"))).compose(used -> {
      if (used != null && used.toLong() >= options.getWorkspaceQuota()) {
        body.handler(b -> { });
        body.resume();
        return Future.failedFuture(quotaExceeded(workspace));
      }
      return FileIntake.read(body, options.getMaxFileSize(), new RedisSink(part));
    }).compose(result -> {
      long now = System.currentTimeMillis();
      long expires = now + options.getTtl().toMillis();
      List<String> keys = List.of(part, fileKey(workspace, id, "data"), fileKey(workspace, id, "meta"),
          fileKey(workspace, id, "readers"), filesKey(workspace, "sizes"), filesKey(workspace, "expiry"),
          filesKey(workspace, "used"));
      List<String> args = List.of(id, Long.toString(now), Long.toString(expires),
          Long.toString(options.getWorkspaceQuota()), Long.toString(result.size()), owner, name, mediaType,
          result.sha256());
      return eval(COMMIT, keys, args).transform(ar -> {
        if (ar.failed()) {
          return send(Request.cmd(Command.DEL).arg(part)).transform(x -> Future.failedFuture(ar.cause()));
        }
        if (ar.result().toInteger() == 0) {
          return Future.failedFuture(quotaExceeded(workspace));
        }
        return Future.succeededFuture(new StoredFile(id, workspace, owner, name, mediaType, result.size(),
            result.sha256(), now, expires));
      });
    });
  }

  private ProtocolException quotaExceeded(String workspace) {
    return new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "workspace '" + workspace + "' holds its most files, "
        + options.getWorkspaceQuota() + " bytes; delete some or wait for them to expire");
  }

  @Override
  public Future<StoredFile> find(String workspace, String fileId) {
    return send(Request.cmd(Command.HGETALL).arg(fileKey(workspace, fileId, "meta"))).map(r -> {
      if (r == null || r.size() == 0 || !r.containsKey("expires_at")) {
        return null;
      }
      StoredFile f = new StoredFile(fileId, workspace, r.get("owner").toString(), r.get("name").toString(),
          r.get("media_type").toString(), r.get("size").toLong(), r.get("sha256").toString(),
          r.get("created_at").toLong(), r.get("expires_at").toLong());
      return f.expiredAt(System.currentTimeMillis()) ? null : f;
    });
  }

  @Override
  public Future<Boolean> mayRead(StoredFile file, String agentId) {
    return send(Request.cmd(Command.SMISMEMBER).arg(fileKey(file.workspace(), file.fileId(), "readers"))
        .arg(agentId).arg(EVERYONE)).map(r -> r.get(0).toInteger() == 1 || r.get(1).toInteger() == 1);
  }

  @Override
  public Future<Void> share(StoredFile file, Collection<String> agentIds) {
    if (agentIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return eval(SHARE, List.of(fileKey(file.workspace(), file.fileId(), "meta"),
        fileKey(file.workspace(), file.fileId(), "readers")), List.copyOf(agentIds)).mapEmpty();
  }

  @Override
  public Future<Void> read(StoredFile file, WriteStream<Buffer> out) {
    Promise<Void> done = Promise.promise();
    readFrom(fileKey(file.workspace(), file.fileId(), "data"), 0, file.size(), out, done);
    return done.future();
  }

  private void readFrom(String key, long offset, long size, WriteStream<Buffer> out, Promise<Void> done) {
    if (offset >= size) {
      done.tryComplete();
      return;
    }
    long end = Math.min(size, offset + CHUNK) - 1;
    send(Request.cmd(Command.GETRANGE).arg(key).arg(offset).arg(end)).onComplete(ar -> {
      if (ar.failed()) {
        done.tryFail(ar.cause());
        return;
      }
      Buffer chunk = ar.result() == null ? Buffer.buffer() : ar.result().toBuffer();
      if (chunk.length() != end - offset + 1) {
        done.tryFail(new ProtocolException(ErrorCode.NOT_FOUND, "the file expired while it was read"));
        return;
      }
      out.write(chunk).onFailure(done::tryFail);
      if (out.writeQueueFull()) {
        out.drainHandler(v -> readFrom(key, end + 1, size, out, done));
      } else {
        readFrom(key, end + 1, size, out, done);
      }
    });
  }

  @Override
  public Future<Boolean> delete(StoredFile file) {
    String ws = file.workspace();
    String id = file.fileId();
    return eval(DELETE, List.of(fileKey(ws, id, "data"), fileKey(ws, id, "meta"), fileKey(ws, id, "readers"),
        filesKey(ws, "sizes"), filesKey(ws, "used"), filesKey(ws, "expiry")), List.of(id))
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  /**
   * Appends an upload to its part key in chunks, one command after the other (the pool may send each on another
   * connection), and deletes the key after the last of them when the upload fails.
   */
  private final class RedisSink implements FileIntake.Sink {
    private final String key;
    private Buffer pending = Buffer.buffer(CHUNK);
    private boolean first = true;
    private Future<Void> tail = Future.succeededFuture();

    RedisSink(String key) {
      this.key = key;
    }

    @Override
    public Future<Void> write(Buffer chunk) {
      pending.appendBuffer(chunk);
      if (pending.length() < CHUNK) {
        return Future.succeededFuture();
      }
      return flush();
    }

    private Future<Void> flush() {
      Buffer out = pending;
      pending = Buffer.buffer(CHUNK);
      Request r = first
          ? Request.cmd(Command.SET).arg(key).arg(out).arg("PX").arg(UPLOAD_WINDOW_MS)
          : Request.cmd(Command.APPEND).arg(key).arg(out);
      first = false;
      tail = tail.compose(v -> send(r).mapEmpty());
      return tail;
    }

    @Override
    public Future<Void> finish() {
      return pending.length() == 0 ? Future.succeededFuture() : flush();
    }

    @Override
    public Future<Void> abort() {
      pending = Buffer.buffer();
      return tail.transform(ar -> send(Request.cmd(Command.DEL).arg(key))).<Void>mapEmpty().otherwiseEmpty();
    }
  }
}
