package dev.workspace.client;

import dev.workspace.model.Attachment;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file to hand to a run with its task ({@link RemoteAgent#input(String, java.util.List)}): one on disk or in
 * memory, uploaded when the run starts, or one already uploaded or received. Before anything is uploaded the files
 * are held to the limits the agent's card states ({@link AgentInfo#accepts()}).
 */
public sealed interface FileInput {
  /** @return the name the file is given, for messages and the upload */
  String name();

  /** @return its media type, or {@code null} for {@code application/octet-stream} */
  String mediaType();

  /**
   * @param file a file on disk, uploaded under its own name as {@code application/octet-stream}
   * @return the input
   */
  static FileInput of(Path file) {
    return new OnDisk(file, null, null);
  }

  /**
   * @param file a file on disk, streamed when uploaded
   * @param name the name to give it, or {@code null} for the file's own name
   * @param mediaType its media type, or {@code null} for {@code application/octet-stream}
   * @return the input
   */
  static FileInput of(Path file, String name, String mediaType) {
    return new OnDisk(file, name, mediaType);
  }

  /**
   * @param bytes bytes held in memory
   * @param name the name to give them
   * @param mediaType their media type, or {@code null} for {@code application/octet-stream}
   * @return the input
   */
  static FileInput of(Buffer bytes, String name, String mediaType) {
    return new InMemory(bytes, name, mediaType);
  }

  /**
   * @param attachment a file already uploaded with {@link AgentClient#files()}, or received in an event
   * @return the input, sent as it is
   */
  static FileInput of(Attachment attachment) {
    return new Uploaded(attachment);
  }

  /**
   * A file on disk.
   *
   * @param file the file
   * @param given the name to give it, or {@code null} for the file's own name
   * @param mediaType its media type, or {@code null}
   */
  record OnDisk(Path file, String given, String mediaType) implements FileInput {
    /** @throws NullPointerException when {@code file} is {@code null} */
    public OnDisk {
      Objects.requireNonNull(file, "file");
    }

    @Override
    public String name() {
      return given != null ? given : String.valueOf(file.getFileName());
    }
  }

  /**
   * Bytes held in memory.
   *
   * @param bytes the bytes
   * @param name their name
   * @param mediaType their media type, or {@code null}
   */
  record InMemory(Buffer bytes, String name, String mediaType) implements FileInput {
    /** @throws NullPointerException when {@code bytes} or {@code name} is {@code null} */
    public InMemory {
      Objects.requireNonNull(bytes, "bytes");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * A file the server already holds.
   *
   * @param attachment the file
   */
  record Uploaded(Attachment attachment) implements FileInput {
    /** @throws NullPointerException when {@code attachment} is {@code null} */
    public Uploaded {
      Objects.requireNonNull(attachment, "attachment");
    }

    @Override
    public String name() {
      return attachment.name() != null ? attachment.name() : attachment.fileId();
    }

    @Override
    public String mediaType() {
      return attachment.mediaType();
    }
  }
}
