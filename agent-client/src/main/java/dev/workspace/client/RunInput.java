package dev.workspace.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A requester's answer to a question of a run ({@code run.input}).
 *
 * @param answers the chosen or typed answers (empty for an approval)
 * @param approved for an approval or plan review: whether it was approved; {@code null} otherwise
 * @param scope for an approval: how long it holds; {@code null} otherwise
 * @param feedback what the requester said with a rejection, or {@code null}
 * @param payload the whole {@code run.input} payload
 */
public record RunInput(List<String> answers, Boolean approved, ApprovalScope scope, String feedback,
    ObjectNode payload) {
  /** @return the first answer, or {@code null} */
  public String answer() {
    return answers.isEmpty() ? null : answers.get(0);
  }

  /** @return whether this approves (false for a rejection or a plain answer) */
  public boolean isApproved() {
    return Boolean.TRUE.equals(approved);
  }
}
