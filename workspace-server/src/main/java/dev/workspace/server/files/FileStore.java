package dev.workspace.server.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.Collection;

/**
 * Where a node keeps uploaded files, and who may read each. Two implementations, chosen with the broker:
 * {@link DiskFileStore} for a node alone, {@link RedisFileStore} for a cluster (any node serves any file). Every
 * method may be called from any event loop; none blocks.
 *
 * <p>A file is readable by its uploader and by the agents it was {@link #share shared} with, and by nobody once it
 * has expired or been deleted. A store never holds a whole file in the heap.
 */
public interface FileStore {
  /** The reader that stands for every agent of the file's workspace. */
  String EVERYONE = "*";

  /** @return completes when the store can take uploads */
  Future<Void> start();

  /**
   * Streams a file into the store. The body is read with backpressure, counted and hashed as it comes; over the
   * size limit the upload fails at the first byte too many, and a failed upload (too large, over the workspace's
   * quota, broken off) leaves nothing stored.
   *
   * @param workspace the workspace
   * @param owner the uploading agent, its first reader
   * @param name the file's safe base name
   * @param mediaType the declared media type
   * @param body the bytes; the store sets its handlers and ends with it
   * @return the stored file; fails with {@code too_large} or {@code limit_exceeded} ({@code ProtocolException})
   */
  Future<StoredFile> put(String workspace, String owner, String name, String mediaType, ReadStream<Buffer> body);

  /**
   * @param workspace the workspace
   * @param fileId the file's id
   * @return the file, or {@code null} when the workspace holds no such file or it has expired
   */
  Future<StoredFile> find(String workspace, String fileId);

  /**
   * @param file the file
   * @param agentId an agent of its workspace
   * @return whether the agent may read it
   */
  Future<Boolean> mayRead(StoredFile file, String agentId);

  /**
   * Lets agents read a file, until it expires.
   *
   * @param file the file
   * @param agentIds the agents, or {@link #EVERYONE}
   * @return completes when recorded
   */
  Future<Void> share(StoredFile file, Collection<String> agentIds);

  /**
   * Writes a file's bytes to a stream, with backpressure, without ending it.
   *
   * @param file the file
   * @param out where to write
   * @return completes when every byte was written; fails when the file went away meanwhile
   */
  Future<Void> read(StoredFile file, WriteStream<Buffer> out);

  /**
   * Deletes a file.
   *
   * @param file the file
   * @return whether it was still there
   */
  Future<Boolean> delete(StoredFile file);

  /** @return completes when the store let go of what it holds open */
  Future<Void> close();
}
