package dev.workspace.client;

import dev.workspace.model.Attachment;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;

/**
 * Files on the server this client connects to, from {@link AgentClient#files()}: upload once, name the returned
 * {@link Attachment} in events ({@link Channel#post(String, Attachment...)}, {@link AgentRef#send(String,
 * Attachment...)}), and download what others sent. Transfers go over HTTP to the same host and port as the
 * WebSocket, authenticated as the session (the token, or the agent id in open mode), and stream: no method holds a
 * whole file in memory but {@link #upload(Buffer, String, String)}, whose bytes the caller already holds.
 *
 * <p>Failures are {@link WorkspaceException}s: {@link FailureKind#REJECTED} for a file over the server's size
 * limit or a workspace over its quota, {@link FailureKind#NOT_FOUND} for a file that does not exist, has expired
 * or this agent may not read, {@link FailureKind#INVALID} for a download whose bytes do not match the attachment,
 * {@link FailureKind#UNAVAILABLE} when the server cannot be reached, {@link FailureKind#DISCONNECTED} before the
 * client was ever connected.
 */
public interface WorkspaceFiles {
  /**
   * Uploads a file from disk, streamed.
   *
   * @param file the file
   * @param name the name to give it, or {@code null} for the file's own name
   * @param mediaType its media type, e.g. {@code application/pdf}, or {@code null} for
   *     {@code application/octet-stream}
   * @return the attachment to name in events
   */
  Future<Attachment> upload(Path file, String name, String mediaType);

  /**
   * Uploads bytes held in memory.
   *
   * @param bytes the bytes
   * @param name the name to give them
   * @param mediaType their media type, or {@code null} for {@code application/octet-stream}
   * @return the attachment to name in events
   */
  Future<Attachment> upload(Buffer bytes, String name, String mediaType);

  /**
   * Uploads a stream, sent chunked with backpressure as it produces.
   *
   * @param body the bytes, not yet read; this call sets its handlers
   * @param name the name to give them
   * @param mediaType their media type, or {@code null} for {@code application/octet-stream}
   * @return the attachment to name in events
   */
  Future<Attachment> upload(ReadStream<Buffer> body, String name, String mediaType);

  /**
   * Downloads a file to disk, streamed, replacing {@code target}. When the attachment states a size and a SHA-256
   * the bytes are checked against them, and a file that does not match is deleted and reported
   * {@link FailureKind#INVALID}.
   *
   * @param attachment the file, as an event named it
   * @param target where to write it
   * @return completes when the whole file is written and checked
   */
  Future<Void> download(Attachment attachment, Path target);

  /**
   * Opens a download as a stream, paused: set its handlers, then resume it. Its bytes are not checked.
   *
   * @param attachment the file, as an event named it
   * @return the bytes
   */
  Future<ReadStream<Buffer>> download(Attachment attachment);

  /**
   * Deletes a file this agent uploaded.
   *
   * @param attachment the file
   * @return completes when deleted; {@link FailureKind#REJECTED} for another agent's file
   */
  Future<Void> delete(Attachment attachment);
}
