package dev.workspace.server.core;

/**
 * A channel as listings show it.
 *
 * @param name the channel name
 * @param members how many agents are in it
 */
public record ChannelInfo(String name, int members) {
}
