import { WorkspaceError } from "../../clients/js/src/index.js";
import type { AgentClient, Event, Run } from "../../clients/js/src/index.js";
import { append, clear, h, jsonText } from "./dom.js";
import { schedule, type Renderable } from "./frame.js";

const MAX_ITEMS = 2000;

type Json = Record<string, unknown>;

/**
 * "Talk to an agent": starts runs on one agent and shows each as it works, the way a chat client does: the task,
 * streamed text, thinking, tool calls with their arguments and results, cards that answer a question, approve or
 * reject a tool (once or for the session) or review a plan, the end, and a cancel button while it runs. Every run
 * of one panel shares a conversation (`session_id`). Changes are queued and drawn once per animation frame.
 */
export class RunPanel implements Renderable {
  readonly el: HTMLElement;
  private readonly transcript = h("div", { class: "transcript", role: "log", "aria-label": "Run transcript" });
  private readonly state = h("span", { class: "run-state", "data-state": "idle", "aria-live": "polite" }, "idle");
  private readonly startButton = h("button", { type: "submit" }, "Start run");
  private readonly cancelButton = h("button", { type: "button", class: "cancel", disabled: "" }, "Cancel run");
  private readonly queue: (() => void)[] = [];
  private readonly sessionId = `console-${Math.random().toString(36).slice(2, 10)}`;
  private run: Run | undefined;
  private textBlock: HTMLElement | undefined;
  private readonly tools = new Map<string, HTMLElement>();
  private readonly thoughts = new Map<string, HTMLElement>();
  private items = 0;

  /**
   * @param agentId the agent the runs go to
   * @param client the console's client, when connected
   * @param observe sees every answer of every run (for the event stream)
   */
  constructor(readonly agentId: string, private readonly client: () => AgentClient | undefined,
      private readonly observe: (e: Event) => void) {
    const input = h("textarea", { name: "task", rows: "2", "aria-label": `Task for ${agentId}`,
      placeholder: `Ask ${agentId} to do something`, maxlength: "20000" });
    const form = h("form", { class: "run-box" }, input, this.startButton, this.cancelButton, this.state);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = input.value;
      if (!text.trim() || this.run) return;
      input.value = "";
      this.start(text);
    });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
    this.cancelButton.addEventListener("click", () => {
      const run = this.run;
      if (!run) return;
      this.cancelButton.setAttribute("disabled", "");
      this.setState("canceling", "canceling…");
      void run.cancel("canceled from the console").catch(() => undefined);
    });
    this.el = h("div", { class: "run-panel" }, this.transcript, form);
  }

  private setState(state: string, text: string): void {
    this.later(() => {
      this.state.setAttribute("data-state", state);
      this.state.textContent = text;
    });
  }

  private later(op: () => void): void {
    this.queue.push(op);
    schedule(this);
  }

  render(): void {
    const stick = this.transcript.scrollTop + this.transcript.clientHeight >= this.transcript.scrollHeight - 40;
    for (const op of this.queue.splice(0)) op();
    while (this.items > MAX_ITEMS && this.transcript.firstChild) {
      this.transcript.firstChild.remove();
      this.items--;
    }
    if (stick) this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  private add(el: HTMLElement): HTMLElement {
    this.later(() => {
      this.transcript.appendChild(el);
      this.items++;
    });
    return el;
  }

  private start(text: string): void {
    const c = this.client();
    if (!c) return;
    this.textBlock = undefined;
    this.add(h("div", { class: "bubble task" }, h("span", { class: "who" }, "you"), h("div", null, text)));
    const run = c.remoteAgent(this.agentId, { timeout: 600_000 }).session(this.sessionId).start(text);
    this.run = run;
    this.startButton.setAttribute("disabled", "");
    this.cancelButton.removeAttribute("disabled");
    this.setState("submitted", "submitted");
    void (async () => {
      try {
        for await (const e of run) {
          this.observe(e);
          this.onEvent(run, e);
        }
        const r = await run.result();
        this.observe(r.event);
        this.textBlock = undefined;
        const p = r.payload;
        const final = typeof p.text === "string" ? p.text : undefined;
        const body = this.streamBody;
        if (body && final !== undefined) {
          // The end is authoritative: a chunk that came late or out of order in a cluster is not lost.
          this.later(() => {
            body.textContent = final;
          });
        }
        this.add(h("div", { class: "bubble result", "data-run": run.id },
          h("span", { class: "who" }, `${this.agentId} · completed`),
          h("div", null, body && final !== undefined ? "" : final ?? jsonText(p))));
        this.setState("completed", "completed");
      } catch (e) {
        const err = e as WorkspaceError;
        const state = err instanceof WorkspaceError && err.kind === "canceled" ? "canceled"
          : err instanceof WorkspaceError && err.kind === "rejected" ? "rejected" : "failed";
        this.add(h("div", { class: `bubble end ${state}`, "data-run": run.id },
          h("span", { class: "who" }, state), h("div", null, err.message)));
        this.setState(state, state);
      } finally {
        this.run = undefined;
        this.streamedText = "";
        this.streamBody = undefined;
        this.later(() => {
          this.startButton.removeAttribute("disabled");
          this.cancelButton.setAttribute("disabled", "");
        });
      }
    })();
  }

  private streamedText = "";
  private streamBody: HTMLElement | undefined;

  private onEvent(run: Run, e: Event): void {
    const p = (e.payload ?? {}) as Json;
    switch (e.event_name) {
      case "run.progress.text": {
        const chunk = String(p.text ?? "");
        if (!this.textBlock || p.append === false) {
          this.textBlock = this.add(h("div", { class: "bubble text" }, h("span", { class: "who" }, this.agentId),
            h("div", { class: "streamed" })));
          if (p.append === false) this.streamedText = "";
        }
        this.streamedText += chunk;
        const body = this.textBlock.lastChild as HTMLElement;
        this.streamBody = body;
        const all = this.streamedText;
        this.later(() => {
          body.textContent = all;
        });
        this.setState("working", "working");
        return;
      }
      case "run.progress.thinking": {
        const id = String(p.id ?? "");
        const old = id ? this.thoughts.get(id) : undefined;
        const body = h("div", null, String(p.text ?? ""));
        const block = h("details", { class: "thinking", open: "" }, h("summary", null,
          `thinking${p.status === "running" ? "…" : ""}${typeof p.duration_ms === "number" ? ` (${p.duration_ms} ms)`
            : ""}`), body);
        if (old) {
          this.later(() => old.replaceWith(block));
        } else {
          this.add(block);
        }
        if (id) this.thoughts.set(id, block);
        this.textBlock = undefined;
        this.setState("working", "working");
        return;
      }
      case "run.progress.tool_call": {
        const id = String(p.tool_call_id ?? "");
        const card = h("div", { class: "tool", "data-tool-call": id },
          h("div", { class: "tool-head" }, "tool call ", h("code", null, String(p.name ?? "?"))),
          h("pre", { class: "args", "aria-label": "arguments" }, jsonText(p.args ?? {})));
        this.tools.set(id, card);
        this.add(card);
        this.textBlock = undefined;
        this.setState("working", "working");
        return;
      }
      case "run.progress.tool_result": {
        const card = this.tools.get(String(p.tool_call_id ?? ""));
        const result = h("div", { class: `tool-result ${p.status === "error" ? "error" : ""}` },
          h("div", { class: "tool-head" }, `result (${String(p.status ?? "done")}${typeof p.timing_ms === "number"
            ? `, ${p.timing_ms} ms` : ""})`), h("pre", { "aria-label": "result" }, jsonText(p.result)));
        if (card) this.later(() => card.appendChild(result));
        else this.add(h("div", { class: "tool" }, result));
        return;
      }
      case "run.progress.artifact":
        this.add(h("div", { class: "tool artifact" }, h("div", { class: "tool-head" }, "artifact ",
          h("code", null, String(p.name ?? p.artifact_id ?? "?"))), h("pre", null, jsonText(p.parts ?? p))));
        return;
      case "run.input_required":
        this.textBlock = undefined;
        this.add(this.question(run, p));
        this.setState("input_required", "waiting for you");
        return;
      default:
        this.add(h("div", { class: "note" }, `${e.event_name}: `, jsonText(p)));
    }
  }

  private question(run: Run, p: Json): HTMLElement {
    const kind = String(p.kind ?? "ask_user");
    const card = h("div", { class: `card input ${kind}`, "data-kind": kind, role: "group",
      "aria-label": kind === "approval" ? "Approval requested" : kind === "plan_review" ? "Plan review"
        : "Question" });
    const outcome = h("div", { class: "outcome", "aria-live": "polite" });
    const controls = h("div", { class: "controls" });
    const done = (what: string, send: () => Promise<void>) => {
      for (const b of card.querySelectorAll("button, input")) b.setAttribute("disabled", "");
      outcome.textContent = `sending: ${what}`;
      send().then(() => {
        outcome.textContent = `answered: ${what}`;
        card.classList.add("answered");
      }, (e: Error) => {
        outcome.textContent = `not sent: ${e.message}`;
        for (const b of card.querySelectorAll("button, input")) b.removeAttribute("disabled");
      });
    };
    const feedback = h("input", { type: "text", name: "feedback", "aria-label": "Feedback", placeholder: "feedback" });
    const button = (label: string, onClick: () => void, cls = "") => {
      const b = h("button", { type: "button", class: cls }, label);
      b.addEventListener("click", onClick);
      return b;
    };
    if (kind === "approval" || kind === "plan_review") {
      const tool = typeof p.tool === "string" ? p.tool : undefined;
      append(card, kind === "approval"
        ? h("div", { class: "card-head" }, "approve ", h("code", null, tool ?? "a tool"), "?")
        : h("div", { class: "card-head" }, "review the plan"),
      p.text ? h("p", null, String(p.text)) : null,
      p.description ? h("p", null, String(p.description)) : null,
      p.arguments !== undefined ? h("pre", { "aria-label": "arguments" }, jsonText(p.arguments)) : null,
      p.plan !== undefined ? h("pre", { class: "plan", "aria-label": "plan" }, jsonText(p.plan)) : null);
      append(controls,
        button(kind === "approval" ? "Approve once" : "Approve plan", () => done("approved once",
          () => run.approve("once")), "approve"),
        button("Approve for session", () => done("approved for the session", () => run.approve("session")),
          "approve"),
        feedback,
        button(kind === "approval" ? "Reject" : "Reject plan", () => done(`rejected${feedback.value ? ": "
          + feedback.value : ""}`, () => run.reject(feedback.value || undefined)), "reject"));
    } else {
      const options = Array.isArray(p.options) ? p.options.map(String) : [];
      const multi = p.multi_select === true;
      append(card, h("div", { class: "card-head" }, kind === "auth" ? "sign-in needed" : "question"),
        h("p", { class: "question-text" }, String(p.text ?? "")));
      const free = h("input", { type: "text", name: "answer", "aria-label": "Answer", placeholder: "your answer" });
      if (multi) {
        const boxes = options.map((o) => h("input", { type: "checkbox", value: o, "aria-label": o }));
        append(controls, ...options.map((o, i) => h("label", { class: "option" }, boxes[i], ` ${o}`)),
          button("Send choices", () => {
            const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
            done(chosen.join(", "), () => run.respond(chosen));
          }));
      } else {
        for (const o of options) append(controls, button(o, () => done(o, () => run.respond(o)), "option"));
      }
      append(controls, free, button("Answer", () => {
        if (free.value.trim()) done(free.value, () => run.respond(free.value));
      }));
    }
    append(card, controls, outcome);
    return card;
  }

  /** Clears the transcript (not the runs). */
  clear(): void {
    this.later(() => {
      clear(this.transcript);
      this.items = 0;
    });
  }
}
