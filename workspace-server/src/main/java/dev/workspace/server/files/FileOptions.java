package dev.workspace.server.files;

import dev.workspace.server.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and place of a node's file store (the {@code files} group of the configuration). Setters check their
 * argument and return {@code this}.
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
  public static final String DEFAULT_DIR = Path.of(System.getProperty("java.io.tmpdir"), "workspace-files").toString();

  private String dir = DEFAULT_DIR;
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
  public String getDir() {
    return dir;
  }

  /** @param dir the directory under which a node without Redis keeps its files, created when missing */
  @Setting(name = "files-dir", description = "directory under which a node without Redis keeps uploaded files (in a"
      + " directory of its own, deleted when it stops)", defaultText = "workspace-files in the system temp folder")
  public FileOptions setDir(String dir) {
    if (Objects.requireNonNull(dir, "dir").isBlank()) {
      throw new IllegalArgumentException("filesDir must not be empty");
    }
    this.dir = dir;
    return this;
  }

  /** @return the largest file, in bytes; default 10 MiB */
  public long getMaxFileSize() {
    return maxFileSize;
  }

  /** @param maxFileSize the largest file, in bytes, at least 1 */
  @Setting(name = "max-file-size", description = "largest uploaded file; one byte more is refused with 413",
      unit = "bytes")
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
  @Setting(name = "max-attachments", description = "most files one event may name in payload.attachments")
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
  @Setting(name = "files-quota", description = "most bytes of files one workspace may hold at once", unit = "bytes")
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
  @Setting(name = "files-ttl", description = "how long an uploaded file is kept; then it is deleted")
  public FileOptions setTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
    }
    this.ttl = ttl;
    return this;
  }
}
