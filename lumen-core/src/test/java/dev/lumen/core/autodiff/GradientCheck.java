package dev.lumen.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorShapes;
import dev.lumen.core.runtime.Engine;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.runtime.GraphSession;
import dev.lumen.core.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Checks a compiled gradient against central finite differences of the forward graph: for two
 * random seed rows and random directions {@code v}, {@code <grad_k, v>} must equal
 * {@code (f_k(x + eps v) - f_k(x - eps v)) / (2 eps)} with {@code f_k = <seed_k, score>}.
 */
final class GradientCheck {
  private static final Engine ENGINE = new Engine(EngineOptions.defaults());

  private GradientCheck() {}

  /** Checks the gradient of the graph's output with respect to its input. */
  static void check(TinyGraph tiny, String output) {
    OnnxGraph graph = tiny.build(output);
    Random random = new Random(5);
    Tensor x = spaced(random, tiny.inputShape());
    TensorShapes shapes = shapes(graph, tiny.x(), x);
    long[] scoreShape = shapes.of("score");
    long[] seedShape = new long[scoreShape.length + 1];
    seedShape[0] = 2;
    System.arraycopy(scoreShape, 0, seedShape, 1, scoreShape.length);
    Tensor seed = gaussian(random, seedShape);

    GradientRequest request = new GradientRequest("score", List.of(tiny.x()), Seed.given(), Propagation.GRADIENT);
    Tensor grad;
    try (GraphSession compiled = ENGINE.open(Autodiff.compile(graph, shapes, request).toBytes(), "compiled")) {
      grad = compiled.run(Map.of(tiny.x(), x, Autodiff.SEED, seed), List.of(Autodiff.gradientOf(tiny.x())))
          .get(Autodiff.gradientOf(tiny.x()));
    }
    try (GraphSession forward = ENGINE.open(graph.toBytes(), "forward")) {
      for (int direction = 0; direction < 3; direction++) {
        Tensor v = gaussian(random, tiny.inputShape());
        double eps = 1e-3;
        Tensor up = forward.run(Map.of(tiny.x(), plus(x, v, eps)), List.of("score")).get("score");
        Tensor down = forward.run(Map.of(tiny.x(), plus(x, v, -eps)), List.of("score")).get("score");
        for (int k = 0; k < 2; k++) {
          Tensor row = seed.slice(k);
          double numeric = (dot(row, up) - dot(row, down)) / (2 * eps);
          double analytic = dot(grad.slice(k), v);
          double tolerance = 5e-3 * Math.max(1, Math.abs(numeric));
          assertTrue(Math.abs(numeric - analytic) <= tolerance,
              "seed " + k + " direction " + direction + ": finite differences " + numeric + ", gradient " + analytic);
        }
      }
    }
  }

  /** The shapes of every tensor of {@code graph} for input {@code x}. */
  static TensorShapes shapes(OnnxGraph graph, String input, Tensor x) {
    List<String> all = graph.intermediateTensors();
    Map<String, Tensor> values;
    try (GraphSession session = ENGINE.open(graph.withExtraOutputs(all).toBytes(), "probe")) {
      values = new HashMap<>(session.run(Map.of(input, x), all));
    }
    values.put(input, x);
    return TensorShapes.fromRuns(values, values);
  }

  private static Tensor gaussian(Random random, long[] shape) {
    float[] data = new float[Math.toIntExact(Tensor.sizeOf(shape))];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextGaussian();
    }
    return Tensor.of(data, shape);
  }

  /**
   * Distinct values in [-2.2, 2.2], at least 0.2 from zero (where rectifiers bend) and apart
   * from each other by more than the differences move them, in random order: no maximum changes
   * hands within the differences' reach.
   */
  private static Tensor spaced(Random random, long[] shape) {
    int n = Math.toIntExact(Tensor.sizeOf(shape));
    List<Integer> order = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, random);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      float u = -2f + 4f * order.get(i) / Math.max(1, n - 1);
      out[i] = u + Math.copySign(0.2f, u);
    }
    return Tensor.of(out, shape);
  }

  private static Tensor plus(Tensor x, Tensor v, double eps) {
    float[] out = new float[x.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (x.get(i) + eps * v.get(i));
    }
    return Tensor.of(out, x.shape());
  }

  private static double dot(Tensor a, Tensor b) {
    double sum = 0;
    for (int i = 0; i < a.size(); i++) {
      sum += (double) a.get(i) * b.get(i);
    }
    return sum;
  }
}
