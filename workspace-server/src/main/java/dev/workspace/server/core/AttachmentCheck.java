package dev.workspace.server.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Accepts;
import dev.workspace.model.Attachment;
import dev.workspace.model.Destination;
import dev.workspace.model.ErrorCode;
import dev.workspace.model.Event;
import dev.workspace.model.ProtocolException;
import dev.workspace.server.files.FileNames;
import dev.workspace.server.files.FileStore;
import dev.workspace.server.files.StoredFile;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the files an event names in {@code payload.attachments} before it is published, and lets its receivers
 * read them. Each entry must name, by {@code file_id}, a file of the sender's workspace that the sender uploaded or
 * was sent; an event names at most {@code maxPerEvent}. A file the sender may not read is reported exactly as one
 * that does not exist. The entries are replaced by what the store knows ({@code file_id, name, media_type, size,
 * sha256}), and the file becomes readable by the event's receivers: the channel's members at the time of the post,
 * the direct recipient, the member a pool request went to (see {@link #share}), or, for a broadcast, the whole
 * workspace. An event to an agent must also keep to the limits the agent's card states in {@code accepts}
 * ({@link Accepts}), or it is refused with {@code limit_exceeded}.
 */
public final class AttachmentCheck {
  private final FileStore store;
  private final Directory directory;
  private final int maxPerEvent;

  /**
   * @param store the node's file store
   * @param directory who is in which channel
   * @param maxPerEvent the most attachments one event may name
   */
  public AttachmentCheck(FileStore store, Directory directory, int maxPerEvent) {
    this.store = store;
    this.directory = directory;
    this.maxPerEvent = maxPerEvent;
  }

  /**
   * @param event an event as a client sent it
   * @return whether its payload has an {@code attachments} field
   */
  public static boolean names(Event event) {
    return event.payload().has(Attachment.FIELD);
  }

  /**
   * Checks an event's attachments and shares them with its receivers.
   *
   * @param workspace the sender's workspace
   * @param sender the sending agent
   * @param event the event, with {@code payload.attachments}
   * @return the event with its attachments as stored; fails with {@code invalid_event}, {@code limit_exceeded} or
   *     {@code not_found}
   */
  public Future<Event> check(String workspace, String sender, Event event) {
    JsonNode given = event.payload().get(Attachment.FIELD);
    if (!given.isArray()) {
      return Future.failedFuture(new ProtocolException(ErrorCode.INVALID_EVENT,
          "payload.attachments must be an array of {\"file_id\": ...}"));
    }
    if (given.size() > maxPerEvent) {
      return Future.failedFuture(new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
          "an event may name at most " + maxPerEvent + " attachments, this one names " + given.size()));
    }
    List<Future<StoredFile>> found = new ArrayList<>(given.size());
    for (JsonNode entry : given) {
      Attachment a = Attachment.fromJson(entry);
      if (a == null) {
        return Future.failedFuture(new ProtocolException(ErrorCode.INVALID_EVENT,
            "each of payload.attachments must be an object with a string file_id"));
      }
      found.add(readable(workspace, sender, a.fileId()));
    }
    return Future.all(found).compose(all -> withinCard(workspace, event.destination(), found))
        .compose(all -> receivers(workspace, event.destination()).compose(readers -> {
      List<Future<Void>> shared = new ArrayList<>(found.size());
      ObjectNode payload = event.payload().deepCopy();
      ArrayNode stored = payload.putArray(Attachment.FIELD);
      for (Future<StoredFile> f : found) {
        stored.add(f.result().attachment().toJson());
        shared.add(store.share(f.result(), readers));
      }
      return Future.all(shared).map(v -> event.withPayload(payload));
    }));
  }

  /** Holds an event to an agent to the limits its card states in {@code accepts}. */
  private Future<Void> withinCard(String workspace, Destination destination, List<Future<StoredFile>> found) {
    if (destination.kind() != Destination.Kind.AGENT) {
      return Future.succeededFuture();
    }
    return directory.agent(workspace, destination.name()).compose(agent -> {
      Accepts accepts;
      try {
        accepts = agent == null ? Accepts.ANY : Accepts.ofCard(agent.metadata());
      } catch (ProtocolException unreadable) {
        accepts = Accepts.ANY;
      }
      String refusal = accepts.refusesCount(found.size(), destination.name());
      for (int i = 0; refusal == null && i < found.size(); i++) {
        Attachment a = found.get(i).result().attachment();
        refusal = accepts.refusesFile(a.name(), a.mediaType(), a.size(), destination.name());
      }
      return refusal == null ? Future.succeededFuture()
          : Future.failedFuture(new ProtocolException(ErrorCode.LIMIT_EXCEEDED, refusal));
    });
  }

  private Future<StoredFile> readable(String workspace, String sender, String fileId) {
    ProtocolException missing = new ProtocolException(ErrorCode.NOT_FOUND,
        "no file '" + fileId + "' in this workspace that this agent may send");
    if (!FileNames.isId(fileId)) {
      return Future.failedFuture(missing);
    }
    return store.find(workspace, fileId).compose(file -> file == null
        ? Future.failedFuture(missing)
        : store.mayRead(file, sender).compose(ok -> ok ? Future.succeededFuture(file) : Future.failedFuture(missing)));
  }

  private Future<List<String>> receivers(String workspace, Destination destination) {
    return switch (destination.kind()) {
      case CHANNEL -> directory.members(workspace, destination.name())
          .map(members -> members == null ? List.<String>of() : List.copyOf(members));
      case AGENT -> Future.succeededFuture(List.of(destination.name()));
      case BROADCAST -> Future.succeededFuture(List.of(FileStore.EVERYONE));
      case POOL -> Future.succeededFuture(List.of());
    };
  }

  /**
   * Lets one more agent read the files an event, already checked, names: the member a pool request went to.
   *
   * @param workspace the workspace
   * @param event the checked event
   * @param agentId the agent
   * @return completes when recorded
   */
  public Future<Void> share(String workspace, Event event, String agentId) {
    List<Future<Void>> shared = new ArrayList<>();
    for (Attachment a : event.attachments()) {
      shared.add(store.find(workspace, a.fileId())
          .compose(f -> f == null ? Future.succeededFuture() : store.share(f, List.of(agentId))));
    }
    return Future.all(shared).mapEmpty();
  }
}
