package dev.workspace.client.impl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.Channel;
import dev.workspace.client.ChannelInfo;
import dev.workspace.client.FailureKind;
import dev.workspace.client.HistoryPage;
import dev.workspace.client.HistoryQuery;
import dev.workspace.client.PublishResult;
import dev.workspace.client.WorkspaceException;
import dev.workspace.model.Attachment;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;

/** A {@link Channel} of an {@link AgentClientImpl}. */
final class ChannelImpl implements Channel {
  private final AgentClientImpl client;
  private final String name;

  ChannelImpl(AgentClientImpl client, String name) {
    this.client = client;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Future<PublishResult> post(String text) {
    return post(AgentClientImpl.textPayload(text));
  }

  @Override
  public Future<PublishResult> post(String text, List<String> mentions) {
    Objects.requireNonNull(mentions, "mentions");
    ObjectNode payload = AgentClientImpl.textPayload(text);
    ArrayNode array = payload.putArray("mentions");
    mentions.forEach(array::add);
    return post(payload);
  }

  @Override
  public Future<PublishResult> post(ObjectNode payload) {
    Objects.requireNonNull(payload, "payload");
    return client.sendEvent(Event.of(EventNames.CHANNEL_MESSAGE_POSTED, "channel:" + name).withPayload(payload));
  }

  @Override
  public Future<PublishResult> post(String text, Attachment... attachments) {
    return post(Attachment.putAll(AgentClientImpl.textPayload(text), List.of(attachments)));
  }

  @Override
  public Future<HistoryPage> history(HistoryQuery query) {
    return client.history(name, Objects.requireNonNull(query, "query"));
  }

  @Override
  public Future<HistoryPage> history(Long before, Long after, Integer limit) {
    HistoryQuery query;
    try {
      query = new HistoryQuery(before, after, limit);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new WorkspaceException(FailureKind.INVALID,
          "history of channel " + name + " failed: " + e.getMessage()));
    }
    return history(query);
  }

  @Override
  public Future<ChannelInfo> join() {
    return client.join(name);
  }

  @Override
  public Future<Void> leave() {
    return client.leave(name);
  }

  @Override
  public Future<List<String>> members() {
    return client.members(name);
  }
}
