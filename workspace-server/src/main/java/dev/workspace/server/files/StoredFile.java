package dev.workspace.server.files;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Attachment;

/**
 * What a store knows of a file it holds.
 *
 * @param fileId the file's id, unguessable
 * @param workspace the workspace it belongs to
 * @param owner the agent that uploaded it
 * @param name its safe base name
 * @param mediaType its declared media type
 * @param size its length in bytes
 * @param sha256 the SHA-256 of its bytes, lower-case hex
 * @param createdAt when its upload completed, epoch ms
 * @param expiresAt when it is deleted, epoch ms
 */
public record StoredFile(String fileId, String workspace, String owner, String name, String mediaType, long size,
    String sha256, long createdAt, long expiresAt) {

  /** @return the reference events carry */
  public Attachment attachment() {
    return new Attachment(fileId, name, mediaType, size, sha256);
  }

  /** @return the answer to an upload: {@code file_id, name, media_type, size, sha256, expires_at} */
  public ObjectNode toJson() {
    return JsonNodeFactory.instance.objectNode().put("file_id", fileId).put("name", name)
        .put("media_type", mediaType).put("size", size).put("sha256", sha256).put("expires_at", expiresAt);
  }

  /** @return whether it has expired at this time */
  public boolean expiredAt(long now) {
    return now >= expiresAt;
  }
}
