package dev.workspace.client.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.client.AgentInfo;
import dev.workspace.client.AgentRef;
import dev.workspace.client.Channel;
import dev.workspace.client.ChannelInfo;
import dev.workspace.client.PublishResult;
import dev.workspace.client.Workspace;
import dev.workspace.model.Destination;
import dev.workspace.model.Event;
import dev.workspace.model.EventNames;
import dev.workspace.model.Ids;
import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;

/** The {@link Workspace} view of an {@link AgentClientImpl}. */
final class WorkspaceImpl implements Workspace {
  private final AgentClientImpl client;

  WorkspaceImpl(AgentClientImpl client) {
    this.client = client;
  }

  @Override
  public Channel channel(String name) {
    return new ChannelImpl(client, requireValid("channel name", name));
  }

  @Override
  public Future<List<ChannelInfo>> channels() {
    return client.listChannels();
  }

  @Override
  public Future<List<AgentInfo>> agents() {
    return client.listAgents();
  }

  @Override
  public AgentRef agent(String agentId) {
    return new AgentRefImpl(client, requireValid("agent id", agentId));
  }

  @Override
  public Future<PublishResult> broadcast(String text) {
    return broadcast(EventNames.AGENT_BROADCAST, AgentClientImpl.textPayload(text));
  }

  @Override
  public Future<PublishResult> broadcast(String eventName, ObjectNode payload) {
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(payload, "payload");
    return client.sendEvent(Event.of(eventName, Destination.BROADCAST.toString()).withPayload(payload));
  }

  private static String requireValid(String what, String value) {
    Objects.requireNonNull(value, what);
    if (!Ids.isValid(value)) {
      throw new IllegalArgumentException(what + " '" + value + "' must be 1-" + Ids.MAX_LENGTH
          + " characters of A-Z a-z 0-9 _ - . starting with a letter or digit");
    }
    return value;
  }
}
