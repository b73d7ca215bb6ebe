package dev.lumen.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.TestModels;
import dev.lumen.core.model.Model;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.runtime.Engine;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.runtime.GraphSession;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DeepLIFT's multipliers: against the rescale rule worked out by hand on a small network, and
 * completeness (the multipliers times the input's difference add up to the logit's difference)
 * on torchvision architectures, the MRNet max over slices, 3D networks, max pooling where the
 * reference wins and products of computed tensors.
 */
class DeepLiftTest {
  private static final Engine ENGINE = new Engine(EngineOptions.defaults());

  /** The multipliers of {@code input} for each label of {@code labels} and the scores of input and reference. */
  private record Run(Tensor multipliers, Tensor scores, Tensor referenceScores) {}

  private static Run run(OnnxGraph graph, String input, String score, Tensor x, Tensor reference, int[] labels,
                         Model model) {
    Tensor scores = model == null ? scores(graph, input, score, x) : model.run(x, List.of(score)).get(score);
    Tensor referenceScores = model == null ? scores(graph, input, score, reference)
        : model.run(reference, List.of(score)).get(score);
    GradientRequest request = new GradientRequest(score, List.of(input), Seed.given(), Propagation.DEEPLIFT_RESCALE);
    OnnxGraph compiled = Autodiff.compile(graph, model == null ? GradientCheck.shapes(graph, input, x) : model.shapes(),
        request);
    int items = scores.dim(0);
    int classes = scores.dim(1);
    float[] rows = new float[labels.length * items * classes];
    for (int k = 0; k < labels.length; k++) {
      for (int i = 0; i < items; i++) {
        rows[(k * items + i) * classes + labels[k]] = 1;
      }
    }
    try (GraphSession session = ENGINE.open(compiled.toBytes(), "deeplift")) {
      Map<String, Tensor> out = session.run(Map.of(input, x, Autodiff.referenceOf(input), reference,
          Autodiff.SEED, Tensor.of(rows, labels.length, items, classes)), List.of(Autodiff.gradientOf(input)));
      return new Run(out.get(Autodiff.gradientOf(input)), scores, referenceScores);
    }
  }

  private static Tensor scores(OnnxGraph graph, String input, String score, Tensor x) {
    try (GraphSession session = ENGINE.open(graph.toBytes(), "forward")) {
      return session.run(Map.of(input, x), List.of(score)).get(score);
    }
  }

  /** {@code sum (x - x0) * m} of seed row {@code k}. */
  private static double attributionSum(Run run, Tensor x, Tensor reference, int k) {
    float[] m = run.multipliers().unsafeData();
    int per = x.size();
    double sum = 0;
    for (int i = 0; i < per; i++) {
      sum += (x.get(i) - reference.get(i)) * m[k * per + i];
    }
    return sum;
  }

  /**
   * x (3) → dense (2) → ReLU → dense (2) → sigmoid → dense (1): the rescale multipliers written
   * out, {@code m_x = W1^T (r1 * (W2^T (r2 * w3)))} with {@code r = dy / dx} of each
   * nonlinearity's unit.
   */
  @Test
  void rescaleMultipliersMatchTheDefinition() {
    float[] w1 = {0.8f, -0.5f, 0.3f, -0.4f, 0.9f, 0.6f};
    float[] b1 = {0.1f, -0.2f};
    float[] w2 = {1.2f, -0.7f, 0.4f, 0.9f};
    float[] w3 = {1.5f, -2f};
    TinyGraph g = TinyGraph.input(13, 1, 3);
    GraphEmitter e = g.emitter();
    String h1 = g.op("Gemm", List.of(g.x(), e.floats(w1, 2, 3), e.floats(b1, 2)), Attributes.integer("transB", 1));
    String h2 = g.op("Gemm", List.of(g.op("Relu", List.of(h1)), e.floats(w2, 2, 2)), Attributes.integer("transB", 1));
    String y = g.op("Gemm", List.of(g.op("Sigmoid", List.of(h2)), e.floats(w3, 1, 2)), Attributes.integer("transB", 1));
    OnnxGraph graph = g.build(y);
    float[] x = {1.0f, -0.6f, 0.4f};
    float[] x0 = {-0.2f, 0.5f, 0.3f};
    Run run = run(graph, "x", "score", Tensor.of(x, 1, 3), Tensor.of(x0, 1, 3), new int[] {0}, null);

    double[] z1 = dense(w1, b1, x, 2);
    double[] z10 = dense(w1, b1, x0, 2);
    double[] a1 = new double[2];
    double[] a10 = new double[2];
    double[] r1 = new double[2];
    for (int j = 0; j < 2; j++) {
      a1[j] = Math.max(0, z1[j]);
      a10[j] = Math.max(0, z10[j]);
      r1[j] = (a1[j] - a10[j]) / (z1[j] - z10[j]);
    }
    double[] z2 = dense(w2, new float[2], a1, 2);
    double[] z20 = dense(w2, new float[2], a10, 2);
    double[] down2 = new double[2];
    for (int j = 0; j < 2; j++) {
      double r2 = (sigmoid(z2[j]) - sigmoid(z20[j])) / (z2[j] - z20[j]);
      down2[j] = w3[j] * r2;
    }
    double[] down1 = new double[2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        down1[i] += w2[j * 2 + i] * down2[j];
      }
      down1[i] *= r1[i];
    }
    for (int i = 0; i < 3; i++) {
      double m = 0;
      for (int j = 0; j < 2; j++) {
        m += w1[j * 3 + i] * down1[j];
      }
      assertEquals(m, run.multipliers().get(i), 1e-5, "multiplier of x" + i);
    }
    assertEquals(run.scores().get(0) - run.referenceScores().get(0),
        attributionSum(run, Tensor.of(x, 1, 3), Tensor.of(x0, 1, 3), 0), 1e-5);
  }

  private static double[] dense(float[] w, float[] b, double[] x, int out) {
    double[] z = new double[out];
    for (int j = 0; j < out; j++) {
      z[j] = b[j];
      for (int i = 0; i < x.length; i++) {
        z[j] += w[j * x.length + i] * x[i];
      }
    }
    return z;
  }

  private static double[] dense(float[] w, float[] b, float[] x, int out) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return dense(w, b, d, out);
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /**
   * Completeness on whole networks (biases, batch normalisation, max pooling, residual sums,
   * concatenation, ReLU6, the MRNet max over slices, 3D convolutions), for two labels at once,
   * against the zero input and a noisy reference.
   */
  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "densenet121", "mobilenet_v2", "vgg_style-nobias", "mrnet", "cnn3d", "r3d_18",
      "keras_style"})
  void attributionsAddUpToTheLogitDifference(String name) {
    try (Model model = Model.load(TestModels.model(name))) {
      Tensor x = TestModels.array(name, "input");
      Random random = new Random(5);
      float[] noise = new float[x.size()];
      for (int i = 0; i < noise.length; i++) {
        noise[i] = (float) (0.5 * random.nextGaussian());
      }
      int classes = model.labels().size();
      int[] labels = {0, classes - 1};
      for (Tensor reference : List.of(Tensor.zeros(x.shape()), Tensor.of(noise, x.shape()))) {
        Run run = run(model.graph(), model.input().name(), model.logitsName(), x, reference, labels, model);
        for (int k = 0; k < labels.length; k++) {
          double difference = run.scores().get(labels[k]) - run.referenceScores().get(labels[k]);
          double sum = attributionSum(run, x, reference, k);
          assertEquals(difference, sum, 2e-3 * Math.max(1, Math.abs(difference)), name + " label " + labels[k]);
        }
      }
    }
  }

  /**
   * Max pooling where the reference's maxima win in some windows and the input's in others, and a
   * gate (a product of two computed tensors, as squeeze-and-excitation makes): the sum still holds.
   */
  @Test
  void maximaAndProductsOfComputedTensorsAddUp() {
    TinyGraph g = TinyGraph.input(13, 1, 2, 6, 6);
    String conv = g.op("Conv", List.of(g.x(), g.random(0.5f, 3, 2, 3, 3), g.random(0.2f, 3)),
        Attributes.ints("pads", 1, 1, 1, 1));
    String pooled = g.op("MaxPool", List.of(conv), Attributes.ints("kernel_shape", 2, 2),
        Attributes.ints("strides", 2, 2));
    String gate = g.op("Sigmoid", List.of(g.op("GlobalAveragePool", List.of(pooled))));
    String gated = g.op("Mul", List.of(pooled, gate));
    String flat = g.op("Flatten", List.of(g.op("Tanh", List.of(gated))));
    String y = g.op("Gemm", List.of(flat, g.random(1f, 2, 27)), Attributes.integer("transB", 1));
    OnnxGraph graph = g.build(y);
    Random random = new Random(11);
    float[] x = new float[72];
    float[] x0 = new float[72];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
      x0[i] = (float) random.nextGaussian();
    }
    Tensor input = Tensor.of(x, 1, 2, 6, 6);
    Tensor reference = Tensor.of(x0, 1, 2, 6, 6);
    Run run = run(graph, "x", "score", input, reference, new int[] {0, 1}, null);
    for (int k = 0; k < 2; k++) {
      double difference = run.scores().get(k) - run.referenceScores().get(k);
      assertEquals(difference, attributionSum(run, input, reference, k), 1e-4 * Math.max(1, Math.abs(difference)),
          "label " + k);
    }
  }

  @Test
  void refusesWhatNoMultiplierPassesThrough() {
    TinyGraph g = TinyGraph.input(13, 1, 4);
    String mask = g.op("Cast", List.of(g.op("Greater", List.of(g.x(), g.emitter().scalar(0)))),
        Attributes.integer("to", 1));
    OnnxGraph masked = g.build(g.op("MatMul", List.of(g.op("Mul", List.of(g.x(), mask)), g.random(1, 4, 3))));
    GradientRequest request = new GradientRequest("score", List.of("x"), Seed.given(), Propagation.DEEPLIFT_RESCALE);
    Tensor x = Tensor.of(new float[] {1, -1, 2, 0.5f}, 1, 4);
    LumenException e = assertThrows(LumenException.class, () -> Autodiff.compile(masked,
        GradientCheck.shapes(masked, "x", x), request));
    assertTrue(e.getMessage().contains("no multiplier passes"), e.getMessage());

    TinyGraph s = TinyGraph.input(13, 1, 4);
    OnnxGraph softmax = s.build(s.op("MatMul", List.of(s.op("Softmax", List.of(s.x())), s.random(1, 4, 3))));
    LumenException f = assertThrows(LumenException.class, () -> Autodiff.compile(softmax,
        GradientCheck.shapes(softmax, "x", x), request));
    assertTrue(f.getMessage().contains("Softmax") && f.getMessage().contains("DeepLIFT has no rule"), f.getMessage());
  }
}
