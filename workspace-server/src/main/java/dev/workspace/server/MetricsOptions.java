package dev.workspace.server;

import dev.workspace.server.config.Setting;

/** What {@code /metrics} shows. Setters check their argument and return {@code this}. */
public final class MetricsOptions {
  /** Default number of workspaces that get their own {@code workspace} label. */
  public static final int DEFAULT_WORKSPACE_LABEL_LIMIT = 100;

  private int workspaceLabelLimit = DEFAULT_WORKSPACE_LABEL_LIMIT;

  /** Options with every default. */
  public MetricsOptions() {
  }

  /** @param other the options to copy */
  public MetricsOptions(MetricsOptions other) {
    this.workspaceLabelLimit = other.workspaceLabelLimit;
  }

  /**
   * @return how many workspaces (those with the most sessions on the node) get their own {@code workspace} label in
   *     the per-workspace gauges; the others are summed under {@code workspace=""}; default
   *     {@value #DEFAULT_WORKSPACE_LABEL_LIMIT}
   */
  public int getWorkspaceLabelLimit() {
    return workspaceLabelLimit;
  }

  /** @param workspaceLabelLimit how many workspaces get their own label, 0 or more */
  @Setting(name = "metrics-workspace-labels", description = "how many workspaces (those with the most sessions on the node) get their own workspace label in /metrics; the rest are summed under workspace=\"\"")
  public MetricsOptions setWorkspaceLabelLimit(int workspaceLabelLimit) {
    if (workspaceLabelLimit < 0) {
      throw new IllegalArgumentException("workspaceLabelLimit must not be negative, was " + workspaceLabelLimit);
    }
    this.workspaceLabelLimit = workspaceLabelLimit;
    return this;
  }
}
