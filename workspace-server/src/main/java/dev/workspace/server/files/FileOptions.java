package dev.workspace.server.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and place of a node's file store. Setters check their argument and return {@code this}.
 */
public final class FileOptions {
  /** Default largest file, in bytes: 10 MiB. */
  public static final long DEFAULT_MAX_FILE_SIZE = 10L * 1024 * 1024;
  /** Default most attachments one event may name. */
  public static final int DEFAULT_MAX_ATTACHMENTS = 10;
  /** Default most bytes of files a workspace may hold at once: 256 MiB. */
  public static final long DEFAULT_WORKSPACE_QUOTA = 256L * 1024 * 1024;
  /** Default time a file is kept after its upload: 24 hours. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  /** Default directory under which a node alone keeps its files: {@code workspace-files} in the system temp folder. */
  public static final Path DEFAULT_DIR = Path.of(System.getProperty("java.io.tmpdir"), "workspace-files");

  private Path dir = DEFAULT_DIR;
  private long maxFileSize = DEFAULT_MAX_FILE_SIZE;
  private int maxAttachments = DEFAULT_MAX_ATTACHMENTS;
  private long workspaceQuota = DEFAULT_WORKSPACE_QUOTA;
  private Duration ttl = DEFAULT_TTL;

  /** Options with every default. */
  public FileOptions() {
  }

  /**
   * Copies options.
   *
   * @param other the options to copy
   */
  public FileOptions(FileOptions other) {
    this.dir = other.dir;
    this.maxFileSize = other.maxFileSize;
    this.maxAttachments = other.maxAttachments;
    this.workspaceQuota = other.workspaceQuota;
    this.ttl = other.ttl;
  }

  /** @return the directory under which a node without Redis keeps its files; default {@link #DEFAULT_DIR} */
  public Path getDir() {
    return dir;
  }

  /** @param dir the directory under which a node without Redis keeps its files, created when missing */
  public FileOptions setDir(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
    return this;
  }

  /** @return the largest file, in bytes; default 10 MiB */
  public long getMaxFileSize() {
    return maxFileSize;
  }

  /** @param maxFileSize the largest file, in bytes, at least 1 */
  public FileOptions setMaxFileSize(long maxFileSize) {
    if (maxFileSize < 1) {
      throw new IllegalArgumentException("maxFileSize must be at least 1, was " + maxFileSize);
    }
    this.maxFileSize = maxFileSize;
    return this;
  }

  /** @return the most attachments one event may name; default {@value #DEFAULT_MAX_ATTACHMENTS} */
  public int getMaxAttachments() {
    return maxAttachments;
  }

  /** @param maxAttachments the most attachments one event may name, at least 1 */
  public FileOptions setMaxAttachments(int maxAttachments) {
    if (maxAttachments < 1) {
      throw new IllegalArgumentException("maxAttachments must be at least 1, was " + maxAttachments);
    }
    this.maxAttachments = maxAttachments;
    return this;
  }

  /** @return the most bytes of files a workspace may hold at once; default 256 MiB */
  public long getWorkspaceQuota() {
    return workspaceQuota;
  }

  /** @param workspaceQuota the most bytes of files a workspace may hold at once, at least 1 */
  public FileOptions setWorkspaceQuota(long workspaceQuota) {
    if (workspaceQuota < 1) {
      throw new IllegalArgumentException("workspaceQuota must be at least 1, was " + workspaceQuota);
    }
    this.workspaceQuota = workspaceQuota;
    return this;
  }

  /** @return how long a file is kept after its upload; default 24 hours */
  public Duration getTtl() {
    return ttl;
  }

  /** @param ttl how long a file is kept after its upload, at least 1 ms */
  public FileOptions setTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
    }
    this.ttl = ttl;
    return this;
  }
}
