package dev.lumen.core.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.cam.AblationCam;
import dev.lumen.core.explain.cam.Crm;
import dev.lumen.core.explain.cam.EigenCam;
import dev.lumen.core.explain.cam.ScoreCam;
import dev.lumen.core.explain.gradient.EigenGradCam;
import dev.lumen.core.explain.gradient.GuidedGradCam;
import dev.lumen.core.image.Image;
import dev.lumen.core.model.Layer;
import dev.lumen.core.model.Model;
import dev.lumen.core.postprocess.PrincipalComponent;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Every method that explains a feature map takes any feature map, as pytorch-grad-cam's target layers. */
class AnyLayerTest {

  /** The dense-head model's 32 x 32 map before its pooling: another layer than the default 16 x 16 one. */
  private static String beforePooling(Model model) {
    String layer = model.layers().stream().filter(Layer::isSpatial).filter(l -> l.shape()[2] == 32)
        .reduce((a, b) -> b).orElseThrow().tensor();
    assertTrue(!layer.equals(LayerChoice.of(model).layer()), "not the default layer");
    return layer;
  }

  @Test
  void eachLayerMethodExplainsTheLayerItIsGiven() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      String layer = beforePooling(model);
      Image image = TestImages.noise(96, 80);
      List<BiFunction<Model, String, Explainer>> methods = List.of(EigenCam::at, ScoreCam::at, AblationCam::at,
          (m, l) -> Crm.at(m, l, false), EigenGradCam::at, GuidedGradCam::at);
      for (BiFunction<Model, String, Explainer> create : methods) {
        try (Explainer explainer = create.apply(model, layer)) {
          assertEquals(layer, explainer.layer(), explainer.method());
          Explanation e = explainer.explain(image);
          if (!explainer.method().equals("guidedgradcam")) {
            assertArrayEquals(new long[] {1, 32, 32}, e.raw().shape(), explainer.method() + " at " + layer);
          }
          assertArrayEquals(new long[] {1, 80, 96}, e.heatmap().shape(), explainer.method());
        }
      }
    }
  }

  @Test
  void eigenCamAtALayerIsTheFirstPrincipalComponentOfThatLayer() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      String layer = beforePooling(model);
      Image image = TestImages.noise(64, 64);
      Tensor features = model.run(model.preprocessor().toInput(List.of(image)), List.of(layer)).get(layer);
      float[] expected = PrincipalComponent.projection(FeatureSlices.of(features, Layout.NCHW).slice(0));
      for (int i = 0; i < expected.length; i++) {
        expected[i] = Math.max(expected[i], 0);
      }
      try (Explainer eigen = EigenCam.at(model, layer)) {
        assertArrayEquals(expected, eigen.explain(image).raw().toArray(), 1e-5f);
      }
    }
  }

  @Test
  void theDefaultLayerGivesTheDefaultMapAndAnUnknownLayerIsNamed() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      Image image = TestImages.noise(64, 64);
      String layer = LayerChoice.of(model).layer();
      try (Explainer at = ScoreCam.at(model, layer); Explainer of = ScoreCam.of(model)) {
        assertEquals(layer, at.layer());
        assertArrayEquals(of.explain(image).raw().toArray(), at.explain(image).raw().toArray(), 0f);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EigenCam.at(model, "layer9"));
      assertTrue(e.getMessage().startsWith("layer 'layer9' is not a spatial feature map of dense_head.onnx; they are: ["),
          e.getMessage());
    }
  }
}
