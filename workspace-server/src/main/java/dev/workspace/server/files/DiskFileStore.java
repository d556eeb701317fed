package dev.workspace.server.files;

import dev.workspace.model.ErrorCode;
import dev.workspace.model.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file store of a node alone: each file one file in a directory this node creates at start under
 * {@link FileOptions#getDir()} and deletes when it closes; what is known of the files (names, hashes, readers,
 * expiry) is kept in memory, like the rest of a single node's state. Expired files are deleted on access and by a
 * sweep every {@code min(ttl, 60 s)}.
 */
public final class DiskFileStore implements FileStore {
  private static final Logger LOG = LoggerFactory.getLogger(DiskFileStore.class);

  private record Entry(StoredFile file, Set<String> readers) {
  }

  private final Vertx vertx;
  private final FileOptions options;
  private final Map<String, Entry> files = new ConcurrentHashMap<>();
  private final Map<String, Long> used = new ConcurrentHashMap<>();
  private volatile String dir;
  private long sweep = -1;

  /**
   * @param vertx the node's Vert.x instance
   * @param options the directory, size limits and time to live
   */
  public DiskFileStore(Vertx vertx, FileOptions options) {
    this.vertx = vertx;
    this.options = new FileOptions(options);
  }

  @Override
  public Future<Void> start() {
    String parent = Path.of(options.getDir()).toAbsolutePath().toString();
    return vertx.fileSystem().mkdirs(parent)
        .compose(v -> vertx.fileSystem().createTempDirectory(parent, "node-", "rwx------"))
        .map(created -> {
          dir = created;
          long every = Math.max(1, Math.min(options.getTtl().toMillis(), 60_000));
          sweep = vertx.setPeriodic(every, t -> expire());
          LOG.info("files kept in {} for {} s, at most {} bytes each and {} bytes per workspace", created,
              options.getTtl().toSeconds(), options.getMaxFileSize(), options.getWorkspaceQuota());
          return null;
        });
  }

  /** @return the directory holding this node's files, once started */
  public String directory() {
    return dir;
  }

  @Override
  public Future<StoredFile> put(String workspace, String owner, String name, String mediaType,
      ReadStream<Buffer> body) {
    if (usedBy(workspace) >= options.getWorkspaceQuota()) {
      body.handler(b -> { });
      return Future.failedFuture(quotaExceeded(workspace));
    }
    String id = FileNames.newId();
    String part = path(id) + ".part";
    body.pause();
    return vertx.fileSystem().open(part, new OpenOptions().setWrite(true).setCreateNew(true))
        .compose(file -> FileIntake.read(body, options.getMaxFileSize(), new FileSink(file, part)))
        .compose(result -> vertx.fileSystem().move(part, path(id)).transform(ar -> {
          if (ar.failed()) {
            return vertx.fileSystem().delete(part).transform(x -> Future.<StoredFile>failedFuture(ar.cause()));
          }
          if (!reserve(workspace, result.size())) {
            return vertx.fileSystem().delete(path(id)).transform(x -> Future.failedFuture(quotaExceeded(workspace)));
          }
          long now = System.currentTimeMillis();
          StoredFile stored = new StoredFile(id, workspace, owner, name, mediaType, result.size(), result.sha256(), now,
              now + options.getTtl().toMillis());
          Set<String> readers = ConcurrentHashMap.newKeySet();
          readers.add(owner);
          files.put(key(workspace, id), new Entry(stored, readers));
          return Future.succeededFuture(stored);
        }));
  }

  private ProtocolException quotaExceeded(String workspace) {
    return new ProtocolException(ErrorCode.LIMIT_EXCEEDED, "workspace '" + workspace + "' holds its most files, "
        + options.getWorkspaceQuota() + " bytes; delete some or wait for them to expire");
  }

  private long usedBy(String workspace) {
    return used.getOrDefault(workspace, 0L);
  }

  private boolean reserve(String workspace, long size) {
    boolean[] ok = new boolean[1];
    used.compute(workspace, (ws, now) -> {
      long current = now == null ? 0 : now;
      ok[0] = current + size <= options.getWorkspaceQuota();
      return ok[0] ? current + size : now;
    });
    return ok[0];
  }

  private void release(StoredFile f) {
    used.computeIfPresent(f.workspace(), (ws, now) -> now - f.size() <= 0 ? null : now - f.size());
  }

  @Override
  public Future<StoredFile> find(String workspace, String fileId) {
    Entry e = files.get(key(workspace, fileId));
    if (e == null) {
      return Future.succeededFuture();
    }
    if (e.file().expiredAt(System.currentTimeMillis())) {
      remove(e.file());
      return Future.succeededFuture();
    }
    return Future.succeededFuture(e.file());
  }

  @Override
  public Future<Boolean> mayRead(StoredFile file, String agentId) {
    Entry e = files.get(key(file.workspace(), file.fileId()));
    return Future.succeededFuture(e != null && (e.readers().contains(agentId) || e.readers().contains(EVERYONE)));
  }

  @Override
  public Future<Void> share(StoredFile file, Collection<String> agentIds) {
    Entry e = files.get(key(file.workspace(), file.fileId()));
    if (e != null) {
      e.readers().addAll(agentIds);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> read(StoredFile file, WriteStream<Buffer> out) {
    return vertx.fileSystem().open(path(file.fileId()), new OpenOptions().setRead(true).setWrite(false))
        .compose(in -> in.pipe().endOnSuccess(false).endOnFailure(false).to(out).eventually(in::close));
  }

  @Override
  public Future<Boolean> delete(StoredFile file) {
    return remove(file);
  }

  private Future<Boolean> remove(StoredFile file) {
    Entry e = files.remove(key(file.workspace(), file.fileId()));
    if (e == null) {
      return Future.succeededFuture(false);
    }
    release(e.file());
    return vertx.fileSystem().delete(path(file.fileId())).otherwiseEmpty().map(true);
  }

  /** Deletes every expired file. */
  void expire() {
    long now = System.currentTimeMillis();
    List<StoredFile> gone = new ArrayList<>();
    for (Entry e : files.values()) {
      if (e.file().expiredAt(now)) {
        gone.add(e.file());
      }
    }
    gone.forEach(this::remove);
  }

  @Override
  public Future<Void> close() {
    if (sweep >= 0) {
      vertx.cancelTimer(sweep);
    }
    files.clear();
    used.clear();
    return dir == null ? Future.succeededFuture() : vertx.fileSystem().deleteRecursive(dir).otherwiseEmpty();
  }

  private String path(String fileId) {
    return dir + java.io.File.separator + fileId;
  }

  private static String key(String workspace, String fileId) {
    return workspace + '\t' + fileId;
  }

  /** Writes an upload to its part file, and removes it when the upload fails. */
  private final class FileSink implements FileIntake.Sink {
    private final AsyncFile file;
    private final String part;

    FileSink(AsyncFile file, String part) {
      this.file = file;
      this.part = part;
    }

    @Override
    public Future<Void> write(Buffer chunk) {
      return file.write(chunk);
    }

    @Override
    public Future<Void> finish() {
      return file.close();
    }

    @Override
    public Future<Void> abort() {
      return file.close().otherwiseEmpty().transform(ar -> vertx.fileSystem().delete(part)).otherwiseEmpty();
    }
  }
}
