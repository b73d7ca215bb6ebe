package dev.lumen.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.TestModels;
import dev.lumen.core.model.Model;
import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.runtime.Engine;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.runtime.GraphSession;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Layer-wise relevance propagation: every rule and composite against the rules' formulas written
 * out layer by layer in PyTorch (scripts/lrp_references.py), and conservation on torchvision
 * architectures whose biases are zero.
 */
class RelevanceTest {
  private static final Engine ENGINE = new Engine(EngineOptions.defaults());
  /** The references' parameters (scripts/lrp_references.py). */
  private static final float EPSILON = 0.1f;
  private static final RelevanceRule.ZBox BOX =
      new RelevanceRule.ZBox(new float[] {-1, -2, -1.5f}, new float[] {2, 1, 1.5f});

  /** A reference's name as a composite: {@code KIND} or {@code KIND+KEY=RULE}. */
  private static Composite composite(String name) {
    String[] parts = name.split("\\+", 2);
    Composite.Kind kind = Composite.Kind.valueOf(parts[0].toUpperCase().replace('-', '_'));
    Map<String, String> rules = new HashMap<>();
    if (parts.length == 2) {
      String[] rule = parts[1].split("=");
      rules.put(rule[0], rule[1]);
    }
    return Composite.of(kind, EPSILON, Composite.GAMMA, BOX).with(rules, EPSILON, Composite.GAMMA, BOX);
  }

  /** The input's relevance and the scores, with relevance also at {@code layers}. */
  private static Map<String, Tensor> relevance(Model model, Tensor input, Composite composite, List<String> layers) {
    List<String> wrt = new ArrayList<>(List.of(model.input().name()));
    wrt.addAll(layers);
    GradientRequest request = GradientRequest.relevance(model.logitsName(), wrt, Seed.topK(1), composite);
    OnnxGraph compiled = Autodiff.compile(model.graph(), model.shapes(), request);
    List<String> outputs = new ArrayList<>(List.of(model.logitsName(), Autodiff.TARGETS));
    wrt.forEach(t -> outputs.add(Autodiff.gradientOf(t)));
    try (GraphSession session = ENGINE.open(compiled.toBytes(), "lrp")) {
      return session.run(Map.of(model.input().name(), input), outputs);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"epsilon", "epsilon-gamma-box", "epsilon-plus", "epsilon-plus-flat", "epsilon-alpha2-beta1",
      "epsilon-alpha2-beta1-flat", "epsilon-plus+first=wsquare", "epsilon+conv=zero"})
  void everyRuleEqualsItsFormula(String name) {
    try (Model model = Model.load(TestModels.model("lrp-tiny"))) {
      Tensor input = TestModels.array("lrp-tiny", "input");
      Tensor lumen = relevance(model, input, composite(name), List.of()).get(Autodiff.gradientOf(model.input().name()));
      Tensor reference = TestModels.array("lrp-tiny", name);
      assertEquals(reference.size(), lumen.size());
      TestModels.assertClose(reference, lumen.reshape(reference.shape()), 1e-4, name);
    }
  }

  /**
   * With no bias to absorb any, relevance is conserved: at the input and at every tensor all of
   * the signal passes through, it sums to the explained logit (up to the stabiliser's 1e-6 per
   * unit and float32 rounding). Alpha-beta is left out: it does not conserve where a unit has no
   * negative contributions.
   */
  @ParameterizedTest
  @ValueSource(strings = {"resnet18-nobias", "densenet121-nobias", "mobilenet_v2-nobias", "vgg_style-nobias"})
  void relevanceIsConservedLayerByLayer(String name) {
    try (Model model = Model.load(TestModels.model(name))) {
      Tensor input = TestModels.array(name, "input");
      List<String> cuts = cuts(model.graph(), model.input().name());
      assertTrue(cuts.size() >= 3, name + " has cuts " + cuts);
      for (Composite.Kind kind : List.of(Composite.Kind.EPSILON, Composite.Kind.EPSILON_GAMMA_BOX,
          Composite.Kind.EPSILON_PLUS, Composite.Kind.EPSILON_PLUS_FLAT)) {
        Composite composite = Composite.of(kind, Composite.EPSILON, Composite.GAMMA, BOX);
        Map<String, Tensor> out = relevance(model, input, composite, cuts);
        int target = (int) out.get(Autodiff.TARGETS).get(0);
        double logit = out.get(model.logitsName()).get(target);
        List<String> tensors = new ArrayList<>(cuts);
        tensors.add(model.input().name());
        for (String tensor : tensors) {
          double sum = 0;
          for (float v : out.get(Autodiff.gradientOf(tensor)).toArray()) {
            sum += v;
          }
          assertEquals(logit, sum, 1e-3 * Math.abs(logit), name + " " + kind + ": relevance at " + tensor);
        }
      }
    }
  }

  /**
   * The tensors every path from the input to the scores passes through: produced by a node after
   * which no earlier activation is read again (block outputs, transition layers).
   */
  private static List<String> cuts(OnnxGraph graph, String input) {
    List<Node> nodes = graph.nodes();
    Map<String, Integer> lastRead = new HashMap<>();
    for (Node n : nodes) {
      n.inputs().forEach(t -> lastRead.put(t, n.index()));
    }
    Set<String> dependent = new HashSet<>(List.of(input));
    Set<String> live = new HashSet<>(List.of(input));
    List<String> cuts = new ArrayList<>();
    for (Node n : nodes) {
      if (n.inputs().stream().noneMatch(dependent::contains)) {
        continue;
      }
      dependent.addAll(n.outputs());
      live.removeIf(t -> lastRead.getOrDefault(t, -1) <= n.index());
      if (live.isEmpty()) {
        cuts.add(n.output());
      }
      live.addAll(n.outputs());
    }
    return cuts;
  }

  /**
   * A convolution read only by a batch normalisation is the layer they make together: its
   * relevance equals that of the same network with the normalisation folded into the weights.
   */
  @Test
  void aBatchNormalisationAfterAConvolutionIsMergedIntoIt() {
    float[] w = new float[3 * 2 * 9];
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    float[] bias = {0.3f, -0.2f, 0.1f};
    float[] scale = {1.5f, 0.7f, -0.9f};
    float[] shift = {0.2f, -0.4f, 0.5f};
    float[] mean = {0.1f, -0.3f, 0.2f};
    float[] variance = {0.8f, 1.3f, 0.5f};
    float[] folded = new float[w.length];
    float[] foldedBias = new float[3];
    for (int c = 0; c < 3; c++) {
      double factor = scale[c] / Math.sqrt(variance[c] + 1e-5);
      for (int k = 0; k < 18; k++) {
        folded[c * 18 + k] = (float) (w[c * 18 + k] * factor);
      }
      foldedBias[c] = (float) ((bias[c] - mean[c]) * factor + shift[c]);
    }
    Tensor x = Tensor.of(new float[] {0.5f, -1, 2, 0.1f, -0.7f, 1.2f, 0.3f, -0.2f, 0.9f, -1.1f, 0.4f, 0.8f, -0.5f,
        1.5f, -0.3f, 0.6f, 0.2f, -0.9f, 1.1f, 0.7f, -0.4f, 0.05f, 1.3f, -0.6f, 0.35f, -1.4f, 0.45f, 0.9f, -0.25f, 0.6f,
        1.0f, -0.8f}, 1, 2, 4, 4);
    for (Composite.Kind kind : List.of(Composite.Kind.EPSILON_GAMMA_BOX, Composite.Kind.EPSILON_PLUS)) {
      RelevanceRule.ZBox box = new RelevanceRule.ZBox(new float[] {-2, -2}, new float[] {2.5f, 2.5f});
      Composite composite = Composite.of(kind, Composite.EPSILON, Composite.GAMMA, box);
      float[] merged = relevanceOf(convolutionNet(w, bias, new float[][] {scale, shift, mean, variance}), x, composite);
      float[] byHand = relevanceOf(convolutionNet(folded, foldedBias, null), x, composite);
      for (int i = 0; i < merged.length; i++) {
        assertEquals(byHand[i], merged[i], 1e-5 + 1e-4 * Math.abs(byHand[i]), kind + " at " + i);
      }
    }
  }

  /** Conv 2→3 (3×3, pad 1), optionally a batch normalisation, ReLU, global average pooling, a dense layer. */
  private static OnnxGraph convolutionNet(float[] w, float[] bias, float[][] normalisation) {
    TinyGraph g = TinyGraph.input(13, 1, 2, 4, 4);
    GraphEmitter e = g.emitter();
    String conv = g.op("Conv", List.of(g.x(), e.floats(w, 3, 2, 3, 3), e.floats(bias, 3)),
        Attributes.ints("pads", 1, 1, 1, 1));
    if (normalisation != null) {
      conv = g.op("BatchNormalization", List.of(conv, e.floats(normalisation[0], 3), e.floats(normalisation[1], 3),
          e.floats(normalisation[2], 3), e.floats(normalisation[3], 3)));
    }
    String pooled = g.op("Flatten", List.of(g.op("GlobalAveragePool", List.of(g.op("Relu", List.of(conv))))));
    String logits = g.op("Gemm", List.of(pooled, e.floats(new float[] {1, -0.5f, 0.8f, -1, 0.6f, 0.3f}, 2, 3)),
        Attributes.integer("transB", 1));
    return g.build(logits);
  }

  private static float[] relevanceOf(OnnxGraph graph, Tensor x, Composite composite) {
    GradientRequest request = GradientRequest.relevance("score", List.of("x"), Seed.topK(1), composite);
    OnnxGraph compiled = Autodiff.compile(graph, GradientCheck.shapes(graph, "x", x), request);
    try (GraphSession session = ENGINE.open(compiled.toBytes(), "bn")) {
      return session.run(Map.of("x", x), List.of(Autodiff.gradientOf("x"))).get(Autodiff.gradientOf("x")).toArray();
    }
  }

  @Test
  void refusesWhatItHasNoRuleFor() {
    TinyGraph g = TinyGraph.input(13, 1, 4);
    String y = g.op("Exp", List.of(g.op("MatMul", List.of(g.x(), g.random(1, 4, 3)))));
    OnnxGraph graph = g.build(y);
    Composite composite = Composite.of(Composite.Kind.EPSILON, Composite.EPSILON, Composite.GAMMA, BOX);
    GradientRequest request = GradientRequest.relevance("score", List.of("x"), Seed.given(), composite);
    LumenException e = assertThrows(LumenException.class, () -> Autodiff.compile(graph,
        GradientCheck.shapes(graph, "x", Tensor.of(new float[4], 1, 4)), request));
    assertTrue(e.getMessage().contains("Exp") && e.getMessage().contains("no rule"), e.getMessage());
  }
}
