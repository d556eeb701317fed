package dev.workspace.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every figure measured, by scenario row and peer, one value per repeat. */
final class Results {
  /**
   * One row of a report table.
   *
   * @param scenario e.g. {@code B1}
   * @param figure what is measured, e.g. {@code deliveries/s, N=100}
   * @param higherIsBetter whether a larger value is the better one
   */
  record Row(String scenario, String figure, boolean higherIsBetter) {
  }

  private final Map<Row, Map<String, List<Double>>> values = new LinkedHashMap<>();
  private final Map<String, String> notes = new LinkedHashMap<>();

  /** Keeps a Markdown note for a scenario's "why" section; the last one given per scenario is kept. */
  synchronized void note(String scenario, String markdown) {
    notes.put(scenario, markdown);
  }

  /** @return the notes by scenario */
  synchronized Map<String, String> notes() {
    return new LinkedHashMap<>(notes);
  }

  synchronized void add(String scenario, String figure, boolean higherIsBetter, String peer, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return;
    }
    values.computeIfAbsent(new Row(scenario, figure, higherIsBetter), r -> new LinkedHashMap<>())
        .computeIfAbsent(peer, p -> new ArrayList<>()).add(value);
  }

  synchronized Map<Row, Map<String, List<Double>>> all() {
    Map<Row, Map<String, List<Double>>> copy = new LinkedHashMap<>();
    values.forEach((r, m) -> {
      Map<String, List<Double>> inner = new LinkedHashMap<>();
      m.forEach((p, l) -> inner.put(p, new ArrayList<>(l)));
      copy.put(r, inner);
    });
    return copy;
  }

  static double median(List<Double> l) {
    if (l == null || l.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(l);
    s.sort(Double::compare);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
