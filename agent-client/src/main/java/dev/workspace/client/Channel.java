package dev.workspace.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspace.model.Attachment;
import io.vertx.core.Future;
import java.util.List;

/**
 * A channel of the workspace, from {@link Workspace#channel(String)}. Only members may post; reading history needs
 * no membership. Channel events reach members except the poster.
 */
public interface Channel {
  /** @return the channel's name */
  String name();

  /**
   * Posts {@code channel.message.posted} with payload {@code {"text": text}}; agents named as {@code @id} in the text
   * are mentioned.
   *
   * @param text the message
   * @return the ack; fails {@link FailureKind#REJECTED} ({@code not_member}) when the agent has not joined
   */
  Future<PublishResult> post(String text);

  /**
   * Posts {@code channel.message.posted} with payload {@code {"text": text, "mentions": [...]}}.
   *
   * @param text the message
   * @param mentions agent ids to mention, besides those named as {@code @id} in the text
   * @return the ack
   */
  Future<PublishResult> post(String text, List<String> mentions);

  /**
   * Posts {@code channel.message.posted} with this payload.
   *
   * @param payload the payload, sent as given
   * @return the ack
   */
  Future<PublishResult> post(ObjectNode payload);

  /**
   * Posts {@code channel.message.posted} with payload {@code {"text": text, "attachments": [...]}}; the members of
   * the channel may then download the files.
   *
   * @param text the message
   * @param attachments files uploaded with {@link AgentClient#files()}, or received; at most 10 by default
   * @return the ack
   */
  Future<PublishResult> post(String text, Attachment... attachments);

  /**
   * Reads a page of the channel's history.
   *
   * @param query which page
   * @return the page
   */
  Future<HistoryPage> history(HistoryQuery query);

  /**
   * Reads a page of the channel's history.
   *
   * @param before only offsets below this, or {@code null}
   * @param after only offsets above this, or {@code null}
   * @param limit most events, or {@code null} for the server default (100)
   * @return the page
   */
  Future<HistoryPage> history(Long before, Long after, Integer limit);

  /**
   * Joins the channel, creating it when new; joining again is not an error. The client then tracks the channel's
   * position and re-joins it after a reconnect, recovering what was missed.
   *
   * @return the channel as of the join
   */
  Future<ChannelInfo> join();

  /**
   * Leaves the channel.
   *
   * @return completes on the ack; fails {@link FailureKind#REJECTED} ({@code not_member}) when not a member
   */
  Future<Void> leave();

  /** @return the ids of the channel's members */
  Future<List<String>> members();
}
