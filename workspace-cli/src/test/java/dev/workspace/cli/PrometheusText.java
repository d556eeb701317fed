package dev.workspace.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every sample belongs to a family declared by
 * {@code # TYPE} before it, names and labels follow the format's grammar, no sample appears twice, and each
 * histogram's buckets are cumulative and end in {@code +Inf} equal to its {@code _count}. Samples are keyed
 * {@code name{a="1",b="2"}} with the labels sorted, or the bare name without labels.
 */
final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME.pattern() + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME.pattern() + ") .*");

  final Map<String, Double> samples = new LinkedHashMap<>();
  final Map<String, String> types = new HashMap<>();

  private PrometheusText() {
  }

  static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    String[] lines = text.split("\n", -1);
    if (!lines[lines.length - 1].isEmpty()) {
      throw new AssertionError("the text does not end with a newline");
    }
    for (int i = 0; i < lines.length - 1; i++) {
      p.line(lines[i]);
    }
    p.checkHistograms();
    return p;
  }

  private void line(String line) {
    if (line.isEmpty()) {
      return;
    }
    if (line.startsWith("#")) {
      Matcher t = TYPE.matcher(line);
      if (t.matches()) {
        if (types.put(t.group(1), t.group(2)) != null) {
          throw new AssertionError("family declared twice: " + line);
        }
        return;
      }
      if (!HELP.matcher(line).matches()) {
        throw new AssertionError("a comment that is neither HELP nor TYPE: " + line);
      }
      return;
    }
    Matcher n = NAME.matcher(line);
    if (!n.lookingAt()) {
      throw new AssertionError("no metric name: " + line);
    }
    String name = n.group();
    int pos = n.end();
    TreeMap<String, String> labels = new TreeMap<>();
    if (pos < line.length() && line.charAt(pos) == '{') {
      int close = line.indexOf('}', pos);
      while (close > 0 && !balanced(line.substring(pos + 1, close))) {
        close = line.indexOf('}', close + 1);
      }
      if (close < 0) {
        throw new AssertionError("unclosed labels: " + line);
      }
      String body = line.substring(pos + 1, close);
      Matcher l = LABEL.matcher(body);
      int at = 0;
      while (at < body.length()) {
        if (!l.find(at) || l.start() != at) {
          throw new AssertionError("bad label at " + at + ": " + line);
        }
        if (labels.put(l.group(1), l.group(2)) != null) {
          throw new AssertionError("label repeated: " + line);
        }
        at = l.end();
        if (at < body.length()) {
          if (body.charAt(at) != ',') {
            throw new AssertionError("labels not separated by commas: " + line);
          }
          at++;
        }
      }
      pos = close + 1;
    }
    if (pos >= line.length() || line.charAt(pos) != ' ') {
      throw new AssertionError("no space before the value: " + line);
    }
    String[] rest = line.substring(pos + 1).split(" ");
    if (rest.length > 2) {
      throw new AssertionError("more than a value and a timestamp: " + line);
    }
    double value = switch (rest[0]) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(rest[0]);
    };
    if (family(name) == null) {
      throw new AssertionError("sample of an undeclared family: " + line);
    }
    String key = key(name, labels);
    if (samples.put(key, value) != null) {
      throw new AssertionError("sample repeated: " + line);
    }
  }

  private static boolean balanced(String labels) {
    int quotes = 0;
    for (int i = 0; i < labels.length(); i++) {
      if (labels.charAt(i) == '\\') {
        i++;
      } else if (labels.charAt(i) == '"') {
        quotes++;
      }
    }
    return quotes % 2 == 0;
  }

  /** @return the declared family a sample name belongs to, or {@code null} */
  private String family(String name) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return null;
  }

  private void checkHistograms() {
    for (Map.Entry<String, String> t : types.entrySet()) {
      if (!t.getValue().equals("histogram")) {
        continue;
      }
      String base = t.getKey();
      Map<String, List<double[]>> bySeries = new HashMap<>();
      for (Map.Entry<String, Double> s : samples.entrySet()) {
        if (s.getKey().startsWith(base + "_bucket{")) {
          String labels = s.getKey().substring((base + "_bucket{").length(), s.getKey().length() - 1);
          Matcher le = Pattern.compile("(^|,)le=\"([^\"]*)\"").matcher(labels);
          if (!le.find()) {
            throw new AssertionError("bucket without le: " + s.getKey());
          }
          String series = (labels.substring(0, le.start()) + labels.substring(le.end())).replaceAll("^,", "");
          double bound = le.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(2));
          bySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(new double[] {bound, s.getValue()});
        }
      }
      for (Map.Entry<String, List<double[]>> e : bySeries.entrySet()) {
        List<double[]> buckets = e.getValue();
        buckets.sort((a, b) -> Double.compare(a[0], b[0]));
        for (int i = 1; i < buckets.size(); i++) {
          if (buckets.get(i)[1] < buckets.get(i - 1)[1]) {
            throw new AssertionError(base + " buckets are not cumulative: " + e.getKey());
          }
        }
        double[] last = buckets.get(buckets.size() - 1);
        String count = e.getKey().isEmpty() ? base + "_count" : base + "_count{" + e.getKey() + "}";
        if (last[0] != Double.POSITIVE_INFINITY || samples.get(count) == null || last[1] != samples.get(count)) {
          throw new AssertionError(base + " has no +Inf bucket equal to its count: " + e.getKey());
        }
      }
    }
  }

  static String key(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name).append('{');
    new TreeMap<>(labels).forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
    sb.setLength(sb.length() - 1);
    return sb.append('}').toString();
  }

  /**
   * @param name a sample name
   * @param labels label, value, label, value, ...
   * @return its value; fails when the sample is not there
   */
  double value(String name, String... labels) {
    Map<String, String> l = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      l.put(labels[i], labels[i + 1]);
    }
    Double v = samples.get(key(name, l));
    if (v == null) {
      throw new AssertionError("no sample " + key(name, l));
    }
    return v;
  }

  /**
   * @param prefix a family name
   * @return every sample of it, by key
   */
  Map<String, Double> family(String prefix, boolean withSuffixes) {
    Map<String, Double> out = new TreeMap<>();
    samples.forEach((k, v) -> {
      String name = k.contains("{") ? k.substring(0, k.indexOf('{')) : k;
      if (name.equals(prefix) || (withSuffixes && name.startsWith(prefix + "_"))) {
        out.put(k, v);
      }
    });
    return out;
  }
}
