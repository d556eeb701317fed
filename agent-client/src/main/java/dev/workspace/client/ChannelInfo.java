package dev.workspace.client;

/**
 * A channel of the workspace.
 *
 * @param name the channel's name
 * @param members how many agents are members
 * @param lastOffset the offset of the newest event the channel holds (0 when none)
 * @param epoch the channel stream's epoch; offsets compare only within one epoch
 */
public record ChannelInfo(String name, int members, long lastOffset, String epoch) {
}
