package dev.lumen.core.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.autodiff.Autodiff;
import dev.lumen.core.autodiff.GraphEmitter;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.runtime.Engine;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.runtime.GraphSession;
import dev.lumen.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gradient methods against their definitions. */
class GradientMethodsTest {

  /**
   * With global average pooling + linear, dS_c/dA_k = w_ck / (h w) everywhere, so Grad-CAM is
   * ReLU(CAM) / (h w), and HiResCAM equals Grad-CAM.
   */
  @Test
  void gradCamOfALinearHeadIsCamOverTheMapSize() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Image image = TestImages.noise(224, 224);
      List<String> labels = List.of("3", "500");
      List<Explanation> cam = Cam.of(model).explain(image, Targets.labels(labels));
      List<Explanation> grad = GradientCam.of(model, CamFormula.GRADCAM).explain(image, Targets.labels(labels));
      List<Explanation> hires = GradientCam.of(model, CamFormula.HIRESCAM).explain(image, Targets.labels(labels));
      for (int t = 0; t < labels.size(); t++) {
        float[] expected = cam.get(t).raw().toArray();
        for (int i = 0; i < expected.length; i++) {
          expected[i] = Math.max(expected[i], 0) / 49f;
        }
        Tensor want = Tensor.of(expected, cam.get(t).raw().shape());
        TestModels.assertClose(want, grad.get(t).raw(), 1e-5, "Grad-CAM of label " + labels.get(t));
        TestModels.assertClose(want, hires.get(t).raw(), 1e-5, "HiResCAM of label " + labels.get(t));
      }
    }
  }

  /**
   * FullGrad by hand on a model with one biased convolution (3 → 8 channels, 32 × 32 out):
   * per-channel min–max of |x ⊙ dS/dx| and of |dS/dz ⊙ b|, summed over channels and terms.
   */
  @Test
  void fullGradIsTheInputTermPlusTheBiasTerms() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      Image image = TestImages.noise(32, 32);
      Tensor input = model.preprocessor().toInput(List.of(image));
      dev.lumen.core.onnx.Node conv = model.graph().nodes().stream().filter(n -> n.opType().equals("Conv"))
          .findFirst().orElseThrow();
      float[] bias = model.graph().constantTensor(conv.inputs().get(2)).orElseThrow().toArray();
      String x = model.input().name();
      dev.lumen.core.autodiff.GradientRequest request = new dev.lumen.core.autodiff.GradientRequest(
          model.logitsName(), List.of(x, conv.output()), dev.lumen.core.autodiff.Seed.given(),
          dev.lumen.core.autodiff.Propagation.GRADIENT);
      Map<String, Tensor> out = model.runGradients(input, request, Tensor.of(new float[] {0, 1, 0}, 1, 1, 3));
      float[] gx = out.get(Autodiff.gradientOf(x)).toArray();
      float[] gz = out.get(Autodiff.gradientOf(conv.output())).toArray();
      float[] xs = input.toArray();
      int plane = 32 * 32;
      float[] expected = new float[plane];
      addChannels(expected, 3, plane, (c, p) -> Math.abs(xs[c * plane + p] * gx[c * plane + p]));
      addChannels(expected, 8, plane, (c, p) -> Math.abs(gz[c * plane + p] * bias[c]));
      Tensor ours = FullGrad.of(model).explain(image, Targets.labels(List.of("1"))).get(0).raw();
      TestModels.assertClose(Tensor.of(expected, 1, 32, 32), ours, 1e-4, "FullGrad");
    }
  }

  /** A value per (channel, position). */
  private interface ChannelValue {
    float at(int channel, int position);
  }

  /** Adds to {@code sum} every channel of {@code value}, min–max normalised. */
  private static void addChannels(float[] sum, int channels, int plane, ChannelValue value) {
    for (int c = 0; c < channels; c++) {
      float[] channel = new float[plane];
      for (int p = 0; p < plane; p++) {
        channel[p] = value.at(c, p);
      }
      float[] normalised = dev.lumen.core.postprocess.Maps.minMax(channel);
      for (int p = 0; p < plane; p++) {
        sum[p] += normalised[p];
      }
    }
  }

  /** Several layers: each layer's map min–max normalised, resized to the input, averaged. */
  @Test
  void severalLayersAreAveragedAtTheInputsSize() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Image image = TestImages.noise(224, 224);
      Targets target = Targets.labels(List.of("7"));
      String deep = GradientCam.of(model, CamFormula.GRADCAM).layer();
      String shallow = model.layers().stream().filter(l -> l.isSpatial() && l.shape()[2] == 14)
          .reduce((a, b) -> b).orElseThrow().tensor();
      float[] expected = new float[224 * 224];
      for (String layer : List.of(deep, shallow)) {
        Tensor raw = GradientCam.at(model, CamFormula.GRADCAM, List.of(layer)).explain(image, target).get(0).raw();
        float[] up = dev.lumen.core.preprocess.Bilinear.resize(
            dev.lumen.core.postprocess.Maps.minMax(raw.unsafeData()), raw.dim(2), raw.dim(1), 224, 224);
        for (int i = 0; i < up.length; i++) {
          expected[i] += up[i] / 2;
        }
      }
      GradientCam both = GradientCam.at(model, CamFormula.GRADCAM, List.of(deep, shallow));
      assertEquals(deep + "+" + shallow, both.layer());
      TestModels.assertClose(Tensor.of(expected, 1, 224, 224), both.explain(image, target).get(0).raw(), 1e-4,
          "two layers");
    }
  }

  /** The exported model, run by plain ONNX Runtime, gives the maps Lumen gives. */
  @Test
  void exportedModelGivesLumensMaps() throws Exception {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Targets targets = Targets.labels(List.of("3", "500"));
      Tensor input = TestModels.array("resnet18", "input");
      for (CamFormula formula : CamFormula.values()) {
        GradientCam cam = GradientCam.of(model, formula);
        byte[] exported = cam.export(targets).toBytes();
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (ai.onnxruntime.OrtSession session = env.createSession(exported);
             ai.onnxruntime.OnnxTensor x = ai.onnxruntime.OnnxTensor.createTensor(env,
                 java.nio.FloatBuffer.wrap(input.toArray()), input.shape());
             ai.onnxruntime.OrtSession.Result result = session.run(Map.of(model.input().name(), x))) {
          float[][][][] maps = (float[][][][]) result.get(CamGraph.MAP).orElseThrow().getValue();
          float[][][][] heat = (float[][][][]) result.get(CamGraph.HEATMAP).orElseThrow().getValue();
          GradientExplainer.Pass pass = cam.pass(input, targets, 1);
          for (int k = 0; k < 2; k++) {
            Tensor lumen = cam.perTargetOutputs(input, pass, dev.lumen.core.explain.Progress.none()).get(CamGraph.MAP).slice(k);
            Tensor plain = Tensor.of(flatten(maps[k]), 1, 7, 7);
            TestModels.assertClose(lumen, plain, 1e-5, formula + " map of target " + k);
            Tensor expected = dev.lumen.core.postprocess.Maps.toImageSpace(lumen,
                new dev.lumen.core.preprocess.Geometry(224, 224, 224, 224, 0, 0, 224, 224));
            TestModels.assertClose(expected, Tensor.of(flatten(heat[k]), 1, 224, 224), 1e-4,
                formula + " heat map of target " + k);
          }
        }
      }
    }
  }

  private static float[] flatten(float[][][] a) {
    int h = a[0].length;
    int w = a[0][0].length;
    float[] out = new float[a.length * h * w];
    for (int n = 0; n < a.length; n++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(a[n][y], 0, out, (n * h + y) * w, w);
      }
    }
    return out;
  }

  /** Two channels, two positions: each formula's graph against the formula by hand. */
  @Test
  void camFormulasFollowTheirDefinitions() {
    float[] a = {1, 3, 2, 0};          // A[channel][position]
    float[] g = {0.5f, -1, 2, 1};      // G[channel][position]
    // Grad-CAM: w = (-0.25, 1.5) -> (-0.25 + 3, -0.75 + 0)
    assertArrayClose(new float[] {2.75f, 0}, formula(CamFormula.GRADCAM, a, g));
    // XGrad-CAM: w0 = (0.5 - 3) / 4, w1 = 4 / 2
    assertArrayClose(new float[] {-0.625f + 4, 0}, formula(CamFormula.XGRADCAM, a, g));
    assertArrayClose(new float[] {0.5f + 4, 0}, formula(CamFormula.HIRESCAM, a, g));
    assertArrayClose(new float[] {0.5f + 4, 0}, formula(CamFormula.GRADCAM_ELEMENTWISE, a, g));
    assertArrayClose(new float[] {0.5f + 4, 0}, formula(CamFormula.LAYERCAM, a, g));
    // Grad-CAM++: channel 0: sumA = 4, alpha(0.5) = 0.25 / (0.5 + 4 * 0.125) = 0.25, G = -1 passes no ReLU(G);
    // channel 1: sumA = 2, alpha(2) = 4 / (8 + 16) = 1/6, alpha(1) = 1 / (2 + 2) = 1/4 -> w1 = 1/3 + 1/4
    float w0 = 0.25f * 0.5f;
    float w1 = 1f / 3 + 0.25f;
    assertArrayClose(new float[] {w0 * 1 + w1 * 2, w0 * 3}, formula(CamFormula.GRADCAM_PLUS_PLUS, a, g));
  }

  /** Runs {@code formula}'s nodes on A ({@code [1, 2, 1, 2]}) and G ({@code [1, 1, 2, 1, 2]}); returns ReLU of the map. */
  private static float[] formula(CamFormula formula, float[] a, float[] g) {
    GraphEmitter e = new GraphEmitter(13, "f_");
    e.opNamed("map", "Relu", List.of(formula.emit(e, "a", "g", new CamAxes(Layout.NCHW, 2, 2))));
    GraphProto graph = GraphProto.newBuilder().setName("formula")
        .addInput(ValueInfoProto.newBuilder().setName("a").setType(floatType()))
        .addInput(ValueInfoProto.newBuilder().setName("g").setType(floatType()))
        .addOutput(ValueInfoProto.newBuilder().setName("map"))
        .addAllNode(e.nodes()).addAllInitializer(e.constants()).build();
    ModelProto model = ModelProto.newBuilder().setIrVersion(7)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
    try (GraphSession session = new Engine(EngineOptions.defaults()).open(model.toByteArray(), "formula")) {
      return session.run(Map.of("a", Tensor.of(a, 1, 2, 1, 2), "g", Tensor.of(g, 1, 1, 2, 1, 2)), List.of("map"))
          .get("map").toArray();
    }
  }

  private static TypeProto floatType() {
    return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
        .setElemType(TensorProto.DataType.FLOAT_VALUE)).build();
  }

  /** Completeness: integrated gradients add up to S(x) - S(baseline), whatever points share a run. */
  @Test
  void integratedGradientsAddUpToTheScoreDifference() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      List<Image> images = List.of(TestImages.noise(32, 32), TestImages.grey(32, 32, 4));
      Tensor input = model.preprocessor().toInput(images);
      Image black = new Image("black", Tensor.zeros(3, 32, 32), 255f);
      Tensor blackInput = model.preprocessor().toInput(List.of(black, black));
      for (Baseline baseline : Baseline.values()) {
        for (IntegratedGradients.Rule rule : IntegratedGradients.Rule.values()) {
          List<List<Explanation>> onePerRun = null;
          for (int perRun : new int[] {1, 5}) {
            IntegratedGradients ig = IntegratedGradients.of(model, new IntegratedGradients.Settings(64, rule, baseline, perRun));
            List<List<Explanation>> es = ig.explain(images, Targets.top1());
            if (onePerRun == null) {
              onePerRun = es;
            }
            Tensor from = switch (baseline) {
              case ZERO -> Tensor.zeros(input.shape());
              case BLACK -> blackInput;
              case BLUR -> baseline.of(model, input);
            };
            Tensor here = model.run(input, List.of()).get(model.scoresName());
            Tensor there = model.run(from, List.of()).get(model.scoresName());
            for (int i = 0; i < images.size(); i++) {
              Explanation e = es.get(i).get(0);
              double total = 0;
              for (float v : e.raw().unsafeData()) {
                total += v;
              }
              int c = e.target().index();
              double difference = here.get(i * 3 + c) - there.get(i * 3 + c);
              // 64 points integrate the piecewise-linear path (ReLU, max pooling) to a few per cent
              String what = baseline + " " + rule + " " + perRun + " points per run, image " + i;
              assertEquals(difference, total, 5e-2 * Math.max(0.1, Math.abs(difference)), what);
              TestModels.assertClose(onePerRun.get(i).get(0).raw(), e.raw(), 1e-5, what + " against one point per run");
            }
          }
        }
      }
    }
  }

  /** Saliency is the largest absolute input gradient over channels: PyTorch's, for ResNet-18's top class. */
  @Test
  void saliencyIsTheLargestGradientMagnitude() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Tensor grad = TestModels.array("resnet18", "grad_input");  // [1, 3, 224, 224]
      InputGradients saliency = InputGradients.of(model, InputGradients.Kind.SALIENCY);
      GradientExplainer.Pass pass = saliency.pass(TestModels.array("resnet18", "input"), Targets.top1(), 1);
      Tensor ours = saliency.attribution(TestModels.array("resnet18", "input"), pass, dev.lumen.core.explain.Progress.none());
      float[] expected = new float[224 * 224];
      for (int c = 0; c < 3; c++) {
        for (int p = 0; p < expected.length; p++) {
          expected[p] = Math.max(expected[p], Math.abs(grad.get(c * expected.length + p)));
        }
      }
      Tensor raw = saliency.rawMap(Map.of(Autodiff.gradientOf(model.input().name()), ours.slice(0)));
      TestModels.assertClose(Tensor.of(expected, 1, 224, 224), raw, 1e-3, "saliency");
    }
  }

  @Test
  void smoothGradWithoutNoiseIsTheMethodItself() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      Image image = TestImages.noise(32, 32);
      InputGradients inner = InputGradients.of(model, InputGradients.Kind.INPUT_X_GRADIENT);
      SmoothGrad.Settings quiet = new SmoothGrad.Settings(3, 0, 1);
      Explanation plain = inner.explain(image);
      TestModels.assertClose(plain.raw(), SmoothGrad.around(inner, SmoothGrad.Variant.MEAN, quiet).explain(image).raw(),
          1e-6, "SmoothGrad at zero noise");
      for (float v : SmoothGrad.around(inner, SmoothGrad.Variant.VARIANCE, quiet).explain(image).raw().unsafeData()) {
        assertEquals(0, v, 1e-9, "VarGrad at zero noise");
      }
    }
  }

  @Test
  void everyMethodRunsPerSliceOnAVolumeModel() {
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      List<Image> slices = new ArrayList<>();
      for (int s = 0; s < 3; s++) {
        slices.add(TestImages.grey(256, 256, s));
      }
      Volume exam = new Volume("exam.npy", slices);
      List<dev.lumen.core.explain.Explainer> methods = new ArrayList<>();
      for (CamFormula f : CamFormula.values()) {
        methods.add(GradientCam.of(model, f));
      }
      for (InputGradients.Kind k : InputGradients.Kind.values()) {
        methods.add(InputGradients.of(model, k));
      }
      methods.add(IntegratedGradients.of(model, new IntegratedGradients.Settings(4, IntegratedGradients.Rule.GAUSS_LEGENDRE)));
      methods.add(EigenGradCam.of(model));
      methods.add(GuidedGradCam.of(model));
      methods.add(FullGrad.of(model));
      methods.add(dev.lumen.core.explain.cam.EigenCam.of(model));
      for (dev.lumen.core.explain.Explainer method : methods) {
        List<Explanation> es = method.explain(exam, Targets.all());
        assertEquals(2, es.size(), method.method());
        assertEquals(3, es.get(0).slices(), method.method());
      }
    }
  }

  /** On the demo chest model every class-specific gradient CAM peaks on the nodule. */
  @Test
  void gradientCamsFindTheDemoNodule() {
    Path demo = Path.of(System.getProperty("lumen.repoRoot", "..")).resolve("lumen-app/src/main/resources/dev/lumen/app/demo");
    Image study = Images.read(demo.resolve("study-1-nodule.png"));
    try (Model model = Model.load(demo.resolve("chest-demo.onnx"))) {
      List<dev.lumen.core.explain.Explainer> methods = new ArrayList<>();
      for (CamFormula f : CamFormula.values()) {
        methods.add(GradientCam.of(model, f));
      }
      methods.add(EigenGradCam.of(model));
      methods.add(GuidedGradCam.of(model));
      for (dev.lumen.core.explain.Explainer f : methods) {
        Tensor map = f.explain(study, Targets.labels(List.of("nodule"))).get(0).heatmap(0);
        int best = 0;
        for (int i = 0; i < map.size(); i++) {
          best = map.get(i) > map.get(best) ? i : best;
        }
        int y = best / map.dim(1);
        int x = best % map.dim(1);
        assertTrue(Math.abs(x - 197) < 25 && Math.abs(y - 92) < 25, f.method() + " peaks at " + x + "," + y);
      }
    }
  }

  private static void assertArrayClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, "element " + i);
    }
  }
}
